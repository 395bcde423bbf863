// The outbox table: enqueue inside a business transaction; claim, complete and fail from the delivery worker.
import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { rowsInto, type RowsInsert } from '../db/bulk.js';
import { outbox } from '../db/schema.js';
import { withFields } from '../platform/objects.js';

export type OutboxMessage = typeof outbox.$inferSelect;
export type NewOutboxMessage = Pick<typeof outbox.$inferInsert, 'idempotencyKey' | 'channel' | 'recipient' | 'template' | 'language' | 'data' | 'ownerId'>;

/** Adds a message unless one with the same idempotency key exists; it goes out no earlier than `notBefore`. */
export async function enqueue(q: Queryable, message: NewOutboxMessage, notBefore: Date): Promise<void> {
  await q.insert(outbox).values({ ...message, nextAttemptAt: notBefore }).onConflictDoNothing({ target: outbox.idempotencyKey });
}

/** Several messages, as enqueue would add them one by one, to insert with insertAll. */
export function messageRows(messages: readonly { message: NewOutboxMessage; notBefore: Date }[]): RowsInsert {
  return rowsInto(
    outbox,
    messages.map((m) => withFields(m.message, { nextAttemptAt: m.notBefore })),
    { onConflictDoNothing: ['idempotencyKey'] },
  );
}

/**
 * Claims up to `limit` due messages for `leaseMs`. FOR UPDATE SKIP LOCKED lets several workers (instances) claim
 * disjoint batches; a lease that runs out (a worker died mid-send) makes the message due again.
 */
export async function claimDue(q: Queryable, now: Date, limit: number, leaseMs: number): Promise<OutboxMessage[]> {
  const due = q
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      sql`(${outbox.status} = 'pending' and ${outbox.nextAttemptAt} <= ${now.toISOString()}::timestamptz)
        or (${outbox.status} = 'sending' and ${outbox.lockedUntil} <= ${now.toISOString()}::timestamptz)`,
    )
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return q
    .update(outbox)
    .set({ status: 'sending', lockedUntil: new Date(now.getTime() + leaseMs), attempts: sql`${outbox.attempts} + 1` })
    .where(inArray(outbox.id, due))
    .returning();
}

export async function markSent(q: Queryable, id: string, now: Date, providerMessageId: string): Promise<void> {
  await q.update(outbox).set({ status: 'sent', sentAt: now, lockedUntil: null, lastError: null, providerMessageId }).where(eq(outbox.id, id));
}

export async function markRetry(q: Queryable, id: string, nextAttemptAt: Date, error: string, giveUp: boolean): Promise<void> {
  await q
    .update(outbox)
    .set({ status: giveUp ? 'failed' : 'pending', nextAttemptAt, lockedUntil: null, lastError: error.slice(0, 1000) })
    .where(eq(outbox.id, id));
}

export async function listMessages(q: Queryable, filter: { status?: OutboxMessage['status'] | undefined; ownerId?: string | undefined }, limit: number): Promise<OutboxMessage[]> {
  const conds = [];
  if (filter.status) conds.push(eq(outbox.status, filter.status));
  if (filter.ownerId) conds.push(eq(outbox.ownerId, filter.ownerId));
  return q.select().from(outbox).where(conds.length ? and(...conds) : undefined).orderBy(desc(outbox.createdAt)).limit(limit);
}

export async function countDue(q: Queryable, now: Date): Promise<number> {
  const [row] = await q.select({ n: sql<number>`count(*)::int` }).from(outbox).where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)));
  return row?.n ?? 0;
}

/** Messages by their idempotency keys (an incident's timeline shows its requests' messages). */
export async function messagesByKeys(q: Queryable, keys: readonly string[]): Promise<OutboxMessage[]> {
  if (keys.length === 0) return [];
  return q.select().from(outbox).where(inArray(outbox.idempotencyKey, [...keys])).orderBy(asc(outbox.createdAt));
}

/** Retry a failed message now (a staff action after fixing the cause). */
export async function requeue(q: Queryable, id: string, now: Date): Promise<OutboxMessage | undefined> {
  const [row] = await q.update(outbox).set({ status: 'pending', nextAttemptAt: now, attempts: 0 }).where(and(eq(outbox.id, id), eq(outbox.status, 'failed'))).returning();
  return row;
}
