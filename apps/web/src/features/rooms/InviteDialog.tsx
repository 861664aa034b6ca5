import type { RoomSummary } from '@parley/shared-types';
import { useId, useState } from 'react';
import { inviteToRoom } from '../../realtime/rooms.actions';
import { selectUser } from '../../store/session.selectors';
import { useAppStore } from '../../store/use-app-store';
import { DialogForm, TextField } from '../../ui/DialogForm';
import { PendingInvitations } from './PendingInvitations';

/**
 * I1: Invite → Username → Send invitation. Refusals show in the dialog; success closes it.
 * The room's owner also sees the pending invitations there, and can withdraw them (I5).
 */
export function InviteDialog({ room, onClose }: { room: RoomSummary; onClose(): void }) {
  const [username, setUsername] = useState('');
  const hintId = useId();
  const me = useAppStore(selectUser);
  const iOwnIt = me !== null && room.ownerId === me.id;

  return (
    <DialogForm
      title={`Invite to ${room.name}`}
      submitLabel="Send invitation"
      onClose={onClose}
      action={() => inviteToRoom(room.id, username)}
    >
      <TextField
        label="Username"
        autoCapitalize="none"
        spellCheck={false}
        aria-describedby={hintId}
        value={username}
        onChange={setUsername}
      />
      <p id={hintId} className="field-hint">
        {room.kind === 'private'
          ? 'They can join once invited; nobody else can.'
          : 'They get a notice with a button to join.'}
      </p>
      {iOwnIt && <PendingInvitations room={room} />}
    </DialogForm>
  );
}
