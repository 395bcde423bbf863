// The `watchfloor` command as an operator uses it, against a real PGlite data folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { lockDataDir } from '../src/platform/lock.js';
import { runCli } from './support/process.js';
import { TEST_SECRET_KEY } from './support/app.js';

describe('the watchfloor CLI', { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-cli-'));
    env = { WATCHFLOOR_DATA_DIR: dir, WATCHFLOOR_SECRET_KEY: TEST_SECRET_KEY };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('adds a user, creating the agency and saying so', async () => {
    const r = await runCli(['user', 'add', '--username', 'jdoe', '--agency', 'Metro PD', '--role', 'operator', 'supervisor', '--password', 'a very long password'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created agency "Metro PD"');
    expect(r.stdout).toContain('created jdoe (operator, supervisor)');
    const again = await runCli(['user', 'add', '--username', 'jdoe', '--agency', 'Metro PD', '--role', 'operator', '--password', 'a very long password'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('the username "jdoe" is taken');
  });

  it('refuses a bad role and a short password with a clear message', async () => {
    const role = await runCli(['user', 'add', '--username', 'x1', '--agency', 'Metro PD', '--role', 'king', '--password', 'a very long password'], env);
    expect(role.code).not.toBe(0);
    expect(role.stderr).toMatch(/Allowed choices are operator, supervisor, admin, auditor, partner/);
    const short = await runCli(['user', 'add', '--username', 'x2', '--agency', 'Metro PD', '--role', 'operator', '--password', 'short'], env);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 12 characters');
  });

  it('prints a new API key as its last line', async () => {
    const r = await runCli(['apikey', 'add', '--agency', 'County 911', '--role', 'operator', '--name', 'CAD feed'], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('created agency "County 911" (local)');
    expect(lines.at(-1)).toMatch(/^wfk_[A-Za-z0-9_-]{43}$/);
  });

  it('stops with a clear message when another process holds the data folder', async () => {
    const lock = lockDataDir(dir, 'serve');
    lock.update({ url: 'http://localhost:9999' });
    try {
      const r = await runCli(['audit', 'verify'], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`is in use by process ${process.pid}`);
      expect(r.stderr).toContain('http://localhost:9999');
    } finally {
      lock.release();
    }
  });

  it('verifies the audit chain, and names the first broken entry after tampering', async () => {
    const ok = await runCli(['audit', 'verify'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/audit chain intact: \d+ entries/);

    const database = await openDatabase({ dir: path.join(dir, 'pglite') });
    await database.db.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
    await database.db.execute(sql`update audit_log set actor_name = 'someone else' where seq = 2`);
    await database.db.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
    await database.close();

    const broken = await runCli(['audit', 'verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('audit chain BROKEN at entry #2');
  });

  it('rejects a bad configuration value naming the variable', async () => {
    const r = await runCli(['migrate'], { ...env, PORT: 'eighty' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PORT must be a whole number, got "eighty"');
  });
});
