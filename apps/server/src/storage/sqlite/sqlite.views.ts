import type Database from 'better-sqlite3';
import { REPLY_EXCERPT_MAX, type Message } from '@parley/shared-types';
import {
  groupAttachments,
  groupMentions,
  groupReactions,
  toView,
  type AttachmentRow,
  type MentionRow,
  type ReactionRow,
  type ViewRow,
} from '../message-views.js';

/*
 * Messages as they are now (SPEC E5), assembled from their rows, reactions, mentions and
 * the message each answers. Shared by the reading connection and the writer thread, so a
 * change's broadcast and a later history page build the same view the same way.
 */

const VIEW_SELECT = `
  SELECT m.id, m.room_id, m.seq, m.author_id, u.username AS author_name, m.client_message_id,
         m.text, m.created_at, m.version, m.edited_at, m.deleted_at, m.reply_to_id,
         r.seq AS reply_seq, r.author_id AS reply_author_id, ru.username AS reply_author_name,
         substr(r.text, 1, ${REPLY_EXCERPT_MAX + 1}) AS reply_text, r.deleted_at AS reply_deleted_at
  FROM messages m
  JOIN users u ON u.id = m.author_id
  LEFT JOIN messages r ON r.id = m.reply_to_id
  LEFT JOIN users ru ON ru.id = r.author_id`;

export type ViewReader = {
  /** Current views of these messages (any order in, the same order out; unknown ids left out). */
  byIds(ids: readonly string[]): Message[];
  one(id: string): Message | null;
  /** Up to `limit` messages of the room with seq < before, ascending. */
  page(roomId: string, before: number, limit: number): Message[];
};

export function prepareViews(db: Database.Database): ViewReader {
  const q = {
    byIds: db.prepare<[string], ViewRow>(`${VIEW_SELECT} WHERE m.id IN (SELECT value FROM json_each(?))`),
    page: db.prepare<[string, number, number], ViewRow>(
      `${VIEW_SELECT} WHERE m.room_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?`,
    ),
    reactions: db.prepare<[string], ReactionRow>(
      `SELECT x.message_id, x.emoji, x.user_id, u.username FROM reactions x JOIN users u ON u.id = x.user_id
       WHERE x.message_id IN (SELECT value FROM json_each(?)) ORDER BY x.created_at, x.rowid`,
    ),
    mentions: db.prepare<[string], MentionRow>(
      'SELECT message_id, user_id FROM mentions WHERE message_id IN (SELECT value FROM json_each(?))',
    ),
    attachments: db.prepare<[string], AttachmentRow>(
      `SELECT message_id, id, name, size, content_type, width, height FROM files
       WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, position`,
    ),
  };

  /** Rows → views, with one query each for the reactions, mentions and files of all of them. */
  function assemble(rows: ViewRow[]): Message[] {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.id));
    const reactions = groupReactions(q.reactions.all(ids));
    const mentions = groupMentions(q.mentions.all(ids));
    const attachments = groupAttachments(q.attachments.all(ids));
    return rows.map((row) => toView(row, reactions.get(row.id), mentions.get(row.id), attachments.get(row.id)));
  }

  return {
    byIds(ids) {
      if (ids.length === 0) return [];
      const views = new Map(assemble(q.byIds.all(JSON.stringify(ids))).map((m) => [m.id, m]));
      return ids.flatMap((id) => views.get(id) ?? []);
    },
    one(id) {
      return assemble(q.byIds.all(JSON.stringify([id])))[0] ?? null;
    },
    page(roomId, before, limit) {
      return assemble(q.page.all(roomId, before, limit)).reverse();
    },
  };
}
