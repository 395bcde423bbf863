// Incidents, their change history and their camera matches: the only SQL for these tables.
import { and, asc, between, desc, eq, gte, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { fromDriverRow, insertAll, insertClause, rowsInto, type RowsInsert } from '../db/bulk.js';
import { alerts, incidentChanges, incidentMatchLists, incidents, type IncidentStatus } from '../db/schema.js';
import type { Alert, NewAlert } from '../alerts/alert.repository.js';
import { ASK_CONTEXT_COLUMNS, askContextClauses, readAskContext, type AskContext, type AskContextQuery, type AskRow } from '../requests/request.repository.js';
import { withFields } from '../platform/objects.js';

export type Incident = typeof incidents.$inferSelect;
export type NewIncident = typeof incidents.$inferInsert;

/** One camera of an incident's ranked list (rank 1 is the best). */
export interface IncidentMatch {
  incidentId: string;
  cameraId: string;
  rank: number;
  distanceM: number;
  facesArea: boolean;
  score: number;
  computedAt: Date;
}

/** What intake's first statement gives back: the incident when it was new, its alert if it raised one, and the askContext read. */
export interface IntakeFirst {
  incident: Incident | undefined;
  alert: Alert | undefined;
  context: AskContext | undefined;
}

/**
 * Intake's first statement, one round trip: inserts the incident unless (source, external id) exists, with its alert
 * (only if the incident is new), and reads askContext for the cameras it matched (`ask`), locking their owners'
 * requests. The incident's id is the caller's, so that it could be matched before it was written.
 */
export async function insertIncidentAndRead(q: Queryable, row: NewIncident & { id: string }, alert: NewAlert | undefined, ask: AskContextQuery | undefined): Promise<IntakeFirst> {
  const clauses: SQL[] = [insertClause('inc', rowsInto(incidents, [row], { onConflictDoNothing: ['source', 'externalId'] }))];
  // A repeated message inserts no incident: then no alert either, nothing is read, and no request is locked.
  const isNew = sql`exists (select 1 from inc)`;
  const columns: SQL[] = [sql.raw('(select row_to_json(inc) from inc) as inc')];
  if (alert) {
    clauses.push(insertClause('al', rowsInto(alerts, [alert], { onConflictDoNothing: ['dedupeKey'] }), isNew));
    columns.push(sql.raw('(select row_to_json(al) from al) as al'));
  }
  if (ask && ask.cameraIds.length > 0) {
    clauses.push(askContextClauses(ask, isNew));
    columns.push(ASK_CONTEXT_COLUMNS);
  }
  const result = await q.execute(sql`with ${sql.join(clauses, sql.raw(', '))} select ${sql.join(columns, sql.raw(', '))}`);
  const first = (result as unknown as { rows: ({ inc: Record<string, unknown> | null; al?: Record<string, unknown> | null } & Partial<AskRow>)[] }).rows[0]!;
  return {
    incident: first.inc ? fromDriverRow(incidents, first.inc) : undefined,
    alert: first.al ? fromDriverRow(alerts, first.al) : undefined,
    context: ask ? (first.cams ? readAskContext(first as AskRow) : { cameras: [], requests: [] }) : undefined,
  };
}

export async function findIncidentBySourceForUpdate(q: Queryable, source: string, externalId: string): Promise<Incident | undefined> {
  const [row] = await q.select().from(incidents).where(and(eq(incidents.source, source), eq(incidents.externalId, externalId))).for('update');
  return row;
}

export async function findIncident(q: Queryable, id: string): Promise<Incident | undefined> {
  const [row] = await q.select().from(incidents).where(eq(incidents.id, id));
  return row;
}

export async function updateIncident(q: Queryable, id: string, patch: Partial<NewIncident>): Promise<Incident> {
  const [row] = await q
    .update(incidents)
    .set({ ...patch, version: sql`${incidents.version} + 1` })
    .where(eq(incidents.id, id))
    .returning();
  return row!;
}

export async function insertChange(q: Queryable, row: typeof incidentChanges.$inferInsert): Promise<void> {
  await q.insert(incidentChanges).values(row);
}

export async function changesOf(q: Queryable, incidentId: string) {
  return q.select().from(incidentChanges).where(eq(incidentChanges.incidentId, incidentId)).orderBy(asc(incidentChanges.at));
}

/** An incident's ranked cameras as stored: parallel arrays, best first (rank i + 1 is element i of each). */
export type MatchList = typeof incidentMatchLists.$inferInsert;

/** Replaces the incident's ranked list (an empty list is stored as none). */
export async function replaceMatches(q: Queryable, list: MatchList): Promise<void> {
  await q.delete(incidentMatchLists).where(eq(incidentMatchLists.incidentId, list.incidentId));
  await insertAll(q, matchRows(list));
}

/** The first ranked list of a new incident, to insert with insertAll (nothing for an empty list). */
export function matchRows(list: MatchList): RowsInsert {
  return rowsInto(incidentMatchLists, list.cameraIds.length ? [list] : []);
}

/** The incident's matched cameras' ids in rank order (empty when it has no stored list). */
export async function matchedCameraIds(q: Queryable, incidentId: string): Promise<string[]> {
  const [list] = await q.select({ cameraIds: incidentMatchLists.cameraIds }).from(incidentMatchLists).where(eq(incidentMatchLists.incidentId, incidentId));
  return list?.cameraIds ?? [];
}

/** The incident's ranked list, best first. */
export async function matchesOf(q: Queryable, incidentId: string): Promise<IncidentMatch[]> {
  const [list] = await q.select().from(incidentMatchLists).where(eq(incidentMatchLists.incidentId, incidentId));
  if (!list) return [];
  return list.cameraIds.map((cameraId, i) => ({
    incidentId,
    cameraId,
    rank: i + 1,
    distanceM: list.distanceM[i]!,
    facesArea: list.facesArea[i]!,
    score: list.score[i]!,
    computedAt: list.computedAt,
  }));
}

export interface IncidentFilter {
  status?: IncidentStatus | undefined;
  since?: Date | undefined;
  source?: string | undefined;
  /** Any of these types (compared in upper case). */
  types?: readonly string[] | undefined;
  /** Priority 1 up to this (1 is highest). */
  maxPriority?: number | undefined;
  district?: string | undefined;
  ward?: string | undefined;
  /** On occurredFrom, both ends included. */
  from?: Date | undefined;
  to?: Date | undefined;
  /** Part of the external id, type or address, any case. */
  text?: string | undefined;
  /** west, south, east, north (degrees). */
  bbox?: readonly [number, number, number, number] | undefined;
  /** Only this agency's incidents (partners). */
  agencyId?: string | undefined;
}

function conditions(f: IncidentFilter): SQL | undefined {
  const conds: SQL[] = [];
  if (f.status) conds.push(eq(incidents.status, f.status));
  if (f.since) conds.push(gte(incidents.occurredFrom, f.since));
  if (f.source) conds.push(eq(incidents.source, f.source));
  if (f.types?.length) conds.push(inArray(sql`upper(${incidents.type})`, f.types.map((t) => t.toUpperCase())));
  if (f.maxPriority !== undefined) conds.push(lte(incidents.priority, f.maxPriority));
  if (f.district) conds.push(eq(incidents.district, f.district));
  if (f.ward) conds.push(eq(incidents.ward, f.ward));
  if (f.from) conds.push(gte(incidents.occurredFrom, f.from));
  if (f.to) conds.push(lte(incidents.occurredFrom, f.to));
  if (f.text) {
    const pattern = `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(or(sql`${incidents.externalId} ilike ${pattern}`, sql`${incidents.type} ilike ${pattern}`, sql`${incidents.address} ilike ${pattern}`)!);
  }
  if (f.bbox) {
    const [w, s, e, n] = f.bbox;
    conds.push(between(incidents.lng, w, e), between(incidents.lat, s, n));
  }
  if (f.agencyId) conds.push(eq(incidents.agencyId, f.agencyId));
  return conds.length ? and(...conds) : undefined;
}

export async function listIncidents(q: Queryable, f: IncidentFilter, limit: number, offset = 0): Promise<(Incident & { matchCount: number })[]> {
  const rows = await q
    .select({ incident: incidents, matchCount: sql<number>`coalesce((select cardinality(m.camera_ids) from incident_match_lists m where m.incident_id = ${incidents.id}), 0)` })
    .from(incidents)
    .where(conditions(f))
    .orderBy(desc(incidents.occurredFrom), desc(incidents.id))
    .limit(limit)
    .offset(offset);
  return rows.map((r) => withFields(r.incident, { matchCount: r.matchCount }));
}

/** How many incidents the filter selects (the list's total, for paging). */
export async function countIncidents(q: Queryable, f: IncidentFilter): Promise<number> {
  const [row] = await q.select({ n: sql<number>`count(*)::int` }).from(incidents).where(conditions(f));
  return row?.n ?? 0;
}
