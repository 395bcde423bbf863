// GroupingClient against a real PostgreSQL (TEST_DATABASE_URL): what a transaction writes, what it answers, what a
// failure leaves behind, and how many round trips it takes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { TEST_DATABASE_URL, openFreshPostgres } from '../../test/support/databases.js';
import type { Database } from './client.js';
import { GroupingClient, WITH_COMMIT } from './pg-grouping.js';

// Skipped, under a title that says why, when no PostgreSQL server is given.
describe.skipIf(!TEST_DATABASE_URL)(`GroupingClient (PostgreSQL${TEST_DATABASE_URL ? '' : ': skipped, needs TEST_DATABASE_URL'})`, () => {
  let database: Database;
  let pool: pg.Pool;
  let db: ReturnType<typeof drizzle>;
  /** The pool's one client, to count its round trips. */
  let client: GroupingClient;

  beforeAll(async () => {
    // A fresh database (dropped afterwards), reached through a one-connection pool of GroupingClients.
    database = await openFreshPostgres(TEST_DATABASE_URL!, 1);
    const url = new URL(TEST_DATABASE_URL!);
    url.pathname = `/${((await database.db.execute(sql`select current_database() as name`)) as unknown as pg.QueryResult).rows[0]!.name}`;
    pool = new pg.Pool({ connectionString: url.toString(), max: 1, Client: GroupingClient });
    db = drizzle(pool);
    client = (await pool.connect()) as unknown as GroupingClient;
    (client as unknown as pg.PoolClient).release();
    await db.execute(sql`create table kv (k text primary key, v int not null check (v >= 0))`);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.close();
  });

  /** PostgreSQL's error under Drizzle's (which wraps it as its cause). */
  const pgError = (e: unknown) => ((e as { cause?: unknown }).cause ?? e) as { code?: string };
  const rows = async () => (await db.execute<{ k: string; v: number }>(sql`select k, v from kv order by k`)).rows;
  /** Round trips the client made while fn ran. */
  async function trips(fn: () => Promise<unknown>): Promise<number> {
    const before = client.roundTrips;
    await fn();
    return client.roundTrips - before;
  }

  it('sends BEGIN with the first statement and a WITH_COMMIT write with the COMMIT: two round trips, not four', async () => {
    const n = await trips(() =>
      db.transaction(async (tx) => {
        const read = await tx.execute(sql`select count(*)::int as n from kv`);
        expect(read.rows[0]!.n).toBe(0);
        await tx.execute(sql.join([sql.raw(WITH_COMMIT), sql`insert into kv values ('a', 1), ('b', 2)`]));
      }),
    );
    expect(n).toBe(2);
    expect(await rows()).toEqual([
      { k: 'a', v: 1 },
      { k: 'b', v: 2 },
    ]);
    // The connection is out of its transaction and usable.
    expect(await trips(() => db.execute(sql`select 1`))).toBe(1);
  });

  it('the statements of a transaction see each other, BEGIN included (one transaction, not several)', async () => {
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into kv values ('c', 3)`);
      await tx.execute(sql.join([sql.raw(WITH_COMMIT), sql`update kv set v = v + 10 where k = 'c'`]));
      // The write waiting for the commit goes ahead of this read, which sees it.
      const c = await tx.execute(sql`select v from kv where k = 'c'`);
      expect(c.rows[0]!.v).toBe(13);
      const txid = await tx.execute(sql`select txid_current_if_assigned() is not null as inside`);
      expect(txid.rows[0]!.inside).toBe(true);
    });
    expect((await rows()).find((r) => r.k === 'c')).toEqual({ k: 'c', v: 13 });
  });

  it('a WITH_COMMIT write that fails fails the COMMIT: the transaction throws its error and nothing of it is kept', async () => {
    const before = await rows();
    const err = await db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into kv values ('d', 4)`);
        // Violates the primary key: reported by the COMMIT it goes with.
        await tx.execute(sql.join([sql.raw(WITH_COMMIT), sql`insert into kv values ('a', 5)`]));
      })
      .then(
        () => undefined,
        (e: unknown) => pgError(e),
      );
    expect(err?.code).toBe('23505');
    expect(await rows()).toEqual(before);
    // Not left inside a failed transaction.
    expect(await trips(() => db.execute(sql`select 1`))).toBe(1);
  });

  it('a first statement that fails (sent with BEGIN) rolls the transaction back', async () => {
    const before = await rows();
    const err = await db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into kv values ('e', -1)`); // the check fails
      })
      .then(
        () => undefined,
        (e: unknown) => pgError(e),
      );
    expect(err?.code).toBe('23514');
    expect(await rows()).toEqual(before);
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into kv values ('e', 5)`);
    });
    expect((await rows()).find((r) => r.k === 'e')).toEqual({ k: 'e', v: 5 });
  });

  it('a transaction that sent nothing costs no round trip, and an error thrown before any statement sends nothing', async () => {
    expect(await trips(() => db.transaction(async () => 'nothing'))).toBe(0);
    expect(
      await trips(() =>
        db
          .transaction(async () => {
            throw new Error('changed my mind');
          })
          .catch(() => {}),
      ),
    ).toBe(0);
  });

  it('a WITH_COMMIT write dropped by a rollback is never run', async () => {
    const before = await rows();
    await db
      .transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        await tx.execute(sql.join([sql.raw(WITH_COMMIT), sql`insert into kv values ('f', 6)`]));
        throw new Error('abandon');
      })
      .catch(() => {});
    expect(await rows()).toEqual(before);
  });

  it('nested transactions (savepoints) roll back only their part', async () => {
    await db.transaction(async (tx) => {
      await tx.execute(sql.join([sql.raw(WITH_COMMIT), sql`insert into kv values ('g', 7)`]));
      await tx
        .transaction(async (inner) => {
          await inner.execute(sql`insert into kv values ('h', 8)`);
          throw new Error('inner fails');
        })
        .catch(() => {});
    });
    const now = await rows();
    expect(now.find((r) => r.k === 'g')).toEqual({ k: 'g', v: 7 });
    expect(now.find((r) => r.k === 'h')).toBeUndefined();
  });

  it('outside a transaction a WITH_COMMIT statement runs at once', async () => {
    await db.execute(sql.join([sql.raw(WITH_COMMIT), sql`insert into kv values ('i', 9)`]));
    expect((await rows()).find((r) => r.k === 'i')).toEqual({ k: 'i', v: 9 });
  });

  it('parameters of statements sent ahead arrive intact (text, numbers, JSON, dates, null)', async () => {
    await db.execute(sql`create table typed (t text, n float8, j jsonb, d timestamptz, z int)`);
    const at = new Date('2026-01-02T03:04:05.678Z');
    await db.transaction(async (tx) => {
      await tx.execute(sql.join([sql.raw(WITH_COMMIT), sql`insert into typed values (${"it's ☃ \\ text"}, ${1.5}, ${JSON.stringify({ a: [1, 'x'] })}::jsonb, ${at.toISOString()}, ${null})`]));
    });
    const [row] = (await db.execute(sql`select t, n, j, d = ${at.toISOString()}::timestamptz as same_time, z from typed`)).rows;
    expect(row).toEqual({ t: "it's ☃ \\ text", n: 1.5, j: { a: [1, 'x'] }, same_time: true, z: null });
  });
});
