import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { DataDirRefusedError } from './storage/sqlite/sqlite.identity.js';
import { isStorageRefusal } from './storage/storage.js';

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
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.http.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      app.http.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
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
