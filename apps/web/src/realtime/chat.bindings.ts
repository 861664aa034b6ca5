import type { ChatSocket } from '../lib/socket';
import { appStore } from '../store/app.store';
import { createdChange } from '../store/changes';
import { checkForHole } from './gap.filler';
import { messageArrived } from './notifications';
import { roomGone } from './navigation';
import { scheduleMembersRefresh } from './room.loader';

/**
 * Server facts (ServerToClientEvents) → store actions. Names and payload types come
 * from the contract through the typed socket; nothing here invents an event.
 */
export function bindServerEvents(socket: ChatSocket, onSessionEnded: () => void): void {
  const store = () => appStore.getState();

  socket.on('message:created', (message) => {
    const s = store();
    s.changesApplied(message.roomId, [message], [createdChange(message)]);
    // Their message is out, so they are no longer typing it.
    s.typingStopped({ roomId: message.roomId, userId: message.authorId });
    checkForHole(message.roomId);
    messageArrived(message);
    // Said once by the live region beside the log (the log itself is not live).
    if (message.roomId === s.activeRoomId && message.authorId !== s.user?.id) {
      s.arrivalAnnounced(message.authorName, message.text, Date.now());
    }
  });
  socket.on('message:changed', ({ roomId, change, message }) => {
    store().changesApplied(roomId, [message], [change]);
    checkForHole(roomId);
  });
  socket.on('room:read-state', (state) => store().readStateReceived(state));
  socket.on('room:notify-changed', (event) => store().roomNotifyChanged(event));
  socket.on('room:added', (room) => store().roomAdded(room));
  socket.on('room:removed', ({ roomId, reason }) => {
    // Left from any tab or device (R4), or removed by the room's owner (I3): only the
    // last is news worth a notice.
    const room = store().rooms[roomId];
    roomGone(roomId);
    if (room && reason === 'removed' && room.kind !== 'dm') store().removalNoticed(roomId, room.name);
  });
  socket.on('room:invited', (event) => store().invitationReceived(event));
  socket.on('room:invitation-withdrawn', ({ roomId }) => store().invitationWithdrawn(roomId));
  socket.on('room:member-joined', (event) => store().memberJoined(event));
  socket.on('room:owner-changed', (event) => store().roomOwnerChanged(event));
  socket.on('user:deleted', ({ userId }) => store().userDeleted(userId));
  socket.on('room:member-left', (event) => {
    store().memberLeft(event);
    store().typingStopped(event);
  });
  socket.on('presence:changed', (event) => {
    const s = store();
    s.presenceChanged(event);
    // Presence only reaches people who share a room (P3). Someone online whom the open
    // room's list lacks means our list is behind (a room:member-joined missed while this
    // tab was disconnected, say): fetch it again. Someone who shares only another room
    // with me costs one coalesced, harmless request.
    const members = s.activeRoomId ? s.membersByRoom[s.activeRoomId] : undefined;
    if (event.online && s.activeRoomId && members && !members.some((m) => m.userId === event.userId)) {
      scheduleMembersRefresh(s.activeRoomId);
    }
  });
  socket.on('presence:self', ({ appearOffline }) => store().appearOfflineChanged(appearOffline));
  socket.on('typing:started', (event) => store().typingStarted(event, Date.now()));
  socket.on('typing:stopped', (event) => store().typingStopped(event));
  socket.on('server:notice', (notice) => store().noticeReceived(notice));
  socket.on('session:ended', () => onSessionEnded());
}
