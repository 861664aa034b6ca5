import { DELETED_USER_NAME, type Message, type RoomSummary } from '@parley/shared-types';

/*
 * A13: an account was deleted while its messages are on screen. The server already
 * answers `Deleted user` for them from now on; these bring what this tab holds in line
 * without reloading it. Each returns its input itself when nothing changes.
 */

/** One message with the deleted person renamed wherever it names them (author, quote, reactions). */
function relabel(message: Message, userId: string): Message {
  const author = message.authorId === userId;
  const quoted = message.replyTo?.authorId === userId;
  const reacted = message.reactions?.some((r) => r.users.some((u) => u.id === userId)) ?? false;
  if (!author && !quoted && !reacted) return message;
  const next: Message = { ...message };
  if (author) next.authorName = DELETED_USER_NAME;
  if (quoted) next.replyTo = { ...message.replyTo!, authorName: DELETED_USER_NAME };
  if (reacted) {
    next.reactions = message.reactions!.map((r) => ({
      ...r,
      users: r.users.map((u) => (u.id === userId ? { id: u.id, username: DELETED_USER_NAME } : u)),
    }));
  }
  return next;
}

export function withDeletedAuthor(messages: Message[], userId: string): Message[] {
  let changed = false;
  const next = messages.map((m) => {
    const relabelled = relabel(m, userId);
    if (relabelled !== m) changed = true;
    return relabelled;
  });
  return changed ? next : messages;
}

/** A DM with the deleted person keeps its messages but names no one (as the server lists it). */
export function dmWithDeletedPeer(room: RoomSummary, userId: string): RoomSummary {
  if (room.kind !== 'dm' || room.peer?.id !== userId) return room;
  const { peer: _gone, ...rest } = room;
  return { ...rest, name: DELETED_USER_NAME };
}
