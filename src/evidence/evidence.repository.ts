// Evidence rows: the only SQL for the evidence table.
import { asc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { evidence } from '../db/schema.js';

export type Evidence = typeof evidence.$inferSelect;

export async function insertEvidence(q: Queryable, row: typeof evidence.$inferInsert): Promise<Evidence> {
  const [r] = await q.insert(evidence).values(row).returning();
  return r!;
}

export async function updateEvidence(q: Queryable, id: string, patch: Partial<typeof evidence.$inferInsert>): Promise<Evidence> {
  const [r] = await q.update(evidence).set(patch).where(eq(evidence.id, id)).returning();
  return r!;
}

export async function findEvidence(q: Queryable, id: string): Promise<Evidence | undefined> {
  const [r] = await q.select().from(evidence).where(eq(evidence.id, id));
  return r;
}

export async function findEvidenceByUpload(q: Queryable, uploadId: string): Promise<Evidence | undefined> {
  const [r] = await q.select().from(evidence).where(eq(evidence.uploadId, uploadId));
  return r;
}

export async function evidenceOfRequest(q: Queryable, requestId: string): Promise<Evidence[]> {
  return q.select().from(evidence).where(eq(evidence.requestId, requestId)).orderBy(asc(evidence.receivedAt));
}

export async function evidenceOfRequests(q: Queryable, requestIds: readonly string[]): Promise<Evidence[]> {
  if (requestIds.length === 0) return [];
  return q.select().from(evidence).where(inArray(evidence.requestId, [...requestIds])).orderBy(asc(evidence.receivedAt));
}

export async function allEvidence(q: Queryable): Promise<Evidence[]> {
  return q.select().from(evidence).orderBy(asc(evidence.receivedAt));
}

export async function processingEvidence(q: Queryable): Promise<Evidence[]> {
  return q.select().from(evidence).where(eq(evidence.status, 'processing'));
}
