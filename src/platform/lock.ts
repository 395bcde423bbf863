// One process at a time may open a PGlite data folder: PGlite has no server to arbitrate, and two writers
// would corrupt it. The lock file names the holder and, for a running server, its URL.
import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'watchfloor.lock';

export interface LockInfo {
  pid: number;
  command: string;
  url?: string;
  startedAt: string;
}

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
  constructor(
    readonly dir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `The data folder ${dir} is in use by process ${holder.pid} (watchfloor ${holder.command}` +
        `${holder.url ? ` at ${holder.url}` : ''}, since ${holder.startedAt}). ` +
        `Stop it first, or run this command against the running server where it offers one.`,
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(dir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as LockInfo;
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

export interface DataDirLock {
  update(info: Partial<LockInfo>): void;
  release(): void;
}

/** Takes the folder's lock, replacing a stale one left by a process that died (kill -9). */
export function lockDataDir(dir: string, command: string): DataDirLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  let info: LockInfo = { pid: process.pid, command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(info), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const current = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
          if (current.pid === process.pid) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return {
        update(extra) {
          info = { ...info, ...extra };
          fs.writeFileSync(file, JSON.stringify(info));
        },
        release() {
          process.removeListener('exit', release);
          release();
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(dir);
      if (holder && holder.pid !== process.pid) throw new DataDirBusyError(dir, holder);
      // Stale (its process is gone) or unreadable: remove and try once more.
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}
