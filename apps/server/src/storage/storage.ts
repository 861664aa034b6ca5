import type { Readable } from 'node:stream';
import type {
  Attachment,
  Message,
  NotifyLevel,
  ReactionEmoji,
  ReadState,
  RoomChange,
  RoomKind,
} from '@parley/shared-types';
import type { SearchCursor, SearchQuery, Snippet } from './search.query.js';

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

/** P5, P6: what others see of a person who is not connected, or chose to look so. */
export type UserPresenceRecord = {
  userId: string;
  /** When they last went offline, or chose to appear offline; null: never yet. */
  lastSeenAt: number | null;
  appearOffline: boolean;
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
  /** Null for DMs and groups, whose name depends on who looks. */
  name: string | null;
  ownerId: string | null;
  lastSeq: number;
  createdAt: number;
};

/** A room as one member sees it: for a DM, the other person; my read state (U2) and notification level (N2). */
export type RoomView = RoomRecord & {
  peer: { id: string; username: string } | null;
  /** G2: for a group, the other members' usernames sorted by their case key, joined by ", " (null: none). */
  memberNames: string | null;
  lastReadSeq: number;
  unreadCount: number;
  mentionCount: number;
  /** Null: the default for the room's kind. */
  notify: NotifyLevel | null;
};

export type RoomCursor = { roomId: string; lastSeq: number };

export type MemberRecord = { userId: string; username: string };

export type InvitationRecord = {
  roomId: string;
  userId: string;
  username: string;
  invitedBy: { id: string; username: string } | null;
  createdAt: number;
};

/** A pending invitation as its invitee sees it (I6). */
export type ReceivedInvitationRecord = {
  room: RoomRecord;
  invitedBy: { id: string; username: string } | null;
  createdAt: number;
};

/** G3: what adding people to a group came to, checked and applied in one transaction. */
export type GroupAddResult =
  | { status: 'added' }
  /** The room does not exist or the actor is not in it. */
  | { status: 'not_member' }
  /** The room is no group (rooms take invitations, DMs stay two). */
  | { status: 'not_group' }
  /** One of them is no account, or a deleted one. */
  | { status: 'unknown_user' }
  | { status: 'already_member' }
  /** It would pass the cap. */
  | { status: 'full' };

/** What a removal changed: membership, and the pending invitations the removed member had sent. */
export type RemovedMember = { wasMember: boolean; withdrawnInvitees: string[] };

export type NewMessage = {
  id: string;
  roomId: string;
  authorId: string;
  clientMessageId: string;
  text: string;
  createdAt: number;
  /** E4: the message of the same room it answers. */
  replyToId?: string;
  /** E6: usernames (case keys) written as mentions; only members of the room count. */
  mentionKeys?: readonly string[];
  /** B4: pending files of the author in this room, linked to the message in its transaction. */
  attachmentIds?: readonly string[];
};

export type AppendResult =
  | { status: 'created'; message: Message }
  /** The same author already sent this clientMessageId: the original, nothing stored. */
  | { status: 'duplicate'; message: Message }
  | { status: 'not_member' }
  | { status: 'room_not_found' }
  /** E4: `replyToId` is not a message of this room, or it is deleted. */
  | { status: 'invalid_reply' }
  | { status: 'reply_deleted' }
  /** B4: an attachment is not a pending file of the author in this room: nothing stored. */
  | { status: 'invalid_attachment' };

/** A change to an existing message (E1–E3), checked and applied in one transaction. */
export type MessageChange =
  | { kind: 'edit'; messageId: string; actorId: string; text: string; mentionKeys: readonly string[]; at: number }
  | { kind: 'delete'; messageId: string; actorId: string; at: number }
  | { kind: 'react'; messageId: string; actorId: string; emoji: ReactionEmoji; on: boolean; at: number };

export type ChangeResult =
  /**
   * Stored: it took the room's next seq. `message` is the view after it. A deletion's files
   * went with it (B7): `removedFileIds` names them, their bytes already removed.
   */
  | { status: 'changed'; change: RoomChange; message: Message; removedFileIds?: string[] }
  /** Nothing to change (same text, a reaction already there or absent, already deleted). */
  | { status: 'unchanged'; message: Message }
  /** Unknown, or in a room the actor is not a member of (E7). */
  | { status: 'not_visible' }
  /** Visible, but not the actor's to change (E1, E2). */
  | { status: 'forbidden' }
  | { status: 'deleted' };

/** F2: one message found, as the searcher sees its room. */
export type SearchHit = {
  messageId: string;
  roomId: string;
  roomKind: RoomKind;
  /** A room's name; a DM's is the other person's username. */
  roomName: string;
  authorId: string;
  authorName: string;
  seq: number;
  createdAt: number;
  snippet: Snippet;
};

/** F2: newest first; `next` continues after the last hit (null: nothing older matches). */
export type SearchPage = { hits: SearchHit[]; next: SearchCursor | null };

export const SEARCH_LIMIT_DEFAULT = 20;
export const SEARCH_LIMIT_MAX = 50;

/** A newest page and the room's seq it reflects (M6). */
export type HistoryRead = { messages: Message[]; lastSeq: number };

/** The changes after a cursor with the views they name (S2, S7). */
export type ChangesRead = { changes: RoomChange[]; messages: Message[]; lastSeq: number };

/**
 * A13: what deleting an account changed, so the transport can tell the people concerned.
 * Lists are sorted (by room id, then user id) so every backend answers alike.
 */
export type DeletedAccount = {
  /** The rooms and DMs it was a member of (no longer). */
  leftRoomIds: string[];
  /** Every room holding a message of it (they stay, by `Deleted user`), members' rooms or not. */
  authoredRoomIds: string[];
  /** I4: invitations it had sent, withdrawn. */
  withdrawnInvitations: Array<{ roomId: string; userId: string }>;
  /** A14: rooms it owned, with their new owner (null: no member left to take it). */
  ownerChanges: Array<{ roomId: string; ownerId: string | null }>;
  /** Its sessions, ended. */
  sessionKeys: string[];
};

export interface UserStore {
  /** Creates the user and makes them a member of `autoJoinRoomIds`, atomically. */
  create(user: UserRecord, autoJoinRoomIds: readonly string[]): Promise<'created' | 'username_taken'>;
  /** Case-insensitive. Deleted accounts are not found (A13). */
  findByUsername(username: string): Promise<UserRecord | null>;
  /** Deleted accounts are not found (A13). */
  findById(id: string): Promise<UserRecord | null>;
  /**
   * A11: stores the new password hash and ends every session of the user but `keepSessionKey`,
   * atomically; the keys of the sessions ended, or null when the account does not exist.
   */
  changePassword(userId: string, passwordHash: string, keepSessionKey: string): Promise<string[] | null>;
  /**
   * A13, A14: in one transaction, the account's sessions, memberships and invitations go and
   * the rooms it owned pass on; the row stays (its messages keep their author) with its name
   * replaced by DELETED_USER_NAME, its password hash emptied and its username free again.
   * Null when the account does not exist or is already deleted.
   */
  delete(userId: string, at: number): Promise<DeletedAccount | null>;
  /** P5, P6: of the given users that exist (deleted ones too), in no particular order. */
  presenceOf(userIds: readonly string[]): Promise<UserPresenceRecord[]>;
  /**
   * P5: the user went offline at `at`. Ignored while they appear offline (P6): others saw
   * them leave when they chose it, and that is the time they keep seeing.
   */
  setLastSeen(userId: string, at: number): Promise<void>;
  /** P6: stores the choice; turning it on records `at` as last seen. False for an unknown user. */
  setAppearOffline(userId: string, appearOffline: boolean, at: number): Promise<boolean>;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  find(key: string): Promise<SessionRecord | null>;
  touch(key: string, lastSeenAt: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  deleteExpired(now: number, idleCutoff: number): Promise<number>;
  /** A12: ends every session of the user; the keys ended. */
  deleteForUser(userId: string): Promise<string[]>;
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
  /** I6: the user's pending invitations to rooms they are not in, oldest first, with who sent each. */
  listInvitationsForUser(userId: string): Promise<ReceivedInvitationRecord[]>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** Members by username; null when the room does not exist. */
  listMembers(roomId: string): Promise<MemberRecord[] | null>;
  /** The DM of two users, created with both as members if missing. */
  openDm(room: RoomRecord, userA: string, userB: string): Promise<{ room: RoomRecord; created: boolean }>;
  /**
   * G1: a group (kind 'group') with these members, in one transaction; 'unknown_user' (and
   * nothing stored) when one of them is no live account.
   */
  createGroup(room: RoomRecord, memberIds: readonly string[]): Promise<'created' | 'unknown_user'>;
  /**
   * G3: `actorId`, a member, adds `userIds` to the group, all or none, never past
   * `maxMembers` even when several add at once.
   */
  addToGroup(
    roomId: string,
    actorId: string,
    userIds: readonly string[],
    maxMembers: number,
    at: number,
  ): Promise<GroupAddResult>;
  /**
   * G7: the live people sharing a room, DM or group with the user (not the user), by
   * username, at most `limit`; with `prefix`, only usernames beginning with it (case ignored).
   */
  listPeopleOf(userId: string, limit: number, prefix?: string): Promise<MemberRecord[]>;
}

export interface MessageStore {
  /**
   * Checks membership (and the reply, E4), dedupes by (author, clientMessageId), takes
   * the room's next seq, records the mentions of members (E6).
   */
  append(message: NewMessage): Promise<AppendResult>;
  /**
   * E1–E3 in one transaction: the actor must be a member of the message's room; an edit
   * must be the author's, a deletion the author's or the room owner's (public and private
   * rooms). A real change takes the room's next seq; a deletion empties the text and drops
   * the reactions and mentions.
   */
  change(change: MessageChange): Promise<ChangeResult>;
  /** The current view of a message, or null. */
  find(messageId: string): Promise<Message | null>;
  /**
   * Up to `limit` messages with seq < `before` (newest page if absent), ascending by seq,
   * as they are now, read in one snapshot with the room's newest seq.
   */
  history(roomId: string, options: { before?: number; limit: number }): Promise<HistoryRead>;
  /** Up to `limit` changes with seq > `afterSeq`, ascending, and the current views they name. */
  changesSince(roomId: string, afterSeq: number, limit: number): Promise<ChangesRead>;
  /**
   * F1, F2: messages matching `query` in the rooms and DMs `userId` is a member of now
   * (the membership is part of the query: nothing else is ever read), deleted ones never,
   * as their text is now; newest first, at most `limit` (clamped to SEARCH_LIMIT_MAX),
   * after `before`.
   */
  search(userId: string, query: SearchQuery, options: { before?: SearchCursor; limit: number }): Promise<SearchPage>;
}

export interface ReadStateStore {
  /**
   * U3: moves the member's marker to `seq` if that is forward; 'not_member', or
   * 'beyond' when `seq` is past the room's newest. Answers the state after it.
   */
  mark(userId: string, roomId: string, seq: number): Promise<ReadState | 'not_member' | 'beyond'>;
  /** U2: the member's state in one room, or null when not a member. */
  get(userId: string, roomId: string): Promise<ReadState | null>;
  /** N2: false when the user is not a member. */
  setNotify(userId: string, roomId: string, level: NotifyLevel): Promise<boolean>;
}

/** B1: a stored file, pending (no message yet) or sent. */
export type FileRecord = Attachment & {
  roomId: string;
  uploaderId: string;
  /** Null while pending (B4). */
  messageId: string | null;
  createdAt: number;
};

/** What an upload records besides its bytes (whose count the store measures). */
export type NewFile = Omit<FileRecord, 'messageId' | 'size'>;

/**
 * B1–B8: files and their bytes (blobs). Where the bytes live is the implementation's
 * choice (SQLite: files under DATA_DIR; PostgreSQL: chunks in the database, so every
 * node serves every file); what a caller sees is the same.
 */
export interface FileStore {
  /**
   * Streams `bytes` into a new blob and records the file, pending. If `bytes` throws
   * (too large, the client went away) nothing of it stays: no row, no partial blob.
   */
  create(file: NewFile, bytes: AsyncIterable<Uint8Array>): Promise<FileRecord>;
  find(id: string): Promise<FileRecord | null>;
  /** The blob's bytes, streamed; null when the file is gone. */
  open(id: string): Promise<Readable | null>;
  /** B8: pending files created before `cutoff` go, with their bytes; the ids removed. */
  sweepPending(cutoff: number): Promise<string[]>;
}

/**
 * S8: whether the store can take writes. 'disk_pressure': the disk is (nearly) full, writes
 * are refused until space returns, then resume by themselves; 'read_only': the database is
 * damaged, writes stay off until an operator repairs it. Reads work in every state.
 */
export type StorageState = 'ok' | 'disk_pressure' | 'read_only';

/** How long a client refused for storage waits before trying again. */
export const STORAGE_RETRY_AFTER_MS = 5000;

/**
 * A write refused because the store cannot write now (S8): nothing of it was stored. The
 * transport answers `storage_full` (503 over HTTP) rather than `internal`, and clients retry.
 */
export class StorageRefusedError extends Error {
  constructor(
    readonly state: Exclude<StorageState, 'ok'>,
    readonly retryAfterMs = STORAGE_RETRY_AFTER_MS,
  ) {
    super(state === 'read_only' ? 'the database is damaged: writes are off' : 'the disk is full: writes are refused');
    this.name = 'StorageRefusedError';
  }
}

export function isStorageRefusal(error: unknown): error is StorageRefusedError {
  return error instanceof StorageRefusedError;
}

export interface Storage {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly rooms: RoomStore;
  readonly messages: MessageStore;
  readonly reads: ReadStateStore;
  readonly files: FileStore;
  /** S8: whether writes are possible now (readiness, metrics); cheap, no I/O. */
  state(): StorageState;
  close(): Promise<void>;
}
