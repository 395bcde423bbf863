// Owners, cameras, owner links and sessions: the only SQL for these tables.
import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { rowsInto, type RowsInsert } from '../db/bulk.js';
import { BinaryCopyReader, WordTable, uuidAt } from '../db/copy-binary.js';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { PGliteThread } from '../db/pglite-thread.js';
import { cameras, ownerLinks, owners, ownerSessions, registrationFingerprints, type CameraStatus } from '../db/schema.js';

export type Owner = typeof owners.$inferSelect;
export type Camera = typeof cameras.$inferSelect;
export type NewCamera = typeof cameras.$inferInsert;

export async function insertOwner(q: Queryable, owner: typeof owners.$inferInsert): Promise<Owner> {
  const [row] = await q.insert(owners).values(owner).returning();
  return row!;
}

export async function insertOwners(q: Queryable, rows: (typeof owners.$inferInsert)[]): Promise<void> {
  if (rows.length) await q.insert(owners).values(rows);
}

export async function findOwner(q: Queryable, id: string): Promise<Owner | undefined> {
  const [row] = await q.select().from(owners).where(eq(owners.id, id));
  return row;
}

/** What a footage request needs to know of a camera and of its owner. */
export interface CameraWithOwner {
  camera: Pick<Camera, 'id' | 'ownerId' | 'status' | 'label' | 'kind' | 'address' | 'declinedKindsMask'>;
  owner: Pick<Owner, 'id' | 'name' | 'email' | 'phone' | 'language' | 'timeZone' | 'contactByEmail' | 'contactBySms' | 'withdrawnAt'> | null;
}

/** Owners with this email who have not withdrawn (an address can hold a home and a business registration). */
export async function findOwnersByEmail(q: Queryable, email: string): Promise<Owner[]> {
  return q.select().from(owners).where(and(sql`lower(${owners.email}) = lower(${email})`, isNull(owners.erasedAt)));
}

export async function updateOwner(q: Queryable, id: string, patch: Partial<typeof owners.$inferInsert>): Promise<Owner | undefined> {
  const [row] = await q.update(owners).set(patch).where(eq(owners.id, id)).returning();
  return row;
}

export async function insertCameras(q: Queryable, rows: NewCamera[]): Promise<Camera[]> {
  if (rows.length === 0) return [];
  return q.insert(cameras).values(rows).returning();
}

export async function findCamera(q: Queryable, id: string): Promise<Camera | undefined> {
  const [row] = await q.select().from(cameras).where(eq(cameras.id, id));
  return row;
}

/** Several cameras by id (the live floor reloads the ones another instance changed). */
export async function findCameras(q: Queryable, ids: readonly string[]): Promise<Camera[]> {
  if (ids.length === 0) return [];
  return q.select().from(cameras).where(inArray(cameras.id, [...ids]));
}

export async function findCameraForUpdate(q: Queryable, id: string): Promise<Camera | undefined> {
  const [row] = await q.select().from(cameras).where(eq(cameras.id, id)).for('update');
  return row;
}

export async function camerasOfOwner(q: Queryable, ownerId: string): Promise<Camera[]> {
  return q.select().from(cameras).where(eq(cameras.ownerId, ownerId)).orderBy(asc(cameras.createdAt));
}

/** Copies an owner's declined request kinds (as a bitmask) onto their cameras; returns the cameras. */
export async function setDeclinedKindsMask(q: Queryable, ownerId: string, mask: number): Promise<Camera[]> {
  return q.update(cameras).set({ declinedKindsMask: mask }).where(eq(cameras.ownerId, ownerId)).returning();
}

export async function updateCamera(q: Queryable, id: string, patch: Partial<NewCamera>): Promise<Camera | undefined> {
  const [row] = await q.update(cameras).set(patch).where(eq(cameras.id, id)).returning();
  return row;
}

export interface CameraFilter {
  status?: CameraStatus | undefined;
  tier?: string | undefined;
  ownerId?: string | undefined;
  agencyId?: string | undefined;
  bbox?: [number, number, number, number] | undefined;
  changesRequested?: boolean | undefined;
}

function cameraConditions(f: CameraFilter): SQL | undefined {
  const conds: SQL[] = [];
  if (f.status) conds.push(eq(cameras.status, f.status));
  if (f.tier) conds.push(eq(cameras.tier, f.tier as Camera['tier']));
  if (f.ownerId) conds.push(eq(cameras.ownerId, f.ownerId));
  if (f.agencyId) conds.push(eq(cameras.agencyId, f.agencyId));
  if (f.changesRequested !== undefined) conds.push(eq(cameras.changesRequested, f.changesRequested));
  if (f.bbox) {
    const [w, s, e, n] = f.bbox;
    conds.push(sql`${cameras.lng} between ${w} and ${e} and ${cameras.lat} between ${s} and ${n}`);
  }
  return conds.length ? and(...conds) : undefined;
}

export async function listCameras(q: Queryable, f: CameraFilter, limit: number, offset = 0): Promise<Camera[]> {
  return q.select().from(cameras).where(cameraConditions(f)).orderBy(asc(cameras.createdAt), asc(cameras.id)).limit(limit).offset(offset);
}

export async function countCameras(q: Queryable, f: CameraFilter): Promise<number> {
  const [row] = await q.select({ n: sql<number>`count(*)::int` }).from(cameras).where(cameraConditions(f));
  return row?.n ?? 0;
}

/** The pending queue, oldest first, with each camera's owner. */
export async function pendingWithOwners(q: Queryable, limit: number): Promise<{ camera: Camera; owner: Owner | null }[]> {
  return q
    .select({ camera: cameras, owner: owners })
    .from(cameras)
    .leftJoin(owners, eq(owners.id, cameras.ownerId))
    .where(eq(cameras.status, 'pending'))
    .orderBy(asc(cameras.createdAt))
    .limit(limit);
}

/** The columns the camera index needs, nothing personal. */
export const indexColumns = {
  id: cameras.id,
  lat: cameras.lat,
  lng: cameras.lng,
  bearingDeg: cameras.bearingDeg,
  fovDeg: cameras.fovDeg,
  rangeM: cameras.rangeM,
  tier: cameras.tier,
  retentionDays: cameras.retentionDays,
  ownerId: cameras.ownerId,
  kind: cameras.kind,
  declinedKindsMask: cameras.declinedKindsMask,
};
export type IndexRow = { [K in keyof typeof indexColumns]: Camera[K] };

/**
 * Every verified camera's index columns, for building the camera index at start. The database keeps them packed
 * in one column per camera (`index_fields`, 80 bytes, migration 0008), read beside tier and kind and decoded at
 * fixed offsets, where a SELECT through the driver would make and parse a million rows of text (many seconds):
 * - PostgreSQL: one binary COPY, streamed, decoded row by row as it arrives (the server's work overlaps ours).
 * - PGlite: one row (the packed columns of every camera joined by string_agg), because the embedded database
 *   spends most of a COPY on formatting each field of each row.
 * Inside a transaction (no client of its own to copy with) it falls back to paged SELECTs.
 */
export async function verifiedCamerasForIndex(q: Queryable): Promise<IndexRow[]> {
  const client = (q as { $client?: unknown }).$client;
  if (client instanceof pg.Pool) return copyVerifiedCameras(client);
  if (client instanceof PGliteThread) return packedVerifiedCameras(client);
  const rows: IndexRow[] = [];
  for await (const page of verifiedCameras(q)) rows.push(...page);
  return rows;
}

/** Bytes of `index_fields` and where each field starts in them (see migration 0008). */
const INDEX_FIELDS_BYTES = 80;
const AT = { id: 0, lat: 16, lng: 24, bearing: 32, fov: 40, range: 48, retention: 56, owner: 60, declined: 76 } as const;

/**
 * Owner ids as strings, one per run of cameras of the same owner: cameras registered together are stored together,
 * so comparing with the previous camera's owner shares the string (and saves making one) for most of them.
 */
class OwnerIds {
  readonly #last = new Int32Array(4);
  #lastId: string | null = null;

  /** The owner at `o`; the nil uuid (a city camera) is no owner. */
  at(buf: Buffer, view: DataView, o: number): string | null {
    const a = view.getInt32(o);
    const b = view.getInt32(o + 4);
    const c = view.getInt32(o + 8);
    const d = view.getInt32(o + 12);
    if ((a | b | c | d) === 0) return null;
    const last = this.#last;
    if (this.#lastId !== null && a === last[0] && b === last[1] && c === last[2] && d === last[3]) return this.#lastId;
    last[0] = a;
    last[1] = b;
    last[2] = c;
    last[3] = d;
    return (this.#lastId = uuidAt(buf, o));
  }
}

/** One camera from its packed fields at `o`. */
function indexRowAt(buf: Buffer, view: DataView, o: number, tier: string, kind: string, owners: OwnerIds): IndexRow {
  return {
    id: uuidAt(buf, o + AT.id),
    lat: view.getFloat64(o + AT.lat),
    lng: view.getFloat64(o + AT.lng),
    bearingDeg: view.getFloat64(o + AT.bearing),
    fovDeg: view.getFloat64(o + AT.fov),
    rangeM: view.getFloat64(o + AT.range),
    tier: tier as Camera['tier'],
    retentionDays: view.getInt32(o + AT.retention),
    ownerId: owners.at(buf, view, o + AT.owner),
    kind: kind as Camera['kind'],
    declinedKindsMask: view.getInt32(o + AT.declined),
  };
}

async function copyVerifiedCameras(pool: pg.Pool): Promise<IndexRow[]> {
  const rows: IndexRow[] = [];
  const words = new WordTable();
  const owners = new OwnerIds();
  const reader = new BinaryCopyReader(3, ({ buf, view, start: s, length }) => {
    if (length[0] !== INDEX_FIELDS_BYTES) throw new Error(`a camera's index_fields holds ${length[0]} bytes, expected ${INDEX_FIELDS_BYTES}`);
    rows.push(indexRowAt(buf, view, s[0]!, words.at(buf, s[1]!, length[1]!), words.at(buf, s[2]!, length[2]!), owners));
  });
  const conn = await pool.connect();
  try {
    const copy = copyTo(`copy (select index_fields, tier, kind from cameras where status = 'verified') to stdout with (format binary)`);
    for await (const chunk of conn.query(copy)) reader.push(chunk as Buffer);
  } finally {
    conn.release();
  }
  reader.end();
  return rows;
}

/** The words of a comma-separated list in a buffer (string_agg of tiers or kinds), one after another. */
class CommaList {
  #at: number;
  readonly #end: number;

  constructor(
    private readonly buf: Buffer,
    start: number,
    length: number,
    private readonly words: WordTable,
  ) {
    this.#at = start;
    this.#end = start + length;
  }

  next(): string {
    const from = this.#at;
    let e = from;
    while (e < this.#end && this.buf[e] !== 0x2c) e++;
    this.#at = e + 1;
    return this.words.at(this.buf, from, e - from);
  }

  /** Every word read, and no more than there were. */
  get done(): boolean {
    return this.#at === this.#end + 1;
  }
}

/** All aggregates of one scan see the rows in the same order, so the i-th entry of every list is the same camera. */
const PACKED_CAMERAS = `select count(*), string_agg(index_fields, ''::bytea), string_agg(tier, ','), string_agg(kind, ',') from cameras where status = 'verified'`;

/**
 * PGlite: every verified camera in one row of packed columns, taken as the raw bytes of PostgreSQL's binary form
 * (`binaryRow`): a million rows would each cost the embedded database its formatting, and a COPY of the one row to a
 * blob cost as much again as the aggregates.
 */
async function packedVerifiedCameras(db: PGliteThread): Promise<IndexRow[]> {
  const row = await db.binaryRow(PACKED_CAMERAS);
  const [count, fields, tierList, kindList] = row ?? [];
  if (!count || count.length !== 8) throw new Error('PGlite returned no count of verified cameras');
  const n = Number(new DataView(count.buffer, count.byteOffset, 8).getBigInt64(0));
  if (n === 0) return [];
  if (!fields || !tierList || !kindList) throw new Error('PGlite returned no packed camera fields');
  if (fields.length !== n * INDEX_FIELDS_BYTES) throw new Error(`the cameras' index_fields hold ${fields.length} bytes, expected ${n * INDEX_FIELDS_BYTES}`);
  // All three columns are views of one buffer.
  const buf = Buffer.from(fields.buffer, 0, fields.buffer.byteLength);
  const view = new DataView(fields.buffer);
  const words = new WordTable();
  const owners = new OwnerIds();
  const tiers = new CommaList(buf, tierList.byteOffset, tierList.length, words);
  const kinds = new CommaList(buf, kindList.byteOffset, kindList.length, words);
  const rows = new Array<IndexRow>(n);
  for (let i = 0; i < n; i++) rows[i] = indexRowAt(buf, view, fields.byteOffset + INDEX_FIELDS_BYTES * i, tiers.next(), kinds.next(), owners);
  // A tier or kind holding a comma would leave the lists out of step with the cameras.
  if (!tiers.done || !kinds.done) throw new Error('camera index tier/kind lists do not match the number of cameras');
  return rows;
}

/** Every verified camera (index columns only), in pages by id. */
export async function* verifiedCameras(q: Queryable, pageSize = 100_000): AsyncGenerator<IndexRow[]> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await q.select(indexColumns).from(cameras).where(and(eq(cameras.status, 'verified'), gt(cameras.id, after))).orderBy(asc(cameras.id)).limit(pageSize);
    if (page.length) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.id;
  }
}

export async function findCamerasByExternalRef(q: Queryable, refs: string[]): Promise<Camera[]> {
  if (refs.length === 0) return [];
  return q.select().from(cameras).where(inArray(cameras.externalRef, refs));
}

export async function insertFingerprint(q: Queryable, fingerprint: string, ownerId: string): Promise<boolean> {
  const rows = await q.insert(registrationFingerprints).values({ fingerprint, ownerId }).onConflictDoNothing().returning();
  return rows.length > 0;
}

export async function findFingerprint(q: Queryable, fingerprint: string, since: Date) {
  const [row] = await q
    .select()
    .from(registrationFingerprints)
    .where(and(eq(registrationFingerprints.fingerprint, fingerprint), gt(registrationFingerprints.createdAt, since)));
  return row;
}

export async function deleteFingerprint(q: Queryable, fingerprint: string): Promise<void> {
  await q.delete(registrationFingerprints).where(eq(registrationFingerprints.fingerprint, fingerprint));
}

export async function insertOwnerLink(q: Queryable, link: typeof ownerLinks.$inferInsert): Promise<typeof ownerLinks.$inferSelect> {
  const [row] = await q.insert(ownerLinks).values(link).returning();
  return row!;
}

/** New links (their ids chosen by the caller), to insert with insertAll. */
export function ownerLinkRows(links: (typeof ownerLinks.$inferInsert & { id: string })[]): RowsInsert {
  return rowsInto(ownerLinks, links);
}

/** Marks an unused, unexpired link used, atomically: of two concurrent uses, one wins. */
export async function consumeOwnerLink(q: Queryable, id: string, tokenHash: string, now: Date) {
  const [row] = await q
    .update(ownerLinks)
    .set({ usedAt: now })
    .where(and(eq(ownerLinks.id, id), eq(ownerLinks.tokenHash, tokenHash), isNull(ownerLinks.usedAt), gt(ownerLinks.expiresAt, now)))
    .returning();
  return row;
}

export async function findOwnerLink(q: Queryable, id: string) {
  const [row] = await q.select().from(ownerLinks).where(eq(ownerLinks.id, id));
  return row;
}

export async function insertOwnerSession(q: Queryable, row: typeof ownerSessions.$inferInsert): Promise<void> {
  await q.insert(ownerSessions).values(row);
}

export async function findOwnerSession(q: Queryable, tokenHash: string, now: Date) {
  const [row] = await q
    .select()
    .from(ownerSessions)
    .where(and(eq(ownerSessions.tokenHash, tokenHash), isNull(ownerSessions.endedAt), gt(ownerSessions.expiresAt, now)));
  return row;
}

/** Moves a live session's idle expiry on (never back). */
export async function extendOwnerSession(q: Queryable, tokenHash: string, expiresAt: Date): Promise<void> {
  await q
    .update(ownerSessions)
    .set({ expiresAt })
    .where(and(eq(ownerSessions.tokenHash, tokenHash), isNull(ownerSessions.endedAt), lt(ownerSessions.expiresAt, expiresAt)));
}

export async function endOwnerSessions(q: Queryable, ownerId: string, now: Date): Promise<void> {
  await q.update(ownerSessions).set({ endedAt: now }).where(and(eq(ownerSessions.ownerId, ownerId), isNull(ownerSessions.endedAt)));
}

/** Owners who withdrew before `cutoff` and whose personal data is still held. */
export async function ownersDueForErasure(q: Queryable, cutoff: Date): Promise<Owner[]> {
  return q
    .select()
    .from(owners)
    .where(and(lte(owners.withdrawnAt, cutoff), isNull(owners.erasedAt)))
    .orderBy(desc(owners.withdrawnAt));
}

export async function countActiveCameras(q: Queryable, ownerId: string): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`count(*)::int` })
    .from(cameras)
    .where(and(eq(cameras.ownerId, ownerId), ne(cameras.status, 'withdrawn'), ne(cameras.status, 'rejected')));
  return row?.n ?? 0;
}

export async function verifiedPositions(q: Queryable): Promise<{ lat: number; lng: number }[]> {
  return q.select({ lat: cameras.lat, lng: cameras.lng }).from(cameras).where(eq(cameras.status, 'verified'));
}
