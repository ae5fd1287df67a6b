import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The package's entry points, resolved to their sources (a consumer gets dist/). */
const entry = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      'pswb/simulator': entry('./simulator/public.ts'),
      'pswb/connector': entry('./connector/index.ts'),
      'pswb/plugin': entry('./plugin/index.ts'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
