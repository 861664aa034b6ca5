import { statfs, statfsSync } from 'node:fs';

/** How often the free space under the data directory is looked at: one statfs, microseconds. */
export const DISK_CHECK_INTERVAL_MS = 1000;

export type DiskWatch = {
  /** Looks now (before a large batch): true when free space is below the floor. */
  checkNow(): boolean;
  stop(): void;
};

/** Bytes an unprivileged process may still write on the file system holding `dir`. */
export function freeBytesSync(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/**
 * S8: watches the free space of the file system holding `dir` and reports when it crosses
 * `floorBytes`, so writes stop while the database can still commit what is in flight and
 * resume by themselves when space returns, instead of SQLite failing mid-commit. A statfs
 * that fails (the directory vanished) changes nothing: the writes themselves will tell.
 */
export function watchDisk(
  dir: string,
  floorBytes: number,
  onChange: (low: boolean, freeBytes: number) => void,
  intervalMs = DISK_CHECK_INTERVAL_MS,
): DiskWatch {
  let low = false;
  const seen = (free: number) => {
    const now = free < floorBytes;
    if (now !== low) {
      low = now;
      onChange(low, free);
    }
    return low;
  };
  const timer = setInterval(() => {
    statfs(dir, (error, s) => {
      if (!error && !stopped) seen(s.bavail * s.bsize);
    });
  }, intervalMs);
  // A watcher never keeps the process alive.
  timer.unref();
  let stopped = false;
  return {
    checkNow() {
      try {
        return seen(freeBytesSync(dir));
      } catch {
        return low;
      }
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
