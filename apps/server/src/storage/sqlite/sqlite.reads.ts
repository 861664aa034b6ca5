import type Database from 'better-sqlite3';
import type { ReadState } from '@parley/shared-types';

/*
 * Read markers and what is unread after them (SPEC U1–U3), for the reading connection
 * and the writer thread alike: unread = messages by others, not deleted, after the
 * marker; mentions = those of them that mention the member.
 */

/** Columns `unread_count` and `mention_count` for a membership row aliased `ms`. */
export const UNREAD_COLUMNS = `
  (SELECT count(*) FROM messages x
    WHERE x.room_id = ms.room_id AND x.seq > ms.last_read_seq AND x.author_id <> ms.user_id AND x.deleted_at IS NULL
  ) AS unread_count,
  (SELECT count(*) FROM mentions mn JOIN messages x ON x.id = mn.message_id
    WHERE mn.user_id = ms.user_id AND x.room_id = ms.room_id AND x.seq > ms.last_read_seq
      AND x.author_id <> ms.user_id AND x.deleted_at IS NULL
  ) AS mention_count`;

/**
 * G2: column `member_names` for a membership row aliased `ms` and its room `r`: a group's
 * other members, sorted by username key (then id), joined by ", "; null for other kinds.
 */
export const MEMBER_NAMES_COLUMN = `
  (SELECT group_concat(gu.username, ', ' ORDER BY gu.username_key, gu.id)
    FROM memberships gm JOIN users gu ON gu.id = gm.user_id
    WHERE r.kind = 'group' AND gm.room_id = r.id AND gm.user_id <> ms.user_id
  ) AS member_names`;

/** G5: `in:<username>` names a group holding that person (besides the searcher). */
export const GROUP_HOLDS_IN_KEY = `
  (r.kind = 'group' AND EXISTS (SELECT 1 FROM memberships gm JOIN users gu ON gu.id = gm.user_id
    WHERE gm.room_id = r.id AND gm.user_id <> ms.user_id AND gu.username_key = @inKey))`;

type StateRow = { last_read_seq: number; last_seq: number; unread_count: number; mention_count: number };

export type ReadStates = { get(userId: string, roomId: string): ReadState | null };

export function prepareReadStates(db: Database.Database): ReadStates {
  const state = db.prepare<[string, string], StateRow>(
    `SELECT ms.last_read_seq, r.last_seq, ${UNREAD_COLUMNS}
     FROM memberships ms JOIN rooms r ON r.id = ms.room_id
     WHERE ms.room_id = ? AND ms.user_id = ?`,
  );
  return {
    get(userId, roomId) {
      const row = state.get(roomId, userId);
      if (!row) return null;
      return {
        roomId,
        lastReadSeq: row.last_read_seq,
        unreadCount: row.unread_count,
        mentionCount: row.mention_count,
        asOfSeq: row.last_seq,
      };
    },
  };
}
