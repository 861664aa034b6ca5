import type { ChatSocket } from '../lib/socket';
import { appStore } from '../store/app.store';
import { checkForHole, resumeCompleted } from './gap.filler';
import { reloadNewestPage } from './room.loader';

/**
 * The resume replies (S2–S4) to the cursors our handshake carried (lib/socket.ts).
 * Live message:created may overlap a replay; both merge by id, so nothing doubles.
 */
export function bindSyncEvents(socket: ChatSocket): void {
  const store = () => appStore.getState();

  socket.on('sync:changes', ({ roomId, messages }) => {
    const s = store();
    if (!s.rooms[roomId] && s.roomsLoaded) return; // left meanwhile
    const held = new Set(s.timelines[roomId]?.messages.map((m) => m.id));
    const missed = messages.filter((m) => !held.has(m.id) && m.authorId !== s.user?.id).length;
    s.messagesReceived(roomId, messages);
    if (missed > 0 && roomId !== s.activeRoomId) s.unreadBumped(roomId, missed);
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
