// The embedded database, PGlite, run in a worker thread (pglite-worker.mjs) and spoken to through messages.
// PGlite is PostgreSQL compiled to WebAssembly: in the server's own thread, its work on each statement (about
// two-thirds of an incident's intake) held up every other request. In a thread of its own it runs on the second core
// while the event loop parses, matches and answers.
//
// `PGliteThread` offers the part of PGlite's client that Drizzle's PGlite driver uses (query, transaction) plus
// exec and close, with the same results: rows, fields, affectedRows and, for `COPY … TO '/dev/blob'`, the blob; and
// `binaryRow`, one row's columns as raw bytes of PostgreSQL's binary form.
// Messages to the worker: {id, op: 'query' | 'exec', tx?, text, params?, rowMode?}, {id, op: 'binaryRow', text},
// {id, op: 'begin', tx}, {id, op: 'end', tx, commit}, {id, op: 'close'}; each is answered with {id, result} or
// {id, error}. This side numbers the transactions, so that a transaction's first statement follows its 'begin' without waiting for the answer
// (a round trip less while the transaction holds the database). A transaction holds PGlite's lock from 'begin' to
// 'end', as it does in process: other statements wait for it.
// A write marked WITH_COMMIT (pg-grouping.ts: the transaction's last, whose answer nobody reads) resolves at once and
// is held until the transaction's next message: at the latest the commit, which then carries it ('end' with `ahead`).
// The database is otherwise held idle while its answer travels here and the event loop gets round to the commit:
// 0.2 ms at the median, several at the tail, in each intake of a new incident.
import { Worker } from 'node:worker_threads';
import type { Results } from '@electric-sql/pglite';
import { WITH_COMMIT } from './pg-grouping.js';

/** What a statement run through the thread can take and return. */
export interface PGliteQueries {
  query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: { rowMode?: 'array' | 'object' }): Promise<Results<T>>;
  exec(text: string): Promise<Results[]>;
}

/** An error from the database, with PostgreSQL's fields (code, detail, constraint …) as PGlite gives them. */
export class PGliteError extends Error {
  code?: string;
  detail?: string;
  constraint?: string;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

type QueryMessage = { op: 'query'; tx?: number; text: string; params?: unknown[]; rowMode?: 'array' | 'object' };
/** A row's columns in PostgreSQL's binary form: each a view of the bytes (null for NULL). */
export type BinaryRow = (Uint8Array | null)[];

type Message = QueryMessage | { op: 'exec'; tx?: number; text: string } | { op: 'binaryRow'; text: string } | { op: 'begin'; tx: number } | { op: 'end'; tx: number; commit: boolean; ahead?: QueryMessage } | { op: 'close' };

/** What a held WITH_COMMIT write answers at once (pg-grouping.ts does the same): no rows. */
const HELD: Results = { rows: [], fields: [], affectedRows: 0 };

export class PGliteThread implements PGliteQueries {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #nextTx = 1;
  /** Set once the worker has stopped: every later call fails with it. */
  #stopped: Error | undefined;
  #closing = false;
  #lose: (err: Error) => void = () => {};
  /**
   * Settles if the database is lost for good: its thread stopped without close() (it ran out of memory, or
   * PGlite failed). Every statement fails from then on; a server should stop, and be restarted to recover.
   */
  readonly lost = new Promise<Error>((resolve) => (this.#lose = resolve));

  private constructor(worker: Worker) {
    this.#worker = worker;
    // The worker keeps the process alive only while a statement is under way: an idle database left open (by a
    // test, or a command that has finished) does not hold the process, and a long statement is not cut short.
    worker.unref();
    worker.on('message', (m: { id: number; result?: unknown; error?: Record<string, unknown> }) => this.#settle(m));
    worker.on('error', (err) => this.#stop(new Error(`the embedded database stopped: ${err.message}`)));
    worker.on('exit', (code) => this.#stop(new Error(this.#closing ? 'the embedded database has been closed' : `the embedded database stopped: its thread exited with code ${code}`)));
  }

  /**
   * Starts the thread and opens the database: in `dir` (created by PGlite when absent), or in memory. `textTypes`
   * are type oids whose values are returned as PostgreSQL's text instead of being parsed. `workerScript` is for tests.
   */
  static async open(dir: string | undefined, textTypes: number[] = [], workerScript = new URL('./pglite-worker.mjs', import.meta.url)): Promise<PGliteThread> {
    const worker = new Worker(workerScript, { workerData: { dir, textTypes } });
    let onError: (err: Error) => void = () => {};
    let onExit: (code: number) => void = () => {};
    const ready = await new Promise<{ ready: boolean; error?: Record<string, unknown> }>((resolve, reject) => {
      onError = reject;
      onExit = (code) => reject(new Error(`the embedded database's thread exited (${code}) while opening`));
      worker.once('message', resolve);
      worker.once('error', onError);
      worker.once('exit', onExit);
    }).finally(() => {
      worker.off('error', onError);
      worker.off('exit', onExit);
    });
    if (!ready.ready) {
      await worker.terminate();
      throw toError(ready.error ?? {});
    }
    return new PGliteThread(worker);
  }

  query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: { rowMode?: 'array' | 'object' }): Promise<Results<T>> {
    return this.#call({ op: 'query', text, params, rowMode: options?.rowMode }) as Promise<Results<T>>;
  }

  exec(text: string): Promise<Results[]> {
    return this.#call({ op: 'exec', text }) as Promise<Results[]>;
  }

  /**
   * The first row of a query's answer (null if none), each column as the bytes of PostgreSQL's binary form: for one
   * big row, as the camera index reads at start. The bytes come from the database's thread without a copy.
   */
  async binaryRow(text: string): Promise<BinaryRow | null> {
    const { buffer, columns } = (await this.#call({ op: 'binaryRow', text })) as { buffer: ArrayBuffer; columns: ({ offset: number; length: number } | null)[] | null };
    return columns === null ? null : columns.map((c) => (c === null ? null : new Uint8Array(buffer, c.offset, c.length)));
  }

  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws (and the error rethrown). */
  async transaction<T>(fn: (tx: PGliteQueries) => Promise<T>): Promise<T> {
    const tx = this.#nextTx++;
    // Not awaited before the first statement; a failed BEGIN fails that statement too, and is rethrown below.
    const begun = this.#call({ op: 'begin', tx });
    begun.catch(() => {});
    // The held WITH_COMMIT write, if any; and the last one sent ahead of a later statement (its failure is the one to
    // report: the statements after it only fail because the transaction has been aborted).
    let held: QueryMessage | undefined;
    let sentAhead: Promise<unknown> = Promise.resolve();
    sentAhead.catch(() => {});
    /** Sends the held write, if any, ahead of whatever comes next; returns the first failure of those sent so far. */
    const flush = (): Promise<unknown> | undefined => {
      if (held === undefined) return undefined;
      const ahead = this.#call(held);
      held = undefined;
      const previous = sentAhead;
      sentAhead = previous.then(() => ahead);
      sentAhead.catch(() => {});
      return sentAhead;
    };
    const send = (message: Message): Promise<unknown> => {
      const ahead = flush();
      const call = this.#call(message);
      if (ahead === undefined) return call;
      call.catch(() => {});
      return ahead.then(() => call);
    };
    const queries: PGliteQueries = {
      query: <R>(text: string, params?: unknown[], options?: { rowMode?: 'array' | 'object' }) => {
        const message: QueryMessage = { op: 'query', tx, text, params, rowMode: options?.rowMode };
        if (!text.startsWith(WITH_COMMIT)) return send(message) as Promise<Results<R>>;
        flush(); // an earlier held write goes first
        held = message;
        return Promise.resolve(HELD as Results<R>);
      },
      exec: (text: string) => send({ op: 'exec', tx, text }) as Promise<Results[]>,
    };
    let result: T;
    try {
      result = await fn(queries);
    } catch (err) {
      held = undefined; // never sent: there is nothing of it to undo
      // A BEGIN that failed is the reason, whatever its first statement said.
      const beginError = await begun.then(() => undefined, (e: unknown) => e);
      if (beginError) throw beginError;
      await this.#call({ op: 'end', tx, commit: false }).catch(() => {});
      throw err;
    }
    await begun;
    const ahead = held;
    held = undefined;
    // The worker runs `ahead` and commits, or rolls back and answers with its error.
    const [before, ended] = await Promise.allSettled([sentAhead, this.#call({ op: 'end', tx, commit: true, ...(ahead ? { ahead } : {}) })]);
    if (before.status === 'rejected') throw before.reason;
    if (ended.status === 'rejected') throw ended.reason;
    return result;
  }

  async close(): Promise<void> {
    if (this.#stopped) return;
    this.#closing = true;
    // The worker exits after answering; wait for that too, so that the folder is released when close() returns.
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    await this.#call({ op: 'close' });
    this.#worker.ref();
    await exited;
  }

  #call(message: Message): Promise<unknown> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    if (this.#pending.size === 0) this.#worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...message });
    });
  }

  #settle(m: { id: number; result?: unknown; error?: Record<string, unknown> }) {
    const pending = this.#pending.get(m.id);
    if (!pending) return;
    this.#pending.delete(m.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (m.error) pending.reject(toError(m.error));
    else pending.resolve(m.result);
  }

  #stop(err: Error) {
    if (!this.#stopped && !this.#closing) this.#lose(err);
    this.#stopped ??= err;
    for (const pending of this.#pending.values()) pending.reject(err);
    this.#pending.clear();
  }
}

function toError(fields: Record<string, unknown>): PGliteError {
  const err = new PGliteError(typeof fields.message === 'string' ? fields.message : 'the embedded database failed');
  for (const [key, value] of Object.entries(fields)) if (key !== 'message' && key !== 'stack') Object.assign(err, { [key]: value });
  return err;
}
