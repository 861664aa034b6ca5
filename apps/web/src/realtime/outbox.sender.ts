import type { Ack, Message } from '@parley/shared-types';
import { charCount, isErrorCode, MESSAGE_TEXT_MAX } from '@parley/shared-types';
import { newClientMessageId } from '../lib/ids';
import { openOutboxStorage, type OutboxRecord } from '../lib/outbox.storage';
import { appStore } from '../store/app.store';
import { currentSocket } from './chat.client';
import { Outbox, type SendOutcome } from './outbox.queue';
import { typingStop } from './typing.sender';

/** How long one send waits for its ack before it counts as unanswered and is retried. */
export const ACK_TIMEOUT_MS = 10_000;

/*
 * Wires the outbox queue to the socket, IndexedDB and the store. One queue per sign-in,
 * opened on the signed-in user's own database.
 */
let outbox: Outbox | null = null;

const browserTimers = {
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => window.setTimeout(fn, ms),
  clearTimeout: (handle: unknown) => window.clearTimeout(handle as number),
};

/** Starts the outbox of `userId`: restores what is pending and sends it once connected. */
export function startOutbox(userId: string): void {
  stopOutbox();
  const store = () => appStore.getState();
  outbox = new Outbox({
    openStorage: () => openOutboxStorage(userId),
    send: sendOverSocket,
    // After server:shutdown the socket is still up for a moment, but a send would only
    // be refused (`unavailable`): wait for the reconnect instead.
    isConnected: () => currentSocket()?.connected === true && store().connectionStatus === 'connected',
    // Refused because I left the room (here or in another tab): nothing to show it in.
    isOrphaned: (record) =>
      (record.failure === 'forbidden' || record.failure === 'not_found') &&
      store().roomsLoaded &&
      !store().rooms[record.roomId],
    newId: newClientMessageId,
    timers: browserTimers,
    random: Math.random,
    view: {
      shown: (records) => store().outboxShown(records),
      updated: (record) => store().outboxUpdated(record),
      delivered: (_record, message) => store().messageStored(message),
      dropped: (record) => store().outboxRemoved(record.clientMessageId),
    },
  });
  void outbox.start();
}

export function stopOutbox(): void {
  outbox?.stop();
  outbox = null;
}

/** A (re)connect: send what waits, without waiting out an earlier backoff. */
export function outboxConnected(): void {
  outbox?.connected();
}

/** Queues `text` for `roomId`. False when the text may not be sent at all. */
export function sendMessage(roomId: string, text: string): boolean {
  if (!outbox || text.trim() === '' || charCount(text) > MESSAGE_TEXT_MAX) return false;
  typingStop();
  void outbox.write(roomId, text);
  return true;
}

/** The Retry button: same clientMessageId, back in line. */
export function retryMessage(clientMessageId: string): void {
  outbox?.retry(clientMessageId);
}

async function sendOverSocket(record: OutboxRecord): Promise<SendOutcome> {
  const socket = currentSocket();
  if (!socket?.connected) return { ok: false, error: 'no_answer' };
  const payload = { roomId: record.roomId, clientMessageId: record.clientMessageId, text: record.text };
  // Rejects on timeout, and at once when the connection drops (socket.io clears acks).
  const ack: unknown = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', payload);
  if (typeof ack !== 'object' || ack === null || !('ok' in ack)) return { ok: false, error: 'internal' };
  const answer = ack as Ack<Message>;
  if (answer.ok) return { ok: true, message: answer.data };
  return {
    ok: false,
    error: isErrorCode(answer.error) ? answer.error : 'internal',
    ...(typeof answer.retryAfterMs === 'number' ? { retryAfterMs: answer.retryAfterMs } : {}),
  };
}
