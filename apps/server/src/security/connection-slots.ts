/**
 * Open connections per key (a client address, a user), bounded. A slot is taken at the
 * moment a connection is admitted, before any awaited work, and given back when that
 * connection ends or never comes to be: counting only established connections lets a
 * burst of handshakes all pass the check before any of them is counted.
 */
export type Release = () => void;

/**
 * Slots counted somewhere: this process's memory (ConnectionSlots), or a store every node
 * shares (cluster/redis.slots.ts), whose answer takes a round trip. Either way the slot is
 * counted by the time the answer comes, so callers may await it before admitting.
 */
export interface SlotCounter {
  /** A slot for `key`, or null when `key` holds the maximum already. */
  take(key: string): Release | null | Promise<Release | null>;
}

/** Makes a counter of at most `max` slots per key; `name` keeps its keys apart from other counters'. */
export type SlotStore = (name: string, max: number) => SlotCounter;

export const memorySlots: SlotStore = (_name, max) => new ConnectionSlots(max);

export class ConnectionSlots implements SlotCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** A slot for `key`, or null when `key` holds `max` already. Releasing twice is harmless. */
  take(key: string): Release | null {
    const held = this.open.get(key) ?? 0;
    if (held >= this.max) return null;
    this.open.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }

  count(key: string): number {
    return this.open.get(key) ?? 0;
  }
}
