import { useEffect, type MouseEvent } from 'react';
import { Announcer } from '../features/a11y/Announcer';
import { AccountBar } from '../features/auth/AccountBar';
import { Composer } from '../features/composer/Composer';
import { COMPOSER_INPUT_ID, focusComposer } from '../features/composer/composer.focus';
import { TypingStatus } from '../features/composer/TypingStatus';
import { ConnectionBanner } from '../features/connection/ConnectionBanner';
import { MembersPanel } from '../features/members/MembersPanel';
import { MessageLog } from '../features/messages/MessageLog';
import { Notices } from '../features/notices/Notices';
import { RoomHeader } from '../features/rooms/RoomHeader';
import { useRoomsNews } from '../features/rooms/rooms.news';
import { RoomsNav } from '../features/rooms/RoomsNav';
import { SearchBox } from '../features/search/SearchBox';
import { startChat, stopChat } from '../realtime/chat.connection';
import { selectActiveRoom, selectRoomsLoaded, selectTotalUnread } from '../store/rooms.selectors';
import { useAppStore } from '../store/use-app-store';
import { Drawer, DrawerToggle, useModalDrawer } from '../ui/Drawer';
import { useIsDrawer } from '../ui/layout.media';
import { useRoomShortcuts } from './room.shortcuts';

/** The tab's title: `(N) Parley` while N messages are unread across my rooms. */
function useUnreadTitle() {
  const unread = useAppStore(selectTotalUnread);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
  }, [unread]);
  useEffect(
    () => () => {
      document.title = 'Parley';
    },
    [],
  );
}

/**
 * The signed-in screen: rooms | conversation | members. On narrow screens the rooms list
 * and the members are drawers over the conversation (src/ui/layout.media.ts); while one
 * is open, the rest of the screen is inert. Owns the chat connection.
 */
export function ChatScreen() {
  useEffect(() => {
    startChat();
    return () => stopChat();
  }, []);
  useUnreadTitle();
  useRoomShortcuts();
  const modalDrawer = useModalDrawer();

  return (
    <div className="chat-layout">
      <SkipToComposer />
      <Announcer />
      <Drawer name="rooms" label="Rooms" landmark="Rooms and account" className="sidebar">
        {/* The page's h1 is in the conversation, present at every width (this panel is a
            hidden drawer on phones); the brand here is only its picture. */}
        <div className="sidebar-brand" aria-hidden="true">
          <span className="brand">Parley</span>
        </div>
        <RoomsNav />
        <AccountBar />
      </Drawer>
      <main className="conversation" inert={modalDrawer !== null}>
        <h1 className="visually-hidden">Parley</h1>
        <ConnectionBanner />
        <Notices />
        <SearchBox />
        <Conversation />
        <TypingStatus />
        <ActiveComposer />
      </main>
      <Drawer name="members" label="Members" className="members-drawer">
        <MembersPanel />
      </Drawer>
    </div>
  );
}

/**
 * The first stop of the Tab order, shown only while focused: straight to writing. A link
 * by role, but the URL hash names the open room, so it moves focus instead of navigating.
 */
function SkipToComposer() {
  const room = useAppStore(selectActiveRoom);
  if (!room) return null;
  const skip = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    focusComposer();
  };
  return (
    <a href={`#${COMPOSER_INPUT_ID}`} className="skip-link" onClick={skip}>
      Skip to composer
    </a>
  );
}

function Conversation() {
  const room = useAppStore(selectActiveRoom);
  const roomsLoaded = useAppStore(selectRoomsLoaded);
  const roomsInDrawer = useIsDrawer('rooms');
  const roomsNews = useRoomsNews();
  if (!room) {
    return (
      <div className="empty-state">
        {!roomsLoaded ? (
          <p>Loading your rooms…</p>
        ) : roomsInDrawer ? (
          // No room header to hold the Rooms button: the way to the rooms is here.
          <div className="empty-state-rooms">
            <p>Pick a room, or create one.</p>
            <DrawerToggle name="rooms" label="Rooms" showLabel news={roomsNews} />
          </div>
        ) : (
          <p>Pick a room on the left, or create one.</p>
        )}
      </div>
    );
  }
  // Keyed by room so scroll position and errors never leak between rooms.
  return (
    <>
      <RoomHeader key={`h-${room.id}`} room={room} />
      <MessageLog key={`l-${room.id}`} roomId={room.id} />
    </>
  );
}

function ActiveComposer() {
  const room = useAppStore(selectActiveRoom);
  if (!room) return null;
  return <Composer key={room.id} roomId={room.id} roomName={room.name} />;
}
