import type { HistoryPage, Message } from '@parley/shared-types';
import type { AppSlice } from './app.store.types';
import {
  applyNewestPage,
  applyOlderPage,
  EMPTY_TIMELINE,
  insertMessage,
  markStale,
  type RoomTimeline,
} from './messages.merge';
import { withoutKey } from './record.utils';

export type MessagesState = { timelines: Record<string, RoomTimeline> };

export type MessagesSlice = MessagesState & {
  newestPageLoaded(page: HistoryPage): void;
  olderPageRequested(roomId: string): void;
  olderPageLoaded(page: HistoryPage, before: number): void;
  olderPageFailed(roomId: string): void;
  /**
   * A stored message, from message:created or a send ack, whichever comes first. If it
   * is one of mine still in the outbox, the pending copy goes in the same update, so the
   * message is never shown twice.
   */
  messageStored(message: Message): void;
  /** The connection dropped: every held run may now miss messages. */
  timelinesStale(): void;
};

export const initialMessagesState: MessagesState = { timelines: {} };

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
    timelinesStale: () =>
      set((s) => ({
        timelines: Object.fromEntries(Object.entries(s.timelines).map(([id, t]) => [id, markStale(t)])),
      })),
    newestPageLoaded: (page) => set((s) => updateTimeline(s, page.roomId, (t) => applyNewestPage(t, page))),
    olderPageRequested: (roomId) =>
      set((s) => updateTimeline(s, roomId, (t) => ({ ...t, loadingOlder: true }))),
    olderPageLoaded: (page, before) =>
      set((s) =>
        updateTimeline(s, page.roomId, (t) => applyOlderPage(t, page, before) ?? { ...t, loadingOlder: false }),
      ),
    olderPageFailed: (roomId) =>
      set((s) => updateTimeline(s, roomId, (t) => ({ ...t, loadingOlder: false }))),
    messageStored: (message) =>
      set((s) => {
        const pending = s.outbox[message.clientMessageId];
        const mine =
          pending !== undefined && pending.roomId === message.roomId && message.authorId === s.user?.id;
        return {
          ...updateTimeline(s, message.roomId, (t) => insertMessage(t, message)),
          ...(mine ? { outbox: withoutKey(s.outbox, message.clientMessageId) } : {}),
        };
      }),
  };
};
