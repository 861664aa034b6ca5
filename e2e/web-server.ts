import type { PlaywrightTestConfig } from '@playwright/test';

/*
 * The server the Playwright configs start: the built bundle serving apps/web/dist, one
 * per run. Shared by playwright.config.ts (the e2e suite) and playwright.perf.config.ts
 * (the web measurement), which differ only in port, data folder and presence grace.
 */

/** The TCP port named by `envName`, or `fallback` when it is unset; anything else throws. */
export function portFromEnv(envName: string, fallback: number): number {
  const port = Number(process.env[envName] || fallback);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${envName} must be a TCP port, got "${process.env[envName]}"`);
  }
  return port;
}

// 127.0.0.1, not localhost: socket.io-client closes its transport on the page's
// `offline` event only when the host is not `localhost` (see e2e/README.md),
// and the offline tests rely on that.
export function baseUrlFor(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** The `webServer` entry of a config: `node apps/server/dist/server.js` on `port`, storing in `dataDir`. */
export function builtServer(options: {
  port: number;
  dataDir: string;
  presenceGraceMs: number;
}): NonNullable<PlaywrightTestConfig['webServer']> {
  return {
    // Runs in the config file's folder: both configs sit at the repository root.
    command: 'node apps/server/dist/server.js',
    url: `${baseUrlFor(options.port)}/healthz`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    env: {
      PORT: String(options.port),
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir,
      PRESENCE_GRACE_MS: String(options.presenceGraceMs),
      LOG_LEVEL: 'warn',
      // Every test account comes from 127.0.0.1; the per-address sign-up budget is for the real world.
      REGISTRATIONS_PER_IP_PER_HOUR: '100000',
      // Likewise chat handshakes: every tab of every test connects from here.
      HANDSHAKES_PER_IP_PER_MINUTE: '100000',
    },
  };
}
