import type { ReceivedInvitation, RoomInvitedEvent, RoomSummary, User } from '@parley/shared-types';

/*
 * Notices the app raises itself, beside the server's (N1): an invitation to a room (I1)
 * with its Join button, being removed from a room (I3), and short confirmations. Pure
 * list updates, so the slice stays thin and the rules are tested on their own.
 */
export type LocalNotice =
  | { id: string; kind: 'invited'; room: RoomSummary; by: User | null }
  | { id: string; kind: 'removed'; roomId: string; roomName: string }
  | { id: string; kind: 'info'; text: string };

/** Older notices give way past this many: a burst of invitations cannot bury the screen. */
export const MAX_LOCAL_NOTICES = 5;

export const invitationNoticeId = (roomId: string) => `invited:${roomId}`;
export const removalNoticeId = (roomId: string) => `removed:${roomId}`;

function capped(list: LocalNotice[]): LocalNotice[] {
  return list.length > MAX_LOCAL_NOTICES ? list.slice(list.length - MAX_LOCAL_NOTICES) : list;
}

/** Adds (or moves to the end, refreshed) the notice with `notice.id`. */
function upsert(list: readonly LocalNotice[], notice: LocalNotice): LocalNotice[] {
  return capped([...list.filter((n) => n.id !== notice.id), notice]);
}

/**
 * An invitation, unless I am already in the room (`isMember`). A second invitation to
 * the same room replaces the first (the newest inviter is named), and an older notice
 * that I was removed from that room goes: the invitation supersedes it.
 */
export function withInvitation(
  list: readonly LocalNotice[],
  event: RoomInvitedEvent | ReceivedInvitation,
  isMember: boolean,
): readonly LocalNotice[] {
  if (isMember) return list;
  const rest = list.filter((n) => n.id !== removalNoticeId(event.room.id));
  return upsert(rest, { id: invitationNoticeId(event.room.id), kind: 'invited', room: event.room, by: event.by });
}

/** Drops invitations to rooms I now belong to (joined here, in another tab, or by Browse rooms). */
export function withoutInvitationsTo(list: readonly LocalNotice[], roomIds: Iterable<string>): readonly LocalNotice[] {
  const ids = new Set<string>();
  for (const id of roomIds) ids.add(invitationNoticeId(id));
  if (!list.some((n) => ids.has(n.id))) return list;
  return list.filter((n) => !ids.has(n.id));
}

/** I was removed from a room: one notice per room; a pending invitation to it is void. */
export function withRemoval(list: readonly LocalNotice[], roomId: string, roomName: string): LocalNotice[] {
  const rest = list.filter((n) => n.id !== invitationNoticeId(roomId));
  return upsert(rest, { id: removalNoticeId(roomId), kind: 'removed', roomId, roomName });
}

export function withInfo(list: readonly LocalNotice[], id: string, text: string): LocalNotice[] {
  return upsert(list, { id, kind: 'info', text });
}

export function withoutNotice(list: readonly LocalNotice[], id: string): readonly LocalNotice[] {
  return list.some((n) => n.id === id) ? list.filter((n) => n.id !== id) : list;
}

/** The sentence of a notice, as shown (and announced). */
export function noticeText(notice: LocalNotice): string {
  switch (notice.kind) {
    case 'invited':
      return notice.by
        ? `${notice.by.username} invited you to ${notice.room.name}`
        : `You are invited to ${notice.room.name}`;
    case 'removed':
      return `You were removed from ${notice.roomName}.`;
    case 'info':
      return notice.text;
  }
}
