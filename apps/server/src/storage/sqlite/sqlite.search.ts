import type Database from 'better-sqlite3';
import { caseKey } from '../keys.js';
import { GROUP_HOLDS_IN_KEY, MEMBER_NAMES_COLUMN } from './sqlite.reads.js';
import {
  fts5Match,
  hasTextTerms,
  searchLimit,
  searchPage,
  type SearchCursor,
  type SearchHitRow,
  type SearchQuery,
} from '../search.query.js';
import type { SearchPage } from '../storage.js';

/**
 * Past this many messages of a `from:` author in the searcher's rooms, the full-text index
 * drives instead of the author's messages: each row the author's side reads costs a
 * full-text check of its own (~8 µs), bounded so by ~60 ms; a prolific author's words
 * are found sooner through the index.
 */
const AUTHOR_DRIVEN_MAX = 8000;

type Driver = 'index' | 'author' | 'rooms';

/**
 * F1, F2 on SQLite, newest first by rowid (the order messages were stored in), so a page
 * stops after `limit` kept rows instead of sorting every match: a common word matches
 * most of a million messages. Three ways in, each pinned by CROSS JOIN (left to itself the
 * planner starts from the memberships and runs the full-text query once per message of
 * the searcher's rooms):
 * - `index`: the FTS5 index hands out matches newest first; the joins keep the searcher's.
 * - `author` (`from:`): the author's messages newest first (messages_author), each checked
 *   against the words by the index at its rowid. Chosen while the author has few
 *   messages in the searcher's rooms: `from:bob lunch` where bob rarely writes to me
 *   would otherwise read every "lunch" of every room.
 * - `rooms` (`in:` alone): that room's messages.
 * `in:` is resolved first to the searcher's rooms it names (a room by that name, the DM
 * with that person and the groups holding them, G5), which every way then keeps to.
 * Every way joins the searcher's memberships in the statement itself, so no row of a room
 * they are not in is ever read out. The cursor names the last hit by room and seq; its
 * rowid bounds the next page.
 */
export function prepareSearch(db: Database.Database) {
  const statements = new Map<string, Database.Statement<unknown[], SearchHitRow>>();
  const authorId = db.prepare<[string], { id: string }>('SELECT id FROM users WHERE username_key = ?');
  const authorRowsInMyRooms = db.prepare<[string, string, number], { n: number }>(
    `SELECT count(*) AS n FROM (
       SELECT 1 FROM messages m
       CROSS JOIN memberships ms ON ms.room_id = m.room_id AND ms.user_id = ?
       WHERE m.author_id = ? LIMIT ?)`,
  );
  const namedRooms = db.prepare<[{ userId: string; inKey: string }], { id: string }>(
    `SELECT r.id FROM memberships ms
     JOIN rooms r ON r.id = ms.room_id
     LEFT JOIN memberships pm ON r.kind = 'dm' AND pm.room_id = r.id AND pm.user_id <> ms.user_id
     LEFT JOIN users pu ON pu.id = pm.user_id
     WHERE ms.user_id = @userId
       AND (r.name_key = @inKey OR (r.kind = 'dm' AND pu.username_key = @inKey) OR ${GROUP_HOLDS_IN_KEY})`,
  );
  const columns = `m.id, m.room_id, m.seq, m.text, m.created_at, m.author_id, u.username AS author_name,
                r.kind, r.name, pu.username AS peer_name, ${MEMBER_NAMES_COLUMN}`;
  const rest = `JOIN rooms r ON r.id = m.room_id
         JOIN users u ON u.id = m.author_id
         LEFT JOIN memberships pm ON r.kind = 'dm' AND pm.room_id = r.id AND pm.user_id <> ms.user_id
         LEFT JOIN users pu ON pu.id = pm.user_id`;
  const member = 'memberships ms ON ms.room_id = m.room_id AND ms.user_id = @userId';
  const statementFor = (driver: Driver, textTerms: boolean, from: boolean, inRoom: boolean, before: boolean) => {
    const key = `${driver}${textTerms}${from}${inRoom}${before}`;
    let statement = statements.get(key);
    if (statement) return statement;
    const rowid = driver === 'index' ? 'f.rowid' : 'm.rowid';
    const source =
      driver === 'index'
        ? `message_search f CROSS JOIN messages m ON m.rowid = f.rowid CROSS JOIN ${member}`
        : driver === 'author'
          ? `messages m INDEXED BY messages_author CROSS JOIN ${member}${textTerms ? ' CROSS JOIN message_search f ON f.rowid = m.rowid' : ''}`
          : `messages m CROSS JOIN ${member}`;
    statement = db.prepare<unknown[], SearchHitRow>(
      `SELECT ${columns}
       FROM ${source}
       ${rest}
       WHERE m.deleted_at IS NULL
         ${textTerms ? 'AND message_search MATCH @match' : ''}
         ${driver === 'author' ? 'AND m.author_id = @authorId' : from ? 'AND u.username_key = @fromKey' : ''}
         ${inRoom ? 'AND m.room_id IN (SELECT value FROM json_each(@inRooms))' : ''}
         ${before ? `AND ${rowid} < coalesce((SELECT rowid FROM messages WHERE room_id = @beforeRoom AND seq = @beforeSeq), 0)` : ''}
       ORDER BY ${rowid} DESC
       LIMIT @limit`,
    );
    statements.set(key, statement);
    return statement;
  };

  return (userId: string, query: SearchQuery, options: { before?: SearchCursor; limit: number }): SearchPage => {
    const limit = searchLimit(options.limit);
    const textTerms = hasTextTerms(query);
    const params: Record<string, unknown> = { userId, limit };
    if (textTerms) params.match = fts5Match(query);
    if (query.in !== null) {
      const rooms = namedRooms.all({ userId, inKey: caseKey(query.in) }).map((r) => r.id);
      if (rooms.length === 0) return { hits: [], next: null };
      params.inRooms = JSON.stringify(rooms);
    }
    let driver: Driver = textTerms ? 'index' : 'rooms';
    if (query.from !== null) {
      params.fromKey = caseKey(query.from);
      const author = authorId.get(params.fromKey as string);
      if (!author) return { hits: [], next: null };
      params.authorId = author.id;
      if (!textTerms || authorRowsInMyRooms.get(userId, author.id, AUTHOR_DRIVEN_MAX)!.n < AUTHOR_DRIVEN_MAX)
        driver = 'author';
    }
    if (options.before) {
      params.beforeRoom = options.before.roomId;
      params.beforeSeq = options.before.seq;
    }
    const rows = statementFor(
      driver,
      textTerms,
      query.from !== null,
      query.in !== null,
      options.before !== undefined,
    ).all(params);
    return searchPage(rows, query, limit);
  };
}
