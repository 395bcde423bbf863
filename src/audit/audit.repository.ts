// The only code that writes or reads the audit_log table.
import { and, asc, desc, eq, gt, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db, Queryable, Tx } from '../db/client.js';
import { auditLog } from '../db/schema.js';
import { rowsInto, type RowsInsert } from '../db/bulk.js';
import { auditEntryHash, GENESIS_HASH, type AuditContent } from './audit.hash.js';

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

/** Arbitrary constant naming the advisory lock that serialises appends across every connection and instance. */
const AUDIT_LOCK_KEY = 7715002;

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
 * its audit entry commit or roll back together. The advisory lock is held until that transaction ends.
 */
export async function appendAudit(q: Tx, event: AuditEvent, now: Date): Promise<AuditRow> {
  const end = await lockChainEnd(q);
  const [row] = await q.insert(auditLog).values(chainRows([event], end.seq, end.hash, now)).returning();
  chainEnds.set(q, { seq: Number(row!.seq), hash: row!.hash });
  return row!;
}

/**
 * The end of the chain as this transaction last wrote it. The advisory lock is held until the transaction ends,
 * so once a transaction has appended, nobody else can, and its next append needs neither the lock nor a read.
 * (Keyed by the transaction object: an entry appended inside a nested transaction, a savepoint, is not seen here,
 * and the outer transaction's next append then fails on the duplicate sequence number instead of forking the chain.)
 */
const chainEnds = new WeakMap<Tx, { seq: number; hash: string }>();

const LOCK_CHAIN = sql.raw(`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
const CHAIN_END = sql.raw('select seq, hash from audit_log order by seq desc limit 1');

async function lockChainEnd(q: Tx): Promise<{ seq: number; hash: string }> {
  const known = chainEnds.get(q);
  if (known) return known;
  // Two statements: the second's snapshot is taken once the lock is held, so it sees every entry committed before.
  // Plain text, not built per call: every audited transaction runs them.
  await q.execute(LOCK_CHAIN);
  const { rows } = (await q.execute(CHAIN_END)) as unknown as { rows: { seq: number | string; hash: string }[] };
  const last = rows[0];
  return { seq: last ? Number(last.seq) : 0, hash: last?.hash ?? GENESIS_HASH };
}

/** The rows for events appended after entry `seq` (whose hash is `prevHash`), each chained to the one before. */
function chainRows(events: readonly AuditEvent[], seq: number, prevHash: string, now: Date): AuditRow[] {
  const at = now.toISOString();
  return events.map((event) => {
    const content: AuditContent = {
      seq: ++seq,
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
    const row = { ...content, actorType: event.actorType, outcome: event.outcome ?? 'success', prevHash, hash: auditEntryHash(content, prevHash) };
    prevHash = row.hash;
    return row;
  });
}

/**
 * Takes the chain's lock and chains entries after its end, for the caller to insert in this same transaction with
 * insertAll (together with the change they record, in one statement). They must be inserted before anything else
 * is appended in the transaction, or the transaction fails.
 */
export async function chainAudit(q: Tx, events: readonly AuditEvent[], now: Date): Promise<RowsInsert> {
  if (events.length === 0) return rowsInto(auditLog, []);
  const end = await lockChainEnd(q);
  const rows = chainRows(events, end.seq, end.hash, now);
  chainEnds.set(q, { seq: rows[rows.length - 1]!.seq, hash: rows[rows.length - 1]!.hash });
  return rowsInto(auditLog, rows);
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
