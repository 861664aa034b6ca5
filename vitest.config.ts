import { defineConfig } from 'vitest/config';

// One run over every package: `vitest run` from the root.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/server', 'apps/web'],
  },
});
