import type { ReadState } from '@parley/shared-types';
import type { Tx } from './postgres.transactions.js';

/*
 * Read markers and what is unread after them (SPEC U1–U3), and rooms as a member sees
 * them, for plain reads and for transactions alike: unread = messages by others, not
 * deleted, after the marker; mentions = those of them that mention the member.
 */

/** Columns `unread_count` and `mention_count` for a membership row aliased `ms`. */
const UNREAD_COLUMNS = `
  (SELECT count(*) FROM messages x
    WHERE x.room_id = ms.room_id AND x.seq > ms.last_read_seq AND x.author_id <> ms.user_id AND x.deleted_at IS NULL
  ) AS unread_count,
  (SELECT count(*) FROM mentions mn JOIN messages x ON x.id = mn.message_id
    WHERE mn.user_id = ms.user_id AND x.room_id = ms.room_id AND x.seq > ms.last_read_seq
      AND x.author_id <> ms.user_id AND x.deleted_at IS NULL
  ) AS mention_count`;

/**
 * G2: column `member_names` for a membership row aliased `ms` and its room `r`: a group's
 * other members sorted by username key (bytewise, as SQLite), joined by ", "; null otherwise.
 */
export const MEMBER_NAMES_COLUMN = `
  (SELECT string_agg(gu.username, ', ' ORDER BY gu.username_key COLLATE "C", gu.id COLLATE "C")
    FROM memberships gm JOIN users gu ON gu.id = gm.user_id
    WHERE r.kind = 'group' AND gm.room_id = r.id AND gm.user_id <> ms.user_id
  ) AS member_names`;

/** G5: `in:<username>` (the parameter `key`) names a group holding that person besides the searcher. */
export const groupHoldsInKey = (key: string) => `
  (r.kind = 'group' AND EXISTS (SELECT 1 FROM memberships gm JOIN users gu ON gu.id = gm.user_id
    WHERE gm.room_id = r.id AND gm.user_id <> ms.user_id AND gu.username_key = ${key}))`;

/** Views of a user's rooms with, for DMs, the other member; with the user's read state and notification level. */
const ROOM_VIEW_SELECT = `
  SELECT r.id, r.kind, r.name, r.owner_id, r.last_seq, r.created_at,
         pu.id AS peer_id, pu.username AS peer_username, ${MEMBER_NAMES_COLUMN},
         ms.last_read_seq, ms.notify, ${UNREAD_COLUMNS}
  FROM memberships ms
  JOIN rooms r ON r.id = ms.room_id
  LEFT JOIN memberships pm ON r.kind = 'dm' AND pm.room_id = r.id AND pm.user_id <> ms.user_id
  LEFT JOIN users pu ON pu.id = pm.user_id
  WHERE ms.user_id = $1`;

/**
 * Rooms before DMs, then by name (a DM by its peer's) ignoring ASCII case and otherwise
 * bytewise: what SQLite's COLLATE NOCASE does, whatever this database's locale.
 */
const BY_NAME_NOCASE = `
  ORDER BY r.kind = 'dm',
    translate(COALESCE(r.name, pu.username), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') COLLATE "C",
    r.id`;

export const ROOMS_FOR_USER = `${ROOM_VIEW_SELECT} ${BY_NAME_NOCASE}`;
export const ROOM_VIEW_FOR_USER = `${ROOM_VIEW_SELECT} AND r.id = $2`;

type StateRow = { last_read_seq: number; last_seq: number; unread_count: number; mention_count: number };

/** U2: the member's state in one room, or null when not a member. */
export async function readState(tx: Tx, userId: string, roomId: string): Promise<ReadState | null> {
  const { rows } = await tx.query<StateRow>(
    `SELECT ms.last_read_seq, r.last_seq, ${UNREAD_COLUMNS}
     FROM memberships ms JOIN rooms r ON r.id = ms.room_id
     WHERE ms.room_id = $1 AND ms.user_id = $2`,
    [roomId, userId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    roomId,
    lastReadSeq: row.last_read_seq,
    unreadCount: row.unread_count,
    mentionCount: row.mention_count,
    asOfSeq: row.last_seq,
  };
}
