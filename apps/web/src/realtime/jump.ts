import { appStore } from '../store/app.store';
import { loadOlder } from './room.loader';

/** Older pages loaded at most to reach a message (100 pages of 50: 5,000 messages back). */
const MAX_PAGES = 100;
/** How long a jump waits for a room just opened to get its first page. */
const FIRST_PAGE_WAIT_MS = 10_000;

/** Resolves when the room's first page is held (true), or false after `ms` without it. */
function firstPageHeld(roomId: string, ms: number): Promise<boolean> {
  const loaded = () => appStore.getState().timelines[roomId]?.loaded === true;
  if (loaded()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (held: boolean) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(held);
    };
    const unsubscribe = appStore.subscribe(() => {
      if (loaded()) done(true);
    });
    const timer = setTimeout(() => done(false), ms);
  });
}

/**
 * E4 (and N3's click): brings a message of the open room into view and highlights it,
 * loading older pages until it is held. False when it cannot be reached (gone, or too
 * far back).
 */
export async function jumpToMessage(roomId: string, messageId: string, seq: number): Promise<boolean> {
  const held = () => appStore.getState().timelines[roomId]?.messages.some((m) => m.id === messageId) ?? false;
  // A notification's room may only just have been opened: its history is on the way.
  if (!(await firstPageHeld(roomId, FIRST_PAGE_WAIT_MS))) return false;
  for (let page = 0; page < MAX_PAGES && !held(); page++) {
    const timeline = appStore.getState().timelines[roomId];
    const oldest = timeline?.messages[0];
    if (!timeline?.loaded || !timeline.hasMore || !oldest || oldest.seq <= seq) break;
    await loadOlder(roomId);
    if (appStore.getState().timelines[roomId]?.messages[0]?.seq === oldest.seq) break; // no progress
  }
  if (!held()) return false;
  appStore.getState().messageFocusRequested(roomId, messageId);
  return true;
}
