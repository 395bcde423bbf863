// Server-side sessions: the only SQL for the sessions table.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { agencies, sessions, staffUsers } from '../db/schema.js';
import type { Agency, StaffUser } from '../staff/staff.repository.js';

export type SessionRow = typeof sessions.$inferSelect;

export async function insertSession(q: Queryable, row: typeof sessions.$inferInsert): Promise<void> {
  await q.insert(sessions).values(row);
}

export async function findLiveSession(
  q: Queryable,
  tokenHash: string,
): Promise<{ session: SessionRow; user: StaffUser; agency: Agency } | undefined> {
  const [row] = await q
    .select({ session: sessions, user: staffUsers, agency: agencies })
    .from(sessions)
    .innerJoin(staffUsers, eq(staffUsers.id, sessions.userId))
    .innerJoin(agencies, eq(agencies.id, staffUsers.agencyId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.endedAt)));
  return row;
}

/** The sessions among these token hashes that have not been ended, with their users (live connection checks). */
export async function findLiveSessions(q: Queryable, tokenHashes: readonly string[]): Promise<{ session: SessionRow; user: StaffUser }[]> {
  if (tokenHashes.length === 0) return [];
  return q
    .select({ session: sessions, user: staffUsers })
    .from(sessions)
    .innerJoin(staffUsers, eq(staffUsers.id, sessions.userId))
    .where(and(inArray(sessions.tokenHash, [...tokenHashes]), isNull(sessions.endedAt)));
}

export async function updateSession(q: Queryable, tokenHash: string, patch: Partial<typeof sessions.$inferInsert>): Promise<void> {
  await q.update(sessions).set(patch).where(eq(sessions.tokenHash, tokenHash));
}

export async function endUserSessions(q: Queryable, userId: string, at: Date): Promise<void> {
  await q
    .update(sessions)
    .set({ endedAt: at })
    .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt)));
}
