import {
  HISTORY_PAGE_DEFAULT,
  MESSAGE_TEXT_MAX,
  charCount,
  type HistoryPage,
  type HistoryPayload,
  type Message,
  type MessageSendPayload,
  type User,
} from '@parley/shared-types';
import type { Storage } from '../storage/storage.js';
import type { Clock } from './clock.js';
import { DomainError } from './domain-error.js';
import type { IdGenerator } from './ids.js';

export type SendOutcome = { message: Message; created: boolean };

export class MessagesService {
  constructor(private readonly deps: { storage: Storage; clock: Clock; newId: IdGenerator }) {}

  /** M1–M3, M5, M7. `created` is false for a retry of an already stored message. */
  async send(author: User, payload: MessageSendPayload): Promise<SendOutcome> {
    const { storage, clock, newId } = this.deps;
    if (charCount(payload.text) > MESSAGE_TEXT_MAX) {
      throw new DomainError('too_long', { path: '/text', message: `at most ${MESSAGE_TEXT_MAX} characters` });
    }
    if (payload.text.trim() === '') throw new DomainError('empty_message');
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
