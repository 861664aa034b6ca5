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
 * page if its history is not held yet. Pending invitations are fetched too (I6): one
 * sent while no tab of mine was connected was announced to nobody.
 */
export async function resync(): Promise<void> {
  const socket = currentSocket();
  const invitations = request('room:received-invitations', {});
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
  // After the room list, so an invitation to a room I am in by now is not news. A refusal
  // only costs the notices of invitations sent while I was away: Browse rooms lists them.
  const received = await invitations;
  if (currentSocket() === socket && received.ok) appStore.getState().invitationsListed(received.data);
}
