import type { AppSlice } from './app.store.types';
import { withoutKey } from './record.utils';

/*
 * Messages I wrote that the server has not confirmed yet. Kept apart from the stored
 * messages, keyed by clientMessageId, and plain data only, so it can later be persisted
 * (IndexedDB) without touching the timeline logic.
 */
export type OutboxStatus = 'sending' | 'failed';

export type OutboxEntry = {
  clientMessageId: string;
  roomId: string;
  text: string;
  status: OutboxStatus;
  /** Milliseconds since the epoch; orders pending messages after the stored ones. */
  queuedAt: number;
  /** Bumped on every send; an answer to an older attempt is ignored. */
  attempt: number;
  /** Why the last attempt failed, for the failed state. */
  failure?: string;
};

export type OutboxState = { outbox: Record<string, OutboxEntry> };

export type OutboxSlice = OutboxState & {
  outboxQueued(entry: Pick<OutboxEntry, 'clientMessageId' | 'roomId' | 'text' | 'queuedAt'>): void;
  /** Marks a new attempt and returns its number (0 when the entry is gone). */
  outboxAttemptStarted(clientMessageId: string): number;
  /** Back to "sending" without an attempt: it goes out once the socket is connected. */
  outboxWaiting(clientMessageId: string): void;
  outboxFailed(clientMessageId: string, attempt: number, failure: string): void;
  outboxRemoved(clientMessageId: string): void;
};

export const initialOutboxState: OutboxState = { outbox: {} };

export const createOutboxSlice: AppSlice<OutboxSlice> = (set, get) => {
  const patch = (clientMessageId: string, change: Partial<OutboxEntry>) =>
    set((s) => {
      const entry = s.outbox[clientMessageId];
      if (!entry) return {};
      return { outbox: { ...s.outbox, [clientMessageId]: { ...entry, ...change } } };
    });

  return {
    ...initialOutboxState,
    outboxQueued: (entry) =>
      set((s) => ({
        outbox: { ...s.outbox, [entry.clientMessageId]: { ...entry, status: 'sending', attempt: 0 } },
      })),
    outboxAttemptStarted: (clientMessageId) => {
      const entry = get().outbox[clientMessageId];
      if (!entry) return 0;
      const attempt = entry.attempt + 1;
      patch(clientMessageId, { status: 'sending', attempt, failure: undefined });
      return attempt;
    },
    outboxWaiting: (clientMessageId) => patch(clientMessageId, { status: 'sending', failure: undefined }),
    outboxFailed: (clientMessageId, attempt, failure) => {
      if (get().outbox[clientMessageId]?.attempt !== attempt) return;
      patch(clientMessageId, { status: 'failed', failure });
    },
    outboxRemoved: (clientMessageId) => set((s) => ({ outbox: withoutKey(s.outbox, clientMessageId) })),
  };
};
