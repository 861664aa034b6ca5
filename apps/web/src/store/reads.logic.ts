import type { Message, ReadState, RoomChange } from '@parley/shared-types';

/*
 * My read state of one room, owned by the server (SPEC U2–U4): the last state it gave
 * (as of `asOfSeq`) plus the messages created after that seq, counted the same way the
 * server counts. Every tab gets the same states and the same changes in the same order,
 * so every tab shows the same counts; a change the counting cannot settle on its own (an
 * edit or deletion of an unread message from before the state) marks the room `stale`,
 * and the realtime layer asks the server again.
 */

/** A message created after the state's `asOfSeq`, as far as counting it goes. */
export type UnreadEntry = {
  /** Its change seq (the creation). */
  seq: number;
  messageId: string;
  authorId: string;
  mentionsMe: boolean;
  deleted: boolean;
};

export type RoomRead = {
  lastReadSeq: number;
  unreadCount: number;
  mentionCount: number;
  asOfSeq: number;
  /** Creations after `asOfSeq`, ascending by seq. */
  log: UnreadEntry[];
  /** The counts may be off: ask the server (room:read-state). */
  stale: boolean;
};

/** Past this many creations since the last state, ask for a fresh one instead of growing. */
export const MAX_UNREAD_LOG = 500;

export function readFromState(
  state: Pick<ReadState, 'lastReadSeq' | 'unreadCount' | 'mentionCount' | 'asOfSeq'>,
): RoomRead {
  return { ...pickCounts(state), log: [], stale: false };
}

function pickCounts(state: Pick<ReadState, 'lastReadSeq' | 'unreadCount' | 'mentionCount' | 'asOfSeq'>) {
  return {
    lastReadSeq: state.lastReadSeq,
    unreadCount: state.unreadCount,
    mentionCount: state.mentionCount,
    asOfSeq: state.asOfSeq,
  };
}

/**
 * A state from the server (room:list, room:read-state, an ack). One older than what is held
 * (an earlier seq, or an earlier marker) is ignored; otherwise it replaces the counts, and
 * the creations it already covers leave the log.
 */
export function withState(current: RoomRead | undefined, state: Parameters<typeof readFromState>[0]): RoomRead {
  if (!current) return readFromState(state);
  if (state.asOfSeq < current.asOfSeq || state.lastReadSeq < current.lastReadSeq) return current;
  return { ...pickCounts(state), log: current.log.filter((e) => e.seq > state.asOfSeq), stale: false };
}

/** Counts the changes a room got (in seq order), with the views they name. */
export function withChanges(
  current: RoomRead,
  changes: readonly RoomChange[],
  views: readonly Message[],
  myId: string,
): RoomRead {
  let log = current.log;
  let stale = current.stale;
  const byId = new Map(views.map((m) => [m.id, m]));
  for (const change of changes) {
    if (change.seq <= current.asOfSeq || change.kind.startsWith('reaction:')) continue;
    const view = byId.get(change.messageId);
    if (!view) continue;
    const entry = (e: UnreadEntry) => e.messageId === change.messageId;
    if (change.kind === 'message:created') {
      if (log.some((e) => e.seq === change.seq)) continue;
      log = [
        ...log,
        {
          seq: change.seq,
          messageId: view.id,
          authorId: view.authorId,
          mentionsMe: view.mentions?.includes(myId) ?? false,
          deleted: view.deletedAt !== undefined,
        },
      ];
    } else if (log.some(entry)) {
      // An edit or deletion of a message counted here: follow it.
      log = log.map((e) =>
        entry(e)
          ? { ...e, mentionsMe: view.mentions?.includes(myId) ?? false, deleted: view.deletedAt !== undefined }
          : e,
      );
    } else if (view.seq > current.lastReadSeq && view.authorId !== myId) {
      // It is in the server's counts, and we cannot tell how it counted there.
      stale = true;
    }
  }
  if (log.length > MAX_UNREAD_LOG) stale = true;
  return log === current.log && stale === current.stale ? current : { ...current, log, stale };
}

/** Unread and mention counts now. */
export function countsOf(read: RoomRead | undefined, myId: string | undefined): { unread: number; mentions: number } {
  if (!read) return { unread: 0, mentions: 0 };
  let unread = read.unreadCount;
  let mentions = read.mentionCount;
  for (const e of read.log) {
    if (e.deleted || e.authorId === myId || e.seq <= read.lastReadSeq) continue;
    unread += 1;
    if (e.mentionsMe) mentions += 1;
  }
  return { unread, mentions };
}
