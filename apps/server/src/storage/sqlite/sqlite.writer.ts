import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { boundWal, withWalUpkeep } from './sqlite.wal.js';
import { prepareWrites, type WriteRequest } from './sqlite.writes.js';

/*
 * The writer thread: owns the only connection that writes, so the commits and their
 * fsyncs (synchronous=FULL) never block the event loop that serves sockets. The main
 * thread sends one batch at a time and reads through its own connection; WAL lets those
 * reads run while this thread commits, and a read begun after a commit returned sees it.
 */

export type WriterData = { filename: string; synchronous: 'FULL' | 'NORMAL' };
export type ToWriter = { type: 'batch'; id: number; batch: WriteRequest[] } | { type: 'close' };
export type FromWriter = {
  type: 'done';
  id: number;
  outcomes: ReturnType<ReturnType<typeof prepareWrites>['runBatch']>;
  /** How long the transaction took on this thread, fsync included (metrics). */
  commitMs: number;
};

const port = parentPort;
if (!port) throw new Error('sqlite.writer runs as a worker thread');
const { filename, synchronous } = workerData as WriterData;

const db = new Database(filename);
// Per-connection settings; journal_mode (WAL) and the schema were set by the main thread.
db.pragma(`synchronous = ${synchronous}`);
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
// E2: freed bytes (a deleted message's text) are overwritten, not left in the file.
db.pragma('secure_delete = ON');
boundWal(db);
const writer = withWalUpkeep(db, prepareWrites(db).runBatch);

port.on('message', (message: ToWriter) => {
  if (message.type === 'batch') {
    const started = performance.now();
    const outcomes = writer.runBatch(message.batch);
    const reply: FromWriter = { type: 'done', id: message.id, outcomes, commitMs: performance.now() - started };
    port.postMessage(reply);
  } else {
    writer.stop();
    db.close();
    port.close();
  }
});
