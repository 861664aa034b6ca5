import type { HistoryPage, Message } from '@parley/shared-types';
import type { AppSlice } from './app.store.types';
import {
  applyNewestPage,
  applyOlderPage,
  EMPTY_TIMELINE,
  insertMessages,
  type RoomTimeline,
} from './messages.merge';
import { withoutDelivered } from './outbox.slice';
import { withoutKey } from './record.utils';

export type MessagesState = { timelines: Record<string, RoomTimeline> };

/*
 * Every action that brings stored messages in also drops the pending copies they stand
 * for, in the same update, so a message of mine is never shown twice — whether its ack,
 * message:created, sync:changes or a history page gets here first.
 */
export type MessagesSlice = MessagesState & {
  newestPageLoaded(page: HistoryPage): void;
  olderPageRequested(roomId: string): void;
  olderPageLoaded(page: HistoryPage, before: number): void;
  olderPageFailed(roomId: string): void;
  /** A stored message, from message:created or a send ack. */
  messageStored(message: Message): void;
  /** Several of one room: sync:changes (S2) or a fetched hole. */
  messagesReceived(roomId: string, messages: Message[]): void;
  /** S3: forget what is held of the room (its newest page is loaded again). */
  timelineReset(roomId: string): void;
  /** Forgets every held room, so the next handshake sends no cursor at all. */
  timelinesDropped(): void;
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
    newestPageLoaded: (page) =>
      set((s) => ({
        ...updateTimeline(s, page.roomId, (t) => applyNewestPage(t, page)),
        outbox: withoutDelivered(s, page.messages),
      })),
    olderPageRequested: (roomId) =>
      set((s) => updateTimeline(s, roomId, (t) => ({ ...t, loadingOlder: true }))),
    olderPageLoaded: (page, before) =>
      set((s) => ({
        ...updateTimeline(s, page.roomId, (t) => applyOlderPage(t, page, before) ?? { ...t, loadingOlder: false }),
        outbox: withoutDelivered(s, page.messages),
      })),
    olderPageFailed: (roomId) =>
      set((s) => updateTimeline(s, roomId, (t) => ({ ...t, loadingOlder: false }))),
    messageStored: (message) =>
      set((s) => ({
        ...updateTimeline(s, message.roomId, (t) => insertMessages(t, [message])),
        outbox: withoutDelivered(s, [message]),
      })),
    messagesReceived: (roomId, messages) =>
      set((s) => ({
        ...updateTimeline(s, roomId, (t) => insertMessages(t, messages)),
        outbox: withoutDelivered(s, messages),
      })),
    timelineReset: (roomId) => set((s) => ({ timelines: withoutKey(s.timelines, roomId) })),
    timelinesDropped: () => set({ timelines: {} }),
  };
};
