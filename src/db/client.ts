// Opens the database: PostgreSQL when a URL is given, otherwise PGlite in a folder (or in memory), run in a worker
// thread of its own (pglite-thread.ts).
// Both are handed to the rest of the code as the same Drizzle `Db` type.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { sql, type ExtractTablesWithRelations } from 'drizzle-orm';
import pg from 'pg';
import { PGliteThread } from './pglite-thread.js';
import { GroupingClient } from './pg-grouping.js';

// Drizzle is given no schema: its relational query API (db.query.…) is not used here, and with a schema every
// transaction builds a query builder for each of the ~30 tables before running anything (about a tenth of what an
// incident's intake allocated).
export type Db = PgDatabase<PgQueryResultHKT>;
export type Tx = PgTransaction<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;
/** Anything a repository can run a query on: the database or an open transaction. */
export type Queryable = Db | Tx;

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for messages: a folder, "memory" or the URL without its password. */
  location: string;
  close(): Promise<void>;
  /** Settles if the database is lost for good (the embedded database's thread stopped); see PGliteThread.lost. */
  lost?: Promise<Error>;
}

export interface OpenOptions {
  /** postgres:// URL; when absent, PGlite. */
  url?: string | undefined;
  /** PGlite folder; when absent (and no url), an in-memory PGlite. */
  dir?: string | undefined;
  poolSize?: number;
  /** PostgreSQL: send a transaction's BEGIN and last write with its neighbours (pg-grouping.ts). On unless false. */
  groupStatements?: boolean;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) {
    // GroupingClient sends a transaction's BEGIN with its first statement and its last write with its COMMIT.
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, ...(opts.groupStatements === false ? {} : { Client: GroupingClient }) });
    // An idle client losing its connection must not take the process down; the pool replaces it.
    pool.on('error', () => {});
    const db = drizzlePg(pool) as unknown as Db;
    return { db, kind: 'postgres', location: redactUrl(opts.url), close: () => pool.end() };
  }
  if (opts.dir) fs.mkdirSync(opts.dir, { recursive: true });
  const client = await PGliteThread.open(opts.dir, DRIZZLE_TEXT_TYPES);
  // Drizzle's PGlite driver passes these same parsers with every query; the thread has them set once instead.
  const db = drizzlePglite(client as never) as unknown as Db;
  return { db, kind: 'pglite', location: opts.dir ?? 'memory', close: () => client.close(), lost: client.lost };
}

/** The types Drizzle's PGlite driver keeps as text (dates, times, intervals, numeric arrays): Drizzle maps them. */
const DRIZZLE_TEXT_TYPES = [1114, 1184, 1186, 1082, 1231, 1115, 1185, 1187, 1182];

/**
 * Applies every pending migration of `migrationsFolder` (the project's own, unless a test gives an earlier set).
 * Safe to run from several instances at once on PostgreSQL.
 */
export async function migrateDatabase(database: Database, migrationsFolder = MIGRATIONS_DIR): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder });
    return;
  }
  // Serialise concurrent starts of several instances with a session-level advisory lock.
  const db = database.db;
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7715001)`);
    await migratePg(tx as never, { migrationsFolder });
  });
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}
