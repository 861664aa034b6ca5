import { constants } from 'node:os';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { DataDirRefusedError } from './storage/sqlite/sqlite.identity.js';
import { isStorageRefusal } from './storage/storage.js';

/**
 * Beyond the shutdown grace (connections cut, then storage closed), how long before the
 * process gives up on a clean stop. A last resort: closing storage is all that is left.
 */
const FORCED_EXIT_AFTER_GRACE_MS = 10_000;

/** The process: configuration from the environment, listen, stop cleanly on signals. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp({
    config,
    // Bundled next to this file by build.mjs.
    sqliteWriterThread: new URL('./sqlite.writer.js', import.meta.url),
    // Nothing can be stored any more: exit so the supervisor restarts a whole server.
    // Unacked messages stay in the clients' outboxes and are sent again.
    onStorageFailure: (error) => {
      console.error('storage writer failed', error);
      process.exit(1);
    },
  });
  await app.http.listen({ port: config.port, host: config.host });

  let stopping = false;
  const stop = (signal: 'SIGTERM' | 'SIGINT') => {
    if (stopping) {
      // S6: a second signal is an operator who will not wait: exit now, as a shell reports
      // death by that signal (130 for SIGINT, 143 for SIGTERM). Acked messages are durable
      // already; SQLite recovers its -wal at the next start.
      app.http.log.warn({ signal }, 'second signal: exiting at once');
      process.exit(128 + constants.signals[signal]);
    }
    stopping = true;
    app.http.log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
    const force = setTimeout(() => {
      app.http.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownGraceMs + FORCED_EXIT_AFTER_GRACE_MS);
    force.unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        app.http.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  // S9: a refused data directory says what to do, without a stack trace in the way.
  if (error instanceof DataDirRefusedError) console.error(`Parley cannot start: ${error.message}`);
  else if (isStorageRefusal(error)) {
    console.error(`Parley cannot start: ${error.message}. Free space under DATA_DIR (or lower STORAGE_MIN_FREE_MB).`);
  } else console.error(error);
  process.exit(1);
});
