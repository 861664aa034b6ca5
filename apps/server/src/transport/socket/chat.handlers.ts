import type {
  ChatCommand,
  ChatCommandPayload,
  ChatCommandResults,
  ClientToServerEvents,
  InterServerEvents,
  Message,
  RoomSummary,
  ServerToClientEvents,
  SocketData,
  User,
} from '@parley/shared-types';
import type { Namespace, Server, Socket } from 'socket.io';
import type { ChangeOutcome } from '../../domain/messages.service.js';
import { toMember, type PresenceView } from '../../domain/presence.service.js';
import type { Services } from '../../domain/services.js';
import type { ChatMetrics } from '../../observability/metrics.js';
import { roomChannel, userChannel } from './socket-rooms.js';

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ChatNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export type CommandContext = {
  socket: ChatSocket;
  nsp: ChatNamespace;
  user: User;
  services: Services;
  metrics: ChatMetrics;
};

type Handler<C extends ChatCommand> = (
  payload: ChatCommandPayload<C>,
  ctx: CommandContext,
) => Promise<ChatCommandResults[C]>;

/** Makes every socket of `userId` join or leave a conversation's channel. */
function follow(nsp: ChatNamespace, userId: string, roomId: string, on: boolean): void {
  const sockets = nsp.in(userChannel(userId));
  if (on) sockets.socketsJoin(roomChannel(roomId));
  else sockets.socketsLeave(roomChannel(roomId));
}

/** G1–G4: each member's tabs get the group as that member sees it (its name is the others'). */
export function announceGroup(nsp: ChatNamespace, views: ReadonlyMap<string, RoomSummary>): void {
  for (const [userId, room] of views) nsp.to(userChannel(userId)).emit('room:added', room);
}

/** I4, I5: every tab of each person whose invitation is gone hears it. */
function tellWithdrawn(nsp: ChatNamespace, roomId: string, inviteeIds: readonly string[]): void {
  if (inviteeIds.length > 0) nsp.to(inviteeIds.map(userChannel)).emit('room:invitation-withdrawn', { roomId });
}

/**
 * Every command the chat namespace answers, in one place. Each is thin: the payload is
 * already validated; the domain decides; storage has committed by the time the domain
 * returns; then this acks (by returning) and broadcasts.
 */
export const chatHandlers: { [C in ChatCommand]: Handler<C> } = {
  'room:list': (_p, { user, services }) => services.rooms.list(user.id),

  'room:browse': (_p, { user, services }) => services.rooms.browse(user.id),

  async 'room:create'(p, { user, services, nsp }) {
    const room = await services.rooms.create(user, p.name, p.isPrivate ?? false);
    follow(nsp, user.id, room.id, true);
    nsp.to(userChannel(user.id)).emit('room:added', room);
    return room;
  },

  async 'room:join'(p, { user, services, nsp }) {
    const { room, joined } = await services.rooms.join(user, p.roomId);
    follow(nsp, user.id, room.id, true);
    nsp.to(userChannel(user.id)).emit('room:added', room);
    if (joined) {
      const member = toMember(user, await services.presenceViews.viewOf(user.id));
      // R8: to the other members; the joiner's own tabs already got room:added.
      nsp.to(roomChannel(room.id)).except(userChannel(user.id)).emit('room:member-joined', { roomId: room.id, member });
    }
    return room;
  },

  async 'room:leave'(p, { user, services, nsp }) {
    const { withdrawnInvitees } = await services.rooms.leave(user, p.roomId);
    tellWithdrawn(nsp, p.roomId, withdrawnInvitees);
    follow(nsp, user.id, p.roomId, false);
    nsp.to(userChannel(user.id)).emit('room:removed', { roomId: p.roomId, reason: 'left' });
    nsp.to(roomChannel(p.roomId)).emit('room:member-left', { roomId: p.roomId, userId: user.id });
    // G4: a group is named by its members, so the ones left hear its new name.
    announceGroup(nsp, await services.rooms.groupViews(p.roomId));
    return { roomId: p.roomId };
  },

  'room:members': (p, { user, services }) => services.rooms.members(user.id, p.roomId),

  async 'room:invite'(p, { user, services, nsp }) {
    const { invitee, room } = await services.rooms.invite(user, p.roomId, p.username);
    nsp.to(userChannel(invitee.id)).emit('room:invited', { room, by: user });
    return { roomId: p.roomId, userId: invitee.id };
  },

  async 'room:remove-member'(p, { user, services, nsp }) {
    const { withdrawnInvitees } = await services.rooms.removeMember(user, p.roomId, p.userId);
    tellWithdrawn(nsp, p.roomId, withdrawnInvitees);
    // I3: the removed user's sockets leave at once; nothing more of the room reaches them.
    follow(nsp, p.userId, p.roomId, false);
    nsp.to(userChannel(p.userId)).emit('room:removed', { roomId: p.roomId, reason: 'removed' });
    nsp.to(roomChannel(p.roomId)).emit('room:member-left', { roomId: p.roomId, userId: p.userId });
    return { roomId: p.roomId, userId: p.userId };
  },

  'room:invitations': (p, { user, services }) => services.rooms.invitations(user, p.roomId),

  'room:received-invitations': (_p, { user, services }) => services.rooms.receivedInvitations(user.id),

  async 'room:withdraw-invitation'(p, { user, services, nsp }) {
    await services.rooms.withdrawInvitation(user, p.roomId, p.userId);
    tellWithdrawn(nsp, p.roomId, [p.userId]);
    return { roomId: p.roomId, userId: p.userId };
  },

  async 'dm:open'(p, { user, services, nsp }) {
    const dm = await services.rooms.openDm(user, p.userId);
    follow(nsp, user.id, dm.mine.id, true);
    nsp.to(userChannel(user.id)).emit('room:added', dm.mine);
    if (dm.created) {
      // D1: it appears at once in every tab of the other person.
      follow(nsp, p.userId, dm.mine.id, true);
      nsp.to(userChannel(p.userId)).emit('room:added', dm.theirs);
    }
    return dm.mine;
  },

  async 'group:create'(p, { user, services, nsp }) {
    const views = await services.rooms.createGroup(user, p.userIds);
    const mine = views.get(user.id)!;
    // G1: every tab of every member follows it and lists it at once.
    for (const userId of views.keys()) follow(nsp, userId, mine.id, true);
    announceGroup(nsp, views);
    return mine;
  },

  async 'group:add'(p, { user, services, nsp }) {
    const { views, added } = await services.rooms.addToGroup(user, p.roomId, p.userIds);
    for (const { id } of added) follow(nsp, id, p.roomId, true);
    // R8 for the members who were there; the newcomers' own tabs get room:added below.
    const presence = await services.presenceViews.viewsOf(added.map((u) => u.id));
    const before = nsp.to(roomChannel(p.roomId)).except(added.map((u) => userChannel(u.id)));
    added.forEach((u, i) =>
      before.emit('room:member-joined', { roomId: p.roomId, member: toMember(u, presence[i] ?? { state: 'offline' }) }),
    );
    announceGroup(nsp, views);
    return { roomId: p.roomId, userIds: added.map((u) => u.id) };
  },

  'people:list': (p, { user, services }) => services.rooms.people(user.id, p.prefix),

  async 'message:send'(p, { user, services, nsp, socket, metrics }) {
    const { message, created } = await services.messages.send(user, p);
    if (created) {
      metrics.messageStored();
      // M4: to everyone in the room, the sender's other tabs included.
      nsp.to(roomChannel(p.roomId)).emit('message:created', message);
      // T5: the message itself tells the others the typing is over; no typing:stopped.
      services.typing.stop(socket.id, p.roomId);
    }
    return message;
  },

  'message:history': (p, { user, services }) => services.messages.history(user.id, p),

  'message:search': (p, { user, services }) => services.search.search(user.id, p),

  async 'message:edit'(p, ctx) {
    return announceChange(ctx, await ctx.services.messages.edit(ctx.user, p.messageId, p.text));
  },

  async 'message:delete'(p, ctx) {
    return announceChange(ctx, await ctx.services.messages.delete(ctx.user, p.messageId));
  },

  async 'reaction:add'(p, ctx) {
    return announceChange(ctx, await ctx.services.messages.react(ctx.user, p.messageId, p.emoji, true));
  },

  async 'reaction:remove'(p, ctx) {
    return announceChange(ctx, await ctx.services.messages.react(ctx.user, p.messageId, p.emoji, false));
  },

  'message:changes': (p, { user, services }) => services.messages.changes(user.id, p),

  async 'room:read'(p, { user, services, nsp }) {
    const state = await services.reads.markRead(user.id, p.roomId, p.seq);
    // U3: every tab and device of mine, this one included, hears the new marker.
    nsp.to(userChannel(user.id)).emit('room:read-state', state);
    return state;
  },

  'room:read-state': (p, { user, services }) => services.reads.state(user.id, p.roomId),

  async 'room:notify'(p, { user, services, nsp }) {
    const event = await services.reads.setNotify(user.id, p.roomId, p.level);
    nsp.to(userChannel(user.id)).emit('room:notify-changed', event);
    return event;
  },

  async 'typing:start'(p, ctx) {
    return relayTyping(ctx, p.roomId, true);
  },

  async 'typing:stop'(p, ctx) {
    return relayTyping(ctx, p.roomId, false);
  },

  async 'presence:set'(p, { socket, user, services, nsp }) {
    // P4: the directory announces any change of the person's state by itself.
    if (p.state) services.presence.setActive(user.id, socket.id, p.state === 'active');
    if (p.appearOffline === undefined) return { appearOffline: await services.presenceViews.appearsOffline(user.id) };
    // P6: others see the change now; every tab of mine learns the choice.
    const view = await services.presenceViews.setAppearOffline(user.id, p.appearOffline);
    await broadcastPresence(nsp, services, user.id, view);
    nsp.to(userChannel(user.id)).emit('presence:self', { appearOffline: p.appearOffline });
    return { appearOffline: p.appearOffline };
  },
};

/** P3: what others see of a person goes to the rooms they are in, so only people sharing one hear it. */
export async function broadcastPresence(
  nsp: ChatNamespace,
  services: Services,
  userId: string,
  view: PresenceView,
): Promise<void> {
  const roomIds = await services.rooms.roomIdsOf(userId);
  if (roomIds.length === 0) return;
  const event = {
    userId,
    online: view.state !== 'offline',
    state: view.state,
    ...(view.lastSeenAt === undefined ? {} : { lastSeenAt: view.lastSeenAt }),
  };
  nsp.to(roomIds.map(roomChannel)).emit('presence:changed', event);
}

/** E1–E3: a change that happened goes to every member (the actor's tabs included); the ack is the message as it is now. */
function announceChange(ctx: CommandContext, outcome: ChangeOutcome): Message {
  const { message, change } = outcome;
  if (change)
    ctx.nsp.to(roomChannel(message.roomId)).emit('message:changed', { roomId: message.roomId, change, message });
  return message;
}

/**
 * T1, T3. Membership is read from the socket's own channels, which every join, leave
 * and DM keeps in step with storage, so typing costs no database round trip.
 * Typing goes to the room except every tab of the typer, and is volatile: a stale
 * "is typing" is worse than a dropped one.
 */
async function relayTyping(ctx: CommandContext, roomId: string, typing: boolean): Promise<null> {
  const { socket, user, services } = ctx;
  const channel = roomChannel(roomId);
  if (!socket.rooms.has(channel)) {
    await services.rooms.requireMember(user.id, roomId);
    socket.join(channel);
  }
  const event = { roomId, userId: user.id, username: user.username };
  const others = socket.volatile.to(channel).except(userChannel(user.id));
  if (typing) {
    services.typing.start(socket.id, roomId);
    others.emit('typing:started', event);
  } else if (services.typing.stop(socket.id, roomId)) {
    others.emit('typing:stopped', event);
  }
  return null;
}
