import {
  HISTORY_PAGE_DEFAULT,
  MESSAGE_TEXT_MAX,
  RESUME_MAX_CHANGES,
  charCount,
  type HistoryPage,
  type HistoryPayload,
  type Message,
  type MessageSendPayload,
  type User,
} from '@parley/shared-types';
import type { RoomCursor, Storage } from '../storage/storage.js';
import type { Clock } from './clock.js';
import { DomainError } from './domain-error.js';
import type { IdGenerator } from './ids.js';

export type SendOutcome = { message: Message; created: boolean };

/** A UTF-16 surrogate not part of a pair: not text, and SQLite would store it as U+FFFD bytes. */
const LONE_SURROGATE = /\p{Cs}/u;

/** What a reconnecting client needs for one room (S2, S3). */
export type ResumeStep =
  | { kind: 'changes'; roomId: string; messages: Message[] }
  | { kind: 'reset'; roomId: string; lastSeq: number };

export class MessagesService {
  constructor(private readonly deps: { storage: Storage; clock: Clock; newId: IdGenerator }) {}

  /** M1–M3, M5, M7. `created` is false for a retry of an already stored message. */
  async send(author: User, payload: MessageSendPayload): Promise<SendOutcome> {
    const { storage, clock, newId } = this.deps;
    if (charCount(payload.text) > MESSAGE_TEXT_MAX) {
      throw new DomainError('too_long', { path: '/text', message: `at most ${MESSAGE_TEXT_MAX} characters` });
    }
    if (payload.text.trim() === '') throw new DomainError('empty_message');
    // Stored as-is it would come back different (and up to 3x longer than M5 allows).
    if (LONE_SURROGATE.test(payload.text)) {
      throw new DomainError('invalid_payload', { path: '/text', message: 'not well-formed Unicode' });
    }
    const result = await storage.messages.append({
      id: newId(),
      roomId: payload.roomId,
      authorId: author.id,
      clientMessageId: payload.clientMessageId,
      text: payload.text,
      createdAt: clock.now(),
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
      const messages = await this.deps.storage.messages.since(roomId, cursor, lastSeq - cursor);
      steps.push({ kind: 'changes', roomId, messages });
    }
    return steps;
  }

  /** M6, M7. */
  async history(userId: string, payload: HistoryPayload): Promise<HistoryPage> {
    const { storage } = this.deps;
    if (!(await storage.rooms.isMember(payload.roomId, userId))) throw new DomainError('forbidden');
    const limit = payload.limit ?? HISTORY_PAGE_DEFAULT;
    // One extra row tells whether an older page exists.
    const rows = await storage.messages.history(payload.roomId, {
      ...(payload.before === undefined ? {} : { before: payload.before }),
      limit: limit + 1,
    });
    const hasMore = rows.length > limit;
    return { roomId: payload.roomId, messages: hasMore ? rows.slice(1) : rows, hasMore };
  }
}
