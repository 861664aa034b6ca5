import { caseKey } from '../keys.js';
import {
  hasTextTerms,
  searchLimit,
  searchPage,
  tsQueryText,
  type SearchCursor,
  type SearchHitRow,
  type SearchQuery,
} from '../search.query.js';
import type { SearchPage } from '../storage.js';
import { MEMBER_NAMES_COLUMN, groupHoldsInKey } from './postgres.reads.js';
import type { Tx } from './postgres.transactions.js';

/** Text is stored as bytes (bytea) here. */
type HitRow = Omit<SearchHitRow, 'text'> & { text: Buffer };

/**
 * Newest rows of the searcher's rooms a first pass reads (about 10 ms): when the words
 * are common there a page fills from them, before the planner can pick a plan that sorts
 * every match of a common word (most of a million messages) or rechecks a phrase of two
 * common words row by row through the whole time index.
 */
const DENSE_WINDOW = 4000;

/**
 * F1, F2 on PostgreSQL, newest first by (created_at, room_id, seq). `in:` and `from:` are
 * resolved first (to the searcher's rooms `in:` names, the author's id), so every pass
 * keeps to the searcher's rooms by `room_id = ANY(…)` (`in:<username>`: the DM and the
 * groups holding that person, G5) and to the author by its id; with
 * words, in two passes:
 * 1. the newest DENSE_WINDOW messages of those rooms (past the cursor), kept when they
 *    match: a full page from them is the answer, since they come before every other row;
 * 2. otherwise the words are rare there: the GIN index (migration 3) and the room index
 *    together find the matches in those rooms, which are sorted (`created_at + 0` keeps
 *    the planner off the time index, where a rare word would be looked for row by row).
 * Each pass joins the searcher's memberships again around its page, so no row of a room
 * they are not in (or left meanwhile) is ever returned.
 */
export async function searchMessages(
  db: Tx,
  userId: string,
  query: SearchQuery,
  options: { before?: SearchCursor; limit: number },
): Promise<SearchPage> {
  const limit = searchLimit(options.limit);
  // The rooms to search: mine, or those of mine `in:` names (a room by that name, the DM
  // with that person).
  const inKey = query.in !== null ? caseKey(query.in) : null;
  const { rows: roomRows } = await db.query<{ id: string }>(
    `SELECT r.id FROM memberships ms
     JOIN rooms r ON r.id = ms.room_id
     LEFT JOIN memberships pm ON r.kind = 'dm' AND pm.room_id = r.id AND pm.user_id <> ms.user_id
     LEFT JOIN users pu ON pu.id = pm.user_id
     WHERE ms.user_id = $1
       AND ($2::text IS NULL OR r.name_key = $2 OR (r.kind = 'dm' AND pu.username_key = $2) OR ${groupHoldsInKey('$2')})`,
    [userId, inKey],
  );
  if (roomRows.length === 0) return { hits: [], next: null };
  const values: unknown[] = [userId, limit, roomRows.map((r) => r.id)];
  const param = (value: unknown) => `$${values.push(value)}`;
  const where: string[] = ['m.room_id = ANY($3::text[])', 'm.deleted_at IS NULL'];
  if (query.from !== null) {
    const { rows } = await db.query<{ id: string }>('SELECT id FROM users WHERE username_key = $1', [
      caseKey(query.from),
    ]);
    if (rows.length === 0) return { hits: [], next: null };
    where.push(`m.author_id = ${param(rows[0]!.id)}`);
  }
  if (options.before) {
    const at = param(options.before.createdAt);
    const roomId = param(options.before.roomId);
    const seq = param(options.before.seq);
    where.push(
      `(m.created_at < ${at} OR (m.created_at = ${at} AND (m.room_id < ${roomId} OR (m.room_id = ${roomId} AND m.seq < ${seq}))))`,
    );
  }
  const page = async (inner: string) =>
    (
      await db.query<HitRow>(
        `SELECT m.id, m.room_id, m.seq, m.text, m.created_at, m.author_id, u.username AS author_name,
                r.kind, r.name, pu.username AS peer_name, ${MEMBER_NAMES_COLUMN}
         FROM (${inner}) m
         JOIN memberships ms ON ms.room_id = m.room_id AND ms.user_id = $1
         JOIN rooms r ON r.id = m.room_id
         JOIN users u ON u.id = m.author_id
         LEFT JOIN memberships pm ON r.kind = 'dm' AND pm.room_id = r.id AND pm.user_id <> ms.user_id
         LEFT JOIN users pu ON pu.id = pm.user_id
         ORDER BY m.created_at DESC, m.room_id DESC, m.seq DESC`,
        values,
      )
    ).rows;
  const newest = (conditions: string[], order: string, cap: string) =>
    `SELECT m.id, m.room_id, m.seq, m.text, m.created_at, m.author_id, m.search FROM messages m
     WHERE ${conditions.join(' AND ')}
     ORDER BY ${order} DESC, m.room_id DESC, m.seq DESC LIMIT ${cap}`;

  let rows: HitRow[];
  if (!hasTextTerms(query)) {
    rows = await page(newest(where, 'm.created_at', '$2'));
  } else {
    // Terms are letters and digits only (search.query.ts): nothing in them is a tsquery operator.
    const match = `m.search @@ to_tsquery('simple'::regconfig, ${param(tsQueryText(query))})`;
    rows = await page(
      `SELECT * FROM (${newest(where, 'm.created_at', String(DENSE_WINDOW))}) m WHERE ${match}
       ORDER BY m.created_at DESC, m.room_id DESC, m.seq DESC LIMIT $2`,
    );
    if (rows.length < limit) rows = await page(newest([...where, match], '(m.created_at + 0)', '$2'));
  }
  return searchPage(
    rows.map((r) => ({ ...r, text: r.text.toString('utf8') })),
    query,
    limit,
  );
}
