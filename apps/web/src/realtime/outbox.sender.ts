import { charCount, MESSAGE_TEXT_MAX } from '@parley/shared-types';
import { newClientMessageId } from '../lib/ids';
import { appStore } from '../store/app.store';
import { currentSocket } from './chat.client';
import { failureText, request } from './commands';
import { typingStop } from './typing.sender';

/*
 * The outbox pipeline (M1, M3): every message gets a clientMessageId once, and every
 * attempt — first send, reconnect flush, Retry — reuses it, so the server stores it at
 * most once. The stored message replaces the pending one via messageStored, whether
 * the ack or message:created arrives first.
 */

/** Queues `text` for `roomId` and sends it. False when the text may not be sent. */
export function sendMessage(roomId: string, text: string): boolean {
  if (text.trim() === '' || charCount(text) > MESSAGE_TEXT_MAX) return false;
  const clientMessageId = newClientMessageId();
  appStore.getState().outboxQueued({ clientMessageId, roomId, text, queuedAt: Date.now() });
  typingStop();
  void attemptSend(clientMessageId);
  return true;
}

/** The Retry button: same clientMessageId, new attempt. */
export function retryMessage(clientMessageId: string): void {
  void attemptSend(clientMessageId);
}

/** After a (re)connect: sends everything still waiting, failed ones excepted. */
export function flushOutbox(): void {
  for (const entry of Object.values(appStore.getState().outbox)) {
    if (entry.status === 'sending') void attemptSend(entry.clientMessageId);
  }
}

async function attemptSend(clientMessageId: string): Promise<void> {
  const store = appStore.getState();
  const entry = store.outbox[clientMessageId];
  if (!entry) return;
  const socket = currentSocket();
  if (!socket?.connected) {
    // Stays "sending"; flushOutbox picks it up on connect.
    store.outboxWaiting(clientMessageId);
    return;
  }
  const attempt = store.outboxAttemptStarted(clientMessageId);
  const outcome = await request('message:send', {
    roomId: entry.roomId,
    clientMessageId,
    text: entry.text,
  });
  const after = appStore.getState();
  if (outcome.ok) {
    after.messageStored(outcome.data);
    return;
  }
  // A newer attempt (reconnect flush, Retry) owns the entry now.
  if (after.outbox[clientMessageId]?.attempt !== attempt) return;
  if ('noAnswer' in outcome && currentSocket() === socket && !socket.connected) {
    // The connection dropped mid-send; it goes again on reconnect.
    after.outboxWaiting(clientMessageId);
    return;
  }
  after.outboxFailed(clientMessageId, attempt, failureText(outcome));
}
