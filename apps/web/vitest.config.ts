import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

// Tests run in Node, which resolves through the SSR conditions: both lists get `source`
// so @parley/shared-types loads from its TypeScript sources, as in the app build.
export default defineProject({
  resolve: {
    conditions: ['source', ...defaultClientConditions],
  },
  ssr: {
    resolve: {
      conditions: ['source', ...defaultServerConditions],
    },
  },
  test: { name: 'web', environment: 'node', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'] },
});
