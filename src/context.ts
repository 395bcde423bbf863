// Everything a running server (or a CLI command) shares: configuration, database, keys, clock and services.
import type { Config } from './config.js';
import { migrateDatabase, openDatabase, type Database } from './db/client.js';
import { AuthService } from './auth/auth.service.js';
import { StaffService } from './staff/staff.service.js';
import { systemClock, type Clock } from './platform/clock.js';
import { loadOrCreateSecretKey, SecretBox } from './platform/crypto.js';
import { lockDataDir, type DataDirLock } from './platform/lock.js';

export interface AppContext {
  config: Config;
  database: Database;
  box: SecretBox;
  clock: Clock;
  auth: AuthService;
  staff: StaffService;
  /** Held while this process has the PGlite folder open. */
  lock?: DataDirLock | undefined;
  close(): Promise<void>;
}

export interface ContextOptions {
  clock?: Clock;
  /** An already open database (tests); otherwise opened from the configuration. */
  database?: Database;
  /** Which command holds the data folder (shown to a second process that finds it busy). */
  command?: string;
  /** Open PGlite in memory instead of in the data folder (tests). */
  inMemory?: boolean;
}

export async function createContext(config: Config, opts: ContextOptions = {}): Promise<AppContext> {
  const clock = opts.clock ?? systemClock;
  let lock: DataDirLock | undefined;
  let database = opts.database;
  if (!database) {
    const embedded = !config.databaseUrl;
    if (embedded && !opts.inMemory) lock = lockDataDir(config.dataDir, opts.command ?? 'serve');
    try {
      database = await openDatabase({ url: config.databaseUrl, dir: embedded && !opts.inMemory ? `${config.dataDir}/pglite` : undefined });
      await migrateDatabase(database);
    } catch (err) {
      lock?.release();
      throw err;
    }
  }
  const { key } = loadOrCreateSecretKey(config.secretKey, config.dataDir);
  const box = new SecretBox(key);
  const db = database.db;
  const auth = new AuthService(db, box, clock, config);
  const staff = new StaffService(db, clock);
  const ownedDatabase = !opts.database;
  return {
    config,
    database,
    box,
    clock,
    auth,
    staff,
    lock,
    async close() {
      if (ownedDatabase) await database.close();
      lock?.release();
    },
  };
}
