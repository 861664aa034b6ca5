import { charCount, ERROR_MESSAGES, ROOM_NAME_MAX, ROOM_NAME_MIN } from '@parley/shared-types';
import { useId, useState } from 'react';
import { createRoom } from '../../realtime/rooms.actions';
import { DialogForm, TextField } from '../../ui/DialogForm';

/** Room names as R1 counts them: trimmed, in code points. */
function roomNameError(name: string): string | null {
  const length = charCount(name.trim());
  return length < ROOM_NAME_MIN || length > ROOM_NAME_MAX ? ERROR_MESSAGES.invalid_room_name : null;
}

export function NewRoomDialog({ onClose }: { onClose(): void }) {
  const [name, setName] = useState('');
  const [isPrivate, setIsPrivate] = useState(false);
  const privateId = useId();

  return (
    <DialogForm
      title="New room"
      submitLabel="Create"
      onClose={onClose}
      check={() => roomNameError(name)}
      action={() => createRoom(name, isPrivate)}
    >
      <TextField label="Room name" value={name} onChange={setName} />
      <div className="checkbox-row">
        <input id={privateId} type="checkbox" checked={isPrivate} onChange={(e) => setIsPrivate(e.target.checked)} />
        <label htmlFor={privateId}>Private</label>
      </div>
      <p className="field-hint">Private rooms are not listed in Browse rooms.</p>
    </DialogForm>
  );
}
