import { charCount, ERROR_MESSAGES, ROOM_NAME_MAX, ROOM_NAME_MIN } from '@parley/shared-types';
import { useId, useState, type FormEvent } from 'react';
import { createRoom } from '../../realtime/rooms.actions';
import { Dialog } from '../../ui/Dialog';

/** Room names as R1 counts them: trimmed, in code points. */
function roomNameError(name: string): string | null {
  const length = charCount(name.trim());
  return length < ROOM_NAME_MIN || length > ROOM_NAME_MAX ? ERROR_MESSAGES.invalid_room_name : null;
}

export function NewRoomDialog({ onClose }: { onClose(): void }) {
  const [name, setName] = useState('');
  const [isPrivate, setIsPrivate] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameId = useId();
  const privateId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const early = roomNameError(name);
    if (early) {
      setError(early);
      return;
    }
    setBusy(true);
    setError(null);
    const result = await createRoom(name, isPrivate);
    if (result.ok) {
      onClose();
      return;
    }
    setError(result.message);
    setBusy(false);
  }

  return (
    <Dialog title="New room" onClose={onClose}>
      <form className="dialog-form" onSubmit={submit} noValidate>
        <label htmlFor={nameId}>Room name</label>
        <input
          id={nameId}
          type="text"
          autoComplete="off"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <div className="checkbox-row">
          <input
            id={privateId}
            type="checkbox"
            checked={isPrivate}
            onChange={(e) => setIsPrivate(e.target.checked)}
          />
          <label htmlFor={privateId}>Private</label>
        </div>
        <p className="field-hint">Private rooms are not listed in Browse rooms.</p>
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}
