import { appStore } from '../store/app.store';
import { findHole } from '../store/messages.merge';
import { request } from './commands';
import { reloadNewestPage } from './room.loader';

/*
 * Fills a hole the resume did not (S2, S7): a change arrived live with a seq past the
 * cursor + 1 and nothing brought the ones in between. During a resume that is normal —
 * live events overlap the replay — so nothing is fetched before sync:complete, and then
 * only after a short wait. A hole still there afterwards means a change was missed (it
 * happened between the handshake and the socket joining its rooms): fetch exactly the
 * missing changes with message:changes, from the cursor up, so the cursor can advance.
 */

/** Long enough for a replay racing a live event to land first. */
const FILL_DELAY_MS = 1500;

let resumed = false;
const timers = new Map<string, ReturnType<typeof setTimeout>>();

/** A new connection: its replay has not been answered yet. */
export function resumeStarted(): void {
  resumed = false;
  for (const timer of timers.values()) clearTimeout(timer);
  timers.clear();
}

/** S4: every cursor was answered; whatever hole is left was missed. */
export function resumeCompleted(): void {
  resumed = true;
  for (const roomId of Object.keys(appStore.getState().timelines)) checkForHole(roomId);
}

/** After messages arrived in `roomId`: schedules a fill if they left a hole. */
export function checkForHole(roomId: string): void {
  if (!resumed || timers.has(roomId)) return;
  const timeline = appStore.getState().timelines[roomId];
  if (!timeline || !findHole(timeline)) return;
  timers.set(
    roomId,
    setTimeout(() => {
      timers.delete(roomId);
      void fill(roomId);
    }, FILL_DELAY_MS),
  );
}

async function fill(roomId: string): Promise<void> {
  const before = appStore.getState().timelines[roomId];
  const hole = before && findHole(before);
  if (!before || !hole) return;
  const page = await request('message:changes', { roomId, after: hole.from - 1, limit: hole.to - hole.from + 1 });
  if (!page.ok) return; // the next reconnect's resume covers it
  if (page.data.reset) {
    // S3: too much is missing; start over from the newest page.
    appStore.getState().timelineReset(roomId);
    await reloadNewestPage(roomId);
    return;
  }
  appStore.getState().changesApplied(roomId, page.data.messages, page.data.changes);
  const after = appStore.getState().timelines[roomId];
  // Progress made and still a hole (it was wider than a page): go on. No progress means
  // the server has nothing to give; do not ask again and again.
  if (after && after.cursor !== before.cursor) checkForHole(roomId);
}
