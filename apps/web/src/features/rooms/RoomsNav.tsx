import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectChannels, selectDirectMessages } from '../../store/rooms.selectors';
import { selectPendingInvitationCount } from '../../store/ui.selectors';
import { useAppStore } from '../../store/use-app-store';
import { BrowseRoomsDialog } from './BrowseRoomsDialog';
import { NewRoomDialog } from './NewRoomDialog';
import { RoomLink } from './RoomLink';

type OpenDialog = 'none' | 'new' | 'browse';

/** My rooms and DMs as links, plus the two ways to get more rooms. */
export function RoomsNav() {
  const channels = useAppStore(useShallow(selectChannels));
  const directMessages = useAppStore(useShallow(selectDirectMessages));
  const [dialog, setDialog] = useState<OpenDialog>('none');
  const roomsLabel = useId();
  const dmsLabel = useId();
  const invitations = useAppStore(selectPendingInvitationCount);
  const invitationsNote = useId();
  const close = () => setDialog('none');

  return (
    <nav aria-label="Rooms" className="rooms-nav">
      <div className="rooms-actions">
        <button type="button" onClick={() => setDialog('new')}>
          New room
        </button>
        {/* The count is a description, not part of the name: the button stays "Browse rooms". */}
        <button
          type="button"
          aria-describedby={invitations > 0 ? invitationsNote : undefined}
          onClick={() => setDialog('browse')}
        >
          Browse rooms
          {invitations > 0 && (
            <span className="invitation-badge" aria-hidden="true">
              {invitations}
            </span>
          )}
        </button>
        {invitations > 0 && (
          <span id={invitationsNote} hidden>
            {invitations === 1 ? '1 pending invitation' : `${invitations} pending invitations`}
          </span>
        )}
      </div>
      <div className="nav-section-title" id={roomsLabel}>
        Rooms
      </div>
      <ul className="room-list" aria-labelledby={roomsLabel}>
        {channels.map((room) => (
          <RoomLink key={room.id} room={room} />
        ))}
      </ul>
      <div className="nav-section-title" id={dmsLabel}>
        Direct messages
      </div>
      <ul className="room-list" aria-labelledby={dmsLabel}>
        {directMessages.map((room) => (
          <RoomLink key={room.id} room={room} />
        ))}
        {directMessages.length === 0 && <li className="nav-empty">Message someone from the member list.</li>}
      </ul>
      {dialog === 'new' && <NewRoomDialog onClose={close} />}
      {dialog === 'browse' && <BrowseRoomsDialog onClose={close} />}
    </nav>
  );
}
