import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ManualClock } from '../src/platform/clock.js';
import { appendAudit, appendAuditAlone, auditAtCommit, listAudit } from '../src/audit/audit.repository.js';
import { insertAll } from '../src/db/bulk.js';
import { verifyAuditChain, type VerifyResult } from '../src/audit/audit.verify.js';
import fc from 'fast-check';
import { auditBodyParts, auditEntryHash, canonicalJson, type AuditContent } from '../src/audit/audit.hash.js';
import { sha256Hex } from '../src/platform/crypto.js';
import type { Database, Tx } from '../src/db/client.js';
import { testDatabases } from './support/databases.js';
import { createAndSignIn, makeTestApp, type TestApp } from './support/app.js';

class Rollback extends Error {}

/** Tampers inside a transaction that is rolled back, so each case starts from the same intact chain. */
async function verifyAfterTampering(database: Database, tamper: (tx: Tx) => Promise<unknown>): Promise<VerifyResult> {
  let result: VerifyResult | undefined;
  await database.db
    .transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
      await tamper(tx);
      result = await verifyAuditChain(tx);
      throw new Rollback();
    })
    .catch((err) => {
      if (!(err instanceof Rollback)) throw err;
    });
  return result!;
}

describe('canonical JSON', () => {
  it('orders keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });
  // The form every stored hash was made with; the faster one must give the same bytes for any JSON value.
  const referenceCanonicalJson = (value: unknown): string => {
    if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
    if (Array.isArray(value)) return `[${value.map(referenceCanonicalJson).join(',')}]`;
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${referenceCanonicalJson(v)}`).join(',')}}`;
  };
  it('gives the same bytes as the form the stored hashes were made with', () => {
    const key = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('a', 'B', 'é', '🚓', '10', '9', '', '__proto__x'));
    const leaf = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.date({ noInvalidDate: true }));
    const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 5 })),
    })).value;
    fc.assert(
      fc.property(json, (v) => {
        expect(canonicalJson(v)).toBe(referenceCanonicalJson(v));
      }),
      { numRuns: 2_000 },
    );
  });
  it('changes the hash when any field changes', () => {
    const base = { seq: 1, at: '2026-01-01T00:00:00.000Z', actorType: 'staff', actorId: 'a', actorName: 'n', agencyId: null, action: 'x', targetType: null, targetId: null, purpose: null, incidentId: null, requestId: null, outcome: 'success', details: {} };
    const h = auditEntryHash(base, '0'.repeat(64));
    expect(auditEntryHash({ ...base, purpose: 'p' }, '0'.repeat(64))).not.toBe(h);
    expect(auditEntryHash(base, '1'.repeat(64))).not.toBe(h);
  });
  // The database chains an entry from these two pieces (audit_append); the verifier hashes the whole body.
  it('splits an entry\'s body around its sequence number, whatever its text holds', () => {
    const text = fc.oneof(fc.string(), fc.constantFrom('"seq":0', '{"seq":0}', '\\"seq\\":0', 'seq', '\n', 'é ✓ 🚓'));
    const nullable = fc.option(text, { nil: null });
    const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.oneof(text, fc.constant('seq')), tie('value'), { maxKeys: 3 })),
    })).value;
    const content = fc.record({
      at: fc.constant('2026-01-01T00:00:00.000Z'),
      actorType: fc.constantFrom('staff', 'system'),
      actorId: nullable,
      actorName: nullable,
      agencyId: fc.constant(null),
      action: text,
      targetType: nullable,
      targetId: nullable,
      purpose: nullable,
      incidentId: nullable,
      requestId: nullable,
      outcome: fc.constant('success'),
      details: fc.dictionary(fc.oneof(text, fc.constant('seq')), json, { maxKeys: 4 }),
    });
    fc.assert(
      fc.property(content, fc.integer({ min: 1, max: 2 ** 40 }), (c, seq) => {
        const { head, tail } = auditBodyParts(c);
        const full: AuditContent = { ...c, seq };
        expect(head + String(seq) + tail).toBe(canonicalJson(full));
        expect(sha256Hex(`${'a'.repeat(64)}\n${head}${seq}${tail}`)).toBe(auditEntryHash(full, 'a'.repeat(64)));
      }),
      { numRuns: 300 },
    );
  });
});

describe.each(testDatabases)('audit trail on $name', (kind) => {
  let database: Database;
  let sut: TestApp;
  const clock = new ManualClock('2026-04-01T10:00:00Z');

  beforeAll(async () => {
    database = await kind.open();
    sut = await makeTestApp(database, { clock, config: { loginRateLimitPerMinute: 1000 } });
    for (let i = 0; i < 10; i++) {
      clock.advance(1000);
      await appendAuditAlone(database.db, { actorType: 'system', action: 'test.event', targetId: String(i), details: { i, note: `entry ${i}` } }, clock.now());
    }
  });
  afterAll(async () => {
    await sut.close();
    await database.close();
  });

  it('verifies an intact chain', async () => {
    const result = await verifyAuditChain(database.db);
    expect(result.ok).toBe(true);
  });

  it('chains in the database exactly what the verifier hashes: quotes, newlines, non-ASCII text, nested seq keys', async () => {
    const awkward = { note: 'line one\nline "two" \\ ✓ é 🚓', seq: 99, nested: { seq: '"seq":0', list: [1, 'x', null, { seq: 0 }] }, empty: {} };
    const rows = await database.db.transaction(async (tx) => [
      await appendAudit(tx, { actorType: 'staff', actorName: 'Zoë "Z" O\'Brien', action: 'test.awkward', targetId: '"seq":0', details: awkward }, clock.now()),
      await appendAudit(tx, { actorType: 'system', action: 'test.awkward.second', details: {} }, clock.now()),
    ]);
    expect(rows[1]!.seq).toBe(rows[0]!.seq + 1);
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(rows[0]!.details).toEqual(awkward);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows', async () => {
    // Drizzle wraps the database error; the trigger's message is its cause.
    const refusal = async (statement: ReturnType<typeof sql>) => {
      const err = await database.db.execute(statement).then(() => undefined, (e: Error) => e);
      return String((err?.cause as Error | undefined)?.message ?? err?.message);
    };
    expect(await refusal(sql`update audit_log set action = 'x' where seq = 1`)).toMatch(/append-only \(UPDATE refused\)/);
    expect(await refusal(sql`delete from audit_log where seq = 1`)).toMatch(/append-only \(DELETE refused\)/);
    expect(await refusal(sql`truncate audit_log`)).toMatch(/append-only \(TRUNCATE refused\)/);
  });

  it('names the first altered entry', async () => {
    const r = await verifyAfterTampering(database, (tx) => tx.execute(sql`update audit_log set details = '{"i":99}' where seq = 4`));
    expect(r).toMatchObject({ ok: false, brokenSeq: 4 });
    if (!r.ok) expect(r.reason).toMatch(/altered/);
  });

  it('names the first entry after a deleted one', async () => {
    const r = await verifyAfterTampering(database, (tx) => tx.execute(sql`delete from audit_log where seq = 6`));
    expect(r).toMatchObject({ ok: false, brokenSeq: 7 });
    if (!r.ok) expect(r.reason).toMatch(/missing/);
  });

  it('detects an entry re-hashed to hide an alteration (the next link breaks)', async () => {
    const r = await verifyAfterTampering(database, async (tx) => {
      const result = (await tx.execute(sql`select * from audit_log where seq = 3`)) as unknown as { rows: Record<string, unknown>[] };
      const row = result.rows[0];
      const content = {
        seq: 3, at: new Date(row!.at as string).toISOString(), actorType: 'system', actorId: null, actorName: null, agencyId: null,
        action: 'test.event', targetType: null, targetId: '2', purpose: null, incidentId: null, requestId: null, outcome: 'success', details: { i: 2, note: 'rewritten' },
      };
      const forged = auditEntryHash(content, row!.prev_hash as string);
      await tx.execute(sql`update audit_log set details = ${JSON.stringify(content.details)}::jsonb, hash = ${forged} where seq = 3`);
    });
    expect(r).toMatchObject({ ok: false, brokenSeq: 4 });
  });

  it('detects entries swapped out of order', async () => {
    const r = await verifyAfterTampering(database, async (tx) => {
      await tx.execute(sql`update audit_log set seq = -8 where seq = 8`);
      await tx.execute(sql`update audit_log set seq = 8 where seq = 9`);
      await tx.execute(sql`update audit_log set seq = 9 where seq = -8`);
    });
    expect(r).toMatchObject({ ok: false, brokenSeq: 8 });
  });

  it('keeps one unbroken chain under concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        database.db.transaction((tx) => appendAudit(tx, { actorType: 'system', action: 'test.concurrent', details: { i } }, clock.now())),
      ),
    );
    const r = await verifyAuditChain(database.db);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.entries).toBeGreaterThanOrEqual(50);
  });

  it('chains entries written for the commit at the commit, in the order written, and leaves nothing pending', async () => {
    const pending = async () => ((await database.db.execute(sql`select count(*)::int as n from audit_pending`)) as unknown as { rows: { n: number }[] }).rows[0]!.n;
    const ev = (action: string) => ({ actorType: 'system' as const, action, details: { at: 'commit' } });
    await database.db.transaction(async (tx) => {
      await appendAudit(tx, ev('test.order.a'), clock.now());
      await insertAll(tx, auditAtCommit([ev('test.order.b'), ev('test.order.c')], clock.now()));
      // An append that returns its row chains what is pending first.
      const d = await appendAudit(tx, ev('test.order.d'), clock.now());
      expect(d.action).toBe('test.order.d');
      await insertAll(tx, auditAtCommit([ev('test.order.e')], clock.now()));
    });
    const rows = (await listAudit(database.db, { action: 'test.order.*' }, 10)).reverse();
    expect(rows.map((r) => r.action)).toEqual(['test.order.a', 'test.order.b', 'test.order.c', 'test.order.d', 'test.order.e']);
    expect(rows.map((r) => r.seq - rows[0]!.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(await pending()).toBe(0);
    // Rolled back: neither the entries nor anything pending stays.
    await database.db
      .transaction(async (tx) => {
        await insertAll(tx, auditAtCommit([ev('test.order.rolled-back')], clock.now()));
        throw new Rollback();
      })
      .catch((err) => {
        if (!(err instanceof Rollback)) throw err;
      });
    expect(await listAudit(database.db, { action: 'test.order.rolled-back' }, 10)).toEqual([]);
    expect(await pending()).toBe(0);
    // Many transactions committing at once, each with entries for its commit: one chain, every entry in it.
    await Promise.all(
      Array.from({ length: 30 }, () => database.db.transaction((tx) => insertAll(tx, auditAtCommit([ev('test.order.many'), ev('test.order.many')], clock.now())))),
    );
    expect(await listAudit(database.db, { action: 'test.order.many' }, 100)).toHaveLength(60);
    expect(await pending()).toBe(0);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('lets auditors page, filter, export and verify it, and nobody else', async () => {
    const auditor = await createAndSignIn(sut, ['auditor']);
    const operator = await createAndSignIn(sut, ['operator']);
    expect((await sut.app.inject({ method: 'GET', url: '/api/v1/audit', headers: { cookie: operator.cookie } })).statusCode).toBe(403);

    const page1 = await sut.app.inject({ method: 'GET', url: '/api/v1/audit?action=test.event&limit=4', headers: { cookie: auditor.cookie } });
    expect(page1.statusCode).toBe(200);
    const body1 = page1.json();
    expect(body1.entries).toHaveLength(4);
    expect(body1.entries[0].seq).toBeGreaterThan(body1.entries[3].seq);
    const page2 = await sut.app.inject({ method: 'GET', url: `/api/v1/audit?action=test.event&limit=4&before=${body1.nextBefore}`, headers: { cookie: auditor.cookie } });
    expect(page2.json().entries[0].seq).toBeLessThan(body1.entries[3].seq);

    const family = await sut.app.inject({ method: 'GET', url: '/api/v1/audit?action=auth.*', headers: { cookie: auditor.cookie } });
    expect(family.json().entries.every((e: { action: string }) => e.action.startsWith('auth.'))).toBe(true);

    const bad = await sut.app.inject({ method: 'GET', url: '/api/v1/audit?limit=100000', headers: { cookie: auditor.cookie } });
    expect(bad.statusCode).toBe(400);

    const exported = await sut.app.inject({ method: 'GET', url: '/api/v1/audit/export', headers: { cookie: auditor.cookie } });
    expect(exported.headers['content-type']).toContain('application/x-ndjson');
    const lines = exported.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].seq).toBe(1);
    expect(lines.at(-1).action).toBe('audit.export');

    const verify = await sut.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: { cookie: auditor.cookie } });
    expect(verify.json()).toMatchObject({ ok: true });
  });
});
