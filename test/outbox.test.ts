// The transactional outbox against a real SMTP server that goes down for a while.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/platform/clock.js';
import { createMailer } from '../src/platform/mailer.js';
import { backoffMs, OutboxWorker } from '../src/notifications/outbox.worker.js';
import { enqueue, listMessages } from '../src/notifications/outbox.repository.js';
import { testDatabases } from './support/databases.js';
import { startMailCatcher, type MailCatcher } from './support/mail.js';

describe('back-off', () => {
  it('grows exponentially, stays within its cap, and jitters within the upper half', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffMs(30, 1000, 60_000, () => 1)).toBe(60_000);
    expect(backoffMs(30, 1000, 60_000, () => 0)).toBe(30_000);
  });
});

describe.each(testDatabases)('outbox delivery on $name', (kind) => {
  let database: Database;
  let mail: MailCatcher;
  const clock = new ManualClock('2026-07-01T09:00:00Z');
  const log = { warn: () => {} };

  beforeAll(async () => {
    database = await kind.open();
    mail = await startMailCatcher();
  });
  afterAll(async () => {
    await mail.close();
    await database.close();
  });

  const message = (i: number) => ({
    idempotencyKey: `test:${kind.name}:${i}`,
    channel: 'email' as const,
    recipient: `owner${i}@example.org`,
    template: 'owner_link',
    language: i % 2 ? 'es' : 'en',
    data: { name: `Owner ${i}`, link: `https://x.example/connect/manage#token=${i}`, expiresAt: 'tomorrow' },
    ownerId: null,
  });

  it('delivers every message exactly once after the mail server comes back', async () => {
    const mailer = createMailer(mail.url, 'CameraConnect <cameras@example.gov>');
    const sut = new OutboxWorker(database.db, mailer, clock, log, { baseDelayMs: 1000, maxDelayMs: 60_000, random: () => 0.5 });
    for (let i = 0; i < 12; i++) await database.db.transaction((tx) => enqueue(tx, message(i), clock.now()));
    // Enqueueing the same message again changes nothing.
    await database.db.transaction((tx) => enqueue(tx, message(0), clock.now()));

    mail.setDown(true);
    expect(await sut.runOnce()).toBe(0);
    const failed = await listMessages(database.db, { status: 'pending' }, 100);
    expect(failed).toHaveLength(12);
    expect(failed[0]!.lastError).toMatch(/421|not available/i);
    expect(failed[0]!.nextAttemptAt.getTime()).toBeGreaterThan(clock.now().getTime());
    // Not due yet: nothing is tried.
    expect(await sut.runOnce()).toBe(0);
    expect((await listMessages(database.db, {}, 100)).every((m) => m.attempts === 1)).toBe(true);

    clock.advance(5_000);
    expect(await sut.runOnce()).toBe(0); // still down: second attempt fails too
    mail.setDown(false);
    clock.advance(10 * 60_000);
    expect(await sut.runOnce()).toBe(12);
    expect(await sut.runOnce()).toBe(0);
    mailer.close();

    expect(mail.received).toHaveLength(12);
    expect(new Set(mail.received.map((m) => m.to)).size).toBe(12);
    expect(mail.received.find((m) => m.to.includes('owner1@'))!.subject).toBe('Su enlace de CameraConnect');
    expect(mail.received.find((m) => m.to.includes('owner0@'))!.messageId).toContain(`test_${kind.name}_0@watchfloor`);
    const sent = await listMessages(database.db, { status: 'sent' }, 100);
    expect(sent).toHaveLength(12);
    expect(sent.every((m) => m.attempts === 3)).toBe(true);
  });

  it('gives up after the last attempt, visibly, and sends on a manual retry', async () => {
    const mailer = createMailer(mail.url, 'x@example.gov');
    const sut = new OutboxWorker(database.db, mailer, clock, log, { baseDelayMs: 1000, maxAttempts: 2, random: () => 1 });
    await database.db.transaction((tx) => enqueue(tx, message(100), clock.now()));
    mail.setDown(true);
    await sut.runOnce();
    clock.advance(60_000);
    await sut.runOnce();
    const [failed] = await listMessages(database.db, { status: 'failed' }, 10);
    expect(failed).toMatchObject({ recipient: 'owner100@example.org', attempts: 2 });
    mail.setDown(false);
    clock.advance(3_600_000);
    expect(await sut.runOnce()).toBe(0);
    const { requeue } = await import('../src/notifications/outbox.repository.js');
    await requeue(database.db, failed!.id, clock.now());
    expect(await sut.runOnce()).toBe(1);
    mailer.close();
  });

  it('lets two workers share the queue without sending anything twice', async () => {
    const before = mail.received.length;
    for (let i = 200; i < 240; i++) await database.db.transaction((tx) => enqueue(tx, message(i), clock.now()));
    const a = new OutboxWorker(database.db, createMailer(mail.url, 'x@example.gov'), clock, log, { batchSize: 5 });
    const b = new OutboxWorker(database.db, createMailer(mail.url, 'x@example.gov'), clock, log, { batchSize: 5 });
    const [sentA, sentB] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(sentA + sentB).toBe(40);
    expect(mail.received.length - before).toBe(40);
  });
});
