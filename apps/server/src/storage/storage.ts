import type { Message, RoomKind } from '@parley/shared-types';

/*
 * The storage interface. Every method is one unit of work: when it needs several
 * statements it runs them in one transaction inside the implementation, never across
 * calls, so handlers and services cannot leave half a change behind. Methods are async
 * so a networked store (PostgreSQL) fits the same shape as embedded SQLite.
 * Expected refusals (a taken name, a non-member) come back as values, not exceptions.
 */

export type UserRecord = {
  id: string;
  username: string;
  passwordHash: string;
  createdAt: number;
};

export type SessionRecord = {
  /** SHA-256 of the session id; the id itself is never stored. */
  key: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  /** Absolute end of the session, whatever the activity. */
  expiresAt: number;
};

export type RoomRecord = {
  id: string;
  kind: RoomKind;
  /** Null for DMs, whose name depends on who looks. */
  name: string | null;
  ownerId: string | null;
  lastSeq: number;
  createdAt: number;
};

/** A room as one member sees it: for a DM, the other person. */
export type RoomView = RoomRecord & { peer: { id: string; username: string } | null };

export type RoomCursor = { roomId: string; lastSeq: number };

export type MemberRecord = { userId: string; username: string };

export type InvitationRecord = {
  roomId: string;
  userId: string;
  username: string;
  invitedBy: { id: string; username: string } | null;
  createdAt: number;
};

/** What a removal changed: membership, and the pending invitations the removed member had sent. */
export type RemovedMember = { wasMember: boolean; withdrawnInvitees: string[] };

export type NewMessage = {
  id: string;
  roomId: string;
  authorId: string;
  clientMessageId: string;
  text: string;
  createdAt: number;
};

export type AppendResult =
  | { status: 'created'; message: Message }
  /** The same author already sent this clientMessageId: the original, nothing stored. */
  | { status: 'duplicate'; message: Message }
  | { status: 'not_member' }
  | { status: 'room_not_found' };

export interface UserStore {
  /** Creates the user and makes them a member of `autoJoinRoomIds`, atomically. */
  create(user: UserRecord, autoJoinRoomIds: readonly string[]): Promise<'created' | 'username_taken'>;
  /** Case-insensitive. */
  findByUsername(username: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  find(key: string): Promise<SessionRecord | null>;
  touch(key: string, lastSeenAt: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  deleteExpired(now: number, idleCutoff: number): Promise<number>;
}

export interface RoomStore {
  /** Creates a named room with its creator as first member. Names are unique ignoring case. */
  create(room: RoomRecord, creatorId: string | null): Promise<'created' | 'name_taken'>;
  findById(id: string): Promise<RoomRecord | null>;
  findByName(name: string): Promise<RoomRecord | null>;
  /** Public rooms `userId` is not a member of, by name. */
  listPublicNotJoined(userId: string): Promise<RoomRecord[]>;
  listForUser(userId: string): Promise<RoomView[]>;
  viewForUser(roomId: string, userId: string): Promise<RoomView | null>;
  roomIdsForUser(userId: string): Promise<string[]>;
  /** Each room of the user with its newest seq (for resuming a reconnecting client). */
  cursorsForUser(userId: string): Promise<RoomCursor[]>;
  /** True when the user was not a member before. Consumes any invitation to the room. */
  addMember(roomId: string, userId: string, joinedAt: number): Promise<boolean>;
  /**
   * Removes a member (leaving or removed), with any invitation pending for them, and
   * withdraws the invitations they sent to this room: an invitation speaks for a member,
   * so it cannot outlive their membership.
   */
  removeMember(roomId: string, userId: string): Promise<RemovedMember>;
  /** Records an invitation; 'exists' when one was already pending. */
  invite(roomId: string, userId: string, invitedBy: string, at: number): Promise<'created' | 'exists'>;
  isInvited(roomId: string, userId: string): Promise<boolean>;
  /** Pending invitations to a room, oldest first. */
  listInvitations(roomId: string): Promise<InvitationRecord[]>;
  /** Withdraws the invitation of `userId` to the room; false when none was pending. */
  withdrawInvitation(roomId: string, userId: string): Promise<boolean>;
  /** Rooms with a pending invitation for the user, by name. */
  listInvitedRooms(userId: string): Promise<RoomRecord[]>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** Members by username; null when the room does not exist. */
  listMembers(roomId: string): Promise<MemberRecord[] | null>;
  /** The DM of two users, created with both as members if missing. */
  openDm(
    room: RoomRecord,
    userA: string,
    userB: string,
  ): Promise<{ room: RoomRecord; created: boolean }>;
}

export interface MessageStore {
  /** Checks membership, dedupes by (author, clientMessageId), takes the room's next seq. */
  append(message: NewMessage): Promise<AppendResult>;
  /** Up to `limit` messages with seq < `before` (newest page if absent), ascending by seq. */
  history(roomId: string, options: { before?: number; limit: number }): Promise<Message[]>;
  /** Up to `limit` messages with seq > `afterSeq`, ascending by seq. */
  since(roomId: string, afterSeq: number, limit: number): Promise<Message[]>;
}

export interface Storage {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly rooms: RoomStore;
  readonly messages: MessageStore;
  close(): Promise<void>;
}
