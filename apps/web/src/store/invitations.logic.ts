import type { ReceivedInvitation, RoomSummary, User } from '@parley/shared-types';

/*
 * My pending invitations (I1, I6), by room id: what the badge on Browse rooms counts.
 * Kept apart from the notices, which can be dismissed while the invitation still stands
 * (Browse rooms keeps offering it until it is accepted or withdrawn).
 */
export type PendingInvitations = Readonly<Record<string, { room: RoomSummary; by: User | null }>>;

/** Adds or refreshes one invitation, unless I am already in the room. */
export function withPendingInvitation(
  pending: PendingInvitations,
  invitation: { room: RoomSummary; by: User | null },
  isMember: boolean,
): PendingInvitations {
  if (isMember) return pending;
  return { ...pending, [invitation.room.id]: { room: invitation.room, by: invitation.by } };
}

/** The server's list (I6) replaces what was known: withdrawn-while-away ones go. */
export function pendingFromList(
  list: readonly ReceivedInvitation[],
  isMember: (roomId: string) => boolean,
): PendingInvitations {
  return Object.fromEntries(
    list.filter((i) => !isMember(i.room.id)).map((i) => [i.room.id, { room: i.room, by: i.by }] as const),
  );
}

/** Drops invitations to these rooms (joined, withdrawn); the same object when none is held. */
export function withoutPendingTo(pending: PendingInvitations, roomIds: Iterable<string>): PendingInvitations {
  const gone = [...roomIds].filter((id) => Object.hasOwn(pending, id));
  if (gone.length === 0) return pending;
  const rest = { ...pending };
  for (const id of gone) delete rest[id];
  return rest;
}
