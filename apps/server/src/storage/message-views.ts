import {
  REPLY_EXCERPT_MAX,
  type Attachment,
  type Message,
  type Reaction,
  type ReactionEmoji,
  type ReplyRef,
} from '@parley/shared-types';

/*
 * Messages as they are now (SPEC E5), built from their rows, reactions and mentions the
 * same way by every implementation, so SQLite and PostgreSQL hand out equal views.
 */

export type ViewRow = {
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
  /** At least the start of the original's text that an excerpt needs. */
  reply_text: string | null;
  reply_deleted_at: number | null;
};

/** One person's reaction, in display order (oldest first). */
export type ReactionRow = { message_id: string; emoji: string; user_id: string; username: string };
export type MentionRow = { message_id: string; user_id: string };
/** B4: a file of a message, in the order it was sent. */
export type AttachmentRow = {
  message_id: string;
  id: string;
  name: string;
  size: number;
  content_type: string;
  width: number | null;
  height: number | null;
};

/** A file row as messages carry it (dimensions only when known). */
export function toAttachment(row: Omit<AttachmentRow, 'message_id'>): Attachment {
  const attachment: Attachment = { id: row.id, name: row.name, size: Number(row.size), contentType: row.content_type };
  if (row.width !== null && row.height !== null) {
    attachment.width = row.width;
    attachment.height = row.height;
  }
  return attachment;
}

/** Attachments by message, in row order. */
export function groupAttachments(rows: Iterable<AttachmentRow>): Map<string, Attachment[]> {
  const byMessage = new Map<string, Attachment[]>();
  for (const r of rows) {
    const list = byMessage.get(r.message_id);
    if (list) list.push(toAttachment(r));
    else byMessage.set(r.message_id, [toAttachment(r)]);
  }
  return byMessage;
}

/** The start of a text, at most REPLY_EXCERPT_MAX code points, with an ellipsis when cut. */
export function excerptOf(text: string): string {
  const points = Array.from(text);
  return points.length <= REPLY_EXCERPT_MAX ? text : `${points.slice(0, REPLY_EXCERPT_MAX - 1).join('')}…`;
}

/** Reactions by message, then by emoji in order of first appearance, users in row order. */
export function groupReactions(rows: Iterable<ReactionRow>): Map<string, Map<string, Reaction>> {
  const reactions = new Map<string, Map<string, Reaction>>();
  for (const r of rows) {
    let byEmoji = reactions.get(r.message_id);
    if (!byEmoji) reactions.set(r.message_id, (byEmoji = new Map()));
    let reaction = byEmoji.get(r.emoji);
    if (!reaction) byEmoji.set(r.emoji, (reaction = { emoji: r.emoji as ReactionEmoji, users: [] }));
    reaction.users.push({ id: r.user_id, username: r.username });
  }
  return reactions;
}

/** Mentioned user ids by message, in row order. */
export function groupMentions(rows: Iterable<MentionRow>): Map<string, string[]> {
  const mentions = new Map<string, string[]>();
  for (const r of rows) {
    const list = mentions.get(r.message_id);
    if (list) list.push(r.user_id);
    else mentions.set(r.message_id, [r.user_id]);
  }
  return mentions;
}

export function toView(
  row: ViewRow,
  reactions: Map<string, Reaction> | undefined,
  mentions: string[] | undefined,
  attachments?: Attachment[],
): Message {
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
  if (attachments && attachments.length > 0) message.attachments = attachments;
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
