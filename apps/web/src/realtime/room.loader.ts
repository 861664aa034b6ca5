import { appStore } from '../store/app.store';
import { request } from './commands';

/**
 * Fetches what an open room shows: the newest history page and the member list. Run on
 * opening a room and on every (re)connect; the merge dedupes whatever we already hold.
 * Returns false when the server says the room is not ours any more.
 */
export async function loadRoom(roomId: string): Promise<boolean> {
  const [history, members] = await Promise.all([
    request('message:history', { roomId }),
    request('room:members', { roomId }),
  ]);
  const store = appStore.getState();
  if (history.ok) store.newestPageLoaded(history.data);
  if (members.ok) store.membersListed(roomId, members.data);
  const gone = (outcome: typeof history | typeof members) =>
    !outcome.ok && 'error' in outcome && (outcome.error === 'forbidden' || outcome.error === 'not_found');
  return !(gone(history) || gone(members));
}

/** Coalesces bursts (many people coming online at once) into one request. */
const MEMBERS_REFRESH_DELAY_MS = 1000;
const pendingRefresh = new Map<string, ReturnType<typeof setTimeout>>();

/** Re-fetches one room's member list soon (someone unknown showed up in it). */
export function scheduleMembersRefresh(roomId: string): void {
  if (pendingRefresh.has(roomId)) return;
  const timer = setTimeout(() => {
    pendingRefresh.delete(roomId);
    void request('room:members', { roomId }).then((members) => {
      const store = appStore.getState();
      if (members.ok && store.rooms[roomId]) store.membersListed(roomId, members.data);
    });
  }, MEMBERS_REFRESH_DELAY_MS);
  pendingRefresh.set(roomId, timer);
}

/** Loads the page before the oldest message held (scrolling up / "Load older messages"). */
export async function loadOlder(roomId: string): Promise<void> {
  const store = appStore.getState();
  const timeline = store.timelines[roomId];
  const oldest = timeline?.messages[0];
  if (!timeline || !oldest || !timeline.hasMore || timeline.loadingOlder) return;
  const before = oldest.seq;
  store.olderPageRequested(roomId);
  const page = await request('message:history', { roomId, before });
  if (page.ok) appStore.getState().olderPageLoaded(page.data, before);
  else appStore.getState().olderPageFailed(roomId);
}
