import { appStore } from '../store/app.store';
import { currentSocket } from './chat.client';
import { request } from './commands';
import { applyRoute } from './navigation';

const RESYNC_RETRY_MS = 2000;

/**
 * Runs on every connect, first or re-. Messages of held rooms come back through the
 * resume (S2, sync.bindings.ts); what resume does not cover is fetched again: the room
 * list (rooms joined or left meanwhile), then the open room's members — presence above
 * all, which after a server restart is only known from a fresh list — and its newest
 * page if its history is not held yet.
 */
export async function resync(): Promise<void> {
  const socket = currentSocket();
  const list = await request('room:list', {});
  if (currentSocket() !== socket || !socket?.connected) return; // a later connect resyncs
  if (!list.ok) {
    setTimeout(() => {
      if (currentSocket() === socket && socket.connected) void resync();
    }, RESYNC_RETRY_MS);
    return;
  }
  appStore.getState().roomsListed(list.data);
  // Opens the room in the URL (or the fallback) and reloads it even if already open.
  applyRoute({ reload: true });
}
