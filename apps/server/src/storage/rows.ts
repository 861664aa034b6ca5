import type { NotifyLevel, RoomKind } from '@parley/shared-types';
import { toAttachment, type AttachmentRow } from './message-views.js';
import type { FileRecord, RoomRecord, RoomView, SessionRecord, UserRecord } from './storage.js';

/*
 * Row shapes and their mapping to storage records, shared by every implementation: the
 * SQLite and PostgreSQL schemas name their columns alike (numbers arrive as JS numbers
 * from both: the PostgreSQL pool parses BIGINT).
 */

export type UserRow = { id: string; username: string; password_hash: string; created_at: number };
export type SessionRow = {
  key: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
};
export type RoomRow = {
  id: string;
  kind: RoomKind;
  name: string | null;
  owner_id: string | null;
  last_seq: number;
  created_at: number;
};
export type RoomViewRow = RoomRow & {
  peer_id: string | null;
  peer_username: string | null;
  member_names: string | null;
  last_read_seq: number;
  notify: NotifyLevel | null;
  unread_count: number;
  mention_count: number;
};

export const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});
export const toSession = (r: SessionRow): SessionRecord => ({
  key: r.key,
  userId: r.user_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
});
export const toRoom = (r: RoomRow): RoomRecord => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  ownerId: r.owner_id,
  lastSeq: r.last_seq,
  createdAt: r.created_at,
});
export const toRoomView = (r: RoomViewRow): RoomView => ({
  ...toRoom(r),
  peer: r.peer_id && r.peer_username ? { id: r.peer_id, username: r.peer_username } : null,
  memberNames: r.member_names,
  lastReadSeq: r.last_read_seq,
  unreadCount: r.unread_count,
  mentionCount: r.mention_count,
  notify: r.notify,
});

/** B1: a `files` row, both backends. */
export type FileRow = Omit<AttachmentRow, 'message_id'> & {
  room_id: string;
  uploader_id: string;
  message_id: string | null;
  created_at: number;
};

export const FILE_COLUMNS = 'id, room_id, uploader_id, message_id, name, size, content_type, width, height, created_at';

export function toFileRecord(row: FileRow): FileRecord {
  return {
    ...toAttachment(row),
    roomId: row.room_id,
    uploaderId: row.uploader_id,
    messageId: row.message_id,
    createdAt: row.created_at,
  };
}
