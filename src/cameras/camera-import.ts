// Bulk import of cameras from CSV or GeoJSON (C5): city-owned cameras (CCTV, traffic) for an agency, and earlier
// programs' registrations with their owners. Every row is checked and reported; a file with a bad row imports
// nothing unless `partial` is asked for. Rows are matched on `external_ref`: importing a file again updates.
import { parse } from 'csv-parse/sync';
import type { Db } from '../db/client.js';
import { CAMERA_KINDS, CAMERA_TIERS, OWNER_KINDS, type CameraKind, type CameraTier, type OwnerKind } from '../db/schema.js';
import { invalid } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { ServiceArea } from '../geo/service-area.js';
import type { Actor } from '../staff/staff.service.js';
import * as staffRepo from '../staff/staff.repository.js';
import * as repo from './camera.repository.js';
import type { Camera, NewCamera } from './camera.repository.js';
import type { CameraRegistry } from './camera-registry.js';
import { recordChange, type FloorPublisher } from '../events/floor-publisher.js';

export interface ImportRow {
  externalRef: string;
  label: string | null;
  lat: number;
  lng: number;
  address: string | null;
  kind: CameraKind;
  bearingDeg: number;
  fovDeg: number;
  rangeM: number;
  retentionDays: number;
  tier: CameraTier;
  owner: { name: string; email: string; phone: string | null; kind: OwnerKind } | null;
}

export interface RowReport {
  row: number;
  externalRef: string | null;
  outcome: 'created' | 'updated' | 'rejected' | 'valid';
  errors: string[];
}

export interface ImportReport {
  format: 'csv' | 'geojson';
  rows: number;
  created: number;
  updated: number;
  rejected: number;
  dryRun: boolean;
  imported: boolean;
  report: RowReport[];
}

export interface ImportOptions {
  format: 'csv' | 'geojson';
  /** Agency that owns rows without an owner (city cameras). */
  agencyName?: string | undefined;
  dryRun?: boolean;
  partial?: boolean;
}

type Raw = Record<string, unknown>;

const ALIASES: Record<string, string[]> = {
  external_ref: ['external_ref', 'id', 'camera_id', 'ref', 'objectid'],
  lat: ['lat', 'latitude', 'y'],
  lng: ['lng', 'lon', 'long', 'longitude', 'x'],
  label: ['label', 'name', 'camera_name', 'location_name'],
  address: ['address', 'location', 'site'],
  kind: ['kind', 'type', 'camera_type'],
  bearing_deg: ['bearing_deg', 'bearing', 'heading', 'direction'],
  fov_deg: ['fov_deg', 'fov', 'angle'],
  range_m: ['range_m', 'range'],
  retention_days: ['retention_days', 'retention'],
  tier: ['tier'],
  owner_name: ['owner_name'],
  owner_email: ['owner_email'],
  owner_phone: ['owner_phone'],
  owner_kind: ['owner_kind'],
};

function pick(raw: Raw, key: string): string | undefined {
  const lower = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.trim().toLowerCase().replace(/^\ufeff/, ''), v]));
  for (const alias of ALIASES[key] ?? [key]) {
    const v = lower[alias];
    if (v !== undefined && v !== null && String(v).trim() !== '') return String(v).trim();
  }
  return undefined;
}

const KIND_WORDS: Record<string, CameraKind> = { cctv: 'cctv', traffic: 'traffic', 'speed camera': 'traffic', 'red light camera': 'traffic', 'stop sign camera': 'traffic', ptz: 'ptz', dome: 'dome', fixed: 'fixed', doorbell: 'doorbell' };

/** Checks and normalises one raw row; returns the row or the list of what is wrong with it. */
export function normaliseRow(raw: Raw, area: ServiceArea, hasAgency: boolean): { row?: ImportRow; errors: string[] } {
  const errors: string[] = [];
  const num = (key: string, fallback: number | undefined, min: number, max: number): number => {
    const text = pick(raw, key);
    if (text === undefined) {
      if (fallback === undefined) errors.push(`${key} is missing`);
      return fallback ?? NaN;
    }
    const n = Number(text);
    if (!Number.isFinite(n)) errors.push(`${key} "${text}" is not a number`);
    else if (n < min || n > max) errors.push(`${key} ${n} is outside ${min}–${max}`);
    return n;
  };
  const externalRef = pick(raw, 'external_ref');
  if (!externalRef) errors.push('external_ref (or id) is missing');
  else if (externalRef.length > 100) errors.push('external_ref is longer than 100 characters');
  const lat = num('lat', undefined, -90, 90);
  const lng = num('lng', undefined, -180, 180);
  if (Number.isFinite(lat) && Number.isFinite(lng) && errors.length === 0 && !area.contains(lat, lng)) errors.push(`(${lat}, ${lng}) is outside the service area`);
  const kindText = (pick(raw, 'kind') ?? (hasAgency ? 'cctv' : '')).toLowerCase();
  const kind = (CAMERA_KINDS as readonly string[]).includes(kindText) ? (kindText as CameraKind) : KIND_WORDS[kindText];
  if (!kind) errors.push(`kind "${kindText}" is not one of ${CAMERA_KINDS.join(', ')}`);
  const fovDeg = num('fov_deg', kind === 'ptz' || kind === 'cctv' ? 360 : 90, 1, 360);
  const bearingDeg = num('bearing_deg', fovDeg === 360 ? 0 : undefined, 0, 360) % 360;
  const rangeM = num('range_m', kind === 'traffic' ? 60 : kind === 'doorbell' ? 15 : 50, 0.1, 1000);
  const retentionDays = num('retention_days', 30, 0, 3650);
  if (Number.isFinite(retentionDays) && !Number.isInteger(retentionDays)) errors.push('retention_days must be a whole number');

  const ownerEmail = pick(raw, 'owner_email');
  let owner: ImportRow['owner'] = null;
  if (ownerEmail) {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(ownerEmail)) errors.push(`owner_email "${ownerEmail}" is not an email address`);
    const ownerKind = (pick(raw, 'owner_kind') ?? 'resident').toLowerCase();
    if (!(OWNER_KINDS as readonly string[]).includes(ownerKind)) errors.push(`owner_kind "${ownerKind}" is not one of ${OWNER_KINDS.join(', ')}`);
    owner = { name: pick(raw, 'owner_name') ?? ownerEmail, email: ownerEmail, phone: pick(raw, 'owner_phone') ?? null, kind: ownerKind as OwnerKind };
  } else if (!hasAgency) errors.push('a row without owner_email needs an agency (city cameras): pass one');
  const tierText = (pick(raw, 'tier') ?? (owner ? 'registered' : 'city')).toLowerCase();
  if (!(CAMERA_TIERS as readonly string[]).includes(tierText)) errors.push(`tier "${tierText}" is not one of ${CAMERA_TIERS.join(', ')}`);
  if (tierText === 'city' && owner) errors.push('a city camera has no owner');
  if (tierText === 'integrated') errors.push('integrated cameras need stream credentials and are registered through the form, not imported');

  if (errors.length) return { errors };
  return {
    errors,
    row: {
      externalRef: externalRef!,
      label: pick(raw, 'label')?.slice(0, 100) ?? null,
      lat,
      lng,
      address: pick(raw, 'address')?.slice(0, 300) ?? null,
      kind: kind!,
      bearingDeg,
      fovDeg,
      rangeM,
      retentionDays,
      tier: tierText as CameraTier,
      owner,
    },
  };
}

export function parseRecords(text: string, format: 'csv' | 'geojson'): Raw[] {
  if (format === 'csv') {
    try {
      return parse(text.replace(/^\ufeff/, ''), { columns: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as Raw[];
    } catch (err) {
      throw invalid(`the CSV file cannot be read: ${(err as Error).message}`);
    }
  }
  let doc: { type?: string; features?: { geometry?: { type?: string; coordinates?: unknown[] } | null; properties?: Raw | null }[] };
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalid(`the GeoJSON file is not JSON: ${(err as Error).message}`);
  }
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) throw invalid('the GeoJSON must be a FeatureCollection');
  return doc.features.map((f) => {
    const coords = f.geometry?.type === 'Point' && Array.isArray(f.geometry.coordinates) ? f.geometry.coordinates : [];
    return { ...(f.properties ?? {}), lng: coords[0], lat: coords[1], ...(f.geometry?.type !== 'Point' ? { __geometry: f.geometry?.type ?? 'none' } : {}) };
  });
}

export class CameraImporter {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly area: ServiceArea,
    private readonly registry: CameraRegistry,
    private readonly floor: FloorPublisher,
  ) {}

  async import(text: string, opts: ImportOptions, actor: Actor): Promise<ImportReport> {
    const records = parseRecords(text, opts.format);
    const agency = opts.agencyName ? await staffRepo.findAgencyByName(this.db, opts.agencyName) : undefined;
    if (opts.agencyName && !agency) throw invalid(`no agency is named "${opts.agencyName}"`);
    const report: RowReport[] = [];
    const good: { index: number; row: ImportRow }[] = [];
    const seen = new Set<string>();
    records.forEach((raw, i) => {
      const { row, errors } = raw.__geometry ? { row: undefined, errors: [`geometry ${String(raw.__geometry)} is not a Point`] } : normaliseRow(raw, this.area, !!agency);
      if (row && seen.has(row.externalRef)) errors.push(`external_ref "${row.externalRef}" appears twice in the file`);
      if (row && errors.length === 0) {
        seen.add(row.externalRef);
        good.push({ index: i, row });
      }
      report.push({ row: i + 1, externalRef: row?.externalRef ?? (pick(raw, 'external_ref') ?? null), outcome: errors.length ? 'rejected' : 'valid', errors });
    });
    const rejected = report.filter((r) => r.outcome === 'rejected').length;
    const base = { format: opts.format, rows: records.length, rejected, dryRun: !!opts.dryRun };
    if (records.length === 0) throw invalid('the file has no rows');
    if (opts.dryRun || (rejected > 0 && !opts.partial)) return { ...base, created: 0, updated: 0, imported: false, report };

    const now = this.clock.now();
    const changed: Camera[] = [];
    let created = 0;
    let updated = 0;
    await this.floor.transaction(async (tx) => {
      const existing = new Map((await repo.findCamerasByExternalRef(tx, good.map((g) => g.row.externalRef))).map((c) => [c.externalRef!, c]));
      const ownersByEmail = new Map<string, string>();
      for (const { index, row } of good) {
        const columns: Partial<NewCamera> = { label: row.label, lat: row.lat, lng: row.lng, address: row.address, kind: row.kind, bearingDeg: row.bearingDeg, fovDeg: row.fovDeg, rangeM: row.rangeM, retentionDays: row.retentionDays, tier: row.tier, updatedAt: now };
        const before = existing.get(row.externalRef);
        if (before) {
          changed.push((await repo.updateCamera(tx, before.id, columns))!);
          report[index]!.outcome = 'updated';
          updated++;
          continue;
        }
        let ownerId: string | null = null;
        if (row.owner) {
          ownerId = ownersByEmail.get(row.owner.email.toLowerCase()) ?? null;
          if (!ownerId) {
            const o = await repo.insertOwner(tx, { ...row.owner, consentVersion: 'imported', consentAt: now });
            ownerId = o.id;
            ownersByEmail.set(row.owner.email.toLowerCase(), o.id);
          }
        }
        const [camera] = await repo.insertCameras(tx, [
          { ...(columns as NewCamera), ownerId, agencyId: ownerId ? null : agency!.id, externalRef: row.externalRef, source: 'import', status: 'verified', verifiedAt: now, verifiedBy: actor.actorId ?? null, createdAt: now },
        ]);
        changed.push(camera!);
        report[index]!.outcome = 'created';
        created++;
      }
      await appendAudit(tx, { ...actor, action: 'camera.import', targetType: 'camera', details: { format: opts.format, rows: records.length, created, updated, rejected, agency: agency?.name ?? null } }, now);
      for (const c of changed) recordChange(tx, { kind: 'camera', cameraId: c.id, status: c.status });
    }, () => this.registry.applyAll(changed));
    return { ...base, created, updated, imported: true, report };
  }
}
