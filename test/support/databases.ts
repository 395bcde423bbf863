// The databases the storage tests run on: PGlite always; PostgreSQL too when TEST_DATABASE_URL is set
// (each test file gets a fresh database there, dropped afterwards).
import crypto from 'node:crypto';
import pg from 'pg';
import { migrateDatabase, openDatabase, type Database } from '../../src/db/client.js';

export interface TestDatabaseKind {
  name: 'pglite' | 'postgres';
  /** A new database with the project's migrations applied, or only those of `migrationsFolder`. */
  open(migrationsFolder?: string): Promise<Database>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** A new, migrated database on the server at `baseUrl`, dropped again by close(). Tests and benches use it. */
export async function openFreshPostgres(baseUrl: string, poolSize = 5, groupStatements = true, migrationsFolder?: string): Promise<Database> {
  const name = `wf_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize, groupStatements });
  await migrateDatabase(database, migrationsFolder);
  return {
    ...database,
    async close() {
      await database.close();
      const dropper = new pg.Client({ connectionString: baseUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

export const testDatabases: TestDatabaseKind[] = [
  {
    name: 'pglite',
    async open(migrationsFolder?: string) {
      const database = await openDatabase({});
      await migrateDatabase(database, migrationsFolder);
      return database;
    },
  },
  ...(TEST_DATABASE_URL ? [{ name: 'postgres' as const, open: (migrationsFolder?: string) => openFreshPostgres(TEST_DATABASE_URL, 5, true, migrationsFolder) }] : []),
];
