// Text messages through the provider adapter, against a local HTTP server that speaks the provider's API.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/platform/clock.js';
import { createSmsSender } from '../src/platform/sms.js';
import { OutboxWorker } from '../src/notifications/outbox.worker.js';
import { enqueue, listMessages } from '../src/notifications/outbox.repository.js';
import { testDatabases } from './support/databases.js';

interface Received {
  auth: string | undefined;
  key: string | undefined;
  body: { to: string; from: string; text: string };
}

/** A provider that accepts messages, can fail with a given status, and de-duplicates on Idempotency-Key. */
async function startProvider() {
  const received: Received[] = [];
  const seen = new Set<string>();
  let failWith = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      if (failWith) {
        res.writeHead(failWith, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'try later' }));
        return;
      }
      const key = req.headers['idempotency-key'] as string | undefined;
      if (key && !seen.has(key)) {
        seen.add(key);
        received.push({ auth: req.headers.authorization, key, body: JSON.parse(raw) });
      }
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `SM${received.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/v1/messages`, received, setFail: (s: number) => (failWith = s), close: () => new Promise((r) => server.close(r)) };
}

describe('SMS delivery', () => {
  let database: Database;
  let provider: Awaited<ReturnType<typeof startProvider>>;
  const clock = new ManualClock('2026-07-01T15:00:00Z');
  const mailer = { send: async () => ({ providerMessageId: 'mail' }), close() {} };

  beforeAll(async () => {
    database = await testDatabases[0]!.open();
    provider = await startProvider();
  });
  afterAll(async () => {
    await provider.close();
    await database.close();
  });

  const sms = (i: number) => ({ idempotencyKey: `sms-test:${i}`, channel: 'sms' as const, recipient: '+12025550123', template: 'footage_request', language: 'en', ownerId: null, data: { name: 'K', link: `https://cams.example.gov/connect/manage#token=${i}` } });

  it('posts the text with the token and an idempotency key, retries a 503, and gives up on a 400', async () => {
    const worker = new OutboxWorker(database.db, mailer, clock, { warn: () => {} }, { baseDelayMs: 1000, random: () => 1 }, createSmsSender(provider.url, 'secret-token', '+12025550100'));
    await database.db.transaction((tx) => enqueue(tx, sms(1), clock.now()));
    provider.setFail(503);
    expect(await worker.runOnce()).toBe(0);
    provider.setFail(0);
    clock.advance(2000);
    expect(await worker.runOnce()).toBe(1);
    expect(provider.received).toHaveLength(1);
    expect(provider.received[0]).toMatchObject({ auth: 'Bearer secret-token', key: 'sms-test:1', body: { to: '+12025550123', from: '+12025550100' } });
    expect(provider.received[0]!.body.text).toContain('https://cams.example.gov/connect/manage#token=1');

    await database.db.transaction((tx) => enqueue(tx, sms(2), clock.now()));
    provider.setFail(400);
    await worker.runOnce();
    const [failed] = await listMessages(database.db, { status: 'failed' }, 5);
    expect(failed).toMatchObject({ idempotencyKey: 'sms-test:2', attempts: 1 });
    expect(failed!.lastError).toMatch(/refused the message \(400\)/);
    provider.setFail(0);
  });

  it('marks SMS as failed at once when no provider is configured, without holding up mail', async () => {
    const worker = new OutboxWorker(database.db, mailer, clock, { warn: () => {} }, {});
    await database.db.transaction((tx) => enqueue(tx, sms(3), clock.now()));
    await database.db.transaction((tx) => enqueue(tx, { ...sms(4), idempotencyKey: 'mail-test:4', channel: 'email', recipient: 'k@example.org' }, clock.now()));
    expect(await worker.runOnce()).toBe(1);
    const failed = await listMessages(database.db, { status: 'failed' }, 10);
    expect(failed.find((m) => m.idempotencyKey === 'sms-test:3')!.lastError).toMatch(/no SMS provider/);
  });
});
