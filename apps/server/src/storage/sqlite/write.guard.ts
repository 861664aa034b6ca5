import { StorageRefusedError, type StorageState } from '../storage.js';

/** While a failed write (disk full) holds writes off, one batch per this interval tries again. */
export const PROBE_INTERVAL_MS = 1000;

/** SQLite codes of a write that failed for lack of space or a failing disk: retry later. */
export function isSpaceFailure(code: string | undefined): boolean {
  return code === 'SQLITE_FULL' || (code?.startsWith('SQLITE_IOERR') ?? false);
}

/** SQLite codes of a damaged database: writing on would spread the damage. */
export function isCorruption(code: string | undefined): boolean {
  return (code?.startsWith('SQLITE_CORRUPT') ?? false) || code === 'SQLITE_NOTADB';
}

export type StateChange = { state: StorageState; previous: StorageState; reason: string };

/*
 * S8: decides whether a batch of writes may go to SQLite. Three causes keep writes off:
 * free space below the floor (the disk watcher sets and clears it), a write that failed
 * for lack of space (cleared by the next batch that commits: one batch per second is let
 * through to find out, after the writer has checkpointed the WAL), and a damaged database
 * (never cleared: an operator must repair it). Refused batches never reach SQLite, so a
 * full disk costs no I/O and nothing half-written.
 */
export class WriteGuard {
  private lowDisk = false;
  private spaceFailed = false;
  private damaged = false;
  private lastProbe = Number.NEGATIVE_INFINITY;
  private current: StorageState = 'ok';

  constructor(
    private readonly onChange: (change: StateChange) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  state(): StorageState {
    return this.current;
  }

  /** The refusal for a batch about to be written, or null when it may go. */
  refusal(): StorageRefusedError | null {
    if (this.damaged) return new StorageRefusedError('read_only');
    if (this.lowDisk) return new StorageRefusedError('disk_pressure');
    if (this.spaceFailed) {
      const now = this.now();
      if (now - this.lastProbe < PROBE_INTERVAL_MS) return new StorageRefusedError('disk_pressure');
      this.lastProbe = now;
    }
    return null;
  }

  diskLow(low: boolean, freeBytes: number, floorBytes: number): void {
    this.lowDisk = low;
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    this.update(
      low
        ? `free space ${mb(freeBytes)} is below STORAGE_MIN_FREE_MB (${mb(floorBytes)})`
        : `free space ${mb(freeBytes)} is back above STORAGE_MIN_FREE_MB (${mb(floorBytes)})`,
    );
  }

  /** A batch committed: the disk takes writes again. */
  committed(): void {
    if (!this.spaceFailed) return;
    this.spaceFailed = false;
    this.update('a write committed again');
  }

  /** A batch failed as a whole with this SQLite code. */
  failed(code: string | undefined, message: string): void {
    if (isCorruption(code)) this.damaged = true;
    else if (isSpaceFailure(code)) {
      this.spaceFailed = true;
      this.lastProbe = this.now();
    } else return;
    this.update(`a write failed: ${code ?? 'error'} (${message})`);
  }

  private update(reason: string): void {
    const next: StorageState = this.damaged ? 'read_only' : this.lowDisk || this.spaceFailed ? 'disk_pressure' : 'ok';
    if (next === this.current) return;
    const previous = this.current;
    this.current = next;
    this.onChange({ state: next, previous, reason });
  }
}
