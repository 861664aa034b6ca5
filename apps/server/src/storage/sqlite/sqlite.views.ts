import type Database from 'better-sqlite3';
import {
  REPLY_EXCERPT_MAX,
  type Message,
  type Reaction,
  type ReactionEmoji,
  type ReplyRef,
} from '@parley/shared-types';

/*
 * Messages as they are now (SPEC E5), assembled from their rows, reactions, mentions and
 * the message each answers. Shared by the reading connection and the writer thread, so a
 * change's broadcast and a later history page build the same view the same way.
 */

type ViewRow = {
  id: string;
  room_id: string;
  seq: number;
  author_id: string;
  author_name: string;
  client_message_id: string;
  text: string;
  created_at: number;
  version: number | null;
  edited_at: number | null;
  deleted_at: number | null;
  reply_to_id: string | null;
  reply_seq: number | null;
  reply_author_id: string | null;
  reply_author_name: string | null;
  reply_text: string | null;
  reply_deleted_at: number | null;
};

type ReactionRow = { message_id: string; emoji: string; user_id: string; username: string };
type MentionRow = { message_id: string; user_id: string };

const VIEW_SELECT = `
  SELECT m.id, m.room_id, m.seq, m.author_id, u.username AS author_name, m.client_message_id,
         m.text, m.created_at, m.version, m.edited_at, m.deleted_at, m.reply_to_id,
         r.seq AS reply_seq, r.author_id AS reply_author_id, ru.username AS reply_author_name,
         substr(r.text, 1, ${REPLY_EXCERPT_MAX + 1}) AS reply_text, r.deleted_at AS reply_deleted_at
  FROM messages m
  JOIN users u ON u.id = m.author_id
  LEFT JOIN messages r ON r.id = m.reply_to_id
  LEFT JOIN users ru ON ru.id = r.author_id`;

/** The start of a text, at most REPLY_EXCERPT_MAX code points, with an ellipsis when cut. */
export function excerptOf(text: string): string {
  const points = Array.from(text);
  return points.length <= REPLY_EXCERPT_MAX ? text : `${points.slice(0, REPLY_EXCERPT_MAX - 1).join('')}…`;
}

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
  };

  /** Rows → views, with one query each for the reactions and mentions of all of them. */
  function assemble(rows: ViewRow[]): Message[] {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.id));
    const reactions = new Map<string, Map<string, Reaction>>();
    for (const r of q.reactions.all(ids)) {
      let byEmoji = reactions.get(r.message_id);
      if (!byEmoji) reactions.set(r.message_id, (byEmoji = new Map()));
      let reaction = byEmoji.get(r.emoji);
      if (!reaction) byEmoji.set(r.emoji, (reaction = { emoji: r.emoji as ReactionEmoji, users: [] }));
      reaction.users.push({ id: r.user_id, username: r.username });
    }
    const mentions = new Map<string, string[]>();
    for (const r of q.mentions.all(ids)) {
      const list = mentions.get(r.message_id);
      if (list) list.push(r.user_id);
      else mentions.set(r.message_id, [r.user_id]);
    }
    return rows.map((row) => toView(row, reactions.get(row.id), mentions.get(row.id)));
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

function toView(row: ViewRow, reactions: Map<string, Reaction> | undefined, mentions: string[] | undefined): Message {
  const message: Message = {
    id: row.id,
    roomId: row.room_id,
    seq: row.seq,
    authorId: row.author_id,
    authorName: row.author_name,
    clientMessageId: row.client_message_id,
    text: row.text,
    createdAt: row.created_at,
  };
  if (row.version !== null) message.version = row.version;
  if (row.edited_at !== null) message.editedAt = row.edited_at;
  if (row.deleted_at !== null) message.deletedAt = row.deleted_at;
  if (row.reply_to_id !== null) message.replyTo = replyRefOf(row);
  if (reactions && reactions.size > 0) message.reactions = [...reactions.values()];
  if (mentions && mentions.length > 0) message.mentions = mentions;
  return message;
}

function replyRefOf(row: ViewRow): ReplyRef {
  const deleted = row.reply_deleted_at !== null;
  return {
    id: row.reply_to_id!,
    seq: row.reply_seq ?? 0,
    authorId: row.reply_author_id ?? '',
    authorName: row.reply_author_name ?? '',
    excerpt: deleted ? '' : excerptOf(row.reply_text ?? ''),
    deleted,
  };
}
