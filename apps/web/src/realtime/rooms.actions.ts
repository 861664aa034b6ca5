import type { RoomSummary } from '@parley/shared-types';
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

export async function openDirectMessage(userId: string): Promise<ActionResult<RoomSummary>> {
  return settle(await request('dm:open', { userId }), adopt);
}
