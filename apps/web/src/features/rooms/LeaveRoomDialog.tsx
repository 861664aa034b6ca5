import type { RoomSummary } from '@parley/shared-types';
import { leaveRoom } from '../../realtime/rooms.actions';
import { selectUser } from '../../store/session.selectors';
import { useAppStore } from '../../store/use-app-store';
import { ConfirmDialog } from '../../ui/ConfirmDialog';

/**
 * R4: Leave room asks first, saying what leaving costs: a private room takes a new
 * invitation to come back (I3), and the invitations I sent to it are withdrawn (I4).
 */
export function LeaveRoomDialog({ room, onClose }: { room: RoomSummary; onClose(): void }) {
  const me = useAppStore(selectUser);
  const iOwnIt = me !== null && room.ownerId === me.id;
  if (room.kind === 'group') {
    // G4: nobody owns a group and it takes no invitations: only a member can bring me back.
    return (
      <ConfirmDialog
        title="Leave conversation"
        confirmLabel="Leave conversation"
        onClose={onClose}
        onConfirm={() => leaveRoom(room.id)}
      >
        <p>
          You will leave the conversation with <bdi className="confirm-subject">{room.name}</bdi> and stop getting its
          messages. You can only come back if one of them adds you again.
        </p>
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog title="Leave room" confirmLabel="Leave room" onClose={onClose} onConfirm={() => leaveRoom(room.id)}>
      <p>
        You will leave <bdi className="confirm-subject">{room.name}</bdi> and stop getting its messages.
      </p>
      <p>
        {room.kind === 'private'
          ? 'It is a private room: you can only come back if a member invites you again.'
          : 'You can join it again from Browse rooms.'}{' '}
        Any invitations you sent to it are withdrawn.
        {iOwnIt && ' You will no longer manage its members.'}
      </p>
    </ConfirmDialog>
  );
}
