import type { AppState } from './app.store.types';
import { EMPTY_TIMELINE, type RoomTimeline } from './messages.merge';
import type { OutboxEntry } from './outbox.slice';

export const selectTimeline =
  (roomId: string) =>
  (s: AppState): RoomTimeline =>
    s.timelines[roomId] ?? EMPTY_TIMELINE;

/** My unconfirmed messages in a room, oldest first. A fresh array: read it with useShallow. */
export const selectPending =
  (roomId: string) =>
  (s: AppState): OutboxEntry[] =>
    Object.values(s.outbox)
      .filter((e) => e.roomId === roomId)
      .sort((a, b) => a.queuedAt - b.queuedAt);
