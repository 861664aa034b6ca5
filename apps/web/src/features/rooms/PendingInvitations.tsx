import type { PendingInvitation, RoomSummary } from '@parley/shared-types';
import { useEffect, useId, useState } from 'react';
import { listInvitations, withdrawInvitation } from '../../realtime/rooms.actions';

type Listing =
  { state: 'loading' } | { state: 'ready'; invitations: PendingInvitation[] } | { state: 'failed'; message: string };

/**
 * I5: the owner's list of pending invitations to the room (the region "Invitations"),
 * each with who sent it and a "Withdraw invitation to <name>" button.
 */
export function PendingInvitations({ room }: { room: RoomSummary }) {
  const headingId = useId();
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    void listInvitations(room.id).then((result) => {
      if (!current) return;
      setListing(
        result.ok ? { state: 'ready', invitations: result.data } : { state: 'failed', message: result.message },
      );
    });
    return () => {
      current = false;
    };
  }, [room.id]);

  async function withdraw(invitation: PendingInvitation) {
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = await withdrawInvitation(room.id, invitation.user.id);
    if (!result.ok) setError(result.message);
    else {
      setListing((l) =>
        l.state === 'ready'
          ? { state: 'ready', invitations: l.invitations.filter((i) => i.user.id !== invitation.user.id) }
          : l,
      );
    }
    setBusy(false);
  }

  return (
    <section aria-labelledby={headingId} className="pending-invitations">
      <h3 id={headingId} className="browse-heading">
        Invitations
      </h3>
      {listing.state === 'loading' && <p className="muted">Loading…</p>}
      {listing.state === 'failed' && (
        <p role="alert" className="form-error">
          {listing.message}
        </p>
      )}
      {listing.state === 'ready' && listing.invitations.length === 0 && (
        <p className="muted">No pending invitations.</p>
      )}
      {listing.state === 'ready' && listing.invitations.length > 0 && (
        <ul className="browse-list invitation-list">
          {listing.invitations.map((invitation) => (
            <li key={invitation.user.id}>
              <span>
                <bdi>{invitation.user.username}</bdi>
                {invitation.invitedBy && (
                  <span className="muted">
                    {' '}
                    · invited by <bdi>{invitation.invitedBy.username}</bdi>
                  </span>
                )}
              </span>
              <button type="button" className="link-button" disabled={busy} onClick={() => void withdraw(invitation)}>
                Withdraw<span className="visually-hidden">{` invitation to ${invitation.user.username}`}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </section>
  );
}
