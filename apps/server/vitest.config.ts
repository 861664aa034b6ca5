import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    name: 'server',
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts', 'test/postgres.global-setup.ts', 'test/redis.global-setup.ts'],
    // Integration tests start real servers and hash real passwords.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
