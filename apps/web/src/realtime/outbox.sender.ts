import type { Ack, Attachment, ChatCommand, Message, ReactionEmoji } from '@parley/shared-types';
import { charCount, isErrorCode, MESSAGE_TEXT_MAX } from '@parley/shared-types';
import { errorText } from '../lib/errors';
import { newClientMessageId } from '../lib/ids';
import { openOutboxStorage, type MessageTarget, type OutboxRecord } from '../lib/outbox.storage';
import { appStore } from '../store/app.store';
import { createdChange } from '../store/changes';
import { currentSocket } from './chat.client';
import { Outbox, type OutboxOp, type SendOutcome } from './outbox.queue';
import { typingStop } from './typing.sender';

/** How long one send waits for its ack before it counts as unanswered and is retried. */
export const ACK_TIMEOUT_MS = 10_000;

/** S8: the notice shown while the server cannot store messages. */
const STORAGE_FULL_NOTICE = 'storage-full';
const STORAGE_FULL_TEXT = "Parley can't save messages right now. Yours are kept here and sent when it can.";

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
    send: runOverSocket,
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
      // A send's ack is its creation (S1); an operation's ack is the message as it is now,
      // its change (if any) comes as message:changed.
      delivered: (record, message) =>
        (record.kind ?? 'send') === 'send'
          ? store().changesApplied(message.roomId, [message], [createdChange(message)])
          : store().changesApplied(message.roomId, [message], [], [record.clientMessageId]),
      dropped: (record) => store().outboxRemoved(record.clientMessageId),
      refused: (record, error) => {
        const what = record.kind === 'edit' ? 'edit' : record.kind === 'delete' ? 'delete' : 'react to';
        const id = `refused:${record.clientMessageId}`;
        store().infoNoticed(id, `Could not ${what} that message: ${errorText(error)}`);
      },
      // S8: said plainly, once, while the server cannot store; the messages wait in the outbox.
      held: (reason) => {
        if (reason === null) store().localNoticeDismissed(STORAGE_FULL_NOTICE);
        else store().infoNoticed(STORAGE_FULL_NOTICE, STORAGE_FULL_TEXT);
      },
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

/**
 * Queues `text` for `roomId`, maybe as a reply (E4), maybe with uploaded files (B4, then
 * the text may be blank). False when it may not be sent at all.
 */
export function sendMessage(
  roomId: string,
  text: string,
  replyTo?: MessageTarget,
  attachments: readonly Attachment[] = [],
): boolean {
  if (!outbox || !sendable(text, attachments.length > 0)) return false;
  typingStop();
  void outbox.write(roomId, text, replyTo, attachments);
  return true;
}

const sendable = (text: string, withFiles = false) =>
  (withFiles || text.trim() !== '') && charCount(text) <= MESSAGE_TEXT_MAX;

/** E1: queues an edit (of a stored message, or of one of mine still in the outbox). */
export function editMessage(roomId: string, target: MessageTarget, text: string): boolean {
  if (!outbox || !sendable(text)) return false;
  return perform(roomId, { kind: 'edit', target, text });
}

/** E2: queues a deletion; one of mine that has not gone out yet is simply taken back. */
export function deleteMessage(roomId: string, target: MessageTarget): boolean {
  return perform(roomId, { kind: 'delete', target });
}

/** E3: adds or removes my reaction. */
export function setReaction(roomId: string, target: MessageTarget, emoji: ReactionEmoji, on: boolean): boolean {
  return perform(roomId, { kind: 'react', target, emoji, on });
}

function perform(roomId: string, op: OutboxOp): boolean {
  if (!outbox) return false;
  void outbox.perform(roomId, op);
  return true;
}

/** The Retry button: same clientMessageId, back in line. */
export function retryMessage(clientMessageId: string): void {
  outbox?.retry(clientMessageId);
}

/** The command and payload a record stands for; null when it names a message not yet stored. */
function commandOf(record: OutboxRecord): { command: ChatCommand; payload: object } | null {
  const idOf = (target: MessageTarget | undefined) => (target && 'messageId' in target ? target.messageId : null);
  const kind = record.kind ?? 'send';
  if (kind === 'send') {
    const replyTo = idOf(record.replyTo);
    if (record.replyTo && !replyTo) return null;
    return {
      command: 'message:send',
      payload: {
        roomId: record.roomId,
        clientMessageId: record.clientMessageId,
        text: record.text,
        ...(replyTo ? { replyTo } : {}),
        ...(record.attachments ? { attachments: record.attachments.map((a) => a.id) } : {}),
      },
    };
  }
  const messageId = idOf(record.target);
  if (!messageId) return null;
  if (kind === 'edit') return { command: 'message:edit', payload: { messageId, text: record.text } };
  if (kind === 'delete') return { command: 'message:delete', payload: { messageId } };
  return { command: record.on ? 'reaction:add' : 'reaction:remove', payload: { messageId, emoji: record.emoji } };
}

async function runOverSocket(record: OutboxRecord): Promise<SendOutcome> {
  const socket = currentSocket();
  if (!socket?.connected) return { ok: false, error: 'no_answer' };
  const call = commandOf(record);
  if (!call) return { ok: false, error: 'not_found' };
  // Rejects on timeout, and at once when the connection drops (socket.io clears acks).
  const emitter = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
    emitWithAck(event: string, payload: object): Promise<unknown>;
  };
  const ack: unknown = await emitter.emitWithAck(call.command, call.payload);
  if (typeof ack !== 'object' || ack === null || !('ok' in ack)) return { ok: false, error: 'internal' };
  const answer = ack as Ack<Message>;
  if (answer.ok) return { ok: true, message: answer.data };
  return {
    ok: false,
    error: isErrorCode(answer.error) ? answer.error : 'internal',
    ...(typeof answer.retryAfterMs === 'number' ? { retryAfterMs: answer.retryAfterMs } : {}),
  };
}
