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
import { RoomsNav } from '../features/rooms/RoomsNav';
import { startChat, stopChat } from '../realtime/chat.connection';
import { selectActiveRoom, selectRoomsLoaded, selectTotalUnread } from '../store/rooms.selectors';
import { useAppStore } from '../store/use-app-store';
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

/** The signed-in screen: rooms | conversation | members. Owns the chat connection. */
export function ChatScreen() {
  useEffect(() => {
    startChat();
    return () => stopChat();
  }, []);
  useUnreadTitle();
  useRoomShortcuts();

  return (
    <div className="chat-layout">
      <SkipToComposer />
      <Announcer />
      <aside className="sidebar" aria-label="Rooms and account">
        <div className="sidebar-brand">
          <h1 className="brand">Parley</h1>
        </div>
        <RoomsNav />
        <AccountBar />
      </aside>
      <main className="conversation">
        <ConnectionBanner />
        <Notices />
        <Conversation />
        <TypingStatus />
        <ActiveComposer />
      </main>
      <MembersPanel />
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
  if (!room) {
    return (
      <div className="empty-state">
        {roomsLoaded ? <p>Pick a room on the left, or create one.</p> : <p>Loading your rooms…</p>}
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
