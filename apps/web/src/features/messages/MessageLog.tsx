import { useLayoutEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { loadOlder } from '../../realtime/room.loader';
import { selectPending, selectTimeline } from '../../store/messages.selectors';
import { selectUser } from '../../store/session.selectors';
import { useAppStore } from '../../store/use-app-store';
import { PendingMessage, StoredMessage } from './MessageItem';

/** Within this many pixels of the bottom counts as "at" it. */
const EDGE_PX = 80;
/** Messages by one author this close together are shown as one block. */
const GROUP_GAP_MS = 5 * 60_000;

/**
 * The open room's messages (role=log), oldest at the top. Stays pinned to the bottom
 * while the reader is there and keeps its place when older pages are prepended. Older
 * pages load from an explicit button only: loading on scroll made a page arrive while
 * someone (or a test) was reaching for the button, moving it under the pointer.
 */
export function MessageLog({ roomId }: { roomId: string }) {
  const timeline = useAppStore(selectTimeline(roomId));
  const pending = useAppStore(useShallow(selectPending(roomId)));
  const me = useAppStore(selectUser);
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const previous = useRef({ firstId: '', height: 0 });

  const firstId = timeline.messages[0]?.id ?? '';
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const before = previous.current;
    const prepended = before.firstId !== '' && firstId !== before.firstId && !pinned.current;
    if (prepended) el.scrollTop += el.scrollHeight - before.height;
    else if (pinned.current) el.scrollTop = el.scrollHeight;
    previous.current = { firstId, height: el.scrollHeight };
  }, [firstId, timeline.messages.length, pending.length, timeline.loaded]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE_PX;
    previous.current.height = el.scrollHeight;
  }

  const empty = timeline.loaded && timeline.messages.length === 0 && pending.length === 0;
  return (
    <div ref={scroller} className="message-log" role="log" aria-label="Messages" onScroll={onScroll}>
      {timeline.hasMore && (
        <div className="log-top">
          <button
            type="button"
            className="ghost"
            disabled={timeline.loadingOlder}
            aria-busy={timeline.loadingOlder}
            onClick={() => void loadOlder(roomId)}
          >
            Load older messages
          </button>
        </div>
      )}
      {!timeline.loaded && timeline.messages.length === 0 && <p className="log-note">Loading messages…</p>}
      {empty && <p className="log-note">No messages yet. Say hello!</p>}
      {timeline.messages.map((message, i) => {
        const prev = timeline.messages[i - 1];
        const continued =
          prev !== undefined &&
          prev.authorId === message.authorId &&
          message.createdAt - prev.createdAt < GROUP_GAP_MS;
        return (
          <StoredMessage
            key={message.id}
            message={message}
            mine={message.authorId === me?.id}
            continued={continued}
          />
        );
      })}
      {pending.map((entry) => (
        <PendingMessage key={entry.clientMessageId} entry={entry} authorName={me?.username ?? ''} />
      ))}
    </div>
  );
}
