import type { Message } from '@parley/shared-types';

/*
 * The newest messages of recently read rooms, kept in memory and kept current by the
 * appends this process commits. Opening a room reads its newest page, and a client
 * back from a short disconnect asks for the few messages it missed: both are served from
 * here instead of a query per request (bench/RESULTS.md, scenario E).
 *
 * An entry always holds a gapless run of seqs ending at the newest message this process
 * has acknowledged; anything that would break that (an append it did not see in order)
 * drops the entry, and the next read refills it from the database.
 */

type Entry = {
  /** Ascending by seq, gapless. */
  messages: Message[];
  /** True when `messages` is the whole room (it has fewer than `perRoom`). */
  complete: boolean;
  chars: number;
};

export type NewestPagesOptions = {
  /** Messages kept per room; requests for more go to the database. */
  perRoom: number;
  /** Upper bound on the text held across all rooms (UTF-16 code units); least recently read rooms go first. */
  maxChars: number;
};

const textChars = (messages: readonly Message[]) => messages.reduce((n, m) => n + m.text.length, 0);

export class NewestPages {
  /** Map order is recency of reads: the first key is the least recently read room. */
  private readonly rooms = new Map<string, Entry>();
  private chars = 0;

  constructor(private readonly options: NewestPagesOptions) {}

  get perRoom(): number {
    return this.options.perRoom;
  }

  /** The newest `limit` messages, ascending, or undefined when not held. */
  newest(roomId: string, limit: number): Message[] | undefined {
    const entry = this.touch(roomId);
    if (!entry || (limit > entry.messages.length && !entry.complete)) return undefined;
    return entry.messages.slice(-limit);
  }

  /** Messages with seq > afterSeq up to `throughSeq` when all of them are held; otherwise undefined. */
  range(roomId: string, afterSeq: number, throughSeq: number): Message[] | undefined {
    const entry = this.touch(roomId);
    if (!entry) return undefined;
    const first = entry.messages[0]?.seq;
    const last = entry.messages.at(-1)?.seq ?? 0;
    const heldFrom = first ?? last + 1;
    // Every wanted seq must be inside the held run (or the room must be held whole).
    if (throughSeq > last || (afterSeq + 1 < heldFrom && !entry.complete)) return undefined;
    return entry.messages.filter((m) => m.seq > afterSeq && m.seq <= throughSeq);
  }

  /** Stores what the database returned for the newest page: at most `perRoom`, ascending. */
  fill(roomId: string, newestAscending: Message[]): void {
    this.drop(roomId);
    const messages = newestAscending.slice(-this.options.perRoom);
    const entry: Entry = { messages, complete: newestAscending.length < this.options.perRoom, chars: textChars(messages) };
    this.rooms.set(roomId, entry);
    this.chars += entry.chars;
    this.evict();
  }

  /** A message this process committed; appends arrive in seq order per room. */
  appended(message: Message): void {
    const entry = this.rooms.get(message.roomId);
    if (!entry) return;
    const last = entry.messages.at(-1)?.seq ?? 0;
    if (message.seq <= last) return; // already read from the database by a fill
    // Seqs follow on (an empty room, held whole, starts at 1).
    if (message.seq !== last + 1) {
      this.drop(message.roomId);
      return;
    }
    entry.messages.push(message);
    entry.chars += message.text.length;
    this.chars += message.text.length;
    if (entry.messages.length > this.options.perRoom) {
      const removed = entry.messages.shift()!;
      entry.chars -= removed.text.length;
      this.chars -= removed.text.length;
      entry.complete = false;
    }
    this.evict();
  }

  private touch(roomId: string): Entry | undefined {
    const entry = this.rooms.get(roomId);
    if (entry) {
      this.rooms.delete(roomId);
      this.rooms.set(roomId, entry);
    }
    return entry;
  }

  private drop(roomId: string): void {
    const entry = this.rooms.get(roomId);
    if (!entry) return;
    this.chars -= entry.chars;
    this.rooms.delete(roomId);
  }

  private evict(): void {
    for (const roomId of this.rooms.keys()) {
      if (this.chars <= this.options.maxChars) return;
      this.drop(roomId);
    }
  }
}
