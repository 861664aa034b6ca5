import type { Message } from '@parley/shared-types';
import type { OutboxRecord } from '../lib/outbox.storage';
import type { AppSlice, AppState } from './app.store.types';
import { withoutKey } from './record.utils';

/*
 * What the UI shows of the outbox: my messages the server has not confirmed, keyed by
 * clientMessageId. The queue itself (ordering, retries, IndexedDB) lives in
 * realtime/outbox.queue.ts; this slice only mirrors it for rendering, and drops an
 * entry as soon as its stored copy is in the timeline, whichever way that copy came.
 */
export type OutboxEntry = OutboxRecord;

export type OutboxState = { outbox: Record<string, OutboxEntry> };

export type OutboxSlice = OutboxState & {
  /** New or restored entries. One whose stored copy is already held is not shown. */
  outboxShown(entries: OutboxEntry[]): void;
  /** Its state changed (failed, or sending again after Retry). */
  outboxUpdated(entry: OutboxEntry): void;
  outboxRemoved(clientMessageId: string): void;
};

export const initialOutboxState: OutboxState = { outbox: {} };

/** True when `message` is the stored copy of my pending `entry`. */
export function isStoredCopy(entry: OutboxEntry | undefined, message: Message, myId: string | undefined): boolean {
  return entry !== undefined && entry.roomId === message.roomId && message.authorId === myId;
}

/** The outbox without the entries `messages` (just stored) stand for. */
export function withoutDelivered(s: AppState, messages: readonly Message[]): Record<string, OutboxEntry> {
  let outbox = s.outbox;
  for (const message of messages) {
    if (isStoredCopy(outbox[message.clientMessageId], message, s.user?.id)) {
      outbox = withoutKey(outbox, message.clientMessageId);
    }
  }
  return outbox;
}

export const createOutboxSlice: AppSlice<OutboxSlice> = (set) => ({
  ...initialOutboxState,
  outboxShown: (entries) =>
    set((s) => {
      const myId = s.user?.id;
      const fresh = entries.filter((entry) => {
        const held = s.timelines[entry.roomId]?.messages;
        return !held?.some((m) => m.clientMessageId === entry.clientMessageId && m.authorId === myId);
      });
      if (fresh.length === 0) return {};
      return { outbox: { ...s.outbox, ...Object.fromEntries(fresh.map((e) => [e.clientMessageId, e])) } };
    }),
  outboxUpdated: (entry) =>
    set((s) =>
      // Not shown (already delivered by another path): nothing to update.
      s.outbox[entry.clientMessageId] ? { outbox: { ...s.outbox, [entry.clientMessageId]: entry } } : {},
    ),
  outboxRemoved: (clientMessageId) => set((s) => ({ outbox: withoutKey(s.outbox, clientMessageId) })),
});
