import type { RoomSummary } from '@parley/shared-types';
import { DEFAULT_ROOM_NAME } from '@parley/shared-types';
import { isPeopleConversation } from '../lib/room-kinds';
import type { AppState } from './app.store.types';
import { countsOf } from './reads.logic';
import type { MemberRef } from './rooms.slice';

const NO_MEMBERS: MemberRef[] = [];

const byName = (a: RoomSummary, b: RoomSummary) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

export const selectActiveRoomId = (s: AppState): string | null => s.activeRoomId;

export const selectActiveRoom = (s: AppState): RoomSummary | null =>
  (s.activeRoomId && s.rooms[s.activeRoomId]) || null;

/** Public and private rooms by name. A fresh array: read it with useShallow. */
export const selectChannels = (s: AppState): RoomSummary[] =>
  Object.values(s.rooms)
    .filter((r) => !isPeopleConversation(r.kind))
    .sort(byName);

/** DMs and groups (G2) by the names of the people in them. A fresh array: read it with useShallow. */
export const selectDirectMessages = (s: AppState): RoomSummary[] =>
  Object.values(s.rooms)
    .filter((r) => isPeopleConversation(r.kind))
    .sort(byName);

/** U2/U4: messages by others after my marker, not deleted. */
export const selectUnread =
  (roomId: string) =>
  (s: AppState): number =>
    countsOf(s.reads[roomId], s.user?.id).unread;

/** U2/U4: those of them that mention me. */
export const selectMentions =
  (roomId: string) =>
  (s: AppState): number =>
    countsOf(s.reads[roomId], s.user?.id).mentions;

/** Unread messages across all my rooms (the tab title's count). */
export const selectTotalUnread = (s: AppState): number =>
  Object.keys(s.rooms).reduce((n, roomId) => n + countsOf(s.reads[roomId], s.user?.id).unread, 0);

/** My read marker in a room (0 when unknown). */
export const selectLastReadSeq =
  (roomId: string) =>
  (s: AppState): number =>
    s.reads[roomId]?.lastReadSeq ?? 0;

export const selectMembers =
  (roomId: string | null) =>
  (s: AppState): MemberRef[] =>
    (roomId && s.membersByRoom[roomId]) || NO_MEMBERS;

export const selectRoomsLoaded = (s: AppState): boolean => s.roomsLoaded;

/**
 * Where to go when the open room disappears or the URL names none: the default room,
 * else the first room, else nothing (empty state).
 */
export function pickFallbackRoom(rooms: Record<string, RoomSummary>, excluding?: string): string | null {
  const candidates = Object.values(rooms).filter((r) => r.id !== excluding);
  const general = candidates.find(
    (r) => r.kind === 'public' && r.name.toLowerCase() === DEFAULT_ROOM_NAME.toLowerCase(),
  );
  if (general) return general.id;
  const channels = candidates.filter((r) => !isPeopleConversation(r.kind)).sort(byName);
  const dms = candidates.filter((r) => isPeopleConversation(r.kind)).sort(byName);
  return channels[0]?.id ?? dms[0]?.id ?? null;
}

/** My rooms in the order the sidebar lists them: rooms by name, then DMs by name. */
export const selectRoomOrder = (s: AppState): string[] => [
  ...selectChannels(s).map((r) => r.id),
  ...selectDirectMessages(s).map((r) => r.id),
];

/**
 * The room Alt+ArrowUp/ArrowDown moves to from `current` (`step` -1 or +1) in `order`,
 * only among those `eligible` says yes to when given (Alt+Shift: unread ones). Stops at
 * the ends rather than wrapping: where a move lands stays predictable. Null: nowhere to go.
 */
export function roomAfter(
  order: readonly string[],
  current: string | null,
  step: -1 | 1,
  eligible: (roomId: string) => boolean = () => true,
): string | null {
  const from = current === null ? -1 : order.indexOf(current);
  // With no room open (or an unknown one), down starts from the top and up from the bottom.
  let i = from < 0 ? (step === 1 ? 0 : order.length - 1) : from + step;
  for (; i >= 0 && i < order.length; i += step) {
    const id = order[i]!;
    if (id !== current && eligible(id)) return id;
  }
  return null;
}

/** Unread messages in my rooms other than the open one (the Rooms drawer's button on phones). */
export const selectUnreadElsewhere = (s: AppState): number =>
  selectTotalUnread(s) - (s.activeRoomId && s.rooms[s.activeRoomId] ? selectUnread(s.activeRoomId)(s) : 0);
