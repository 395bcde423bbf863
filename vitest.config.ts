import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite and the browser tests are memory- and CPU-hungry; two workers match the two cores here.
    maxWorkers: 2,
  },
});
