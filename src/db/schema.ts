// The one SQL schema, for PGlite and PostgreSQL alike. Migrations under ./migrations are generated from it
// (`npm run db:generate`) plus hand-written SQL where Drizzle has no words (triggers).
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
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

/**
 * Audit entries a transaction has written but not yet chained: at its commit a deferred trigger (migration 0007)
 * takes the chain's lock, chains them into audit_log and deletes them, so no committed row is ever here. Each row
 * holds one append's entries: {row: audit_log columns, head, tail} (see audit_append), in order.
 */
export const auditPending = pgTable('audit_pending', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  entries: jsonb('entries').$type<{ row: Record<string, unknown>; head: string; tail: string }[]>().notNull(),
});

/** Small key/value table for instance-wide facts (schema flags, demo marker). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

// ---------------------------------------------------------------------------------------------------------------
// CameraConnect: owners and their cameras (C1–C5)

export const OWNER_KINDS = ['resident', 'business', 'nonprofit', 'religious', 'apartment_commercial'] as const;
export type OwnerKind = (typeof OWNER_KINDS)[number];
export const LANGUAGES = ['en', 'es', 'am', 'zh', 'vi', 'ko', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export const CAMERA_KINDS = ['doorbell', 'fixed', 'dome', 'ptz', 'cctv', 'traffic'] as const;
export type CameraKind = (typeof CAMERA_KINDS)[number];
export const CAMERA_TIERS = ['registered', 'integrated', 'city'] as const;
export type CameraTier = (typeof CAMERA_TIERS)[number];
export const CAMERA_STATUSES = ['pending', 'verified', 'rejected', 'paused', 'withdrawn'] as const;
export type CameraStatus = (typeof CAMERA_STATUSES)[number];

export const owners = pgTable(
  'owners',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Personal data: set to null when the owner withdraws and the retention period has passed. */
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    kind: text('kind').$type<OwnerKind>().notNull(),
    organization: text('organization'),
    language: text('language').$type<Language>().notNull().default('en'),
    timeZone: text('time_zone').notNull().default('America/New_York'),
    contactByEmail: boolean('contact_by_email').notNull().default(true),
    contactBySms: boolean('contact_by_sms').notNull().default(false),
    consentVersion: text('consent_version').notNull(),
    consentAt: timestamp('consent_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true, mode: 'date' }),
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
    /** Kinds of incident (src/requests/request-kinds.ts) the owner does not want to be asked about. */
    declinedKinds: text('declined_kinds').array().$type<string[]>().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [index('owners_email_lower').on(sql`lower(${t.email})`)],
);

export const cameras = pgTable(
  'cameras',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** A resident's or business's camera belongs to an owner; a city camera to an agency. */
    ownerId: uuid('owner_id').references(() => owners.id),
    agencyId: uuid('agency_id').references(() => agencies.id),
    label: text('label'),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    address: text('address'),
    kind: text('kind').$type<CameraKind>().notNull(),
    bearingDeg: doublePrecision('bearing_deg').notNull(),
    fovDeg: doublePrecision('fov_deg').notNull(),
    rangeM: doublePrecision('range_m').notNull(),
    indoor: boolean('indoor').notNull().default(false),
    retentionDays: integer('retention_days').notNull(),
    tier: text('tier').$type<CameraTier>().notNull(),
    status: text('status').$type<CameraStatus>().notNull(),
    /** Why it was rejected, or what the owner is asked to change (status stays pending). */
    reviewNote: text('review_note'),
    changesRequested: boolean('changes_requested').notNull().default(false),
    /** AES-256-GCM sealed; never returned by any API. */
    streamUrlEnc: text('stream_url_enc'),
    streamCredentialsEnc: text('stream_credentials_enc'),
    source: text('source').$type<'registration' | 'import' | 'staff'>().notNull(),
    externalRef: text('external_ref'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    verifiedAt: timestamp('verified_at', { withTimezone: true, mode: 'date' }),
    verifiedBy: uuid('verified_by'),
    /**
     * The owner's declined request kinds as a bitmask (request-kinds.ts), copied here so the camera index can leave
     * these cameras out of matching without a lookup; kept in step when the owner changes their preferences.
     */
    declinedKindsMask: integer('declined_kinds_mask').notNull().default(0),
  },
  (t) => [
    index('cameras_owner').on(t.ownerId),
    index('cameras_status').on(t.status),
    uniqueIndex('cameras_external_ref').on(t.externalRef),
    check('cameras_one_holder', sql`(${t.ownerId} is null) <> (${t.agencyId} is null)`),
    check('cameras_bearing', sql`${t.bearingDeg} >= 0 and ${t.bearingDeg} < 360`),
    check('cameras_fov', sql`${t.fovDeg} >= 1 and ${t.fovDeg} <= 360`),
    check('cameras_range', sql`${t.rangeM} > 0 and ${t.rangeM} <= 2000`),
    check('cameras_retention', sql`${t.retentionDays} >= 0 and ${t.retentionDays} <= 3650`),
    check('cameras_lat', sql`${t.lat} between -90 and 90`),
    check('cameras_lng', sql`${t.lng} between -180 and 180`),
  ],
);

/** Single-use, expiring links mailed to owners. The token's SHA-256 is stored; the link also carries an HMAC. */
export const ownerLinks = pgTable(
  'owner_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => owners.id),
    purpose: text('purpose').$type<'manage'>().notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [index('owner_links_owner').on(t.ownerId)],
);

/** Owner sessions opened by a link: short, cookie-based, no password. */
export const ownerSessions = pgTable('owner_sessions', {
  tokenHash: text('token_hash').primaryKey(),
  ownerId: uuid('owner_id')
    .notNull()
    .references(() => owners.id),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
  createdAt: createdAt(),
});

/** Fingerprints of recent registrations, so that a double submission is recognised and refused. */
export const registrationFingerprints = pgTable('registration_fingerprints', {
  fingerprint: text('fingerprint').primaryKey(),
  ownerId: uuid('owner_id')
    .notNull()
    .references(() => owners.id),
  createdAt: createdAt(),
});

// ---------------------------------------------------------------------------------------------------------------
// Transactional outbox (M3): messages written in the same transaction as what caused them, delivered after commit.

export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Unique per logical message: writing the same message twice is a no-op, so nothing is sent twice. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    channel: text('channel').$type<'email' | 'sms'>().notNull(),
    recipient: text('recipient').notNull(),
    /** Template name and its data; rendered at delivery in the recipient's language. */
    template: text('template').notNull(),
    language: text('language').notNull().default('en'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    ownerId: uuid('owner_id'),
    status: text('status').$type<'pending' | 'sending' | 'sent' | 'failed' | 'cancelled'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    providerMessageId: text('provider_message_id'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('outbox_due').on(t.status, t.nextAttemptAt)],
);

// ---------------------------------------------------------------------------------------------------------------
// Incidents (I1–I3) and what the matcher found for them (M1)

export const INCIDENT_STATUSES = ['open', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    type: text('type').notNull(),
    /** 1 (highest) … 5 (lowest). */
    priority: integer('priority').notNull(),
    occurredFrom: timestamp('occurred_from', { withTimezone: true, mode: 'date' }).notNull(),
    occurredTo: timestamp('occurred_to', { withTimezone: true, mode: 'date' }),
    reportedAt: timestamp('reported_at', { withTimezone: true, mode: 'date' }),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    accuracyM: doublePrecision('accuracy_m'),
    address: text('address'),
    status: text('status').$type<IncidentStatus>().notNull().default('open'),
    agencyId: uuid('agency_id').references(() => agencies.id),
    district: text('district'),
    ward: text('ward'),
    psa: text('psa'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('incidents_source_external').on(t.source, t.externalId),
    index('incidents_occurred').on(t.occurredFrom),
    index('incidents_status').on(t.status),
    check('incidents_priority', sql`${t.priority} between 1 and 5`),
    check('incidents_window', sql`${t.occurredTo} is null or ${t.occurredTo} >= ${t.occurredFrom}`),
  ],
);

/** Every change a repeated feed message made to an incident: field → [before, after]. */
export const incidentChanges = pgTable(
  'incident_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    changes: jsonb('changes').$type<Record<string, [unknown, unknown]>>().notNull(),
  },
  (t) => [index('incident_changes_incident').on(t.incidentId)],
);

/**
 * The cameras that could have seen an incident, as the matcher ranked them when it arrived or moved: one row per
 * incident, the list in rank order as parallel arrays (rank i is element i of each). The list is only ever written
 * and read whole; as a row per camera, the list of a busy corridor (up to 200 cameras) made 200 heap rows, 400
 * index entries and 400 foreign-key checks in the transaction that takes the incident in. Cameras are never deleted
 * (leaving the program is a status), so an id here always names a camera.
 */
export const incidentMatchLists = pgTable('incident_match_lists', {
  incidentId: uuid('incident_id')
    .primaryKey()
    .references(() => incidents.id),
  computedAt: timestamp('computed_at', { withTimezone: true, mode: 'date' }).notNull(),
  cameraIds: uuid('camera_ids').array().notNull(),
  distanceM: doublePrecision('distance_m').array().notNull(),
  facesArea: boolean('faces_area').array().notNull(),
  score: doublePrecision('score').array().notNull(),
});

// ---------------------------------------------------------------------------------------------------------------
// Footage requests to camera owners (M2): one request per owner, covering one or more cameras and incidents.

export const PURPOSE_CODES = ['criminal-investigation', 'missing-person', 'traffic-crash', 'imminent-threat'] as const;
export type PurposeCode = (typeof PURPOSE_CODES)[number];
export const REQUEST_STATUSES = ['queued', 'sent', 'answered', 'declined', 'expired', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const footageRequests = pgTable(
  'footage_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => owners.id),
    status: text('status').$type<RequestStatus>().notNull(),
    purposeCode: text('purpose_code').$type<PurposeCode>().notNull(),
    /** What the owner reads: why the footage is asked for, in plain words. */
    reason: text('reason').notNull(),
    windowFrom: timestamp('window_from', { withTimezone: true, mode: 'date' }).notNull(),
    windowTo: timestamp('window_to', { withTimezone: true, mode: 'date' }).notNull(),
    requestedByType: text('requested_by_type').$type<'staff' | 'rule'>().notNull(),
    requestedById: text('requested_by_id'),
    requestedByName: text('requested_by_name').notNull(),
    agencyId: uuid('agency_id').references(() => agencies.id),
    /** Not before this time (quiet hours in the owner's time zone). */
    sendAfter: timestamp('send_after', { withTimezone: true, mode: 'date' }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    reminderSentAt: timestamp('reminder_sent_at', { withTimezone: true, mode: 'date' }),
    answeredAt: timestamp('answered_at', { withTimezone: true, mode: 'date' }),
    declineReason: text('decline_reason'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true, mode: 'date' }),
    cancelReason: text('cancel_reason'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('footage_requests_owner').on(t.ownerId, t.createdAt), index('footage_requests_status').on(t.status, t.sendAfter)],
);

export const footageRequestItems = pgTable(
  'footage_request_items',
  {
    requestId: uuid('request_id')
      .notNull()
      .references(() => footageRequests.id),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    cameraId: uuid('camera_id')
      .notNull()
      .references(() => cameras.id),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.incidentId, t.cameraId] }), index('footage_request_items_incident').on(t.incidentId)],
);

// ---------------------------------------------------------------------------------------------------------------
// Evidence (M5): footage received from owners, hashed on arrival, probed, with a browser-playable copy.

export const EVIDENCE_STATUSES = ['processing', 'ready', 'failed'] as const;
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];

export const evidence = pgTable(
  'evidence',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => footageRequests.id),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => owners.id),
    uploadId: text('upload_id').notNull().unique(),
    originalName: text('original_name').notNull(),
    contentType: text('content_type'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    /** SHA-256 of the stored original, computed as it arrived. */
    sha256: text('sha256').notNull(),
    /** Where the original is kept (relative to the evidence store); never changed. */
    originalKey: text('original_key').notNull(),
    /** A browser-playable H.264/MP4 copy, when the original is not one. */
    playableKey: text('playable_key'),
    probe: jsonb('probe').$type<Record<string, unknown>>().notNull().default({}),
    /** Why the footage may not cover the requested window (a warning, not a rejection). */
    coverageWarning: text('coverage_warning'),
    status: text('status').$type<EvidenceStatus>().notNull(),
    failure: text('failure'),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('evidence_request').on(t.requestId)],
);

// ---------------------------------------------------------------------------------------------------------------
// The floor's alert queue (F3), staff notes on incidents, and camera health reports.

export const ALERT_KINDS = ['incident', 'undelivered', 'footage', 'camera_offline'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** One alert per cause ("incident:<id>", "footage:<evidence id>", …): raising it again is a no-op. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    kind: text('kind').$type<AlertKind>().notNull(),
    title: text('title').notNull(),
    detail: text('detail'),
    /** 1 (highest) … 5. */
    priority: integer('priority').notNull(),
    status: text('status').$type<AlertStatus>().notNull().default('open'),
    /** Whose data this is (the incident's agency); null for the whole floor. */
    agencyId: uuid('agency_id').references(() => agencies.id),
    incidentId: uuid('incident_id').references(() => incidents.id),
    requestId: uuid('request_id').references(() => footageRequests.id),
    evidenceId: uuid('evidence_id').references(() => evidence.id),
    cameraId: uuid('camera_id').references(() => cameras.id),
    /** The undelivered message, for kind undelivered. */
    outboxId: uuid('outbox_id').references(() => outbox.id),
    assignedTo: uuid('assigned_to').references(() => staffUsers.id),
    assignedAt: timestamp('assigned_at', { withTimezone: true, mode: 'date' }),
    /** Left out of the open queue until then. */
    snoozedUntil: timestamp('snoozed_until', { withTimezone: true, mode: 'date' }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true, mode: 'date' }),
    acknowledgedBy: uuid('acknowledged_by').references(() => staffUsers.id),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    /** A staff member's name, or what resolved it by itself ("camera health"). */
    resolvedByName: text('resolved_by_name'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('alerts_queue').on(t.status, t.priority, t.createdAt),
    index('alerts_incident').on(t.incidentId),
    index('alerts_camera').on(t.cameraId),
    index('alerts_assigned').on(t.assignedTo),
    check('alerts_priority', sql`${t.priority} between 1 and 5`),
  ],
);

/** Staff notes on an incident (audited; shown in its timeline). */
export const incidentNotes = pgTable(
  'incident_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    authorId: uuid('author_id')
      .notNull()
      .references(() => staffUsers.id),
    text: text('text').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('incident_notes_incident').on(t.incidentId, t.createdAt)],
);

/** The last health report of each camera that has a feed reporting on it (online, or offline since when). */
export const cameraHealth = pgTable('camera_health', {
  cameraId: uuid('camera_id')
    .primaryKey()
    .references(() => cameras.id),
  online: boolean('online').notNull(),
  detail: text('detail'),
  /** When it last went offline or came back: an offline spell is one alert. */
  changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull(),
  reportedAt: timestamp('reported_at', { withTimezone: true, mode: 'date' }).notNull(),
});
