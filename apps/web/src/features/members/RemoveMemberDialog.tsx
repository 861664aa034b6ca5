import type { RoomSummary } from '@parley/shared-types';
import { removeMember } from '../../realtime/rooms.actions';
import type { MemberRef } from '../../store/rooms.slice';
import { ConfirmDialog } from '../../ui/ConfirmDialog';

/**
 * I3: the owner's Remove <name> asks first, saying what it does: the member loses the
 * room at once, a private room takes a new invitation to come back, and the invitations
 * they sent to it are withdrawn (I4).
 */
export function RemoveMemberDialog({
  room,
  member,
  onClose,
  focusAfter,
}: {
  room: RoomSummary;
  member: MemberRef;
  onClose(): void;
  /** Where focus goes once they are removed (their row, and its button, are gone). */
  focusAfter(): HTMLElement | null;
}) {
  const label = `Remove ${member.username}`;
  return (
    <ConfirmDialog
      title={label}
      confirmLabel={label}
      onClose={onClose}
      focusAfter={focusAfter}
      onConfirm={() => removeMember(room.id, member.userId)}
    >
      <p>
        <bdi className="confirm-subject">{member.username}</bdi> will be removed from{' '}
        <bdi className="confirm-subject">{room.name}</bdi> at once and stop getting its messages.
      </p>
      <p>
        {room.kind === 'private'
          ? 'It is a private room: they can only come back if someone invites them again.'
          : 'It is a public room: they can join it again from Browse rooms.'}{' '}
        Any invitations they sent to it are withdrawn.
      </p>
    </ConfirmDialog>
  );
}
