// Agencies, staff users and API keys: the only SQL for these tables.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { agencies, apiKeys, staffUsers, type AgencyKind, type Role } from '../db/schema.js';

export type Agency = typeof agencies.$inferSelect;
export type StaffUser = typeof staffUsers.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;

export async function findAgencyByName(q: Queryable, name: string): Promise<Agency | undefined> {
  const [row] = await q.select().from(agencies).where(sql`lower(${agencies.name}) = lower(${name})`);
  return row;
}

export async function findAgency(q: Queryable, id: string): Promise<Agency | undefined> {
  const [row] = await q.select().from(agencies).where(eq(agencies.id, id));
  return row;
}

export async function insertAgency(q: Queryable, name: string, kind: AgencyKind): Promise<Agency> {
  const [row] = await q.insert(agencies).values({ name, kind }).returning();
  return row!;
}

export async function listAgencies(q: Queryable): Promise<Agency[]> {
  return q.select().from(agencies).orderBy(asc(agencies.name));
}

export async function findUserByUsername(q: Queryable, username: string): Promise<StaffUser | undefined> {
  const [row] = await q.select().from(staffUsers).where(sql`lower(${staffUsers.username}) = lower(${username})`);
  return row;
}

export async function findUser(q: Queryable, id: string): Promise<StaffUser | undefined> {
  const [row] = await q.select().from(staffUsers).where(eq(staffUsers.id, id));
  return row;
}

export interface NewUser {
  agencyId: string;
  username: string;
  displayName: string;
  email?: string | null;
  passwordHash: string;
  roles: Role[];
}

export async function insertUser(q: Queryable, user: NewUser): Promise<StaffUser> {
  const [row] = await q.insert(staffUsers).values(user).returning();
  return row!;
}

export async function updateUser(q: Queryable, id: string, patch: Partial<typeof staffUsers.$inferInsert>): Promise<StaffUser | undefined> {
  const [row] = await q.update(staffUsers).set(patch).where(eq(staffUsers.id, id)).returning();
  return row;
}

export async function listUsers(q: Queryable, agencyId?: string): Promise<StaffUser[]> {
  return q
    .select()
    .from(staffUsers)
    .where(agencyId ? eq(staffUsers.agencyId, agencyId) : undefined)
    .orderBy(asc(staffUsers.username));
}

/** Counts a failed attempt and locks the account once the threshold is reached, in one statement. */
export async function recordFailedAttempt(q: Queryable, id: string, threshold: number, lockUntil: Date): Promise<StaffUser | undefined> {
  const [row] = await q
    .update(staffUsers)
    .set({
      failedAttempts: sql`${staffUsers.failedAttempts} + 1`,
      lockedUntil: sql`case when ${staffUsers.failedAttempts} + 1 >= ${threshold} then ${lockUntil.toISOString()}::timestamptz else ${staffUsers.lockedUntil} end`,
    })
    .where(eq(staffUsers.id, id))
    .returning();
  return row;
}

export async function insertApiKey(q: Queryable, key: typeof apiKeys.$inferInsert): Promise<ApiKey> {
  const [row] = await q.insert(apiKeys).values(key).returning();
  return row!;
}

export async function findActiveApiKeyByHash(q: Queryable, keyHash: string): Promise<(ApiKey & { agency: Agency }) | undefined> {
  const [row] = await q
    .select({ key: apiKeys, agency: agencies })
    .from(apiKeys)
    .innerJoin(agencies, eq(agencies.id, apiKeys.agencyId))
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
  return row ? { ...row.key, agency: row.agency } : undefined;
}

export async function listApiKeys(q: Queryable): Promise<ApiKey[]> {
  return q.select().from(apiKeys).orderBy(asc(apiKeys.createdAt));
}

export async function revokeApiKey(q: Queryable, id: string, at: Date): Promise<ApiKey | undefined> {
  const [row] = await q
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  return row;
}

export async function touchApiKey(q: Queryable, id: string, at: Date): Promise<void> {
  await q.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
}
