import type { Message, RoomChange } from '@parley/shared-types';

/*
 * The newest messages of recently read rooms, kept in memory and kept current by the
 * changes this process commits. Opening a room reads its newest page, and a client back
 * from a short disconnect asks for the few changes it missed: both are served from here
 * instead of queries per request (bench/RESULTS.md, scenario E).
 *
 * An entry reflects its room up to `lastSeq`: the newest messages as they are at that
 * seq, and the gapless run of changes that led there since the entry was filled. Anything
 * that would break that (a change it did not see in order) drops the entry, and the next
 * read refills it from the database. Views are replaced, never mutated: one handed out
 * stays as it was.
 */

type Entry = {
  /** Ascending by seq: the room's newest messages, each as of `lastSeq`. */
  views: Message[];
  /** True when `views` is the whole room (it has fewer than `perRoom`). */
  complete: boolean;
  /** The room's seq this entry reflects. */
  lastSeq: number;
  /** The changes up to `lastSeq`, gapless and ascending (the newest `maxChanges` of them). */
  changes: RoomChange[];
  chars: number;
};

export type NewestPagesOptions = {
  /** Messages kept per room; requests for more go to the database. */
  perRoom: number;
  /** Upper bound on the text held across all rooms (UTF-16 code units); least recently read rooms go first. */
  maxChars: number;
  /** Changes kept per room for short resumes. */
  maxChanges?: number;
};

const textChars = (messages: readonly Message[]) => messages.reduce((n, m) => n + m.text.length, 0);
const DEFAULT_MAX_CHANGES = 200;

export class NewestPages {
  /** Map order is recency of reads: the first key is the least recently read room. */
  private readonly rooms = new Map<string, Entry>();
  private chars = 0;

  constructor(private readonly options: NewestPagesOptions) {}

  get perRoom(): number {
    return this.options.perRoom;
  }

  /** The newest `limit` messages, ascending, with the seq they reflect; undefined when not held. */
  newest(roomId: string, limit: number): { messages: Message[]; lastSeq: number } | undefined {
    const entry = this.touch(roomId);
    if (!entry || (limit > entry.views.length && !entry.complete)) return undefined;
    return { messages: entry.views.slice(-limit), lastSeq: entry.lastSeq };
  }

  /**
   * The changes with seq in (afterSeq, throughSeq] and the current views they name, when
   * all of them are held; otherwise undefined.
   */
  since(
    roomId: string,
    afterSeq: number,
    throughSeq: number,
  ): { changes: RoomChange[]; messages: Message[] } | undefined {
    const entry = this.touch(roomId);
    if (!entry || throughSeq > entry.lastSeq) return undefined;
    const heldFrom = entry.lastSeq - entry.changes.length + 1;
    if (afterSeq + 1 < heldFrom) return undefined;
    const changes = entry.changes.filter((c) => c.seq > afterSeq && c.seq <= throughSeq);
    const byId = new Map(entry.views.map((m) => [m.id, m]));
    const messages: Message[] = [];
    for (const id of new Set(changes.map((c) => c.messageId))) {
      const view = byId.get(id);
      // A change to a message older than the held page: the database has its view.
      if (!view) return undefined;
      messages.push(view);
    }
    return { changes, messages };
  }

  /** Stores what the database returned for the newest page, read as of `lastSeq`. */
  fill(roomId: string, newestAscending: Message[], lastSeq: number): void {
    this.drop(roomId);
    const views = newestAscending.slice(-this.options.perRoom);
    const entry: Entry = {
      views,
      complete: newestAscending.length < this.options.perRoom,
      lastSeq,
      changes: [],
      chars: textChars(views),
    };
    this.rooms.set(roomId, entry);
    this.chars += entry.chars;
    this.evict();
  }

  /** A change this process committed, with the message as it is after it; changes arrive in seq order per room. */
  applied(roomId: string, change: RoomChange, message: Message): void {
    const entry = this.rooms.get(roomId);
    if (!entry || change.seq <= entry.lastSeq) return; // already read from the database by a fill
    if (change.seq !== entry.lastSeq + 1) {
      this.drop(roomId);
      return;
    }
    entry.lastSeq = change.seq;
    entry.changes.push(change);
    if (entry.changes.length > (this.options.maxChanges ?? DEFAULT_MAX_CHANGES)) entry.changes.shift();
    if (change.kind === 'message:created') {
      entry.views.push(message);
      this.count(entry, message.text.length);
      if (entry.views.length > this.options.perRoom) {
        const removed = entry.views.shift()!;
        this.count(entry, -removed.text.length);
        entry.complete = false;
      }
    } else {
      const index = entry.views.findIndex((m) => m.id === message.id);
      if (index >= 0) {
        this.count(entry, message.text.length - entry.views[index]!.text.length);
        entry.views[index] = message;
      }
    }
    this.evict();
  }

  /** Forgets every room: the next reads refill from the database. */
  clear(): void {
    this.rooms.clear();
    this.chars = 0;
  }

  private count(entry: Entry, delta: number): void {
    entry.chars += delta;
    this.chars += delta;
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
