import type { ChatSocket } from '../lib/socket';
import { appStore } from '../store/app.store';
import { checkForHole, resumeCompleted } from './gap.filler';
import { reloadNewestPage } from './room.loader';

/**
 * The resume replies (S2–S4) to the cursors our handshake carried (lib/socket.ts).
 * Live message:created and message:changed may overlap a replay; views merge by id and
 * version (E5), so nothing doubles or goes back.
 */
export function bindSyncEvents(socket: ChatSocket): void {
  const store = () => appStore.getState();

  socket.on('sync:changes', ({ roomId, changes, messages }) => {
    const s = store();
    if (!s.rooms[roomId] && s.roomsLoaded) return; // left meanwhile
    s.changesApplied(roomId, messages, changes);
    checkForHole(roomId);
  });

  socket.on('sync:reset', ({ roomId }) => {
    const s = store();
    const wasLoaded = s.timelines[roomId]?.loaded === true;
    s.timelineReset(roomId);
    // A room never opened is loaded when it is; an open or loaded one is reloaded now.
    if (wasLoaded || roomId === s.activeRoomId) void reloadNewestPage(roomId);
  });

  socket.on('sync:complete', () => resumeCompleted());
}
