// Alerts, camera health and the facts alerts are raised from: the only SQL for these tables.
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Queryable } from '../db/client.js';
import { agencies, ALERT_KINDS, alerts, cameraHealth, cameras, evidence, footageRequestItems, footageRequests, incidents, outbox, staffUsers, type AlertKind } from '../db/schema.js';

export type Alert = typeof alerts.$inferSelect;
export type NewAlert = typeof alerts.$inferInsert;
export type CameraHealth = typeof cameraHealth.$inferSelect;
/** An alert with the names of the staff it refers to. */
export type AlertRow = Alert & { assignedName: string | null; acknowledgedName: string | null };

const assignee = alias(staffUsers, 'assignee');
const acknowledger = alias(staffUsers, 'acknowledger');

/** Inserts unless an alert with the same dedupe key exists (whatever its status); returns the new row or undefined. */
export async function insertAlertIfNew(q: Queryable, row: NewAlert): Promise<Alert | undefined> {
  const [inserted] = await q.insert(alerts).values(row).onConflictDoNothing({ target: alerts.dedupeKey }).returning();
  return inserted;
}

export async function findAlertForUpdate(q: Queryable, id: string): Promise<Alert | undefined> {
  const [row] = await q.select().from(alerts).where(eq(alerts.id, id)).for('update');
  return row;
}

export async function findAlertByKey(q: Queryable, dedupeKey: string): Promise<Alert | undefined> {
  const [row] = await q.select().from(alerts).where(eq(alerts.dedupeKey, dedupeKey));
  return row;
}

export async function updateAlert(q: Queryable, id: string, patch: Partial<NewAlert>): Promise<Alert> {
  const [row] = await q.update(alerts).set(patch).where(eq(alerts.id, id)).returning();
  return row!;
}

function withNames(where: SQL | undefined) {
  return (q: Queryable) =>
    q
      .select({ alert: alerts, assignedName: assignee.displayName, acknowledgedName: acknowledger.displayName })
      .from(alerts)
      .leftJoin(assignee, eq(assignee.id, alerts.assignedTo))
      .leftJoin(acknowledger, eq(acknowledger.id, alerts.acknowledgedBy))
      .where(where);
}

const flatten = (r: { alert: Alert; assignedName: string | null; acknowledgedName: string | null }): AlertRow => ({ ...r.alert, assignedName: r.assignedName, acknowledgedName: r.acknowledgedName });

export async function findAlertWithNames(q: Queryable, id: string): Promise<AlertRow | undefined> {
  const [row] = await withNames(eq(alerts.id, id))(q);
  return row ? flatten(row) : undefined;
}

export interface AlertScope {
  /** Only this agency's alerts (partners). */
  agencyId?: string | undefined;
}

/** Unresolved and not snoozed at `now`: the queue the floor works through. */
function inQueue(now: Date): SQL {
  return and(ne(alerts.status, 'resolved'), or(isNull(alerts.snoozedUntil), lte(alerts.snoozedUntil, now)))!;
}

export interface AlertListFilter extends AlertScope {
  status: 'open' | 'all';
  assignedTo?: string | undefined;
  now: Date;
  limit: number;
}

/** Highest priority first (1 before 5), newest first within a priority. */
export async function listAlerts(q: Queryable, f: AlertListFilter): Promise<AlertRow[]> {
  const conds: SQL[] = [];
  if (f.status === 'open') conds.push(inQueue(f.now));
  if (f.agencyId) conds.push(eq(alerts.agencyId, f.agencyId));
  if (f.assignedTo) conds.push(eq(alerts.assignedTo, f.assignedTo));
  const rows = await withNames(conds.length ? and(...conds) : undefined)(q)
    .orderBy(asc(alerts.priority), desc(alerts.createdAt), desc(alerts.id))
    .limit(f.limit);
  return rows.map(flatten);
}

export interface AlertCounts {
  open: number;
  unassigned: number;
  mine: number;
  unacknowledged: number;
  byKind: Record<AlertKind, number>;
}

/** Counts over the queue (unresolved, not snoozed), in one query. */
export async function countQueue(q: Queryable, now: Date, me: string, scope: AlertScope): Promise<AlertCounts> {
  const conds = [inQueue(now)];
  if (scope.agencyId) conds.push(eq(alerts.agencyId, scope.agencyId));
  const [row] = await q
    .select({
      open: sql<number>`count(*)::int`,
      unassigned: sql<number>`(count(*) filter (where ${alerts.assignedTo} is null))::int`,
      mine: sql<number>`(count(*) filter (where ${alerts.assignedTo} = ${me}))::int`,
      unacknowledged: sql<number>`(count(*) filter (where ${alerts.status} = 'open'))::int`,
      ...Object.fromEntries(ALERT_KINDS.map((k) => [k, sql<number>`(count(*) filter (where ${alerts.kind} = ${k}))::int`])),
    })
    .from(alerts)
    .where(and(...conds));
  const r = row as Record<string, number>;
  return {
    open: r.open ?? 0,
    unassigned: r.unassigned ?? 0,
    mine: r.mine ?? 0,
    unacknowledged: r.unacknowledged ?? 0,
    byKind: Object.fromEntries(ALERT_KINDS.map((k) => [k, r[k] ?? 0])) as Record<AlertKind, number>,
  };
}

/** Snoozed alerts whose time has come and that the floor has not been told about yet. */
export async function wakeSnoozed(q: Queryable, now: Date): Promise<Alert[]> {
  return q
    .update(alerts)
    .set({ snoozedUntil: null, updatedAt: now })
    .where(and(ne(alerts.status, 'resolved'), isNotNull(alerts.snoozedUntil), lte(alerts.snoozedUntil, now)))
    .returning();
}

export async function alertsOfIncident(q: Queryable, incidentId: string): Promise<Alert[]> {
  return q.select().from(alerts).where(eq(alerts.incidentId, incidentId)).orderBy(asc(alerts.createdAt));
}

/** Unresolved alerts of one kind about one camera. */
export async function openCameraAlerts(q: Queryable, cameraId: string, kind: AlertKind): Promise<Alert[]> {
  return q
    .select()
    .from(alerts)
    .where(and(eq(alerts.cameraId, cameraId), eq(alerts.kind, kind), ne(alerts.status, 'resolved')))
    .for('update');
}

/** The incident's footage alert that nobody has taken up yet (open, not snoozed), locked; later files join it. */
export async function openFootageAlertOfIncident(q: Queryable, incidentId: string): Promise<Alert | undefined> {
  const [row] = await q
    .select()
    .from(alerts)
    .where(and(eq(alerts.incidentId, incidentId), eq(alerts.kind, 'footage'), eq(alerts.status, 'open'), isNull(alerts.snoozedUntil)))
    .orderBy(desc(alerts.createdAt))
    .limit(1)
    .for('update');
  return row;
}

/** Files received for an incident (through any request that serves it) since the file `firstEvidenceId`, itself included. */
export async function footageCountSince(q: Queryable, incidentId: string, firstEvidenceId: string): Promise<number> {
  const first = alias(evidence, 'first_file');
  const [row] = await q
    .select({ n: sql<number>`count(distinct ${evidence.id})::int` })
    .from(evidence)
    .innerJoin(footageRequestItems, eq(footageRequestItems.requestId, evidence.requestId))
    .innerJoin(first, eq(first.id, firstEvidenceId))
    .where(and(eq(footageRequestItems.incidentId, incidentId), gte(evidence.receivedAt, first.receivedAt)));
  return row?.n ?? 0;
}

// ---- the facts alerts come from

export interface IncidentRef {
  id: string;
  type: string;
  externalId: string;
  priority: number;
  agencyId: string | null;
  status: string;
}

/** The incidents a footage request serves, highest priority first. */
export async function incidentsOfRequest(q: Queryable, requestId: string): Promise<IncidentRef[]> {
  return q
    .selectDistinct({ id: incidents.id, type: incidents.type, externalId: incidents.externalId, priority: incidents.priority, agencyId: incidents.agencyId, status: incidents.status })
    .from(footageRequestItems)
    .innerJoin(incidents, eq(incidents.id, footageRequestItems.incidentId))
    .where(eq(footageRequestItems.requestId, requestId))
    .orderBy(asc(incidents.priority), asc(incidents.id));
}

/** Message keys of footage requests (request.service.ts): "request:<id>", "request-sms:<id>", "reminder:<id>". */
export const REQUEST_MESSAGE_PREFIXES = ['request', 'request-sms', 'reminder'] as const;

export interface UndeliveredMessage {
  outboxId: string;
  idempotencyKey: string;
  channel: 'email' | 'sms';
  template: string;
  status: string;
  attempts: number;
  lastError: string | null;
  requestId: string;
  /** When it should have gone out: the request's send time, or the reminder's. */
  dueAt: Date;
}

/**
 * Messages to owners about footage requests that failed for good, or are still unsent `graceMs` after they were
 * due, and have no alert yet. Only failed, pending and sending rows are looked at (the outbox_due index).
 */
export async function undeliveredWithoutAlert(q: Queryable, now: Date, graceMs: number, limit = 500): Promise<UndeliveredMessage[]> {
  const prefix = sql`split_part(${outbox.idempotencyKey}, ':', 1)`;
  const dueAt = sql<Date>`(case when ${prefix} = 'reminder' then coalesce(${footageRequests.reminderSentAt}, ${footageRequests.sendAfter}) else ${footageRequests.sendAfter} end)`;
  const cutoff = new Date(now.getTime() - graceMs).toISOString();
  const rows = await q
    .select({
      outboxId: outbox.id,
      idempotencyKey: outbox.idempotencyKey,
      channel: outbox.channel,
      template: outbox.template,
      status: outbox.status,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      requestId: footageRequests.id,
      dueAt: sql<string>`${dueAt}`,
    })
    .from(outbox)
    .innerJoin(footageRequests, sql`${footageRequests.id}::text = split_part(${outbox.idempotencyKey}, ':', 2)`)
    .where(
      and(
        inArray(outbox.status, ['failed', 'pending', 'sending']),
        sql`${prefix} in ('request', 'request-sms', 'reminder')`,
        or(eq(outbox.status, 'failed'), sql`${dueAt} <= ${cutoff}::timestamptz`),
        sql`not exists (select 1 from ${alerts} a where a.dedupe_key = 'undelivered:' || ${outbox.idempotencyKey})`,
      ),
    )
    .orderBy(asc(outbox.createdAt))
    .limit(limit);
  return rows.map((r) => ({ ...r, dueAt: new Date(r.dueAt) }));
}

/** Open undelivered alerts whose message has since gone out or been cancelled (with its request). */
export async function undeliveredAlertsSettled(q: Queryable): Promise<{ alert: Alert; messageStatus: string }[]> {
  return q
    .select({ alert: alerts, messageStatus: outbox.status })
    .from(alerts)
    .innerJoin(outbox, eq(outbox.id, alerts.outboxId))
    .where(and(eq(alerts.kind, 'undelivered'), ne(alerts.status, 'resolved'), inArray(outbox.status, ['sent', 'cancelled'])))
    .for('update', { of: alerts, skipLocked: true });
}

// ---- camera health

export async function findHealthForUpdate(q: Queryable, cameraId: string): Promise<CameraHealth | undefined> {
  const [row] = await q.select().from(cameraHealth).where(eq(cameraHealth.cameraId, cameraId)).for('update');
  return row;
}

export async function upsertHealth(q: Queryable, row: CameraHealth): Promise<void> {
  await q
    .insert(cameraHealth)
    .values(row)
    .onConflictDoUpdate({ target: cameraHealth.cameraId, set: { online: row.online, detail: row.detail, changedAt: row.changedAt, reportedAt: row.reportedAt } });
}

/** Verified cameras whose last health report said online and came before `cutoff`: their feed has gone quiet. */
export async function silentCameras(q: Queryable, cutoff: Date, limit = 500): Promise<{ health: CameraHealth; camera: typeof cameras.$inferSelect }[]> {
  return q
    .select({ health: cameraHealth, camera: cameras })
    .from(cameraHealth)
    .innerJoin(cameras, eq(cameras.id, cameraHealth.cameraId))
    .where(and(eq(cameraHealth.online, true), lt(cameraHealth.reportedAt, cutoff), eq(cameras.status, 'verified')))
    .orderBy(asc(cameraHealth.reportedAt))
    .limit(limit);
}

// ---- colleagues

/** Active staff who work the floor (operator, supervisor or admin), by name. */
export async function floorStaff(q: Queryable): Promise<{ id: string; name: string; agency: string }[]> {
  return q
    .select({ id: staffUsers.id, name: staffUsers.displayName, agency: agencies.name })
    .from(staffUsers)
    .innerJoin(agencies, eq(agencies.id, staffUsers.agencyId))
    .where(and(isNull(staffUsers.disabledAt), sql`${staffUsers.roles} && array['operator','supervisor','admin']::text[]`))
    .orderBy(asc(staffUsers.displayName));
}

export async function findStaff(q: Queryable, id: string) {
  const [row] = await q.select({ id: staffUsers.id, name: staffUsers.displayName, roles: staffUsers.roles, disabledAt: staffUsers.disabledAt }).from(staffUsers).where(eq(staffUsers.id, id));
  return row;
}
