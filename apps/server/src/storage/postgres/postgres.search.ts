import type { RoomKind } from '@parley/shared-types';
import { caseKey } from '../keys.js';
import {
  hasTextTerms,
  hitRoomName,
  snippetOf,
  tsQueryText,
  type SearchCursor,
  type SearchQuery,
} from '../search.query.js';
import { SEARCH_LIMIT_MAX, type SearchPage } from '../storage.js';
import { MEMBER_NAMES_COLUMN, groupHoldsInKey } from './postgres.reads.js';
import type { Tx } from './postgres.transactions.js';

type HitRow = {
  id: string;
  room_id: string;
  seq: number;
  text: Buffer;
  created_at: number;
  author_id: string;
  author_name: string;
  kind: RoomKind;
  name: string | null;
  peer_name: string | null;
  member_names: string | null;
};

/**
 * F1, F2 on PostgreSQL: the GIN index on messages.search (migration 3) narrows by words;
 * the join on the searcher's memberships is part of the same statement, so no row of a
 * room they are not in is ever read out.
 */
export async function searchMessages(
  db: Tx,
  userId: string,
  query: SearchQuery,
  options: { before?: SearchCursor; limit: number },
): Promise<SearchPage> {
  const limit = Math.max(1, Math.min(SEARCH_LIMIT_MAX, Math.floor(options.limit)));
  const values: unknown[] = [userId, limit];
  const param = (value: unknown) => `$${values.push(value)}`;
  const where: string[] = [];
  // Terms are letters and digits only (search.query.ts): nothing in them is a tsquery operator.
  if (hasTextTerms(query)) where.push(`m.search @@ to_tsquery('simple'::regconfig, ${param(tsQueryText(query))})`);
  if (query.from !== null) where.push(`u.username_key = ${param(caseKey(query.from))}`);
  if (query.in !== null) {
    const key = param(caseKey(query.in));
    where.push(`(r.name_key = ${key} OR (r.kind = 'dm' AND pu.username_key = ${key}) OR ${groupHoldsInKey(key)})`);
  }
  if (options.before) {
    const at = param(options.before.createdAt);
    const roomId = param(options.before.roomId);
    const seq = param(options.before.seq);
    where.push(
      `(m.created_at < ${at} OR (m.created_at = ${at} AND (m.room_id < ${roomId} OR (m.room_id = ${roomId} AND m.seq < ${seq}))))`,
    );
  }
  const { rows } = await db.query<HitRow>(
    `SELECT m.id, m.room_id, m.seq, m.text, m.created_at, m.author_id, u.username AS author_name,
            r.kind, r.name, pu.username AS peer_name, ${MEMBER_NAMES_COLUMN}
     FROM memberships ms
     JOIN messages m ON m.room_id = ms.room_id
     JOIN rooms r ON r.id = m.room_id
     JOIN users u ON u.id = m.author_id
     LEFT JOIN memberships pm ON r.kind = 'dm' AND pm.room_id = r.id AND pm.user_id <> ms.user_id
     LEFT JOIN users pu ON pu.id = pm.user_id
     WHERE ms.user_id = $1 AND m.deleted_at IS NULL
       ${where.map((w) => `AND ${w}`).join('\n       ')}
     ORDER BY m.created_at DESC, m.room_id DESC, m.seq DESC
     LIMIT $2`,
    values,
  );
  const hits = rows.map((r) => ({
    messageId: r.id,
    roomId: r.room_id,
    roomKind: r.kind,
    roomName: hitRoomName(r),
    authorId: r.author_id,
    authorName: r.author_name,
    seq: r.seq,
    createdAt: r.created_at,
    snippet: snippetOf(r.text.toString('utf8'), query),
  }));
  const last = hits.at(-1);
  return {
    hits,
    next: last && hits.length === limit ? { createdAt: last.createdAt, roomId: last.roomId, seq: last.seq } : null,
  };
}
