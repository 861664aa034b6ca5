import type { HistoryPage, Message, RoomChange, RoomSummary } from '@parley/shared-types';
import type { AppSlice, AppState } from './app.store.types';
import { applyChanges, applyNewestPage, applyOlderPage, EMPTY_TIMELINE, type RoomTimeline } from './messages.merge';
import { dmWithDeletedPeer, withDeletedAuthor } from './deleted-user.logic';
import { withoutDelivered } from './outbox.slice';
import { withChanges } from './reads.logic';
import { withoutKey } from './record.utils';

export type MessagesState = { timelines: Record<string, RoomTimeline> };

/*
 * Every action that brings stored messages in also drops the pending copies they stand
 * for, in the same update, so a message of mine is never shown twice — whether its ack,
 * message:created, sync:changes or a history page gets here first. Changes of a room
 * enter through one action, `changesApplied`, whatever carried them.
 */
export type MessagesSlice = MessagesState & {
  newestPageLoaded(page: HistoryPage): void;
  olderPageRequested(roomId: string): void;
  olderPageLoaded(page: HistoryPage, before: number): void;
  olderPageFailed(roomId: string): void;
  /**
   * Changes of one room (S1, E5): a send's or edit's ack, a live message:created or
   * message:changed, a resume's sync:changes, a fetched hole. `views` are the messages as
   * they are after them; `changes` the change seqs they account for (none for an ack that
   * cannot tell). The timeline, my read counts and my outbox follow in one update;
   * `settled` are outbox operations (edits, deletions, reactions) these views confirm.
   */
  changesApplied(
    roomId: string,
    views: readonly Message[],
    changes: readonly RoomChange[],
    settled?: readonly string[],
  ): void;
  /** S3: forget what is held of the room (its newest page is loaded again). */
  timelineReset(roomId: string): void;
  /** Forgets every held room, so the next handshake sends no cursor at all. */
  timelinesDropped(): void;
  /** A13: an account was deleted: what it wrote, quoted or reacted now shows `Deleted user`. */
  userDeleted(userId: string): void;
};

export const initialMessagesState: MessagesState = { timelines: {} };

/** U4: my counts of the room follow the changes (rooms without a known state wait for one). */
function readsAfter(
  s: AppState,
  roomId: string,
  views: readonly Message[],
  changes: readonly RoomChange[],
): Partial<AppState> {
  const current = s.reads[roomId];
  if (!current || !s.user || changes.length === 0) return {};
  const next = withChanges(current, changes, views, s.user.id);
  return next === current ? {} : { reads: { ...s.reads, [roomId]: next } };
}

export const createMessagesSlice: AppSlice<MessagesSlice> = (set) => {
  const updateTimeline = (
    s: MessagesState,
    roomId: string,
    update: (t: RoomTimeline) => RoomTimeline | null,
  ): Partial<MessagesState> => {
    const current = s.timelines[roomId] ?? EMPTY_TIMELINE;
    const next = update(current);
    if (!next || next === current) return {};
    return { timelines: { ...s.timelines, [roomId]: next } };
  };

  return {
    ...initialMessagesState,
    newestPageLoaded: (page) =>
      set((s) => ({
        ...updateTimeline(s, page.roomId, (t) => applyNewestPage(t, page)),
        outbox: withoutDelivered(s, page.messages),
      })),
    olderPageRequested: (roomId) => set((s) => updateTimeline(s, roomId, (t) => ({ ...t, loadingOlder: true }))),
    olderPageLoaded: (page, before) =>
      set((s) => ({
        ...updateTimeline(s, page.roomId, (t) => applyOlderPage(t, page, before) ?? { ...t, loadingOlder: false }),
        outbox: withoutDelivered(s, page.messages),
      })),
    olderPageFailed: (roomId) => set((s) => updateTimeline(s, roomId, (t) => ({ ...t, loadingOlder: false }))),
    changesApplied: (roomId, views, changes, settled = []) =>
      set((s) => {
        let outbox = withoutDelivered(s, views);
        for (const key of settled) outbox = withoutKey(outbox, key);
        return {
          ...updateTimeline(s, roomId, (t) =>
            applyChanges(
              t,
              views,
              changes.map((c) => c.seq),
            ),
          ),
          ...readsAfter(s, roomId, views, changes),
          outbox,
        };
      }),
    timelineReset: (roomId) => set((s) => ({ timelines: withoutKey(s.timelines, roomId) })),
    timelinesDropped: () => set({ timelines: {} }),
    userDeleted: (userId) =>
      set((s) => {
        let changed = false;
        const timelines: Record<string, RoomTimeline> = {};
        for (const [roomId, timeline] of Object.entries(s.timelines)) {
          const messages = withDeletedAuthor(timeline.messages, userId);
          if (messages !== timeline.messages) changed = true;
          timelines[roomId] = messages === timeline.messages ? timeline : { ...timeline, messages };
        }
        const rooms: Record<string, RoomSummary> = {};
        for (const [roomId, room] of Object.entries(s.rooms)) {
          rooms[roomId] = dmWithDeletedPeer(room, userId);
          if (rooms[roomId] !== room) changed = true;
        }
        return changed ? { timelines, rooms } : {};
      }),
  };
};
