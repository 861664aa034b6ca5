import type { RoomSummary } from '@parley/shared-types';
import { useId, useState } from 'react';
import { inviteToRoom } from '../../realtime/rooms.actions';
import { DialogForm, TextField } from '../../ui/DialogForm';

/** I1: Invite → Username → Send invitation. Refusals show in the dialog; success closes it. */
export function InviteDialog({ room, onClose }: { room: RoomSummary; onClose(): void }) {
  const [username, setUsername] = useState('');
  const hintId = useId();

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
    </DialogForm>
  );
}
