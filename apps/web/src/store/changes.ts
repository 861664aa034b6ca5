import type { Message, RoomChange } from '@parley/shared-types';

/** The change a new message stands for (S1): its creation took its own seq. */
export function createdChange(message: Pick<Message, 'seq' | 'id'>): RoomChange {
  return { seq: message.seq, kind: 'message:created', messageId: message.id };
}
