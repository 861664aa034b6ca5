import {
  DELETED_USER_NAME,
  DEFAULT_ROOM_NAME,
  EMPTY_GROUP_NAME,
  GROUP_MAX_MEMBERS,
  GROUP_MIN_MEMBERS,
  PEOPLE_LIST_MAX,
  ROOM_NAME_MAX,
  ROOM_NAME_MIN,
  charCount,
  hasHiddenFormatting,
  type Member,
  type PendingInvitation,
  type ReceivedInvitation,
  type RoomSummary,
  type User,
} from '@parley/shared-types';
import type { RoomCursor, RoomRecord, RoomView, Storage } from '../storage/storage.js';
import type { Clock } from './clock.js';
import { DomainError } from './domain-error.js';
import type { IdGenerator } from './ids.js';
import { toMember, type PresenceView } from './presence.service.js';

/** Control characters, and lone surrogates (not text; SQLite would store them as U+FFFD bytes). */
const CONTROL_CHARS = /\p{Cc}|\p{Cs}/u;

/** Trims, then checks R1's rules (no control or hidden format characters); returns the name to store. */
export function normalizeRoomName(raw: string): string {
  const name = raw.trim().normalize('NFC');
  const length = charCount(name);
  if (length < ROOM_NAME_MIN || length > ROOM_NAME_MAX || CONTROL_CHARS.test(name) || hasHiddenFormatting(name)) {
    throw new DomainError('invalid_room_name');
  }
  return name;
}

/** A room as a member sees it (with their read state, U2, and notification level, N2), or as anyone does. */
export function toSummary(
  view: RoomRecord & { peer: RoomView['peer'] } & Partial<Omit<RoomView, 'peer'>>,
): RoomSummary {
  const base: Pick<RoomSummary, 'id' | 'kind' | 'lastSeq' | 'read' | 'notify'> = {
    id: view.id,
    kind: view.kind,
    lastSeq: view.lastSeq,
  };
  if (view.lastReadSeq !== undefined) {
    base.read = {
      lastReadSeq: view.lastReadSeq,
      unreadCount: view.unreadCount ?? 0,
      mentionCount: view.mentionCount ?? 0,
    };
  }
  if (view.notify) base.notify = view.notify;
  if (view.kind === 'dm') {
    // A13: a DM whose other person deleted their account has no other member left.
    if (!view.peer) return { ...base, name: DELETED_USER_NAME };
    return { ...base, name: view.peer.username, peer: view.peer };
  }
  // G2: named by the others in it, as each member sees it.
  if (view.kind === 'group') return { ...base, name: view.memberNames ?? EMPTY_GROUP_NAME };
  return { ...base, name: view.name ?? '', ...(view.ownerId ? { ownerId: view.ownerId } : {}) };
}

const summaryOf = (room: RoomRecord): RoomSummary => toSummary({ ...room, peer: null });
/** A room one just made or entered with nothing in it yet: nothing unread (U1). */
const NOTHING_READ = { lastReadSeq: 0, unreadCount: 0, mentionCount: 0, notify: null };

export type OpenedDm = {
  /** The DM as the caller sees it. */
  mine: RoomSummary;
  /** The DM as the other person sees it. */
  theirs: RoomSummary;
  created: boolean;
};

export class RoomsService {
  private defaultRoomId: string | undefined;

  constructor(
    private readonly deps: {
      storage: Storage;
      clock: Clock;
      newId: IdGenerator;
      /** P4–P6, in the order asked; may ask another process (several nodes share presence through Redis). */
      viewsOf: (userIds: readonly string[]) => Promise<PresenceView[]>;
    },
  ) {}

  /** R7: the default room exists from the first start. Idempotent. */
  async ensureDefaultRoom(): Promise<string> {
    const { storage, clock, newId } = this.deps;
    const existing = await storage.rooms.findByName(DEFAULT_ROOM_NAME);
    if (existing) return (this.defaultRoomId = existing.id);
    const room: RoomRecord = {
      id: newId(),
      kind: 'public',
      name: DEFAULT_ROOM_NAME,
      ownerId: null,
      lastSeq: 0,
      createdAt: clock.now(),
    };
    if ((await storage.rooms.create(room, null)) === 'created') return (this.defaultRoomId = room.id);
    const raced = await storage.rooms.findByName(DEFAULT_ROOM_NAME);
    if (!raced) throw new Error('default room vanished while being created');
    return (this.defaultRoomId = raced.id);
  }

  autoJoinRoomIds(): readonly string[] {
    return this.defaultRoomId ? [this.defaultRoomId] : [];
  }

  async create(user: User, rawName: string, isPrivate: boolean): Promise<RoomSummary> {
    const { storage, clock, newId } = this.deps;
    const name = normalizeRoomName(rawName);
    const room: RoomRecord = {
      id: newId(),
      kind: isPrivate ? 'private' : 'public',
      name,
      ownerId: user.id,
      lastSeq: 0,
      createdAt: clock.now(),
    };
    if ((await storage.rooms.create(room, user.id)) === 'name_taken') {
      throw new DomainError('room_name_taken');
    }
    return toSummary({ ...room, peer: null, ...NOTHING_READ });
  }

  /** R2, I1: public rooms I am not in, then private rooms I was invited to. */
  async browse(userId: string): Promise<RoomSummary[]> {
    const { rooms } = this.deps.storage;
    const [open, invited] = await Promise.all([rooms.listPublicNotJoined(userId), rooms.listInvitedRooms(userId)]);
    // A public room one was invited to is listed once, as invited.
    const invitedIds = new Set(invited.map((room) => room.id));
    return [
      ...open.filter((room) => !invitedIds.has(room.id)).map(summaryOf),
      ...invited.map((room) => ({ ...summaryOf(room), invited: true })),
    ];
  }

  /**
   * I6: my pending invitations, so one sent while I was away reaches me when I come
   * back (room:invited goes only to the sockets open at the time).
   */
  async receivedInvitations(userId: string): Promise<ReceivedInvitation[]> {
    return (await this.deps.storage.rooms.listInvitationsForUser(userId)).map((i) => ({
      room: { ...summaryOf(i.room), invited: true },
      by: i.invitedBy,
      createdAt: i.createdAt,
    }));
  }

  /** I1. Returns the invitee and the room as they will see it. */
  async invite(user: User, roomId: string, username: string): Promise<{ invitee: User; room: RoomSummary }> {
    const { storage, clock } = this.deps;
    const room = await storage.rooms.findById(roomId);
    if (!room || !(await storage.rooms.isMember(roomId, user.id))) throw new DomainError('forbidden');
    // G3: a group takes people by group:add, at once; a DM stays two.
    if (room.kind === 'dm' || room.kind === 'group') throw new DomainError('forbidden');
    const invitee = await storage.users.findByUsername(username);
    if (!invitee) throw new DomainError('not_found');
    if (await storage.rooms.isMember(roomId, invitee.id)) throw new DomainError('already_member');
    await storage.rooms.invite(roomId, invitee.id, user.id, clock.now());
    return { invitee: { id: invitee.id, username: invitee.username }, room: { ...summaryOf(room), invited: true } };
  }

  /**
   * I3: only the owner removes, and not themselves. Returns the people whose invitations,
   * sent by the removed member, were withdrawn with them (I4).
   */
  async removeMember(owner: User, roomId: string, userId: string): Promise<{ withdrawnInvitees: string[] }> {
    const { storage } = this.deps;
    await this.requireModerator(owner, roomId);
    if (userId === owner.id) throw new DomainError('forbidden');
    const removed = await storage.rooms.removeMember(roomId, userId);
    if (!removed.wasMember) throw new DomainError('not_found');
    return { withdrawnInvitees: removed.withdrawnInvitees };
  }

  /** I5: the owner sees who is invited and by whom. */
  async invitations(owner: User, roomId: string): Promise<PendingInvitation[]> {
    await this.requireModerator(owner, roomId);
    return (await this.deps.storage.rooms.listInvitations(roomId)).map((i) => ({
      roomId,
      user: { id: i.userId, username: i.username },
      invitedBy: i.invitedBy,
      createdAt: i.createdAt,
    }));
  }

  /** I5: the owner, or the member who sent it, withdraws a pending invitation. */
  async withdrawInvitation(user: User, roomId: string, inviteeId: string): Promise<void> {
    const { storage } = this.deps;
    const room = await storage.rooms.findById(roomId);
    if (!room || room.kind === 'dm' || !(await storage.rooms.isMember(roomId, user.id)))
      throw new DomainError('forbidden');
    const pending = (await storage.rooms.listInvitations(roomId)).find((i) => i.userId === inviteeId);
    if (!pending) throw new DomainError('not_found');
    if (room.ownerId !== user.id && pending.invitedBy?.id !== user.id) throw new DomainError('forbidden');
    if (!(await storage.rooms.withdrawInvitation(roomId, inviteeId))) throw new DomainError('not_found');
  }

  /** The owner of a public or private room who is still a member of it; `forbidden` for anyone else. */
  private async requireModerator(user: User, roomId: string): Promise<void> {
    const { storage } = this.deps;
    const room = await storage.rooms.findById(roomId);
    if (!room || room.kind === 'dm' || room.ownerId !== user.id) throw new DomainError('forbidden');
    // An owner who left the room no longer moderates it.
    if (!(await storage.rooms.isMember(roomId, user.id))) throw new DomainError('forbidden');
  }

  async list(userId: string): Promise<RoomSummary[]> {
    return (await this.deps.storage.rooms.listForUser(userId)).map(toSummary);
  }

  async roomIdsOf(userId: string): Promise<string[]> {
    return this.deps.storage.rooms.roomIdsForUser(userId);
  }

  async cursorsOf(userId: string): Promise<RoomCursor[]> {
    return this.deps.storage.rooms.cursorsForUser(userId);
  }

  /** R3. `joined` is false when the caller was already a member. */
  async join(user: User, roomId: string): Promise<{ room: RoomSummary; joined: boolean }> {
    const { storage, clock } = this.deps;
    const room = await storage.rooms.findById(roomId);
    if (!room) throw new DomainError('not_found');
    if (room.kind !== 'public') {
      // Private rooms are joined only by invitation (I1); DMs only by being one of the two.
      const allowed =
        (await storage.rooms.isMember(roomId, user.id)) ||
        (room.kind === 'private' && (await storage.rooms.isInvited(roomId, user.id)));
      if (!allowed) throw new DomainError('forbidden');
    }
    const joined = await storage.rooms.addMember(roomId, user.id, clock.now());
    const view = await storage.rooms.viewForUser(roomId, user.id);
    if (!view) throw new DomainError('not_found');
    return { room: toSummary(view), joined };
  }

  /** R4; the invitations the leaver sent are withdrawn (I4). */
  async leave(user: User, roomId: string): Promise<{ withdrawnInvitees: string[] }> {
    const { storage } = this.deps;
    const room = await storage.rooms.findById(roomId);
    if (!room) throw new DomainError('not_found');
    if (room.kind === 'dm') throw new DomainError('forbidden');
    // Checked first: a refused leave must not touch a pending invitation either.
    if (!(await storage.rooms.isMember(roomId, user.id))) throw new DomainError('forbidden');
    const removed = await storage.rooms.removeMember(roomId, user.id);
    return { withdrawnInvitees: removed.withdrawnInvitees };
  }

  /** R6. */
  async members(userId: string, roomId: string): Promise<Member[]> {
    const { storage, viewsOf } = this.deps;
    await this.requireMember(userId, roomId);
    const members = (await storage.rooms.listMembers(roomId)) ?? [];
    // All asked at once: a shared directory answers them in one round trip.
    const views = await viewsOf(members.map((m) => m.userId));
    return members.map((m, i) => toMember({ id: m.userId, username: m.username }, views[i] ?? { state: 'offline' }));
  }

  /** D1. */
  async openDm(user: User, otherUserId: string): Promise<OpenedDm> {
    const { storage, clock, newId } = this.deps;
    if (otherUserId === user.id) {
      throw new DomainError('invalid_payload', { path: '/userId', message: 'cannot message yourself' });
    }
    const other = await storage.users.findById(otherUserId);
    if (!other) throw new DomainError('not_found');
    const draft: RoomRecord = {
      id: newId(),
      kind: 'dm',
      name: null,
      ownerId: null,
      lastSeq: 0,
      createdAt: clock.now(),
    };
    const { room, created } = await storage.rooms.openDm(draft, user.id, other.id);
    const peerOf = (u: { id: string; username: string }) => ({ ...room, peer: u, ...NOTHING_READ });
    // An existing DM as I see it now, read state included.
    const existing = created ? null : await storage.rooms.viewForUser(room.id, user.id);
    return {
      mine: toSummary(existing ?? peerOf({ id: other.id, username: other.username })),
      theirs: toSummary(peerOf({ id: user.id, username: user.username })),
      created,
    };
  }

  /**
   * G1: a group of the caller and `userIds`, GROUP_MIN_MEMBERS to GROUP_MAX_MEMBERS people in
   * all. Returns the group as each member sees it (its name depends on who looks, G2).
   */
  async createGroup(user: User, userIds: readonly string[]): Promise<Map<string, RoomSummary>> {
    const { storage, clock, newId } = this.deps;
    if (userIds.includes(user.id)) {
      throw new DomainError('invalid_payload', { path: '/userIds', message: 'you are in it already' });
    }
    const memberIds = [user.id, ...new Set(userIds)];
    if (memberIds.length < GROUP_MIN_MEMBERS) throw new DomainError('group_too_small');
    if (memberIds.length > GROUP_MAX_MEMBERS) throw new DomainError('group_full');
    const room: RoomRecord = {
      id: newId(),
      kind: 'group',
      name: null,
      ownerId: null,
      lastSeq: 0,
      createdAt: clock.now(),
    };
    if ((await storage.rooms.createGroup(room, memberIds)) === 'unknown_user') throw new DomainError('not_found');
    return this.viewsOf(room.id, memberIds);
  }

  /**
   * G3: a member adds people, up to GROUP_MAX_MEMBERS in all. Returns every member's view
   * of the group after it (the name changed for everyone), and who was added.
   */
  async addToGroup(
    user: User,
    roomId: string,
    userIds: readonly string[],
  ): Promise<{ views: Map<string, RoomSummary>; added: User[] }> {
    const { storage, clock } = this.deps;
    const ids = [...new Set(userIds)];
    const result = await storage.rooms.addToGroup(roomId, user.id, ids, GROUP_MAX_MEMBERS, clock.now());
    switch (result.status) {
      case 'added':
        break;
      case 'not_member':
      case 'not_group':
        throw new DomainError('forbidden');
      case 'unknown_user':
        throw new DomainError('not_found');
      case 'already_member':
        throw new DomainError('already_member');
      case 'full':
        throw new DomainError('group_full');
    }
    const members = (await storage.rooms.listMembers(roomId)) ?? [];
    const added = members.filter((m) => ids.includes(m.userId)).map((m) => ({ id: m.userId, username: m.username }));
    return {
      views: await this.viewsOf(
        roomId,
        members.map((m) => m.userId),
      ),
      added,
    };
  }

  /**
   * G4: how each remaining member sees a group now (after someone left or was added); an
   * empty map for any other kind of room, whose name does not depend on its members.
   */
  async groupViews(roomId: string): Promise<Map<string, RoomSummary>> {
    const { storage } = this.deps;
    const room = await storage.rooms.findById(roomId);
    if (room?.kind !== 'group') return new Map();
    const members = (await storage.rooms.listMembers(roomId)) ?? [];
    return this.viewsOf(
      roomId,
      members.map((m) => m.userId),
    );
  }

  /** G7: the people I share a conversation with, whom a group can be made of; by the start of their name. */
  async people(userId: string, prefix = ''): Promise<User[]> {
    return (await this.deps.storage.rooms.listPeopleOf(userId, PEOPLE_LIST_MAX, prefix)).map((p) => ({
      id: p.userId,
      username: p.username,
    }));
  }

  private async viewsOf(roomId: string, userIds: readonly string[]): Promise<Map<string, RoomSummary>> {
    const views = await Promise.all(userIds.map((id) => this.deps.storage.rooms.viewForUser(roomId, id)));
    return new Map(views.flatMap((view, i) => (view ? [[userIds[i]!, toSummary(view)] as const] : [])));
  }

  /** M7, R6, T3: a non-member gets `forbidden`; an unknown room looks the same. */
  async requireMember(userId: string, roomId: string): Promise<void> {
    if (!(await this.deps.storage.rooms.isMember(roomId, userId))) {
      throw new DomainError('forbidden');
    }
  }

  async member(userId: string): Promise<Member | null> {
    const user = await this.deps.storage.users.findById(userId);
    if (!user) return null;
    const [view] = await this.deps.viewsOf([user.id]);
    return toMember(user, view ?? { state: 'offline' });
  }
}
