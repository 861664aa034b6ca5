import { selectActiveRoomId } from '../../store/rooms.selectors';
import { selectTypingText } from '../../store/typing.selectors';
import { useAppStore } from '../../store/use-app-store';

/**
 * Who is typing in the open room. Always mounted (empty when nobody types) so screen
 * readers announce changes; a role=status of its own, apart from the connection banner.
 */
export function TypingStatus() {
  const roomId = useAppStore(selectActiveRoomId);
  const text = useAppStore(selectTypingText(roomId));
  return (
    <div role="status" className="typing-status">
      {text}
    </div>
  );
}
