/**
 * Open connections per key (a client address, a user), bounded. A slot is taken at the
 * moment a connection is admitted, before any awaited work, and given back when that
 * connection ends or never comes to be: counting only established connections lets a
 * burst of handshakes all pass the check before any of them is counted.
 */
export type Release = () => void;

export class ConnectionSlots {
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
