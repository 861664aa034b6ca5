import type { Message, Reaction, User } from '@parley/shared-types';
import type { MessageTarget } from '../lib/outbox.storage';
import type { OutboxEntry } from './outbox.slice';

/*
 * My queued edits, deletions and reactions, shown at once on the messages they are about
 * (and on my own messages still in the outbox), before the server confirms them. The
 * server's view replaces this as soon as the operation is done: the entry leaves the
 * outbox in the same update that brings the new view.
 */

export const isOperation = (entry: OutboxEntry) => entry.kind !== undefined && entry.kind !== 'send';

/** Whether `target` names this message (stored), or mine with this client id. */
export function targets(
  target: MessageTarget | undefined,
  message: Pick<Message, 'id' | 'clientMessageId' | 'authorId'>,
  myId: string,
): boolean {
  if (!target) return false;
  if ('messageId' in target) return target.messageId === message.id;
  return message.authorId === myId && target.clientMessageId === message.clientMessageId;
}

function toggled(
  reactions: readonly Reaction[] | undefined,
  emoji: Reaction['emoji'],
  me: User,
  on: boolean,
): Reaction[] | undefined {
  const list = [...(reactions ?? [])];
  const at = list.findIndex((r) => r.emoji === emoji);
  const has = at >= 0 && list[at]!.users.some((u) => u.id === me.id);
  if (on === has) return reactions as Reaction[] | undefined;
  if (on) {
    if (at >= 0) list[at] = { emoji, users: [...list[at]!.users, me] };
    else list.push({ emoji, users: [me] });
  } else {
    const users = list[at]!.users.filter((u) => u.id !== me.id);
    if (users.length === 0) list.splice(at, 1);
    else list[at] = { emoji, users };
  }
  return list.length > 0 ? list : undefined;
}

/** `message` with my queued operations about it applied, in the order queued; `busy` when there are any. */
export function withPendingOps(
  message: Message,
  ops: readonly OutboxEntry[],
  me: User,
): { message: Message; busy: boolean } {
  let view = message;
  let busy = false;
  for (const op of ops) {
    if (!targets(op.target, message, me.id) || op.status === 'failed') continue;
    busy = true;
    if (op.kind === 'edit' && view.deletedAt === undefined)
      view = { ...view, text: op.text, editedAt: view.editedAt ?? Date.now() };
    else if (op.kind === 'delete') {
      const { reactions: _r, mentions: _m, ...rest } = view;
      view = { ...rest, text: '', deletedAt: view.deletedAt ?? Date.now() };
    } else if (op.kind === 'react' && op.emoji && view.deletedAt === undefined) {
      const reactions = toggled(view.reactions, op.emoji, me, op.on === true);
      if (reactions !== view.reactions) {
        const { reactions: _r, ...rest } = view;
        view = reactions ? { ...rest, reactions } : rest;
      }
    }
  }
  return { message: view, busy };
}
