import {
  HISTORY_PAGE_DEFAULT,
  MESSAGE_TEXT_MAX,
  RESUME_MAX_CHANGES,
  charCount,
  type ChangesPage,
  type ChangesPayload,
  type HistoryPage,
  type HistoryPayload,
  type Message,
  type MessageSendPayload,
  type ReactionEmoji,
  type RoomChange,
  type User,
} from '@parley/shared-types';
import type { ChangeResult, MessageChange, RoomCursor, Storage } from '../storage/storage.js';
import type { Clock } from './clock.js';
import { DomainError } from './domain-error.js';
import type { IdGenerator } from './ids.js';
import { mentionKeysOf } from './mentions.js';

export type SendOutcome = { message: Message; created: boolean };

/** E1–E3: a change that happened (broadcast it), or none (answer with the message as it is). */
export type ChangeOutcome = { message: Message; change: RoomChange | null };

/** A UTF-16 surrogate not part of a pair: not text, and SQLite would store it as U+FFFD bytes. */
const LONE_SURROGATE = /\p{Cs}/u;

/** What a reconnecting client needs for one room (S2, S3). */
export type ResumeStep =
  | { kind: 'changes'; roomId: string; changes: RoomChange[]; messages: Message[] }
  | { kind: 'reset'; roomId: string; lastSeq: number };

/** M5, for a send and an edit alike; a send with files (B4) may have no text. */
function checkText(text: string, mayBeBlank = false): void {
  if (charCount(text) > MESSAGE_TEXT_MAX) {
    throw new DomainError('too_long', { path: '/text', message: `at most ${MESSAGE_TEXT_MAX} characters` });
  }
  if (text.trim() === '' && !mayBeBlank) throw new DomainError('empty_message');
  // Stored as-is it would come back different (and up to 3x longer than M5 allows).
  if (LONE_SURROGATE.test(text)) {
    throw new DomainError('invalid_payload', { path: '/text', message: 'not well-formed Unicode' });
  }
}

export class MessagesService {
  constructor(private readonly deps: { storage: Storage; clock: Clock; newId: IdGenerator }) {}

  /** M1–M3, M5, M7, E4, E6, B4. `created` is false for a retry of an already stored message. */
  async send(author: User, payload: MessageSendPayload): Promise<SendOutcome> {
    const { storage, clock, newId } = this.deps;
    checkText(payload.text, payload.attachments !== undefined && payload.attachments.length > 0);
    const result = await storage.messages.append({
      id: newId(),
      roomId: payload.roomId,
      authorId: author.id,
      clientMessageId: payload.clientMessageId,
      text: payload.text,
      createdAt: clock.now(),
      ...(payload.replyTo === undefined ? {} : { replyToId: payload.replyTo }),
      ...(payload.attachments === undefined ? {} : { attachmentIds: payload.attachments }),
      mentionKeys: mentionKeysOf(payload.text),
    });
    switch (result.status) {
      case 'created':
        return { message: result.message, created: true };
      case 'duplicate':
        if (result.message.roomId !== payload.roomId) throw new DomainError('conflict');
        return { message: result.message, created: false };
      case 'not_member':
      case 'room_not_found':
        // The same answer for both, so a non-member learns nothing about a room.
        throw new DomainError('forbidden');
      case 'invalid_reply':
        throw new DomainError('invalid_reply');
      case 'reply_deleted':
        throw new DomainError('message_deleted');
      case 'invalid_attachment':
        throw new DomainError('invalid_attachment', { path: '/attachments' });
    }
  }

  /** E1. */
  async edit(user: User, messageId: string, text: string): Promise<ChangeOutcome> {
    checkText(text);
    return this.apply({
      kind: 'edit',
      messageId,
      actorId: user.id,
      text,
      mentionKeys: mentionKeysOf(text),
      at: this.deps.clock.now(),
    });
  }

  /** E2. */
  async delete(user: User, messageId: string): Promise<ChangeOutcome> {
    return this.apply({ kind: 'delete', messageId, actorId: user.id, at: this.deps.clock.now() });
  }

  /** E3. */
  async react(user: User, messageId: string, emoji: ReactionEmoji, on: boolean): Promise<ChangeOutcome> {
    return this.apply({ kind: 'react', messageId, actorId: user.id, emoji, on, at: this.deps.clock.now() });
  }

  private async apply(change: MessageChange): Promise<ChangeOutcome> {
    const result: ChangeResult = await this.deps.storage.messages.change(change);
    switch (result.status) {
      case 'changed':
        return { message: result.message, change: result.change };
      case 'unchanged':
        return { message: result.message, change: null };
      case 'not_visible':
      case 'forbidden':
        // E7: a message one cannot see answers as one may not touch.
        throw new DomainError('forbidden');
      case 'deleted':
        throw new DomainError('message_deleted');
    }
  }

  /**
   * S2, S3: for each of the user's rooms (with its newest seq) whose client cursor is
   * behind, the missed changes; a reset where the gap is too large or the cursor is ahead
   * of the room. Cursors of rooms the user is not in are ignored.
   */
  async resume(rooms: readonly RoomCursor[], cursors: ReadonlyMap<string, number>): Promise<ResumeStep[]> {
    const steps: ResumeStep[] = [];
    for (const { roomId, lastSeq } of rooms) {
      const cursor = cursors.get(roomId);
      if (cursor === undefined || cursor === lastSeq) continue;
      if (cursor > lastSeq || lastSeq - cursor > RESUME_MAX_CHANGES) {
        steps.push({ kind: 'reset', roomId, lastSeq });
        continue;
      }
      const read = await this.deps.storage.messages.changesSince(roomId, cursor, lastSeq - cursor);
      steps.push({ kind: 'changes', roomId, changes: read.changes, messages: read.messages });
    }
    return steps;
  }

  /** S7: changes after a cursor, for a hole; a reset past the replay bound. */
  async changes(userId: string, payload: ChangesPayload): Promise<ChangesPage> {
    const { storage } = this.deps;
    const room = await storage.rooms.findById(payload.roomId);
    if (!room || !(await storage.rooms.isMember(payload.roomId, userId))) throw new DomainError('forbidden');
    if (payload.after > room.lastSeq || room.lastSeq - payload.after > RESUME_MAX_CHANGES) {
      return { roomId: payload.roomId, changes: [], messages: [], lastSeq: room.lastSeq, reset: true };
    }
    const read = await storage.messages.changesSince(
      payload.roomId,
      payload.after,
      payload.limit ?? RESUME_MAX_CHANGES,
    );
    return { roomId: payload.roomId, changes: read.changes, messages: read.messages, lastSeq: read.lastSeq };
  }

  /** M6, M7. */
  async history(userId: string, payload: HistoryPayload): Promise<HistoryPage> {
    const { storage } = this.deps;
    if (!(await storage.rooms.isMember(payload.roomId, userId))) throw new DomainError('forbidden');
    const limit = payload.limit ?? HISTORY_PAGE_DEFAULT;
    // One extra row tells whether an older page exists.
    const read = await storage.messages.history(payload.roomId, {
      ...(payload.before === undefined ? {} : { before: payload.before }),
      limit: limit + 1,
    });
    const hasMore = read.messages.length > limit;
    return {
      roomId: payload.roomId,
      messages: hasMore ? read.messages.slice(1) : read.messages,
      hasMore,
      lastSeq: read.lastSeq,
    };
  }
}
