import type Database from 'better-sqlite3';
import type { RoomKind } from '@parley/shared-types';
import { caseKey } from '../keys.js';
import { GROUP_HOLDS_IN_KEY, MEMBER_NAMES_COLUMN } from './sqlite.reads.js';
import {
  fts5Match,
  hasTextTerms,
  hitRoomName,
  snippetOf,
  type SearchCursor,
  type SearchQuery,
} from '../search.query.js';
import { SEARCH_LIMIT_MAX, type SearchPage } from '../storage.js';

type HitRow = {
  id: string;
  room_id: string;
  seq: number;
  text: string;
  created_at: number;
  author_id: string;
  author_name: string;
  kind: RoomKind;
  name: string | null;
  peer_name: string | null;
  member_names: string | null;
};

/**
 * F1, F2 on SQLite: the FTS5 index (migration 5) narrows by words; the join on the
 * searcher's memberships is part of the same statement, so no row of a room they are not
 * in is ever read out.
 */
export function prepareSearch(db: Database.Database) {
  const statements = new Map<string, Database.Statement<unknown[], HitRow>>();
  const statementFor = (textTerms: boolean, from: boolean, inRoom: boolean, before: boolean) => {
    const key = `${textTerms}${from}${inRoom}${before}`;
    let statement = statements.get(key);
    if (!statement) {
      statement = db.prepare<unknown[], HitRow>(
        `SELECT m.id, m.room_id, m.seq, m.text, m.created_at, m.author_id, u.username AS author_name,
                r.kind, r.name, pu.username AS peer_name, ${MEMBER_NAMES_COLUMN}
         FROM memberships ms
         JOIN messages m ON m.room_id = ms.room_id
         ${textTerms ? 'JOIN message_search f ON f.rowid = m.rowid' : ''}
         JOIN rooms r ON r.id = m.room_id
         JOIN users u ON u.id = m.author_id
         LEFT JOIN memberships pm ON r.kind = 'dm' AND pm.room_id = r.id AND pm.user_id <> ms.user_id
         LEFT JOIN users pu ON pu.id = pm.user_id
         WHERE ms.user_id = @userId AND m.deleted_at IS NULL
           ${textTerms ? 'AND message_search MATCH @match' : ''}
           ${from ? 'AND u.username_key = @fromKey' : ''}
           ${inRoom ? `AND (r.name_key = @inKey OR (r.kind = 'dm' AND pu.username_key = @inKey) OR ${GROUP_HOLDS_IN_KEY})` : ''}
           ${before ? 'AND (m.created_at < @beforeAt OR (m.created_at = @beforeAt AND (m.room_id < @beforeRoom OR (m.room_id = @beforeRoom AND m.seq < @beforeSeq))))' : ''}
         ORDER BY m.created_at DESC, m.room_id DESC, m.seq DESC
         LIMIT @limit`,
      );
      statements.set(key, statement);
    }
    return statement;
  };

  return (userId: string, query: SearchQuery, options: { before?: SearchCursor; limit: number }): SearchPage => {
    const limit = Math.max(1, Math.min(SEARCH_LIMIT_MAX, Math.floor(options.limit)));
    const textTerms = hasTextTerms(query);
    const params: Record<string, unknown> = { userId, limit };
    if (textTerms) params.match = fts5Match(query);
    if (query.from !== null) params.fromKey = caseKey(query.from);
    if (query.in !== null) params.inKey = caseKey(query.in);
    if (options.before) {
      params.beforeAt = options.before.createdAt;
      params.beforeRoom = options.before.roomId;
      params.beforeSeq = options.before.seq;
    }
    const rows = statementFor(textTerms, query.from !== null, query.in !== null, options.before !== undefined).all(
      params,
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
      snippet: snippetOf(r.text, query),
    }));
    const last = hits.at(-1);
    return {
      hits,
      next: last && hits.length === limit ? { createdAt: last.createdAt, roomId: last.roomId, seq: last.seq } : null,
    };
  };
}
