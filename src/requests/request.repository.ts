// Footage requests and their items: the only SQL for these tables.
import { and, asc, desc, eq, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import type { CameraWithOwner } from '../cameras/camera.repository.js';
import { rowsInto, type RowsInsert } from '../db/bulk.js';
import { footageRequestItems, footageRequests, incidents, outbox, type RequestStatus } from '../db/schema.js';
import { withFields } from '../platform/objects.js';

export type FootageRequest = typeof footageRequests.$inferSelect;
export type RequestItem = typeof footageRequestItems.$inferSelect;

/** The chosen cameras with their owners, and what the request policy weighs for the owners to be asked. */
export interface AskContext {
  cameras: CameraWithOwner[];
  requests: Pick<FootageRequest, 'id' | 'ownerId' | 'status' | 'windowFrom' | 'windowTo' | 'createdAt'>[];
}

export interface AskRow {
  cams: { id: string; owner_id: string | null; status: CameraWithOwner['camera']['status']; label: string | null; kind: CameraWithOwner['camera']['kind']; address: string | null; mask: number; o_id: string | null; name: string | null; email: string | null; phone: string | null; language: NonNullable<CameraWithOwner['owner']>['language']; time_zone: string; by_email: boolean; by_sms: boolean; withdrawn_at: string | null }[];
  reqs: { id: string; owner_id: string; status: RequestStatus; window_from: string; window_to: string; created_at: string }[];
}

/**
 * What a footage request reads, in one statement (one round trip): the chosen cameras with their owners (null for
 * city cameras), in no particular order, and what the request policy weighs for the owners who would be asked (of a
 * verified camera, not declining this kind of request: `declinedBit`): their open requests and those made since
 * `since`. These rows are locked, in id order (concurrent askers lock in the same order and never deadlock).
 */
export async function askContext(q: Queryable, query: AskContextQuery): Promise<AskContext> {
  if (query.cameraIds.length === 0) return { cameras: [], requests: [] };
  const result = await q.execute(sql`with ${askContextClauses(query)} select ${ASK_CONTEXT_COLUMNS}`);
  return readAskContext((result as unknown as { rows: AskRow[] }).rows[0]!);
}

/** What askContext reads: the chosen cameras, and the kind of request (its bit in owners' declined kinds) as of when. */
export interface AskContextQuery {
  cameraIds: readonly string[];
  declinedBit: number;
  since: Date;
}

/**
 * askContext's reads as the WITH clauses `c` (cameras and owners) and `r` (the owners' requests, locked), for a
 * statement that does more in the same round trip (intake's first); it selects ASK_CONTEXT_COLUMNS and hands its
 * row to readAskContext. With `when`, they read (and lock) nothing unless it holds.
 */
export function askContextClauses({ cameraIds, declinedBit, since }: AskContextQuery, when?: SQL): SQL {
  return sql`c as (
      select c.id, c.owner_id, c.status, c.label, c.kind, c.address, c.declined_kinds_mask as mask, o.id as o_id, o.name, o.email, o.phone,
        o.language, o.time_zone, o.contact_by_email as by_email, o.contact_by_sms as by_sms, o.withdrawn_at
      from cameras c left join owners o on o.id = c.owner_id where c.id = any(${`{${cameraIds.join(',')}}`}::uuid[])${when ? sql` and ${when}` : sql``}),
    r as (
      select id, owner_id, status, window_from, window_to, created_at from footage_requests
      where owner_id in (select o_id from c where o_id is not null and status = 'verified' and (mask & ${declinedBit}::int) = 0)
        and (status = any(${`{${OPEN_STATUSES.join(',')}}`}::text[]) or created_at > ${since.toISOString()}::timestamptz)
      order by id for update)`;
}

export const ASK_CONTEXT_COLUMNS = sql.raw(`(select coalesce(json_agg(c), '[]'::json) from c) as cams, (select coalesce(json_agg(r order by r.id), '[]'::json) from r) as reqs`);

/** The context from a row with ASK_CONTEXT_COLUMNS. */
export function readAskContext(row: AskRow): AskContext {
  return {
    cameras: row.cams.map((c) => ({
      camera: { id: c.id, ownerId: c.owner_id, status: c.status, label: c.label, kind: c.kind, address: c.address, declinedKindsMask: c.mask },
      owner:
        c.o_id === null
          ? null
          : { id: c.o_id, name: c.name, email: c.email, phone: c.phone, language: c.language, timeZone: c.time_zone, contactByEmail: c.by_email, contactBySms: c.by_sms, withdrawnAt: c.withdrawn_at === null ? null : new Date(c.withdrawn_at) },
    })),
    requests: row.reqs.map((r) => ({ id: r.id, ownerId: r.owner_id, status: r.status, windowFrom: new Date(r.window_from), windowTo: new Date(r.window_to), createdAt: new Date(r.created_at) })),
  };
}

/** A request in one of these states still takes answers (and folds new asks into it). */
export const OPEN_STATUSES: RequestStatus[] = ['queued', 'sent'];

/** New requests (their ids chosen by the caller), to insert with insertAll. */
export function requestRows(rows: (typeof footageRequests.$inferInsert & { id: string })[]): RowsInsert {
  return rowsInto(footageRequests, rows);
}

/** Items of requests (a repeated item is skipped), to insert with insertAll. */
export function itemRows(rows: (typeof footageRequestItems.$inferInsert)[]): RowsInsert {
  return rowsInto(footageRequestItems, rows, { onConflictDoNothing: [] });
}

/**
 * Widens the windows of several requests (merges): a statement for insertAll to run with the merge's other writes,
 * or undefined when there is none.
 */
export function requestWindowsChange(rows: readonly { id: string; windowFrom: Date; windowTo: Date }[], now: Date): SQL | undefined {
  if (rows.length === 0) return undefined;
  const values = JSON.stringify(rows.map((r) => ({ id: r.id, f: r.windowFrom.toISOString(), t: r.windowTo.toISOString() })));
  return sql`update footage_requests as r set window_from = v.f, window_to = v.t, updated_at = ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${values}::jsonb) as v(id uuid, f timestamptz, t timestamptz) where r.id = v.id`;
}

export async function updateRequest(q: Queryable, id: string, patch: Partial<typeof footageRequests.$inferInsert>): Promise<FootageRequest> {
  const [r] = await q.update(footageRequests).set(patch).where(eq(footageRequests.id, id)).returning();
  return r!;
}

export async function requestsOfIncident(q: Queryable, incidentId: string): Promise<(FootageRequest & { cameraIds: string[] })[]> {
  const rows = await q
    .select({ request: footageRequests, cameraId: footageRequestItems.cameraId })
    .from(footageRequestItems)
    .innerJoin(footageRequests, eq(footageRequests.id, footageRequestItems.requestId))
    .where(eq(footageRequestItems.incidentId, incidentId))
    .orderBy(asc(footageRequests.createdAt));
  const byId = new Map<string, FootageRequest & { cameraIds: string[] }>();
  for (const r of rows) {
    const entry = byId.get(r.request.id) ?? withFields(r.request, { cameraIds: [] as string[] });
    entry.cameraIds.push(r.cameraId);
    byId.set(r.request.id, entry);
  }
  return [...byId.values()];
}

export async function requestsOfOwner(q: Queryable, ownerId: string): Promise<(FootageRequest & { items: RequestItem[] })[]> {
  const reqs = await q.select().from(footageRequests).where(eq(footageRequests.ownerId, ownerId)).orderBy(desc(footageRequests.createdAt));
  if (reqs.length === 0) return [];
  const items = await q.select().from(footageRequestItems).where(inArray(footageRequestItems.requestId, reqs.map((r) => r.id)));
  return reqs.map((r) => withFields(r, { items: items.filter((i) => i.requestId === r.id) }));
}

/** Open requests all of whose incidents are closed: nothing is left to ask for. */
export async function openRequestsWithOnlyClosedIncidents(q: Queryable, incidentId: string): Promise<FootageRequest[]> {
  const open = await q
    .selectDistinct({ request: footageRequests })
    .from(footageRequestItems)
    .innerJoin(footageRequests, eq(footageRequests.id, footageRequestItems.requestId))
    .where(and(eq(footageRequestItems.incidentId, incidentId), inArray(footageRequests.status, ['queued', 'sent'])));
  const result: FootageRequest[] = [];
  for (const { request } of open) {
    const [stillOpen] = await q
      .select({ n: sql<number>`count(*)::int` })
      .from(footageRequestItems)
      .innerJoin(incidents, eq(incidents.id, footageRequestItems.incidentId))
      .where(and(eq(footageRequestItems.requestId, request.id), eq(incidents.status, 'open')));
    if ((stillOpen?.n ?? 0) === 0) result.push(request);
  }
  return result;
}

export async function cancelPendingMessage(q: Queryable, idempotencyKey: string): Promise<boolean> {
  const rows = await q
    .update(outbox)
    .set({ status: 'cancelled' })
    .where(and(eq(outbox.idempotencyKey, idempotencyKey), eq(outbox.status, 'pending')))
    .returning({ id: outbox.id });
  return rows.length > 0;
}

/** Sent requests past their expiry; queued ones whose send time has come are marked sent by the caller. */
export async function dueForExpiry(q: Queryable, now: Date): Promise<FootageRequest[]> {
  return q.select().from(footageRequests).where(and(eq(footageRequests.status, 'sent'), lte(footageRequests.expiresAt, now)));
}

export async function dueToBeMarkedSent(q: Queryable, now: Date): Promise<FootageRequest[]> {
  return q.select().from(footageRequests).where(and(eq(footageRequests.status, 'queued'), lte(footageRequests.sendAfter, now)));
}

export async function dueForReminder(q: Queryable, remindAt: (r: FootageRequest) => Date, now: Date): Promise<FootageRequest[]> {
  const sent = await q.select().from(footageRequests).where(and(eq(footageRequests.status, 'sent'), isNull(footageRequests.reminderSentAt)));
  return sent.filter((r) => remindAt(r) <= now);
}

export async function countByStatus(q: Queryable): Promise<Record<RequestStatus, number>> {
  const rows = await q.select({ status: footageRequests.status, n: sql<number>`count(*)::int` }).from(footageRequests).groupBy(footageRequests.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<RequestStatus, number>;
}

/** A request with, per incident it serves, that incident's agency and the request's cameras for it (in id order). */
export interface RequestWithIncidents {
  request: FootageRequest;
  incidents: { incidentId: string; agencyId: string | null; cameraIds: string[] }[];
}

/**
 * Requests with, per incident they serve, that incident's agency and the request's cameras for it (the live
 * floor publishes one request.changed per request and incident).
 */
export async function requestsWithIncidents(q: Queryable, ids: readonly string[]): Promise<RequestWithIncidents[]> {
  if (ids.length === 0) return [];
  const rows = await q
    .select({ request: footageRequests, incidentId: footageRequestItems.incidentId, cameraId: footageRequestItems.cameraId, agencyId: incidents.agencyId })
    .from(footageRequests)
    .innerJoin(footageRequestItems, eq(footageRequestItems.requestId, footageRequests.id))
    .innerJoin(incidents, eq(incidents.id, footageRequestItems.incidentId))
    .where(inArray(footageRequests.id, [...ids]))
    .orderBy(asc(footageRequestItems.incidentId), asc(footageRequestItems.cameraId));
  const byId = new Map<string, { request: FootageRequest; incidents: Map<string, { incidentId: string; agencyId: string | null; cameraIds: string[] }> }>();
  for (const r of rows) {
    const entry = byId.get(r.request.id) ?? { request: r.request, incidents: new Map() };
    byId.set(r.request.id, entry);
    const inc = entry.incidents.get(r.incidentId) ?? { incidentId: r.incidentId, agencyId: r.agencyId, cameraIds: [] };
    entry.incidents.set(r.incidentId, inc);
    inc.cameraIds.push(r.cameraId);
  }
  return ids.flatMap((id) => {
    const e = byId.get(id);
    return e ? [{ request: e.request, incidents: [...e.incidents.values()] }] : [];
  });
}
