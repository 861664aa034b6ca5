import { defineConfig } from '@playwright/test';
import base from './playwright.config';
import { PRESENCE_GRACE_MS } from './e2e/constants';
import { baseUrlFor, portFromEnv } from './e2e/web-server';

/*
 * The end-to-end tests through nginx in front of two nodes on PostgreSQL and Redis
 * (scripts/cluster.sh, started and stopped by this config): the core conversation, DMs,
 * presence, typing and the conversation features, with users spread over both nodes,
 * plus e2e/cluster.spec.ts (the spread itself, a node killed mid-conversation).
 * Built first, like the single-node suite: see e2e/README.md.
 */

const PORT = portFromEnv('E2E_CLUSTER_PORT', 3125);
// Fixed engine ports (below the ephemeral range) so the tests can reach PostgreSQL to seed rooms.
const PG_PORT = portFromEnv('E2E_CLUSTER_PG_PORT', 25432);
const REDIS_PORT = portFromEnv('E2E_CLUSTER_REDIS_PORT', 26379);
process.env.E2E_DATABASE_URL = `postgres://postgres@127.0.0.1:${PG_PORT}/parley`;
process.env.E2E_CLUSTER = '1';

export default defineConfig({
  ...base,
  testMatch: [
    'cluster.spec.ts',
    'rooms.spec.ts',
    'dm.spec.ts',
    'presence.spec.ts',
    'typing.spec.ts',
    'conversation.spec.ts',
  ],
  testIgnore: [],
  outputDir: 'test-results/e2e-cluster-artifacts',
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.E2E_CLUSTER_JSON_REPORT || 'test-results/e2e-cluster.json' }],
  ],
  use: { ...base.use, baseURL: baseUrlFor(PORT) },
  webServer: {
    command: 'bash scripts/cluster.sh',
    url: `${baseUrlFor(PORT)}/healthz`,
    reuseExistingServer: false,
    // A fresh machine installs PostgreSQL, Redis and nginx first.
    timeout: 240_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    env: {
      CLUSTER_SKIP_BUILD: '1',
      NODES: '2',
      PORT: String(PORT),
      PG_PORT: String(PG_PORT),
      REDIS_PORT: String(REDIS_PORT),
      PRESENCE_GRACE_MS: String(PRESENCE_GRACE_MS),
      LOG_LEVEL: 'warn',
      // Every test account and tab comes from 127.0.0.1 (through nginx, believed by TRUST_PROXY).
      REGISTRATIONS_PER_IP_PER_HOUR: '100000',
      HANDSHAKES_PER_IP_PER_MINUTE: '100000',
    },
  },
});
