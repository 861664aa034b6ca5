import type { RoomSummary } from '@parley/shared-types';
import { useEffect, useId, useState } from 'react';
import { browseRooms, joinRoom } from '../../realtime/rooms.actions';
import { Dialog } from '../../ui/Dialog';
import { FormError } from '../../ui/FormError';

type Listing = { state: 'loading' } | { state: 'ready'; rooms: RoomSummary[] };

/**
 * Rooms I may join, each with a Join button: private rooms I was invited to (I1), marked
 * as invitations and listed first, then the public rooms I am not in (R2).
 */
export function BrowseRoomsDialog({ onClose }: { onClose(): void }) {
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [error, setError] = useState<string | null>(null);
  const [joining, setJoining] = useState<string | null>(null);
  const invitedHeading = useId();
  const publicHeading = useId();

  useEffect(() => {
    let live = true;
    void browseRooms().then((result) => {
      if (!live) return;
      if (result.ok) setListing({ state: 'ready', rooms: result.data });
      else {
        setListing({ state: 'ready', rooms: [] });
        setError(result.message);
      }
    });
    return () => {
      live = false;
    };
  }, []);

  async function join(room: RoomSummary) {
    if (joining) return;
    setJoining(room.id);
    setError(null);
    const result = await joinRoom(room.id);
    if (result.ok) {
      onClose();
      return;
    }
    setError(result.message);
    setJoining(null);
  }

  const rooms = listing.state === 'ready' ? listing.rooms : [];
  const invited = rooms.filter((room) => room.invited === true);
  const open = rooms.filter((room) => room.invited !== true);

  const item = (room: RoomSummary) => (
    <li key={room.id} className={room.invited ? 'invited' : undefined}>
      <span className="browse-name" title={room.name}>
        {room.name}
      </span>
      {room.invited && (
        <span className="room-badge">{room.kind === 'private' ? 'Invitation · private' : 'Invitation'}</span>
      )}
      <button
        type="button"
        className={room.invited ? 'primary' : undefined}
        disabled={joining !== null}
        onClick={() => void join(room)}
      >
        {`Join ${room.name}`}
      </button>
    </li>
  );

  return (
    <Dialog title="Browse rooms" onClose={onClose}>
      {listing.state === 'loading' && <p className="muted">Loading rooms…</p>}
      {invited.length > 0 && (
        <section aria-labelledby={invitedHeading} className="browse-section">
          <h3 id={invitedHeading} className="browse-heading">
            Invitations
          </h3>
          <ul className="browse-list">{invited.map(item)}</ul>
        </section>
      )}
      {listing.state === 'ready' && open.length === 0 && invited.length === 0 && !error && (
        <p className="muted">No public rooms to join right now.</p>
      )}
      {open.length > 0 &&
        (invited.length > 0 ? (
          <section aria-labelledby={publicHeading} className="browse-section">
            <h3 id={publicHeading} className="browse-heading">
              Public rooms
            </h3>
            <ul className="browse-list">{open.map(item)}</ul>
          </section>
        ) : (
          <ul className="browse-list">{open.map(item)}</ul>
        ))}
      <FormError message={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
