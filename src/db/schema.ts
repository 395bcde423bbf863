// The one SQL schema, for PGlite and PostgreSQL alike. Migrations under ./migrations are generated from it
// (`npm run db:generate`) plus hand-written SQL where Drizzle has no words (triggers).
import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const AGENCY_KINDS = ['local', 'regional', 'federal'] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export const ROLES = ['operator', 'supervisor', 'admin', 'auditor', 'partner'] as const;
export type Role = (typeof ROLES)[number];

export const agencies = pgTable('agencies', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  kind: text('kind').$type<AgencyKind>().notNull(),
  createdAt: createdAt(),
});

export const staffUsers = pgTable(
  'staff_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    email: text('email'),
    passwordHash: text('password_hash').notNull(),
    roles: text('roles').array().$type<Role[]>().notNull(),
    /** AES-256-GCM sealed TOTP seed, set once the user has proven a code from it. */
    totpSecretEnc: text('totp_secret_enc'),
    /** Seed shown at enrolment, not yet confirmed by a code. */
    totpPendingEnc: text('totp_pending_enc'),
    /** The last TOTP time step accepted, so a code cannot be replayed within its window. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('staff_users_username_lower').on(sql`lower(${t.username})`)],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie token: a database leak does not hand out live sessions. */
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id),
    /** 'mfa' after the password, 'active' after the second factor. */
    stage: text('stage').$type<'mfa' | 'active'>().notNull(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  agencyId: uuid('agency_id')
    .notNull()
    .references(() => agencies.id),
  name: text('name').notNull(),
  role: text('role').$type<Role>().notNull(),
  /** First characters of the key, shown in listings so an admin can tell keys apart. */
  prefix: text('prefix').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  createdBy: text('created_by').notNull(),
  createdAt: createdAt(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
});

export const auditLog = pgTable(
  'audit_log',
  {
    /** Assigned by the writer as previous + 1 under a lock: a gap means a deleted row. */
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'string', precision: 3 }).notNull(),
    actorType: text('actor_type').$type<'staff' | 'api_key' | 'owner' | 'system' | 'anonymous'>().notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    agencyId: uuid('agency_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    purpose: text('purpose'),
    incidentId: text('incident_id'),
    requestId: text('request_id'),
    outcome: text('outcome').$type<'success' | 'failure' | 'denied'>().notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_log_at').on(t.at),
    index('audit_log_actor').on(t.actorId),
    index('audit_log_action').on(t.action),
    index('audit_log_target').on(t.targetType, t.targetId),
  ],
);

/** Small key/value table for instance-wide facts (schema flags, demo marker). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
