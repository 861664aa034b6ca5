import { REPLY_EXCERPT_MAX, type Message, type RoomChange } from '@parley/shared-types';
import { groupReactions, toAttachment, toView, type AttachmentRow, type ViewRow } from '../message-views.js';
import type { Tx } from './postgres.transactions.js';

/*
 * Messages as they are now (SPEC E5), read in one statement each: the row, its author,
 * the message it answers, and its mentions and reactions aggregated alongside, so a view
 * is always one consistent snapshot without a transaction around it.
 */

/** Enough bytes of an original's UTF-8 text for its excerpt: a code point is at most 4 bytes. */
const REPLY_TEXT_BYTES = 4 * (REPLY_EXCERPT_MAX + 1);

type PgViewRow = Omit<ViewRow, 'text' | 'reply_text'> & {
  text: Buffer;
  reply_text: Buffer | null;
  /** Mentioned user ids, in id order (SQLite reads them from its primary key in that order). */
  mention_ids: string[] | null;
  /** [emoji, user id, username], oldest first. */
  reaction_list: Array<[string, string, string]> | null;
  /** B4: its files, in the order sent. */
  attachment_list: Array<Omit<AttachmentRow, 'message_id'>> | null;
};

const VIEW_COLUMNS = `
  m.id, m.room_id, m.seq, m.author_id, u.username AS author_name, m.client_message_id,
  m.text, m.created_at, m.version, m.edited_at, m.deleted_at, m.reply_to_id,
  r.seq AS reply_seq, r.author_id AS reply_author_id, ru.username AS reply_author_name,
  substring(r.text FROM 1 FOR ${REPLY_TEXT_BYTES}) AS reply_text, r.deleted_at AS reply_deleted_at,
  (SELECT array_agg(mn.user_id ORDER BY mn.user_id COLLATE "C") FROM mentions mn WHERE mn.message_id = m.id)
    AS mention_ids,
  (SELECT json_agg(json_build_array(x.emoji, x.user_id, xu.username) ORDER BY x.created_at, x.ord)
     FROM reactions x JOIN users xu ON xu.id = x.user_id WHERE x.message_id = m.id) AS reaction_list,
  (SELECT json_agg(json_build_object('id', f.id, 'name', f.name, 'size', f.size, 'content_type', f.content_type,
                                     'width', f.width, 'height', f.height) ORDER BY f.position)
     FROM files f WHERE f.message_id = m.id) AS attachment_list`;

const VIEW_FROM = `
  FROM messages m
  JOIN users u ON u.id = m.author_id
  LEFT JOIN messages r ON r.id = m.reply_to_id
  LEFT JOIN users ru ON ru.id = r.author_id`;

/** A message text as stored: UTF-8 bytes (see postgres.migrations.ts). */
export const textBytes = (text: string): Buffer => Buffer.from(text, 'utf8');

function toMessage(row: PgViewRow): Message {
  const reactions = groupReactions(
    (row.reaction_list ?? []).map(([emoji, userId, username]) => ({
      message_id: row.id,
      emoji,
      user_id: userId,
      username,
    })),
  ).get(row.id);
  return toView(
    {
      ...row,
      text: row.text.toString('utf8'),
      // A cut may split the last code point; it lies past what an excerpt keeps.
      reply_text: row.reply_text === null ? null : row.reply_text.toString('utf8'),
    },
    reactions,
    row.mention_ids ?? undefined,
    row.attachment_list?.map(toAttachment),
  );
}

/** Current views of these messages, in the order asked (unknown ids left out). */
export async function viewsByIds(tx: Tx, ids: readonly string[]): Promise<Message[]> {
  if (ids.length === 0) return [];
  const { rows } = await tx.query<PgViewRow>(`SELECT ${VIEW_COLUMNS} ${VIEW_FROM} WHERE m.id = ANY($1::text[])`, [ids]);
  const views = new Map(rows.map((row) => [row.id, toMessage(row)]));
  return ids.flatMap((id) => views.get(id) ?? []);
}

export async function viewOne(tx: Tx, id: string): Promise<Message | null> {
  const { rows } = await tx.query<PgViewRow>(`SELECT ${VIEW_COLUMNS} ${VIEW_FROM} WHERE m.id = $1`, [id]);
  return rows[0] ? toMessage(rows[0]) : null;
}

/** M3: the message an author sent with this clientMessageId, if any. */
export async function viewByClientMessageId(
  tx: Tx,
  authorId: string,
  clientMessageId: string,
): Promise<Message | null> {
  const { rows } = await tx.query<PgViewRow>(
    `SELECT ${VIEW_COLUMNS} ${VIEW_FROM} WHERE m.author_id = $1 AND m.client_message_id = $2`,
    [authorId, clientMessageId],
  );
  return rows[0] ? toMessage(rows[0]) : null;
}

/**
 * Up to `limit` messages with seq < before, ascending, and the room's newest seq, in one
 * statement: the page reflects exactly that seq (M6). An unknown room reads as empty.
 */
export async function historyPage(
  tx: Tx,
  roomId: string,
  before: number,
  limit: number,
): Promise<{ messages: Message[]; lastSeq: number }> {
  const { rows } = await tx.query<PgViewRow & { room_last_seq: number | null }>(
    `WITH page AS (
       SELECT ${VIEW_COLUMNS} ${VIEW_FROM}
       WHERE m.room_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3
     )
     SELECT (SELECT last_seq FROM rooms WHERE id = $1) AS room_last_seq, page.*
     FROM (VALUES (1)) AS always LEFT JOIN page ON true
     ORDER BY page.seq`,
    [roomId, before, limit],
  );
  // With an empty page, the one row carries only the room's seq.
  const messages = rows.filter((row) => row.id !== null).map(toMessage);
  return { messages, lastSeq: rows[0]?.room_last_seq ?? 0 };
}

/** The room's newest seq (0 for an unknown room). */
export async function lastSeqOf(tx: Tx, roomId: string): Promise<number> {
  const { rows } = await tx.query<{ last_seq: number }>('SELECT last_seq FROM rooms WHERE id = $1', [roomId]);
  return rows[0]?.last_seq ?? 0;
}

/** S1: a room's change log is its creations (messages rows) and its other changes, in seq order. */
export async function changesBetween(
  tx: Tx,
  roomId: string,
  afterSeq: number,
  throughSeq: number,
): Promise<RoomChange[]> {
  const { rows } = await tx.query<RoomChange>(
    `SELECT seq, 'message:created' AS kind, id AS "messageId" FROM messages WHERE room_id = $1 AND seq > $2 AND seq <= $3
     UNION ALL
     SELECT seq, kind, message_id AS "messageId" FROM room_changes WHERE room_id = $1 AND seq > $2 AND seq <= $3
     ORDER BY seq`,
    [roomId, afterSeq, throughSeq],
  );
  return rows;
}
