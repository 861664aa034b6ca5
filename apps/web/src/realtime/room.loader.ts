import { RESUME_MAX_CHANGES } from '@parley/shared-types';
import { appStore } from '../store/app.store';
import { request } from './commands';

/**
 * Fetches what an open room shows: its member list, and its newest history page unless
 * the history is already held. A held timeline stays whole on its own: live events
 * while connected (M8) and the resume replay after a reconnect (S2). Run on opening a
 * room and on every (re)connect. Returns false when the server says the room is not
 * ours any more.
 */
export async function loadRoom(roomId: string): Promise<boolean> {
  const needsHistory = !appStore.getState().timelines[roomId]?.loaded;
  const [history, members] = await Promise.all([
    needsHistory ? request('message:history', { roomId }) : null,
    request('room:members', { roomId }),
  ]);
  const store = appStore.getState();
  if (history?.ok) store.newestPageLoaded(history.data);
  if (members.ok) store.membersListed(roomId, members.data);
  const gone = (outcome: typeof history | typeof members) =>
    outcome !== null &&
    !outcome.ok &&
    'error' in outcome &&
    (outcome.error === 'forbidden' || outcome.error === 'not_found');
  return !(gone(history) || gone(members));
}

/** S3: the held history of `roomId` was dropped; bring its newest page back. */
export async function reloadNewestPage(roomId: string): Promise<void> {
  const page = await request('message:history', { roomId });
  if (page.ok && appStore.getState().rooms[roomId]) appStore.getState().newestPageLoaded(page.data);
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

/** The older page being fetched per room: a second caller waits for it instead of
 * returning at once, so a jump (E4) that meets the log's own scroll-up load still sees
 * that page arrive before deciding whether it made progress. */
const olderInFlight = new Map<string, Promise<unknown>>();

/**
 * Loads the page before the oldest message held (scrolling up / "Load older messages").
 * Resolves once the page is in the store; bringing its messages up to date follows.
 */
export function loadOlder(roomId: string): Promise<void> {
  const running = olderInFlight.get(roomId);
  if (running) return running.then(() => undefined);
  const page = fetchOlderPage(roomId);
  olderInFlight.set(roomId, page);
  // An early return (nothing to load) frees the slot too, unless a newer load holds it.
  const release = () => {
    if (olderInFlight.get(roomId) === page) olderInFlight.delete(roomId);
  };
  page.then(release, release);
  return page.then((read) => (read ? catchUpPage(roomId, read.lastSeq) : undefined));
}

async function fetchOlderPage(roomId: string): Promise<{ lastSeq: number } | null> {
  const store = appStore.getState();
  const timeline = store.timelines[roomId];
  const oldest = timeline?.messages[0];
  if (!timeline || !oldest || !timeline.hasMore || timeline.loadingOlder) return null;
  const before = oldest.seq;
  store.olderPageRequested(roomId);
  const page = await request('message:history', { roomId, before });
  // Free before the store hears of it: React may run effects (a caller asking for the next
  // page) inside that update, and they must start a new load, not wait for this one.
  olderInFlight.delete(roomId);
  if (!page.ok) {
    appStore.getState().olderPageFailed(roomId);
    return null;
  }
  appStore.getState().olderPageLoaded(page.data, before);
  return { lastSeq: page.data.lastSeq };
}

async function catchUpPage(roomId: string, pageLastSeq: number): Promise<void> {
  // Changes since the page was read (edits of its messages, say) were not held when they
  // arrived: bring the page's messages up to date (E5).
  const cursor = appStore.getState().timelines[roomId]?.cursor ?? null;
  if (cursor !== null && pageLastSeq < cursor && cursor - pageLastSeq <= RESUME_MAX_CHANGES) {
    const since = await request('message:changes', { roomId, after: pageLastSeq, limit: cursor - pageLastSeq });
    if (since.ok && !since.data.reset)
      appStore.getState().changesApplied(roomId, since.data.messages, since.data.changes);
  }
}
