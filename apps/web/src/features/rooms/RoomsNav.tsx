import { useId, useState } from 'react';
import { createPortal } from 'react-dom';
import { useShallow } from 'zustand/react/shallow';
import { appStore } from '../../store/app.store';
import { selectChannels, selectDirectMessages } from '../../store/rooms.selectors';
import { selectPendingInvitationCount } from '../../store/ui.selectors';
import { useAppStore } from '../../store/use-app-store';
import { returnFocusToDrawerButton } from '../../ui/Drawer';
import { NewMessageDialog } from '../people/NewMessageDialog';
import { BrowseRoomsDialog } from './BrowseRoomsDialog';
import { NewRoomDialog } from './NewRoomDialog';
import { RoomLink } from './RoomLink';

type OpenDialog = 'none' | 'new' | 'browse' | 'message';

/**
 * My rooms and DMs as links, plus the two ways to get more rooms. On narrow screens this
 * sits in the Rooms drawer: opening a dialog closes the drawer, so the dialogs live on
 * the page's body (a portal), not inside the drawer that is now hidden.
 */
export function RoomsNav() {
  const channels = useAppStore(useShallow(selectChannels));
  const directMessages = useAppStore(useShallow(selectDirectMessages));
  const [dialog, setDialog] = useState<OpenDialog>('none');
  const roomsLabel = useId();
  const dmsLabel = useId();
  const invitations = useAppStore(selectPendingInvitationCount);
  const invitationsNote = useId();
  const open = (which: OpenDialog) => {
    appStore.getState().drawerClosed();
    setDialog(which);
  };
  const close = () => {
    setDialog('none');
    returnFocusToDrawerButton('rooms');
  };

  return (
    <nav aria-label="Rooms" className="rooms-nav">
      <div className="rooms-actions">
        <button type="button" onClick={() => open('new')}>
          New room
        </button>
        {/* The count is a description, not part of the name: the button stays "Browse rooms". */}
        <button
          type="button"
          aria-describedby={invitations > 0 ? invitationsNote : undefined}
          onClick={() => open('browse')}
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
        {directMessages.length === 0 && <li className="nav-empty">Start one with New message.</li>}
      </ul>
      <div className="rooms-actions single">
        <button type="button" onClick={() => open('message')}>
          New message
        </button>
      </div>
      {dialog === 'new' && createPortal(<NewRoomDialog onClose={close} />, document.body)}
      {dialog === 'browse' && createPortal(<BrowseRoomsDialog onClose={close} />, document.body)}
      {dialog === 'message' && createPortal(<NewMessageDialog onClose={close} />, document.body)}
    </nav>
  );
}
