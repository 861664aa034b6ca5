import type { RoomSummary } from '@parley/shared-types';
import { useEffect, useState } from 'react';
import { browseRooms, joinRoom } from '../../realtime/rooms.actions';
import { Dialog } from '../../ui/Dialog';

type Listing = { state: 'loading' } | { state: 'ready'; rooms: RoomSummary[] };

/** Public rooms I am not in (R2), each with a Join button. */
export function BrowseRoomsDialog({ onClose }: { onClose(): void }) {
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [error, setError] = useState<string | null>(null);
  const [joining, setJoining] = useState<string | null>(null);

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

  return (
    <Dialog title="Browse rooms" onClose={onClose}>
      {listing.state === 'loading' && <p className="muted">Loading rooms…</p>}
      {listing.state === 'ready' && listing.rooms.length === 0 && !error && (
        <p className="muted">No public rooms to join right now.</p>
      )}
      {listing.state === 'ready' && listing.rooms.length > 0 && (
        <ul className="browse-list">
          {listing.rooms.map((room) => (
            <li key={room.id}>
              <span className="browse-name">{room.name}</span>
              <button type="button" disabled={joining !== null} onClick={() => void join(room)}>
                {`Join ${room.name}`}
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
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
