// Many rows in one INSERT with a single parameter: the rows travel as one JSON document that the database unpacks
// (jsonb_to_recordset). A multi-row VALUES list costs a parameter per cell, and for the hundreds of rows a busy
// incident writes, building and binding those took longer than the insert itself. Several such inserts (into
// several tables) can go as one statement, one round trip: foreign keys are checked at its end, so a row may
// refer to another inserted by the same statement.
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from './client.js';

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

/** Runs every insert given (those with rows) as one statement. */
export async function insertAll(q: Queryable, ...inserts: RowsInsert[]): Promise<void> {
  const parts = inserts.filter((i) => i.rows.length > 0).map(insertSql);
  if (parts.length === 0) return;
  const last = parts.pop()!;
  const ctes = parts.map((p, i) => sql`${sql.raw(`w${i}`)} as (${p})`);
  await q.execute(ctes.length ? sql`with ${sql.join(ctes, sql`, `)} ${last}` : last);
}

function insertSql({ table, rows, onConflictDoNothing }: RowsInsert): SQL {
  const columns = getTableColumns(table);
  const first = rows[0] as Record<string, unknown>;
  const keys = Object.keys(first).filter((k) => first[k] !== undefined);
  for (const k of keys) if (!columns[k]) throw new Error(`${getTableName(table)} has no column ${k}`);
  const names = keys.map((k) => columns[k]!.name);
  const doc = rows.map((row) => {
    const r = row as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const v = r[keys[i]!];
      if (v === undefined) throw new Error(`a row for ${getTableName(table)} leaves out ${keys[i]}, which others give`);
      out[names[i]!] = v;
    }
    return out;
  });
  const list = sql.join(names.map((n) => sql.identifier(n)), sql`, `);
  const shape = sql.join(keys.map((k) => sql`${sql.identifier(columns[k]!.name)} ${sql.raw(columns[k]!.getSQLType())}`), sql`, `);
  let conflict = sql``;
  if (onConflictDoNothing) {
    conflict = onConflictDoNothing.length
      ? sql` on conflict (${sql.join(onConflictDoNothing.map((k) => sql.identifier(columns[k]!.name)), sql`, `)}) do nothing`
      : sql` on conflict do nothing`;
  }
  return sql`insert into ${table} (${list}) select ${list} from jsonb_to_recordset(${JSON.stringify(doc)}::jsonb) as r(${shape})${conflict}`;
}
