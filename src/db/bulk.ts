// Many rows in one INSERT with a single parameter: the rows travel as one JSON document that the database unpacks
// (jsonb_to_recordset). A multi-row VALUES list costs a parameter per cell, and for the hundreds of rows a busy
// incident writes, building and binding those took longer than the insert itself. Several such inserts (into
// several tables) can go as one statement, one round trip: foreign keys are checked at its end, so a row may
// refer to another inserted by the same statement.
import { SQL, getTableColumns, getTableName, sql, type Column } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from './client.js';
import { WITH_COMMIT } from './pg-grouping.js';

/** Rows for one table, ready to be inserted by insertRows or insertAll. */
export interface RowsInsert {
  readonly table: PgTable;
  readonly rows: readonly object[];
  /** Column keys for ON CONFLICT (…) DO NOTHING; [] for any conflict; undefined: a conflict is an error. */
  readonly onConflictDoNothing?: readonly string[] | undefined;
}

export interface RowsOptions<T extends PgTable> {
  /** Skip rows that conflict on these columns (ON CONFLICT (…) DO NOTHING); on any unique column when empty. */
  onConflictDoNothing?: (keyof T['_']['columns'] & string)[];
}

/**
 * Rows for a table. Every row must give the same columns (the others take their defaults); values are what
 * Drizzle's insert takes (Date for timestamps, objects for jsonb).
 */
export function rowsInto<T extends PgTable>(table: T, rows: readonly T['$inferInsert'][], opts: RowsOptions<T> = {}): RowsInsert {
  return { table, rows, onConflictDoNothing: opts.onConflictDoNothing };
}

/** Inserts rows into a table with one statement. */
export async function insertRows<T extends PgTable>(q: Queryable, table: T, rows: readonly T['$inferInsert'][], opts: RowsOptions<T> = {}): Promise<void> {
  await insertAll(q, rowsInto(table, rows, opts));
}

/**
 * Runs every insert given (those with rows) as one statement. A statement given as SQL (an update, say) goes first,
 * as a WITH clause of the same statement: it sees the rows as they were before the statement, as the inserts do.
 */
export async function insertAll(q: Queryable, ...inserts: (RowsInsert | SQL)[]): Promise<void> {
  const query = insertStatement(inserts);
  if (query) await q.execute(query);
}

/**
 * insertAll for a transaction's last write, whose outcome nobody reads before the commit: on PostgreSQL it goes with
 * the COMMIT (pg-grouping.ts), a round trip less, and an error in it fails that COMMIT, so the transaction rolls back
 * and throws it. The call itself returns before the rows are written.
 */
export async function insertAllWithCommit(q: Queryable, ...inserts: (RowsInsert | SQL)[]): Promise<void> {
  const query = insertStatement(inserts);
  if (query) await q.execute(sql.join([sql.raw(WITH_COMMIT), query]));
}

function insertStatement(inserts: readonly (RowsInsert | SQL)[]): SQL | undefined {
  const changes = inserts.filter((i): i is SQL => i instanceof SQL);
  const parts = inserts.filter((i): i is RowsInsert => !(i instanceof SQL) && i.rows.length > 0).map(prepare);
  if (parts.length === 0 && changes.length === 0) return undefined;
  return statement(parts, '', changes);
}

/**
 * An insert as a WITH clause `name as (insert … returning *)` for a statement of the caller's, which may read what
 * it inserted from `name`; `when` makes the insert conditional, e.g. on an earlier clause's rows.
 */
export function insertClause(name: string, insert: RowsInsert, when?: SQL): SQL {
  const { shape, doc } = prepare(insert);
  const head = `${quote(name)} as (${shape.head}`;
  const tail = `${shape.tail}${when ? ' where ' : ''}`;
  return sql.join([textAround([head, tail], [doc]), when ?? sql``, sql.raw(`${shape.conflict} returning *)`)]);
}

/**
 * Inserts rows into a table with one statement and returns the rows inserted (all columns, as Drizzle's
 * `.returning()` gives them); with onConflictDoNothing, those skipped are left out.
 */
export async function insertReturning<T extends PgTable>(q: Queryable, table: T, rows: readonly T['$inferInsert'][], opts: RowsOptions<T> = {}): Promise<T['$inferSelect'][]> {
  if (rows.length === 0) return [];
  const result = (await q.execute(statement([prepare(rowsInto(table, rows, opts))], ' returning *'))) as unknown as { rows: Record<string, unknown>[] };
  return result.rows.map((raw) => fromDriverRow(table, raw));
}

/** A row as the driver returns it (column names, driver values) as Drizzle's select gives it (keys, mapped values). */
export function fromDriverRow<T extends PgTable>(table: T, raw: Record<string, unknown>): T['$inferSelect'] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of columnsOf(table)) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T['$inferSelect'];
}

/** A table's columns with their keys, listed once per table (fromDriverRow maps every row with them). */
const columnLists = new WeakMap<PgTable, [string, Column][]>();

function columnsOf(table: PgTable): [string, Column][] {
  let list = columnLists.get(table);
  if (!list) columnLists.set(table, (list = Object.entries(getTableColumns(table))));
  return list;
}

/** Fixed text around parameters (strings.length = params.length + 1) as a statement, without building a query. */
function textAround(strings: string[], params: readonly string[]): SQL {
  return sql(Object.assign(strings, { raw: strings }) as TemplateStringsArray, ...params);
}

/** An insert's text before and after its one parameter (the rows as JSON), for one table and set of columns. */
interface Shape {
  keys: readonly string[];
  head: string;
  tail: string;
  /** The ON CONFLICT clause, or ''. */
  conflict: string;
}

/** The statement text depends only on the table, the columns given and the conflict clause: made once for each. */
const shapes = new WeakMap<PgTable, Map<string, Shape>>();

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function shapeOf(table: PgTable, keys: readonly string[], onConflictDoNothing: readonly string[] | undefined): Shape {
  let byKeys = shapes.get(table);
  if (!byKeys) shapes.set(table, (byKeys = new Map()));
  const cacheKey = `${keys.join(',')}|${onConflictDoNothing?.join(',') ?? '-'}`;
  const known = byKeys.get(cacheKey);
  if (known) return known;
  const columns = getTableColumns(table);
  for (const k of keys) if (!columns[k]) throw new Error(`${getTableName(table)} has no column ${k}`);
  const names = keys.map((k) => columns[k]!.name);
  const list = names.map(quote).join(', ');
  // The record's fields are named by the rows' own keys, so that the rows go into the JSON document as they are.
  const fields = keys.map(quote).join(', ');
  const typed = keys.map((k) => `${quote(k)} ${columns[k]!.getSQLType()}`).join(', ');
  let conflict = '';
  if (onConflictDoNothing) conflict = onConflictDoNothing.length ? ` on conflict (${onConflictDoNothing.map((k) => quote(columns[k]!.name)).join(', ')}) do nothing` : ' on conflict do nothing';
  const shape = { keys, head: `insert into ${quote(getTableName(table))} (${list}) select ${fields} from jsonb_to_recordset(`, tail: `::jsonb) as given_rows(${typed})`, conflict };
  byKeys.set(cacheKey, shape);
  return shape;
}

/**
 * An insert's shape and its rows as one JSON document (keyed as the rows are, by the table's column keys). Rows are
 * plain objects of column values: the document is the rows themselves, so a property that is not a column would
 * travel in it too (and be ignored by the database).
 */
function prepare({ table, rows, onConflictDoNothing }: RowsInsert): { shape: Shape; doc: string } {
  const first = rows[0] as Record<string, unknown>;
  const shape = shapeOf(
    table,
    Object.keys(first).filter((k) => first[k] !== undefined),
    onConflictDoNothing,
  );
  const { keys } = shape;
  for (const row of rows) {
    const r = row as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) {
      if (r[keys[i]!] === undefined) throw new Error(`a row for ${getTableName(table)} leaves out ${keys[i]}, which others give`);
    }
  }
  return { shape, doc: JSON.stringify(rows) };
}

/**
 * Several inserts as one statement (all but the last in WITH clauses), as plain text around one parameter each: no
 * query building per call. `changes` go first, as WITH clauses of their own.
 */
function statement(parts: readonly { shape: Shape; doc: string }[], suffix: string, changes: readonly SQL[] = []): SQL {
  const lead = changes.length > 0;
  // with w0 as (insert … $1 …), w1 as (insert … $2 …) insert … $3 …
  const strings: string[] = [];
  let text = '';
  parts.forEach(({ shape }, i) => {
    const last = i === parts.length - 1;
    const opening = last ? (i > 0 || lead ? ' ' : '') : `${i > 0 || lead ? ', ' : 'with '}w${i} as (`;
    strings.push(`${text}${opening}${shape.head}`);
    text = last ? `${shape.tail}${shape.conflict}${suffix}` : `${shape.tail}${shape.conflict})`;
  });
  strings.push(parts.length > 0 ? text : ' select 1');
  const inserts = textAround(strings, parts.map((p) => p.doc));
  if (!lead) return inserts;
  // with c0 as (update …), c1 as (…), w0 as (insert …) insert …
  const clauses = changes.map((change, i) => sql.join([sql.raw(`c${i} as (`), change, sql.raw(')')]));
  return sql.join([sql.raw('with '), sql.join(clauses, sql.raw(', ')), inserts]);
}
