// What serve and demo do when the embedded database's thread stops on its own: log it and exit with code 1, so that
// a supervisor restarts the server (PGlite recovers from its write-ahead log), rather than answer every request
// with an error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PGliteThread } from './db/pglite-thread.js';
import { exitIfDatabaseLost, type RunningServer } from './server.js';
import type { AppContext } from './context.js';
import { dyingWorkerScript } from '../test/support/pglite.js';

describe('exitIfDatabaseLost', { timeout: 60_000 }, () => {
  afterEach(() => vi.restoreAllMocks());

  it('logs the reason and exits with code 1 when the database thread dies, and not when it is closed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-server-lost-'));
    const exited = new Promise<number | undefined>((resolve) => {
      vi.spyOn(process, 'exit').mockImplementation(((code?: number) => resolve(code)) as never);
    });
    const fatal = vi.fn();
    const serverWith = (lost: Promise<Error>) => ({ server: { app: { log: { fatal } } } as unknown as RunningServer, ctx: { database: { lost } } as unknown as AppContext });
    try {
      // Closed on purpose: no exit.
      const closed = await PGliteThread.open(undefined, []);
      const a = serverWith(closed.lost);
      exitIfDatabaseLost(a.server, a.ctx);
      await closed.close();
      await new Promise((r) => setTimeout(r, 100));
      expect(process.exit).not.toHaveBeenCalled();

      const dying = await PGliteThread.open(undefined, [], dyingWorkerScript(dir));
      const b = serverWith(dying.lost);
      exitIfDatabaseLost(b.server, b.ctx);
      await expect(dying.query('select 1')).rejects.toThrow(/exited with code 3/);
      expect(await exited).toBe(1);
      expect(fatal).toHaveBeenCalledTimes(1);
      expect(fatal.mock.calls[0]![0].err.message).toMatch(/the embedded database stopped: its thread exited with code 3/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
