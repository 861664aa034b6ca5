import { appStore } from '../store/app.store';
import { currentSocket } from './chat.client';
import { request } from './commands';
import { applyRoute } from './navigation';

const RESYNC_RETRY_MS = 2000;

/**
 * Runs on every connect, first or re-: whatever happened while we were away reached us
 * only as missing events, so the room list, the open room's newest page and its members
 * are fetched again and merged (by id and seq, no duplicates).
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
