// What the API acknowledged survives kill -9: a sign-in's audit entry is there after a restart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { listAudit } from '../src/audit/audit.repository.js';
import { totpCode } from '../src/auth/totp.js';
import { runCli, startServerProcess } from './support/process.js';
import { TEST_PASSWORD, TEST_SECRET_KEY } from './support/app.js';

describe('crash safety (PGlite in a folder)', { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-crash-'));
    env = { WATCHFLOOR_DATA_DIR: dir, WATCHFLOOR_SECRET_KEY: TEST_SECRET_KEY };
    const ctx = await createContext(loadConfig(env), { command: 'test setup' });
    await ctx.staff.createUser({ agencyName: 'Metro PD', username: 'survivor', password: TEST_PASSWORD, roles: ['operator'] }, CLI_ACTOR);
    await ctx.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps an acknowledged sign-in and its audit entry through SIGKILL', async () => {
    const server = await startServerProcess(env);
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'survivor', password: TEST_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { enrollment } = (await login.json()) as { enrollment: { secret: string } };
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const totp = await fetch(`${server.url}/api/v1/auth/totp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ code: totpCode(enrollment.secret, new Date()) }),
    });
    expect(totp.status).toBe(200);
    // Killed the moment the acknowledgement arrives: no graceful shutdown, no flush.
    server.child.kill('SIGKILL');
    await new Promise((resolve) => server.child.once('close', resolve));

    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);

    const ctx = await createContext(loadConfig(env), { command: 'test check' });
    try {
      const entries = await listAudit(ctx.database.db, { action: 'auth.login', outcome: 'success' }, 10);
      expect(entries.some((e) => e.actorName === 'survivor')).toBe(true);
      const enrolled = await listAudit(ctx.database.db, { action: 'auth.totp_enrolled' }, 10);
      expect(enrolled).toHaveLength(1);
    } finally {
      await ctx.close();
    }
  });
});
