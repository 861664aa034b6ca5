import { selectAnnouncements } from '../../store/announcer.selectors';
import { useAppStore } from '../../store/use-app-store';

/**
 * The one polite live region of the chat screen (see announcer.logic.ts): new messages
 * from others in the open room and the room just opened. Only additions are read; old
 * sentences leave quietly.
 */
export function Announcer() {
  const announcements = useAppStore(selectAnnouncements);
  return (
    <div className="visually-hidden" aria-live="polite" aria-relevant="additions" aria-atomic="false">
      {announcements.map((a) => (
        <p key={a.id}>{a.text}</p>
      ))}
    </div>
  );
}
