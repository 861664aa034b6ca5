import type { RoomSummary } from '@parley/shared-types';
import { useId, useState, type FormEvent } from 'react';
import { inviteToRoom } from '../../realtime/rooms.actions';
import { Dialog } from '../../ui/Dialog';

/** I1: Invite → Username → Send invitation. Refusals show in the dialog; success closes it. */
export function InviteDialog({ room, onClose }: { room: RoomSummary; onClose(): void }) {
  const [username, setUsername] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usernameId = useId();
  const hintId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = await inviteToRoom(room.id, username);
    if (result.ok) {
      onClose();
      return;
    }
    setError(result.message);
    setBusy(false);
  }

  return (
    <Dialog title={`Invite to ${room.name}`} onClose={onClose}>
      <form className="dialog-form" onSubmit={submit} noValidate>
        <label htmlFor={usernameId}>Username</label>
        <input
          id={usernameId}
          type="text"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          aria-describedby={hintId}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <p id={hintId} className="field-hint">
          {room.kind === 'private'
            ? 'They can join once invited; nobody else can.'
            : 'They get a notice with a button to join.'}
        </p>
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
            Send invitation
          </button>
        </div>
      </form>
    </Dialog>
  );
}
