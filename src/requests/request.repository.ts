// Footage requests and their items: the only SQL for these tables.
import { and, asc, desc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { rowsInto, type RowsInsert } from '../db/bulk.js';
import { footageRequestItems, footageRequests, incidents, outbox, type RequestStatus } from '../db/schema.js';

export type FootageRequest = typeof footageRequests.$inferSelect;
export type RequestItem = typeof footageRequestItems.$inferSelect;

/**
 * What the request policy weighs for several owners, in one query: their open requests and the requests made
 * since `since`. The rows are locked, in id order (concurrent askers lock in the same order and never deadlock).
 */
export async function requestsForPolicy(
  q: Queryable,
  ownerIds: readonly string[],
  since: Date,
): Promise<Pick<FootageRequest, 'id' | 'ownerId' | 'status' | 'windowFrom' | 'windowTo' | 'createdAt'>[]> {
  if (ownerIds.length === 0) return [];
  return q
    .select({
      id: footageRequests.id,
      ownerId: footageRequests.ownerId,
      status: footageRequests.status,
      windowFrom: footageRequests.windowFrom,
      windowTo: footageRequests.windowTo,
      createdAt: footageRequests.createdAt,
    })
    .from(footageRequests)
    .where(and(inArray(footageRequests.ownerId, [...ownerIds]), or(inArray(footageRequests.status, OPEN_STATUSES), gt(footageRequests.createdAt, since))))
    .orderBy(asc(footageRequests.id))
    .for('update');
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

/** Widens the windows of several requests (merges) in one statement. */
export async function updateRequestWindows(q: Queryable, rows: readonly { id: string; windowFrom: Date; windowTo: Date }[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const values = JSON.stringify(rows.map((r) => ({ id: r.id, f: r.windowFrom.toISOString(), t: r.windowTo.toISOString() })));
  await q.execute(sql`update footage_requests as r set window_from = v.f, window_to = v.t, updated_at = ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${values}::jsonb) as v(id uuid, f timestamptz, t timestamptz) where r.id = v.id`);
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
    const entry = byId.get(r.request.id) ?? { ...r.request, cameraIds: [] };
    entry.cameraIds.push(r.cameraId);
    byId.set(r.request.id, entry);
  }
  return [...byId.values()];
}

export async function requestsOfOwner(q: Queryable, ownerId: string): Promise<(FootageRequest & { items: RequestItem[] })[]> {
  const reqs = await q.select().from(footageRequests).where(eq(footageRequests.ownerId, ownerId)).orderBy(desc(footageRequests.createdAt));
  if (reqs.length === 0) return [];
  const items = await q.select().from(footageRequestItems).where(inArray(footageRequestItems.requestId, reqs.map((r) => r.id)));
  return reqs.map((r) => ({ ...r, items: items.filter((i) => i.requestId === r.id) }));
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

/**
 * Requests with, per incident they serve, that incident's agency and the request's cameras for it (the live
 * floor publishes one request.changed per request and incident).
 */
export async function requestsWithIncidents(
  q: Queryable,
  ids: readonly string[],
): Promise<{ request: FootageRequest; incidents: { incidentId: string; agencyId: string | null; cameraIds: string[] }[] }[]> {
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
