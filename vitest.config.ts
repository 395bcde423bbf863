import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for something to happen (a page to update, a message to arrive); its 1 s default is too
    // short on a loaded two-core machine. A poll never passes sooner for waiting longer.
    expect: { poll: { timeout: 15_000 } },
    // PGlite and the browser tests are memory- and CPU-hungry; two workers match the two cores here.
    maxWorkers: 2,
  },
});
