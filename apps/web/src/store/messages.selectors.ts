import { RESUME_MAX_ROOMS } from '@parley/shared-types';
import type { AppState } from './app.store.types';
import { EMPTY_TIMELINE, type RoomTimeline } from './messages.merge';
import type { OutboxEntry } from './outbox.slice';

export const selectTimeline =
  (roomId: string) =>
  (s: AppState): RoomTimeline =>
    s.timelines[roomId] ?? EMPTY_TIMELINE;

/** My unconfirmed messages in a room, in the order written. A fresh array: read it with useShallow. */
export const selectPending =
  (roomId: string) =>
  (s: AppState): OutboxEntry[] =>
    Object.values(s.outbox)
      .filter((e) => e.roomId === roomId)
      .sort((a, b) => a.queuedAt - b.queuedAt);

/**
 * The handshake's cursors (S2): one per room whose history was loaded. Rooms never
 * loaded have nothing to resume. Capped at RESUME_MAX_ROOMS, past which the server
 * would refuse the whole handshake; a room left out simply gets no replay.
 */
export function selectResumeCursors(s: AppState): Record<string, number> {
  const cursors: Record<string, number> = {};
  let count = 0;
  for (const [roomId, timeline] of Object.entries(s.timelines)) {
    if (timeline.cursor === null) continue;
    if (count >= RESUME_MAX_ROOMS) break;
    cursors[roomId] = timeline.cursor;
    count += 1;
  }
  return cursors;
}
