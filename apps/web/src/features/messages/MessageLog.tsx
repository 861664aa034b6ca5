import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
} from 'react';
import { Virtuoso, type Components, type VirtuosoHandle } from 'react-virtuoso';
import { useShallow } from 'zustand/react/shallow';
import { messagesShown } from '../../realtime/read.tracker';
import { loadOlder } from '../../realtime/room.loader';
import { appStore } from '../../store/app.store';
import { selectPending, selectTimeline } from '../../store/messages.selectors';
import { selectActiveRoom, selectMembers } from '../../store/rooms.selectors';
import { selectUser } from '../../store/session.selectors';
import { useAppStore } from '../../store/use-app-store';
import { buildLogItems, dayLabel, firstItemIndex, INITIAL_ANCHOR, nextAnchor, type LogItem } from './log.model';
import { PendingMessage, StoredMessage, type MessageContext } from './MessageItem';
import { PlaceKeeper } from './place.keeper';

/** Within this many pixels of the bottom (or top) counts as "at" it. */
const EDGE_PX = 80;
/**
 * Rendered beyond the visible part, in pixels. Scrolling stays smooth, and a short room
 * is in the DOM whole; even with one-line rows this stays far below 150 rows.
 */
const VIEWPORT_EXTRA = { top: 1000, bottom: 400 };
/** Keys that scroll the focused log upwards. */
const SCROLL_KEYS = new Set(['ArrowUp', 'PageUp', 'Home']);
/** A first guess of a row's height, so the first render needs no probe pass. */
const ROW_HEIGHT_GUESS = 40;

type LogContext = {
  loadOlder(): void;
  hasMore: boolean;
  loadingOlder: boolean;
  note: string | null;
  message: MessageContext;
};

/** Older pages loaded at most on opening, to show the first unread message. */
const UNREAD_PAGES_MAX = 10;
/** How long a message brought into view stays highlighted. */
const HIGHLIGHT_MS = 2500;
/** A requested message is looked for during this many frames (about 4 s at 60 Hz)… */
const FOCUS_MAX_FRAMES = 240;
/** …and once shown and focused, watched this many frames more in case the list moves it away. */
const FOCUS_STEADY_FRAMES = 20;
/** …scrolling to it again every this many, as guessed row heights become measured ones. */
const FOCUS_RESCROLL_EVERY = 10;

/** Above the first message: "Load older messages" while older ones exist, or a note. */
function LogHeader({ context }: { context?: LogContext }) {
  return (
    <div className="log-top">
      {context?.hasMore && (
        <button
          type="button"
          className="ghost"
          disabled={context.loadingOlder}
          aria-busy={context.loadingOlder}
          onClick={context.loadOlder}
        >
          Load older messages
        </button>
      )}
      {context?.note && <p className="log-note">{context.note}</p>}
    </div>
  );
}

function LogFooter() {
  return <div className="log-bottom" />;
}

const COMPONENTS: Components<LogItem, LogContext> = { Header: LogHeader, Footer: LogFooter };

const itemKey = (_index: number, item: LogItem) => item.key;

function renderItem(_index: number, item: LogItem, context: LogContext) {
  if (item.kind === 'divider') {
    return (
      <div className="log-row" data-key={item.key}>
        <div role="separator" aria-label="New messages" className="new-messages">
          <span>New messages</span>
        </div>
      </div>
    );
  }
  const seq = item.kind === 'stored' ? item.message.seq : undefined;
  // The day's separator rides in its first message's row, so days add no rows (the
  // place-keeping counts rows: log.model.ts).
  const day = item.day === null ? null : dayLabel(item.day, Date.now());
  return (
    <div className="log-row" data-key={item.key} data-seq={seq}>
      {day !== null && (
        <div role="separator" aria-label={day} className="day-separator">
          <span>{day}</span>
        </div>
      )}
      {item.kind === 'stored' ? (
        <StoredMessage
          itemKey={item.key}
          message={item.message}
          mine={item.mine}
          continued={item.continued}
          busy={item.busy}
          context={context.message}
        />
      ) : (
        <PendingMessage itemKey={item.key} entry={item.entry} view={item.view} context={context.message} />
      )}
    </div>
  );
}

/** Whether `element` overlaps the visible part of `scroller`. */
function inView(element: HTMLElement, scroller: HTMLElement): boolean {
  const view = scroller.getBoundingClientRect();
  const rect = element.getBoundingClientRect();
  return rect.bottom > view.top + 1 && rect.top < view.bottom - 1;
}

/** The newest message seq of the rows visible in `scroller`. */
function newestVisibleSeq(scroller: HTMLElement): number | null {
  const view = scroller.getBoundingClientRect();
  let newest: number | null = null;
  for (const row of scroller.querySelectorAll<HTMLElement>('[data-seq]')) {
    const rect = row.getBoundingClientRect();
    if (rect.bottom <= view.top + 1 || rect.top >= view.bottom - 1) continue;
    const seq = Number(row.dataset.seq);
    if (newest === null || seq > newest) newest = seq;
  }
  return newest;
}

const followWhenAtBottom = (atBottom: boolean) => (atBottom ? 'auto' : false) as 'auto' | false;

/**
 * The open room's messages, oldest at the top, virtualized (react-virtuoso): only the
 * rows near the visible part are in the DOM, however long the history. The scrolling
 * element itself is the role=log named "Messages", focusable and scrolled by keyboard,
 * but not live (aria-live=off): pages of history coming in are not news. New messages
 * from others are announced by the Announcer's region instead, once each. It follows new messages while the reader is at the bottom (and
 * always after I write one), and keeps its place when older pages come in: by the
 * "Load older messages" button, or by scrolling to the top by hand.
 */
export function MessageLog({ roomId }: { roomId: string }) {
  const timeline = useAppStore(selectTimeline(roomId));
  const pending = useAppStore(useShallow(selectPending(roomId)));
  const me = useAppStore(selectUser);
  const room = useAppStore(selectActiveRoom);
  const members = useAppStore(selectMembers(roomId));
  const focusRequest = useAppStore((s) => (s.focusRequest?.roomId === roomId ? s.focusRequest : null));
  // U4: the "New messages" divider stays where my marker was when the room's messages
  // first showed (decided once, then kept while the room is open).
  const [unreadAfter, setUnreadAfter] = useState<number | null | undefined>(undefined);
  if (unreadAfter === undefined && timeline.loaded) {
    const read = appStore.getState().reads[roomId];
    setUnreadAfter(read && read.unreadCount + read.log.length > 0 ? read.lastReadSeq : null);
  }
  const [unreadPages, setUnreadPages] = useState(0);
  const virtuoso = useRef<VirtuosoHandle>(null);
  const scroller = useRef<HTMLElement | null>(null);
  const [keeper] = useState(() => new PlaceKeeper());
  useEffect(() => () => keeper.dispose(), [keeper]);
  /** Set by the reader's own input, so that only a reader reaching the top loads more. */
  const readerScrolled = useRef(false);

  // Adjusting state while rendering (React's pattern for "state from the previous render").
  const [anchor, setAnchor] = useState(INITIAL_ANCHOR);
  const currentAnchor = nextAnchor(anchor, timeline.messages);
  if (currentAnchor !== anchor) setAnchor(currentAnchor);

  const items = useMemo(
    () => buildLogItems(timeline.messages, pending, me, unreadAfter ?? null),
    [timeline.messages, pending, me, unreadAfter],
  );
  const dividerIndex = useMemo(() => items.findIndex((i) => i.kind === 'divider'), [items]);
  // The focus request below outlives renders: it reads the items of the latest one.
  const latestItems = useRef(items);
  useLayoutEffect(() => {
    latestItems.current = items;
  }, [items]);
  const messageContext = useMemo<MessageContext>(
    () => ({
      roomId,
      me,
      moderator: room !== null && room.kind !== 'dm' && me !== null && room.ownerId === me.id,
      names: new Map(members.map((m) => [m.userId, m.username.toLowerCase()])),
    }),
    [roomId, me, room, members],
  );
  // The first unread message is shown where it is: load back to it (a bounded number of pages).
  const oldestSeq = timeline.messages[0]?.seq;
  const unreadOutOfReach =
    unreadAfter !== null &&
    unreadAfter !== undefined &&
    timeline.loaded &&
    timeline.hasMore &&
    oldestSeq !== undefined &&
    oldestSeq > unreadAfter + 1;
  const fetchingUnread = unreadOutOfReach && unreadPages < UNREAD_PAGES_MAX;
  useEffect(() => {
    if (!fetchingUnread || timeline.loadingOlder) return;
    void loadOlder(roomId).then(() => setUnreadPages((n) => n + 1));
  }, [fetchingUnread, timeline.loadingOlder, roomId, oldestSeq]);

  // Older pages: note the topmost visible row first, so it can be kept in view.
  const older = useCallback(() => {
    keeper.note();
    void loadOlder(roomId);
  }, [keeper, roomId]);
  const anchorIndex = items.findIndex((i) => i.kind === 'stored' && i.message.seq === currentAnchor.seq);
  const firstIndex = firstItemIndex(currentAnchor, timeline.messages, dividerIndex >= 0 && dividerIndex < anchorIndex);
  const shownFirstIndex = useRef(firstIndex);
  useLayoutEffect(() => {
    if (firstIndex < shownFirstIndex.current) keeper.restore();
    shownFirstIndex.current = firstIndex;
  }, [firstIndex, keeper]);

  const empty = timeline.loaded && items.length === 0;
  const note = empty ? 'No messages yet. Say hello!' : null;
  const context = useMemo<LogContext>(
    () => ({
      loadOlder: older,
      hasMore: timeline.hasMore,
      loadingOlder: timeline.loadingOlder,
      note,
      message: messageContext,
    }),
    [older, timeline.hasMore, timeline.loadingOlder, note, messageContext],
  );

  /** U4: tells the read tracker what this log shows (everything, when at the bottom). */
  const atBottom = useRef(true);
  const reportShown = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const current = appStore.getState().timelines[roomId];
    const seq = atBottom.current ? (current?.cursor ?? current?.messages.at(-1)?.seq ?? null) : newestVisibleSeq(el);
    if (seq !== null && seq > 0) messagesShown(roomId, seq);
  }, [roomId]);
  useEffect(() => {
    const frame = requestAnimationFrame(reportShown);
    return () => cancelAnimationFrame(frame);
  }, [items, timeline.cursor, reportShown]);

  // A message asked for (a reply's original, a notification): into view, focused, highlighted.
  // Rows far from the viewport have guessed heights, so one scroll can land short while a
  // busy machine measures them: scroll again until the article is rendered (about 3 s).
  useEffect(() => {
    if (!focusRequest) return;
    const indexNow = () =>
      latestItems.current.findIndex((i) => i.kind === 'stored' && i.message.id === focusRequest.messageId);
    if (indexNow() < 0) return;
    let tries = 0;
    let clear: ReturnType<typeof setTimeout> | undefined;
    // The highlight lasts HIGHLIGHT_MS from when the article is shown (or the search ends).
    const release = () => {
      clear = setTimeout(() => {
        if (appStore.getState().focusRequest?.nonce === focusRequest.nonce) appStore.setState({ focusRequest: null });
      }, HIGHLIGHT_MS);
    };
    /** Frames in a row the article has been in view and focused. */
    let steady = 0;
    const find = () => {
      const article = scroller.current?.querySelector<HTMLElement>(
        `[data-message-id="${CSS.escape(focusRequest.messageId)}"]`,
      );
      if (article && scroller.current && inView(article, scroller.current)) {
        if (document.activeElement !== article) article.focus({ preventScroll: true });
        // Pages just put in front are still being measured and compensated for: the row
        // can be pushed away after it was shown, so it is watched a little longer.
        // (A log still placing its first rows keeps them hidden: no focus yet, so no count.)
        steady = document.activeElement === article ? steady + 1 : 0;
        if (steady >= FOCUS_STEADY_FRAMES) {
          release();
          return;
        }
      } else {
        steady = 0;
        if (article) {
          article.scrollIntoView({ block: 'center' });
          article.focus({ preventScroll: true });
        } else if (tries % FOCUS_RESCROLL_EVERY === 0) {
          const index = indexNow();
          if (index >= 0) virtuoso.current?.scrollToIndex({ index, align: 'center' });
        }
      }
      if (indexNow() >= 0 && ++tries < FOCUS_MAX_FRAMES) frame = requestAnimationFrame(find);
      else release();
    };
    let frame = requestAnimationFrame(find);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(clear);
    };
    // Runs once per request; the items are read from the latest render through a ref.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusRequest?.nonce]);

  /** The reader scrolled away from the newest messages: offer the way back. */
  const [awayFromBottom, setAwayFromBottom] = useState(false);

  // A message I just wrote is shown, wherever the reader was.
  const lastPendingKey = pending.at(-1)?.clientMessageId;
  const shownPendingKey = useRef(lastPendingKey);
  useEffect(() => {
    if (lastPendingKey && lastPendingKey !== shownPendingKey.current) {
      virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end' });
    }
    shownPendingKey.current = lastPendingKey;
  }, [lastPendingKey]);

  if ((!timeline.loaded && items.length === 0) || fetchingUnread || (timeline.loaded && unreadAfter === undefined)) {
    return (
      <div className="message-log" role="log" aria-label="Messages" aria-live="off" aria-busy="true">
        <div className="log-top">
          <p className="log-note">Loading messages…</p>
        </div>
      </div>
    );
  }

  // The reader's own scrolling: the wheel, a touch drag, scrolling keys, or the scrollbar
  // (a press on the scroller itself, not on a message or button inside it).
  const markReader = () => {
    readerScrolled.current = true;
    keeper.cancel();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (SCROLL_KEYS.has(event.key)) markReader();
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.target === event.currentTarget) markReader();
  };

  const jumpToNewest = () => virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end' });
  // Opening with unread messages more than a screen away: start at the divider, not the bottom.
  const rowsThatFit = Math.max(1, Math.floor((window.innerHeight * 0.6) / ROW_HEIGHT_GUESS));
  const initialTop =
    dividerIndex >= 0 && items.length - dividerIndex > rowsThatFit
      ? { index: dividerIndex, align: 'start' as const }
      : { index: 'LAST' as const, align: 'end' as const };

  return (
    <div className="log-frame">
      <Virtuoso
        key={currentAnchor.generation}
        ref={virtuoso}
        scrollerRef={(el) => {
          scroller.current = el instanceof HTMLElement ? el : null;
          keeper.attach(scroller.current);
        }}
        className="message-log"
        role="log"
        aria-label="Messages"
        aria-live="off"
        aria-busy={timeline.loadingOlder || undefined}
        data={items}
        context={context}
        components={COMPONENTS}
        computeItemKey={itemKey}
        itemContent={renderItem}
        firstItemIndex={firstIndex}
        initialTopMostItemIndex={initialTop}
        defaultItemHeight={ROW_HEIGHT_GUESS}
        increaseViewportBy={VIEWPORT_EXTRA}
        followOutput={followWhenAtBottom}
        // A short conversation sits at the bottom, next to the composer, not at the top.
        alignToBottom
        atBottomThreshold={EDGE_PX}
        atTopThreshold={EDGE_PX}
        atTopStateChange={(atTop) => {
          if (atTop && readerScrolled.current) older();
        }}
        onWheel={markReader}
        onTouchMove={markReader}
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        atBottomStateChange={(bottom) => {
          atBottom.current = bottom;
          setAwayFromBottom(!bottom);
          reportShown();
        }}
        rangeChanged={reportShown}
      />
      {awayFromBottom && items.length > 0 && (
        <button type="button" className="log-jump" onClick={jumpToNewest}>
          Jump to newest messages
        </button>
      )}
    </div>
  );
}
