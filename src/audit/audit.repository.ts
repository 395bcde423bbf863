// The only code that writes or reads the audit_log and audit_pending tables.
import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db, Queryable, Tx } from '../db/client.js';
import { auditLog, auditPending } from '../db/schema.js';
import { fromDriverRow, rowsInto, type RowsInsert } from '../db/bulk.js';
import { auditBodyParts, type AuditContent } from './audit.hash.js';

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditEvent {
  actorType: AuditRow['actorType'];
  actorId?: string | null;
  actorName?: string | null;
  agencyId?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  purpose?: string | null;
  incidentId?: string | null;
  requestId?: string | null;
  outcome?: AuditRow['outcome'];
  details?: Record<string, unknown>;
}

// Appends are chained by the database (migration 0007): its audit functions take the advisory lock (key
// 7715002) that serialises appends across every connection and instance, read the chain's end and hash.

export function contentOf(row: Omit<AuditRow, 'prevHash' | 'hash'>): AuditContent {
  return {
    seq: Number(row.seq),
    at: row.at,
    actorType: row.actorType,
    actorId: row.actorId,
    actorName: row.actorName,
    agencyId: row.agencyId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    purpose: row.purpose,
    incidentId: row.incidentId,
    requestId: row.requestId,
    outcome: row.outcome,
    details: row.details,
  };
}

/**
 * Appends one entry. Call it inside the transaction that makes the change it records, so that the change and
 * its audit entry commit or roll back together. The chain's lock is held until that transaction ends.
 */
export async function appendAudit(q: Tx, event: AuditEvent, now: Date): Promise<AuditRow> {
  const [row] = await appendAudits(q, [event], now);
  return row!;
}

/**
 * Appends entries, in order, and returns them chained (seq, hash): one statement, the database's audit_append
 * (migration 0007), which chains whatever this transaction has pending, then these. The chain's lock is
 * held from there to the commit. Where the rows are not needed back, `auditAtCommit` holds it for less.
 */
export async function appendAudits(q: Tx, events: readonly AuditEvent[], now: Date): Promise<AuditRow[]> {
  if (events.length === 0) return [];
  const { rows } = (await q.execute(sql`select * from audit_append(${JSON.stringify(pendingEntries(events, now))}::jsonb)`)) as unknown as { rows: Record<string, unknown>[] };
  return rows.slice(rows.length - events.length).map((raw) => fromDriverRow(auditLog, raw));
}

/**
 * Entries chained as the transaction commits, after any appended before them: rows for insertAll, written with
 * the transaction's other rows in the same statement. A deferred trigger chains them (audit_chain_pending), so
 * the chain's lock is held only while this transaction commits, and the change and its entries commit together
 * or not at all.
 */
export function auditAtCommit(events: readonly AuditEvent[], now: Date): RowsInsert {
  return rowsInto(auditPending, events.length ? [{ entries: pendingEntries(events, now) }] : []);
}

const AUDIT_COLUMN_NAMES: Record<string, string> = Object.fromEntries(Object.entries(getTableColumns(auditLog)).map(([key, column]) => [key, column.name]));

/** What the database chains for each event: its audit_log columns and its canonical body around the seq. */
function pendingEntries(events: readonly AuditEvent[], now: Date) {
  const at = now.toISOString();
  return events.map((event) => {
    const content: Omit<AuditContent, 'seq'> = {
      at,
      actorType: event.actorType,
      actorId: event.actorId ?? null,
      actorName: event.actorName ?? null,
      agencyId: event.agencyId ?? null,
      action: event.action,
      targetType: event.targetType ?? null,
      targetId: event.targetId ?? null,
      purpose: event.purpose ?? null,
      incidentId: event.incidentId ?? null,
      requestId: event.requestId ?? null,
      outcome: event.outcome ?? 'success',
      details: event.details ?? {},
    };
    // The same values under the table's column names, as the database function takes them.
    const row: Record<string, unknown> = {};
    for (const key in content) row[AUDIT_COLUMN_NAMES[key]!] = content[key as keyof typeof content];
    return { row, ...auditBodyParts(content) };
  });
}

/** Appends an entry that stands alone (no other change to commit with it), in a transaction of its own. */
export function appendAuditAlone(db: Db, event: AuditEvent, now: Date): Promise<AuditRow> {
  return db.transaction((tx) => appendAudit(tx, event, now));
}

export interface AuditFilter {
  actorId?: string | undefined;
  agencyId?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** Any of these targets (with targetType). */
  targetIds?: readonly string[] | undefined;
  incidentId?: string | undefined;
  outcome?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Only entries with seq below this (paging backwards from the newest). */
  beforeSeq?: number | undefined;
}

export async function listAudit(q: Queryable, filter: AuditFilter, limit: number): Promise<AuditRow[]> {
  const conds: SQL[] = [];
  if (filter.actorId) conds.push(eq(auditLog.actorId, filter.actorId));
  if (filter.agencyId) conds.push(eq(auditLog.agencyId, filter.agencyId));
  if (filter.action) {
    // "auth.*" selects a family of actions.
    if (filter.action.endsWith('.*')) conds.push(sql`${auditLog.action} like ${filter.action.slice(0, -1) + '%'}`);
    else conds.push(eq(auditLog.action, filter.action));
  }
  if (filter.targetType) conds.push(eq(auditLog.targetType, filter.targetType));
  if (filter.targetId) conds.push(eq(auditLog.targetId, filter.targetId));
  if (filter.targetIds) conds.push(filter.targetIds.length ? inArray(auditLog.targetId, [...filter.targetIds]) : sql`false`);
  if (filter.incidentId) conds.push(eq(auditLog.incidentId, filter.incidentId));
  if (filter.outcome) conds.push(eq(auditLog.outcome, filter.outcome as AuditRow['outcome']));
  if (filter.from) conds.push(gte(auditLog.at, filter.from.toISOString()));
  if (filter.to) conds.push(lte(auditLog.at, filter.to.toISOString()));
  if (filter.beforeSeq !== undefined) conds.push(sql`${auditLog.seq} < ${filter.beforeSeq}`);
  return q
    .select()
    .from(auditLog)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(auditLog.seq))
    .limit(limit);
}

/** Reads the chain in order, a page at a time, for verification and export. */
export async function* walkAudit(q: Queryable, pageSize = 2000): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    const page = await q.select().from(auditLog).where(gt(auditLog.seq, after)).orderBy(asc(auditLog.seq)).limit(pageSize);
    for (const row of page) yield row;
    if (page.length < pageSize) return;
    after = Number(page[page.length - 1]!.seq);
  }
}
