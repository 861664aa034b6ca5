import Database from 'better-sqlite3';
import { DataDirRefusedError } from './sqlite.identity.js';

export type DataDirLock = { release(): void };

/**
 * S9: one server per data directory. Two servers on one SQLite file would both store
 * safely, but each would broadcast only its own writes: clients of one miss the other's.
 *
 * The lock is SQLite's own file lock, on a small database of its own (`parley.lock`)
 * opened in `locking_mode=EXCLUSIVE`: after one exclusive transaction that connection keeps
 * its exclusive lock until it closes. The transaction writes nothing, so a full disk does
 * not stop a restart. It is an OS lock (fcntl), so it dies with the process, kill -9
 * included, and a restart is never blocked by a stale lock; a pid file would need guessing
 * (a reused pid, a clock), and flock(2) needs a native addon that better-sqlite3 already
 * is. Another process asking for it gets SQLITE_BUSY at once (busy_timeout 0).
 */
export function lockDataDir(lockFile: string, dataDir: string): DataDirLock {
  let db: Database.Database | null = null;
  try {
    db = new Database(lockFile);
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (error) {
    db?.close();
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new DataDirRefusedError(
        `DATA_DIR ${dataDir} is in use by another running Parley server (it holds ${lockFile}). ` +
          'Stop that server first, or give this one a DATA_DIR of its own.',
      );
    }
    throw new DataDirRefusedError(
      `DATA_DIR ${dataDir}: cannot take the lock ${lockFile} (${(error as Error).message}).`,
    );
  }
  const held = db;
  return {
    release() {
      if (held.open) held.close();
    },
  };
}
