import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from './migrations.js';

/**
 * `PRAGMA application_id` of every Parley database: "PRLY" in ASCII (0x50524C59), so
 * `file(1)` and any SQLite tool can tell whose file it is. Never change it: files that
 * carry another id are refused at start.
 */
export const PARLEY_APPLICATION_ID = 0x50524c59;

/** The newest schema this build knows: `user_version` of the databases it writes. */
export const SCHEMA_VERSION = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version));

/** A database Parley must not open for writing; the message says what to do. */
export class DataDirRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirRefusedError';
  }
}

/**
 * S9: looks at an existing database file before anything writes into it, through a
 * read-only connection, so a refused file is left exactly as it was. Refuses another
 * application's file (another application id, or tables without Parley's migration log),
 * a schema newer than this build (a newer Parley wrote it: this one would misread it), and
 * a file that fails `PRAGMA quick_check` (writing on would spread the damage). A file
 * without an id but with Parley's migration log is a Parley database from before ids, and
 * is adopted when opened for writing.
 */
export function checkDatabaseFile(filename: string, options: { quickCheck: boolean }): void {
  if (!existsSync(filename) || statSync(filename).size === 0) return;
  const what = `The database ${filename}`;
  let db: Database.Database;
  try {
    db = new Database(filename, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new DataDirRefusedError(
      `${what} cannot be opened (${(error as Error).message}). Restore it from a backup, or point DATA_DIR at a new folder.`,
    );
  }
  try {
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    if (applicationId !== 0 && applicationId !== PARLEY_APPLICATION_ID) {
      throw new DataDirRefusedError(
        `${what} belongs to another application (application_id ${applicationId}, Parley's is ${PARLEY_APPLICATION_ID}); ` +
          'Parley leaves it untouched. Point DATA_DIR at a folder of its own.',
      );
    }
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all()
      .map((t) => t.name);
    if (applicationId === 0 && tables.length > 0 && !tables.includes('schema_migrations')) {
      throw new DataDirRefusedError(
        `${what} is not a Parley database (it holds tables ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', …' : ''}); ` +
          'Parley leaves it untouched. Point DATA_DIR at a folder of its own.',
      );
    }
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    const migrated = tables.includes('schema_migrations')
      ? (db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations').get()?.v ?? 0)
      : 0;
    const newest = Math.max(userVersion, migrated);
    if (newest > SCHEMA_VERSION) {
      throw new DataDirRefusedError(
        `${what} has schema version ${newest}, newer than this Parley knows (${SCHEMA_VERSION}): a newer Parley wrote it. ` +
          'Run that newer version (or restore a backup taken before the upgrade); this one leaves it untouched.',
      );
    }
    if (options.quickCheck) {
      const rows = db.pragma('quick_check(5)') as Array<{ quick_check: string }>;
      const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
      if (problems.length > 0) throw damaged(what, problems.join('; '));
    }
  } catch (error) {
    if (error instanceof DataDirRefusedError) throw error;
    throw damaged(what, (error as Error).message);
  } finally {
    db.close();
  }
}

function damaged(what: string, detail: string): DataDirRefusedError {
  return new DataDirRefusedError(
    `${what} is damaged (${detail}); Parley will not write into it. Stop, restore the newest backup into a fresh DATA_DIR ` +
      '(docs/operations.md, "Backups"), or recover what is readable with `sqlite3 parley.sqlite .recover`. ' +
      'SQLITE_QUICK_CHECK=0 skips this check at start (for very large databases only).',
  );
}

/** Marks a database Parley's own (new, or made before ids) with its id and schema version. */
export function stampDatabase(db: Database.Database): void {
  if (db.pragma('application_id', { simple: true }) !== PARLEY_APPLICATION_ID) {
    db.pragma(`application_id = ${PARLEY_APPLICATION_ID}`);
  }
  if (db.pragma('user_version', { simple: true }) !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
