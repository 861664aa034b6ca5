import type { NotifyLevel, PendingInvitation, RoomSummary, User } from '@parley/shared-types';
import { existingConversation } from '../store/people.logic';
import { checkInviteUsername, inviteFailureText } from '../lib/invite.rules';
import { appStore } from '../store/app.store';
import { failureText, request, type CommandOutcome } from './commands';
import { openRoom, roomGone } from './navigation';

/** What a UI action resolves to: done, or the sentence for its role=alert. */
export type ActionResult<T = void> = { ok: true; data: T } | { ok: false; message: string };

function settle<T, R>(outcome: CommandOutcome<T>, onOk: (data: T) => R): ActionResult<R> {
  if (!outcome.ok) return { ok: false, message: failureText(outcome) };
  return { ok: true, data: onOk(outcome.data) };
}

/** The room is mine now (created, joined or a DM): list it and open it. */
function adopt(room: RoomSummary): RoomSummary {
  appStore.getState().roomAdded(room);
  openRoom(room.id);
  return room;
}

export async function createRoom(name: string, isPrivate: boolean): Promise<ActionResult<RoomSummary>> {
  return settle(await request('room:create', { name, isPrivate }), adopt);
}

export async function browseRooms(): Promise<ActionResult<RoomSummary[]>> {
  return settle(await request('room:browse', {}), (rooms) => rooms);
}

export async function joinRoom(roomId: string): Promise<ActionResult<RoomSummary>> {
  return settle(await request('room:join', { roomId }), adopt);
}

export async function leaveRoom(roomId: string): Promise<ActionResult> {
  return settle(await request('room:leave', { roomId }), () => roomGone(roomId));
}

/** How long the "Invited …" confirmation stays in the Notices region. */
const INVITED_CONFIRMATION_MS = 6000;

/** I1: invites `rawUsername` to `roomId`; on success a short confirmation shows. */
export async function inviteToRoom(roomId: string, rawUsername: string): Promise<ActionResult> {
  const input = checkInviteUsername(rawUsername);
  if (!input.ok) return input;
  const outcome = await request('room:invite', { roomId, username: input.username });
  if (!outcome.ok) return { ok: false, message: inviteFailureText(outcome) };
  const store = appStore.getState();
  const roomName = store.rooms[roomId]?.name ?? 'the room';
  const id = `invite-sent:${roomId}:${outcome.data.userId}`;
  store.infoNoticed(id, `Invitation sent to ${input.username} for ${roomName}.`);
  window.setTimeout(() => appStore.getState().localNoticeDismissed(id), INVITED_CONFIRMATION_MS);
  return { ok: true, data: undefined };
}

/** I3: the owner removes a member; everyone's list drops them (room:member-left). */
export async function removeMember(roomId: string, userId: string): Promise<ActionResult> {
  return settle(await request('room:remove-member', { roomId, userId }), () =>
    appStore.getState().memberLeft({ roomId, userId }),
  );
}

/** I5: the owner's view of who is invited, and by whom. */
export async function listInvitations(roomId: string): Promise<ActionResult<PendingInvitation[]>> {
  return settle(await request('room:invitations', { roomId }), (invitations) => invitations);
}

/** I5: withdraws a pending invitation (the owner's, or one I sent). */
export async function withdrawInvitation(roomId: string, userId: string): Promise<ActionResult> {
  return settle(await request('room:withdraw-invitation', { roomId, userId }), () => undefined);
}

/** N2: how a room notifies me; every tab hears it (room:notify-changed). */
export async function setRoomNotify(roomId: string, level: NotifyLevel): Promise<ActionResult> {
  return settle(await request('room:notify', { roomId, level }), (event) =>
    appStore.getState().roomNotifyChanged(event),
  );
}

export async function openDirectMessage(userId: string): Promise<ActionResult<RoomSummary>> {
  return settle(await request('dm:open', { userId }), adopt);
}

/** G7: the people I may start a conversation with (those I share one with), maybe by the start of their name. */
export async function listPeople(prefix?: string): Promise<ActionResult<User[]>> {
  return settle(await request('people:list', prefix ? { prefix } : {}), (people) => people);
}

/**
 * New message → Start: one person is our DM (D1), several a group (G1). A conversation
 * I already have with exactly them opens instead of a second one.
 */
export async function startConversation(others: readonly User[]): Promise<ActionResult<RoomSummary>> {
  const existing = existingConversation(appStore.getState().rooms, others);
  if (existing && existing.kind === 'group') return { ok: true, data: adopt(existing) };
  if (others.length === 1) return openDirectMessage(others[0]!.id);
  return settle(await request('group:create', { userIds: others.map((p) => p.id) }), adopt);
}

/** G3: adds people to a group; everyone's list and name follow (room:added, room:member-joined). */
export async function addPeople(roomId: string, others: readonly User[]): Promise<ActionResult> {
  return settle(await request('group:add', { roomId, userIds: others.map((p) => p.id) }), () => undefined);
}
