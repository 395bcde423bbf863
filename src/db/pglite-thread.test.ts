// The embedded database in its worker thread behaves as PGlite does in process: results, errors with PostgreSQL's
// fields, transactions that commit or roll back and hold other statements back while open, COPY to a blob, close.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dyingWorkerScript } from '../../test/support/pglite.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGliteThread, PGliteError } from './pglite-thread.js';
import { WITH_COMMIT } from './pg-grouping.js';

describe('PGlite in a worker thread', { timeout: 60_000 }, () => {
  let db: PGliteThread;

  beforeAll(async () => {
    db = await PGliteThread.open(undefined, [1184]);
    await db.exec(`create table t (id int primary key, note text not null, at timestamptz, doc jsonb, raw bytea)`);
  });
  afterAll(async () => {
    await db.close();
  });

  it('returns rows as objects or arrays, with values parsed as PGlite parses them (text kept for the given types)', async () => {
    await db.query(`insert into t values ($1, $2, $3, $4, $5)`, [1, 'one', '2026-11-27T10:00:00Z', JSON.stringify({ a: [1, 2] }), new Uint8Array([1, 2, 255])]);
    const objects = await db.query<{ id: number; note: string; at: string; doc: unknown; raw: Uint8Array }>(`select * from t where id = $1`, [1]);
    expect(objects.rows).toEqual([{ id: 1, note: 'one', at: '2026-11-27 10:00:00+00', doc: { a: [1, 2] }, raw: new Uint8Array([1, 2, 255]) }]);
    expect(objects.fields.map((f) => f.name)).toEqual(['id', 'note', 'at', 'doc', 'raw']);
    const arrays = await db.query(`select id, note from t`, [], { rowMode: 'array' });
    expect(arrays.rows).toEqual([[1, 'one']]);
    const changed = await db.query(`update t set note = 'uno' where id = 1`);
    expect(changed.affectedRows).toBe(1);
  });

  it("gives one row's columns as the bytes of PostgreSQL's binary form (binaryRow), big ones included", async () => {
    const big = 3_000_000; // bigger than PGlite's receive buffer: the answer arrives in several chunks
    const row = await db.binaryRow(`select 7::int8, decode('00ff10', 'hex') || decode(repeat('ab', ${big}), 'hex'), 'héllo'::text, null::text`);
    expect(row).not.toBeNull();
    const [count, bytes, text, nothing] = row!;
    expect(Array.from(count!)).toEqual([0, 0, 0, 0, 0, 0, 0, 7]);
    expect(bytes!.length).toBe(3 + big);
    expect(Array.from(bytes!.subarray(0, 5))).toEqual([0x00, 0xff, 0x10, 0xab, 0xab]);
    expect(bytes!.every((b, i) => i < 3 || b === 0xab)).toBe(true);
    expect(Buffer.from(text!).toString('utf8')).toBe('héllo');
    expect(nothing).toBeNull();
    expect(await db.binaryRow(`select 1 where false`)).toBeNull();
    await expect(db.binaryRow(`select * from no_such_table`)).rejects.toMatchObject({ code: '42P01' });
    // The database goes on answering as before.
    expect((await db.query(`select 1 as one`)).rows).toEqual([{ one: 1 }]);
  });

  it("gives PostgreSQL's error fields (code, constraint, detail) with the message", async () => {
    const err = await db.query(`insert into t (id, note) values (1, 'again')`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PGliteError);
    expect(err).toMatchObject({ code: '23505', constraint: 't_pkey', message: expect.stringContaining('duplicate key') });
    expect((err as PGliteError).detail).toContain('(id)=(1)');
  });

  it('commits a transaction whose function resolves, and rolls back (rethrowing) one whose function throws', async () => {
    const committed = await db.transaction(async (tx) => {
      await tx.query(`insert into t (id, note) values (2, 'two')`);
      return (await tx.query<{ n: number }>(`select count(*)::int as n from t`)).rows[0]!.n;
    });
    expect(committed).toBe(2);
    const thrown = new Error('changed my mind');
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`insert into t (id, note) values (3, 'three')`);
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    // A statement that fails inside: the transaction is rolled back as a whole.
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`insert into t (id, note) values (4, 'four')`);
        await tx.query(`insert into t (id, note) values (2, 'dup')`);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const ids = await db.query<{ id: number }>(`select id from t order by id`);
    expect(ids.rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it('holds a WITH_COMMIT write until the commit, which runs it: it answers at once; its failure fails the transaction and keeps nothing', async () => {
    const ids = async (from: number) => (await db.query<{ id: number }>(`select id from t where id >= $1 order by id`, [from])).rows.map((r) => r.id);
    await db.transaction(async (tx) => {
      await tx.query(`insert into t (id, note) values (50, 'plain')`);
      // Answered before it has run: a duplicate key would otherwise fail here.
      expect(await tx.query(`${WITH_COMMIT}insert into t (id, note) values (51, 'last')`)).toEqual({ rows: [], fields: [], affectedRows: 0 });
    });
    expect(await ids(50)).toEqual([50, 51]);
    // A held write that fails: the call itself resolved; the transaction throws its error, and rolls back.
    let held: unknown;
    const failed = await db
      .transaction(async (tx) => {
        await tx.query(`insert into t (id, note) values (52, 'plain')`);
        held = await tx.query(`${WITH_COMMIT}insert into t (id, note) values (1, 'duplicate')`);
      })
      .catch((e: unknown) => e);
    expect(held).toEqual({ rows: [], fields: [], affectedRows: 0 });
    expect(failed).toMatchObject({ code: '23505', constraint: 't_pkey' });
    expect(await ids(50)).toEqual([50, 51]);
    // Followed by another statement: sent first, in order; a failure is reported as its own, not as the abort after it.
    await db.transaction(async (tx) => {
      await tx.query(`${WITH_COMMIT}insert into t (id, note) values (53, 'held')`);
      await tx.query(`${WITH_COMMIT}insert into t (id, note) values (54, 'held too')`);
      expect((await tx.query<{ n: number }>(`select count(*)::int as n from t where id in (53, 54)`)).rows[0]!.n).toBe(2);
    });
    const reported = await db
      .transaction(async (tx) => {
        await tx.query(`${WITH_COMMIT}insert into t (id, note) values (2, 'duplicate')`);
        await tx.query(`select 1`);
      })
      .catch((e: unknown) => e);
    expect(reported).toMatchObject({ code: '23505' });
    // A transaction that throws after a held write: the write is never sent.
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`${WITH_COMMIT}insert into t (id, note) values (55, 'dropped')`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await ids(50)).toEqual([50, 51, 53, 54]);
    await db.query(`delete from t where id >= 50`);
  });

  it('runs a statement that comes again prepared, with the same values and errors as the first time', async () => {
    const text = `insert into t (id, note, at, doc, raw) values ($1, $2, $3, $4, $5) returning id, note, at, doc, raw`;
    const rows = [];
    for (let i = 0; i < 4; i++) {
      const values = [100 + i, `n'${i}`, new Date(Date.UTC(2026, 10, 27, 10, i)), { i, list: [i, 'x'] }, i % 2 ? null : new Uint8Array([i, 200])];
      rows.push((await db.query(text, values)).rows[0]);
    }
    expect(rows[0]).toEqual({ id: 100, note: "n'0", at: '2026-11-27 10:00:00+00', doc: { i: 0, list: [0, 'x'] }, raw: new Uint8Array([0, 200]) });
    expect(rows[3]).toEqual({ id: 103, note: "n'3", at: '2026-11-27 10:03:00+00', doc: { i: 3, list: [3, 'x'] }, raw: null });
    // The third and fourth runs were prepared ones: an error there carries PostgreSQL's fields too.
    await expect(db.query(text, [101, 'again', null, null, null])).rejects.toMatchObject({ code: '23505', constraint: 't_pkey' });
    const inTx = await db.transaction(async (tx) => {
      await tx.query(`select id from t where id = any($1::int[]) order by id`, [[100, 102]]);
      return (await tx.query<number[]>(`select id from t where id = any($1::int[]) order by id`, [[101, 103]], { rowMode: 'array' })).rows;
    });
    expect(inTx).toEqual([[101], [103]]);
    await db.query(`delete from t where id >= 100`);
  });

  it('keeps working past the number of statements it keeps prepared (the least recently used are closed)', async () => {
    for (let round = 0; round < 2; round++) for (let i = 0; i < 210; i++) expect((await db.query<{ v: number }>(`select $1::int + ${i} as v`, [round])).rows).toEqual([{ v: round + i }]);
    expect((await db.query<{ v: number }>(`select $1::int + 0 as v`, [7])).rows).toEqual([{ v: 7 }]);
  });

  it('holds statements from outside back while a transaction is open, as PGlite does in process', async () => {
    // Seen before, so that the read below runs prepared: it waits for the transaction all the same.
    await db.query<{ note: string }>(`select note from t where id = 1`);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tx = db.transaction(async (q) => {
      await q.query(`update t set note = 'in tx' where id = 1`);
      order.push('tx wrote');
      await gate;
      order.push('tx ends');
    });
    await new Promise((r) => setTimeout(r, 50));
    const outside = db.query<{ note: string }>(`select note from t where id = 1`).then((r) => {
      order.push('outside read');
      return r.rows[0]!.note;
    });
    await new Promise((r) => setTimeout(r, 50));
    release();
    await tx;
    expect(await outside).toBe('in tx');
    expect(order).toEqual(['tx wrote', 'tx ends', 'outside read']);
  });

  it('creates WAL segments without zero-filling them first (a commit that starts a segment does not stall)', async () => {
    expect((await db.query<{ wal_init_zero: string }>('show wal_init_zero')).rows).toEqual([{ wal_init_zero: 'off' }]);
  });

  it("returns COPY … TO '/dev/blob' output as a blob", async () => {
    const result = await db.query(`copy (select id, note from t order by id) to '/dev/blob' with (format csv)`);
    expect(await result.blob!.text()).toBe('1,in tx\n2,two\n');
  });
});

describe('PGlite in a worker thread, in a folder', { timeout: 60_000 }, () => {
  it('keeps what was committed across close and open, and refuses statements once closed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-pglite-thread-'));
    try {
      const first = await PGliteThread.open(dir);
      await first.exec(`create table kept (v text); insert into kept values ('still here')`);
      await first.close();
      await expect(first.query('select 1')).rejects.toThrow(/closed/);
      // Closed on purpose: not lost.
      expect(await Promise.race([first.lost.then(() => 'lost'), new Promise((r) => setTimeout(() => r('not lost'), 100))])).toBe('not lost');
      const second = await PGliteThread.open(dir);
      expect((await second.query<{ v: string }>(`select v from kept`)).rows).toEqual([{ v: 'still here' }]);
      await second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PGlite in a worker thread that stops on its own', { timeout: 60_000 }, () => {
  it('fails the statement under way and every later one, and settles `lost` with the reason', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-pglite-lost-'));
    try {
      const thread = await PGliteThread.open(undefined, [], dyingWorkerScript(dir));
      await expect(thread.query('select 1')).rejects.toThrow('the embedded database stopped: its thread exited with code 3');
      await expect(thread.lost).resolves.toMatchObject({ message: 'the embedded database stopped: its thread exited with code 3' });
      await expect(thread.transaction(async () => 1)).rejects.toThrow(/exited with code 3/);
      await thread.close(); // nothing left to close: returns
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
