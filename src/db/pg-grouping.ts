// Fewer round trips to PostgreSQL inside a transaction. Drizzle runs a transaction as BEGIN, its statements and
// COMMIT, each awaited in turn: an intake that writes with two statements waits for four answers. This client
// (given to pg's Pool) sends
//  - BEGIN with the transaction's first statement: BEGIN is answered at once here and sent ahead of that statement;
//  - a write marked `WITH_COMMIT` (the transaction's last, whose answer nobody reads) with the next statement, at
//    the latest the COMMIT.
// Statements sent together go in one write and one Sync (PostgreSQL's extended protocol): the server runs them in
// order and, at the first error, skips the rest up to the Sync, so a failing write ahead of COMMIT means no COMMIT is
// run and that COMMIT reports the write's error; the transaction then rolls back as any failed one does. A
// transaction that sent nothing (BEGIN still held) commits or rolls back without a round trip.
import pg from 'pg';
// pg exports its lib/ modules; prepareValue is how it turns a parameter into wire text.
// @ts-expect-error -- no type declarations for this path
import pgUtils from 'pg/lib/utils.js';

const { prepareValue } = pgUtils as { prepareValue: (value: unknown) => unknown };

/**
 * Marks a statement (its text begins with this comment) that may wait for the next statement of its transaction, at
 * the latest the COMMIT, and go with it; its own call resolves at once with no rows. Outside a transaction, or on
 * any other driver, it is an ordinary statement.
 */
export const WITH_COMMIT = '/* with commit */ ';

/** A statement sent ahead of another in the same round trip; its answer is not read (only an error is). */
interface Ahead {
  text: string;
  /** Parameters as wire text (prepareValue already applied), so that binding cannot fail when sent. */
  values: unknown[];
}

type Callback = (err: Error | null, result?: unknown) => void;
interface QueryConfigLike {
  text?: string;
  values?: unknown[];
  name?: string;
  rows?: number;
  rowMode?: string;
  submit?: unknown;
  callback?: Callback;
}

/** pg's Query with the methods pg's Client calls on it, which its type declarations leave out. */
interface QueryInternals {
  prepare(connection: pg.Connection): void;
  handleRowDescription(msg: unknown): void;
  handleDataRow(msg: unknown): void;
  handleCommandComplete(msg: unknown, connection: pg.Connection): void;
  handleEmptyQuery(connection: pg.Connection): void;
}
const QueryBase = pg.Query as unknown as new (config: unknown, values?: unknown, callback?: unknown) => pg.Query & QueryInternals;

/**
 * pg's Query preceded by other statements in the same write, under one Sync. Their answers (CommandComplete, rows)
 * are skipped; the query's own are handled as pg handles them; an error from any of them is the query's error.
 */
class GroupedQuery extends QueryBase {
  #ahead: Ahead[];
  /** How many of the statements ahead have been answered. */
  #answered = 0;

  constructor(config: QueryConfigLike, values: unknown[] | undefined, callback: Callback | undefined, ahead: Ahead[]) {
    super(config, values, callback);
    this.#ahead = ahead;
  }

  /** Still answering the statements ahead (whose answers are not this query's). */
  get #answeringAhead(): boolean {
    return this.#answered < this.#ahead.length;
  }

  // Always the extended protocol: a simple query cannot carry the statements ahead in its Sync group.
  requiresPreparation(): boolean {
    return true;
  }

  override prepare(connection: pg.Connection): void {
    const con = connection as unknown as ProtocolWriter;
    for (const a of this.#ahead) {
      con.parse({ text: a.text, name: '', types: [] });
      con.bind({ portal: '', statement: '', values: a.values });
      con.execute({ portal: '', rows: 0 });
    }
    // pg's own: parse, bind, describe, execute and the Sync.
    super.prepare(connection);
  }

  override handleRowDescription(msg: unknown): void {
    if (!this.#answeringAhead) super.handleRowDescription(msg);
  }

  override handleDataRow(msg: unknown): void {
    if (!this.#answeringAhead) super.handleDataRow(msg);
  }

  override handleCommandComplete(msg: unknown, connection: pg.Connection): void {
    if (this.#answeringAhead) this.#answered++;
    else super.handleCommandComplete(msg, connection);
  }

  override handleEmptyQuery(connection: pg.Connection): void {
    if (this.#answeringAhead) this.#answered++;
    else super.handleEmptyQuery(connection);
  }
}

/** The protocol messages of pg's Connection that GroupedQuery writes. */
interface ProtocolWriter {
  parse(m: { text: string; name: string; types: unknown[] }): void;
  bind(m: { portal: string; statement: string; values: unknown[] }): void;
  execute(m: { portal: string; rows: number }): void;
}

/** What a statement answered here (not sent yet, or not needed) resolves with: no rows. */
function answered(command: string, config: QueryConfigLike): pg.QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [], ...(config.rowMode === 'array' ? { rowAsArray: true } : {}) } as unknown as pg.QueryResult;
}

/**
 * pg's Client, grouping a transaction's BEGIN and its WITH_COMMIT writes with the statements that follow them (see
 * the top of this file). Give it to pg.Pool as `Client`.
 */
export class GroupingClient extends pg.Client {
  /** A transaction is open (BEGIN asked for, not yet COMMIT or ROLLBACK). */
  #inTransaction = false;
  /** BEGIN, until it is sent ahead of the transaction's first statement. */
  #begin: string | undefined;
  /** WITH_COMMIT writes waiting for the next statement. */
  #waiting: Ahead[] = [];
  /** Round trips made (statements sent, alone or in a group), for tests. */
  roundTrips = 0;

  // pg's query() has many forms; the ones changed here are drizzle's: (config or text, values) returning a promise.
  override query(config: unknown, values?: unknown, callback?: unknown): never {
    const cfg: QueryConfigLike = typeof config === 'string' ? { text: config } : (config as QueryConfigLike);
    if (cfg == null) return super.query(config as never, values as never, callback as never) as never;
    const cb = (typeof values === 'function' ? values : callback) as Callback | undefined;
    const vals = Array.isArray(values) ? values : cfg.values;
    if (typeof cfg.submit === 'function') {
      // A query object of its own (a COPY stream, a cursor): whatever is held goes first, on its own.
      this.#flushAlone();
      this.roundTrips++;
      return super.query(config as never, values as never, callback as never) as never;
    }
    const text = cfg.text ?? '';
    const plain = !vals?.length && !cb && !cfg.name;
    // Only a plain statement can be BEGIN, COMMIT or ROLLBACK; a statement with values is often many kilobytes.
    const word = plain ? text.trim().toLowerCase() : '';
    if (plain && /^begin\b/.test(word) && !this.#inTransaction) {
      this.#inTransaction = true;
      this.#begin = text;
      return Promise.resolve(answered('BEGIN', cfg)) as never;
    }
    if (plain && this.#inTransaction && (word === 'commit' || word === 'rollback')) {
      this.#inTransaction = false;
      const nothingSent = this.#begin !== undefined;
      if (word === 'rollback') {
        // Writes never sent are simply dropped; so is BEGIN.
        this.#begin = undefined;
        this.#waiting = [];
        if (nothingSent) return Promise.resolve(answered('ROLLBACK', cfg)) as never;
      } else if (nothingSent && this.#waiting.length === 0) {
        this.#begin = undefined;
        return Promise.resolve(answered('COMMIT', cfg)) as never;
      }
    } else if (this.#inTransaction && !cb && text.startsWith(WITH_COMMIT)) {
      this.#waiting.push({ text, values: (vals ?? []).map((v) => prepareValue(v)) });
      return Promise.resolve(answered('INSERT', cfg)) as never;
    }
    const ahead = this.#takeAhead();
    this.roundTrips++;
    if (ahead.length === 0) return super.query(config as never, values as never, callback as never) as never;
    return this.#sendGrouped(cfg, vals, cb, ahead) as never;
  }

  /** BEGIN (if not sent yet) and the waiting writes, in order; clears them. */
  #takeAhead(): Ahead[] {
    const ahead: Ahead[] = [];
    if (this.#begin !== undefined) ahead.push({ text: this.#begin, values: [] });
    this.#begin = undefined;
    ahead.push(...this.#waiting);
    this.#waiting = [];
    return ahead;
  }

  /** Sends what is held as a group of its own (before a query object that cannot carry it). */
  #flushAlone(): void {
    const ahead = this.#takeAhead();
    if (ahead.length === 0) return;
    this.roundTrips++;
    // Its error (if any) leaves the transaction failed, and the query object that follows reports that.
    void this.#sendGrouped({ text: 'select 1' }, undefined, undefined, ahead)?.catch(() => {});
  }

  #sendGrouped(cfg: QueryConfigLike, values: unknown[] | undefined, cb: Callback | undefined, ahead: Ahead[]): Promise<unknown> | undefined {
    if (cb) {
      super.query(new GroupedQuery(cfg, values, cb, ahead) as never);
      return undefined;
    }
    return new Promise((resolve, reject) => {
      const query = new GroupedQuery(cfg, values, (err, res) => (err ? reject(err) : resolve(res)), ahead);
      super.query(query as never);
    }).catch((err: Error) => {
      // As pg does: a stack that leads back to the caller rather than to the socket's read.
      Error.captureStackTrace(err);
      throw err;
    });
  }
}
