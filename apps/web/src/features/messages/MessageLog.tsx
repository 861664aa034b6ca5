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
import { loadOlder } from '../../realtime/room.loader';
import { selectPending, selectTimeline } from '../../store/messages.selectors';
import { selectUser } from '../../store/session.selectors';
import { useAppStore } from '../../store/use-app-store';
import { buildLogItems, firstItemIndex, INITIAL_ANCHOR, nextAnchor, type LogItem } from './log.model';
import { PendingMessage, StoredMessage } from './MessageItem';
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
  myName: string;
};

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
  return (
    <div className="log-row" data-key={item.key}>
      {item.kind === 'stored' ? (
        <StoredMessage message={item.message} mine={item.mine} continued={item.continued} />
      ) : (
        <PendingMessage entry={item.entry} authorName={context.myName} />
      )}
    </div>
  );
}

const followWhenAtBottom = (atBottom: boolean) => (atBottom ? 'auto' : false) as 'auto' | false;

/**
 * The open room's messages, oldest at the top, virtualized (react-virtuoso): only the
 * rows near the visible part are in the DOM, however long the history. The scrolling
 * element itself is the role=log named "Messages", so new messages from others are
 * announced politely. It follows new messages while the reader is at the bottom (and
 * always after I write one), and keeps its place when older pages come in: by the
 * "Load older messages" button, or by scrolling to the top by hand.
 */
export function MessageLog({ roomId }: { roomId: string }) {
  const timeline = useAppStore(selectTimeline(roomId));
  const pending = useAppStore(useShallow(selectPending(roomId)));
  const me = useAppStore(selectUser);
  const virtuoso = useRef<VirtuosoHandle>(null);
  const scroller = useRef<HTMLElement | null>(null);
  const [keeper] = useState(() => new PlaceKeeper(() => scroller.current));
  useEffect(() => () => keeper.dispose(), [keeper]);
  /** Set by the reader's own input, so that only a reader reaching the top loads more. */
  const readerScrolled = useRef(false);

  // Adjusting state while rendering (React's pattern for "state from the previous render").
  const [anchor, setAnchor] = useState(INITIAL_ANCHOR);
  const currentAnchor = nextAnchor(anchor, timeline.messages);
  if (currentAnchor !== anchor) setAnchor(currentAnchor);

  const items = useMemo(
    () => buildLogItems(timeline.messages, pending, me?.id),
    [timeline.messages, pending, me?.id],
  );

  // Older pages: note the topmost visible row first, so it can be kept in view.
  const older = useCallback(() => {
    keeper.note();
    void loadOlder(roomId);
  }, [keeper, roomId]);
  const firstIndex = firstItemIndex(currentAnchor, timeline.messages);
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
      myName: me?.username ?? '',
    }),
    [older, timeline.hasMore, timeline.loadingOlder, note, me?.username],
  );

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

  if (!timeline.loaded && items.length === 0) {
    return (
      <div className="message-log" role="log" aria-label="Messages" aria-busy="true">
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

  return (
    <div className="log-frame">
      <Virtuoso
        key={currentAnchor.generation}
        ref={virtuoso}
        scrollerRef={(el) => {
          scroller.current = el instanceof HTMLElement ? el : null;
        }}
        className="message-log"
        role="log"
        aria-label="Messages"
        aria-busy={timeline.loadingOlder || undefined}
        data={items}
        context={context}
        components={COMPONENTS}
        computeItemKey={itemKey}
        itemContent={renderItem}
        firstItemIndex={firstIndex}
        initialTopMostItemIndex={{ index: 'LAST', align: 'end' }}
        defaultItemHeight={ROW_HEIGHT_GUESS}
        increaseViewportBy={VIEWPORT_EXTRA}
        followOutput={followWhenAtBottom}
        atBottomThreshold={EDGE_PX}
        atTopThreshold={EDGE_PX}
        atTopStateChange={(atTop) => {
          if (atTop && readerScrolled.current) older();
        }}
        onWheel={markReader}
        onTouchMove={markReader}
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        atBottomStateChange={(atBottom) => setAwayFromBottom(!atBottom)}
      />
      {awayFromBottom && items.length > 0 && (
        <button type="button" className="log-jump" onClick={jumpToNewest}>
          Jump to newest messages
        </button>
      )}
    </div>
  );
}
