// Incident intake (I1–I3) and matching (M1). Each incident passes an ordered list of small steps:
// check → upsert by (source, external id) recording what changed → match against the camera index → audit,
// all in one transaction, so a repeated feed message updates and never duplicates.
import crypto from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/client.js';
import { AppError, invalid, notFound, type ProblemField } from '../errors.js';
import { appendAudit, auditAtCommit, type AuditEvent } from '../audit/audit.repository.js';
import { insertAllWithCommit, type RowsInsert } from '../db/bulk.js';
import type { Clock } from '../platform/clock.js';
import type { ServiceArea } from '../geo/service-area.js';
import type { CameraRegistry } from '../cameras/camera-registry.js';
import type { Actor } from '../staff/staff.service.js';
import * as repo from './incident.repository.js';
import type { RequestAsk, RequestService } from '../requests/request.service.js';
import type { Incident } from './incident.repository.js';
import { recordChange, type FloorPublisher } from '../events/floor-publisher.js';
import type { AlertService } from '../alerts/alert.service.js';
import { kindBit, kindOfIncidentType } from '../requests/request-kinds.js';
import { withFields } from '../platform/objects.js';

/** One incident as every intake path (API, EIDO, CSV, replayer) hands it over. */
export interface IncidentInput {
  source: string;
  externalId: string;
  type: string;
  priority: number;
  occurredFrom: string;
  occurredTo: string | null;
  reportedAt?: string | null;
  location: { lat: number; lng: number; accuracyM: number } | null;
  address: string | null;
  district?: string | null;
  ward?: string | null;
  psa?: string | null;
  details?: Record<string, unknown>;
}

export interface IngestResult {
  incident: Incident;
  created: boolean;
  /** Fields a repeated message changed (empty when it changed nothing). */
  changed: string[];
  matchCount: number;
}

/**
 * Where a new incident's intake spent its time, in milliseconds, from the call to the commit (the parts add up to
 * the whole). Published as the `watchfloor_intake_phase_seconds` histogram, so that an operator can tell a slow
 * database from a busy server or a starved connection pool.
 */
export interface IntakeTimings {
  /** Checks, matching against the camera index, and waiting for a database connection. */
  beforeMs: number;
  /** The first statement's round trip (with BEGIN): the incident written, the matched cameras' owners read. */
  firstMs: number;
  /** Planning the requests, links, messages and audit entries between the two statements. */
  planMs: number;
  /** The last write with the COMMIT (the audit chain is extended there), then the floor's events published. */
  commitMs: number;
}

/** A feed's clock may run a little ahead; beyond this an incident "in the future" is an error. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const TRACKED_FIELDS = ['type', 'priority', 'occurredFrom', 'occurredTo', 'reportedAt', 'lat', 'lng', 'accuracyM', 'address', 'district', 'ward', 'psa'] as const;

type Columns = Pick<Incident, (typeof TRACKED_FIELDS)[number]>;

function parseTime(text: string | null | undefined, pointer: string, now: Date, problems: ProblemField[]): Date | null {
  if (text === null || text === undefined) return null;
  const t = new Date(text);
  if (Number.isNaN(t.getTime())) problems.push({ pointer, message: `"${text}" is not a date-time` });
  else if (t.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) problems.push({ pointer, message: `${t.toISOString()} is in the future` });
  return t;
}

/** Checks what a schema cannot and turns the input into columns; collects every problem. */
export function checkIncident(input: IncidentInput, area: ServiceArea, now: Date): Columns {
  const problems: ProblemField[] = [];
  const occurredFrom = parseTime(input.occurredFrom, '/body/occurredFrom', now, problems);
  const occurredTo = parseTime(input.occurredTo, '/body/occurredTo', now, problems);
  const reportedAt = parseTime(input.reportedAt, '/body/reportedAt', now, problems);
  if (occurredFrom && occurredTo && occurredTo < occurredFrom) problems.push({ pointer: '/body/occurredTo', message: 'the window ends before it starts' });
  if (!Number.isInteger(input.priority) || input.priority < 1 || input.priority > 5) problems.push({ pointer: '/body/priority', message: 'priority is 1 (highest) to 5' });
  const loc = input.location;
  if (loc && !area.contains(loc.lat, loc.lng)) problems.push({ pointer: '/body/location', message: `(${loc.lat}, ${loc.lng}) is outside the service area (${area.name})` });
  if (!loc && !input.address?.trim()) problems.push({ pointer: '/body/location', message: 'a location (lat, lng) or an address is required' });
  if (problems.length) throw invalid(problems.map((p) => `${p.pointer}: ${p.message}`).join('; '), problems);
  return {
    type: input.type.trim(),
    priority: input.priority,
    occurredFrom: occurredFrom!,
    occurredTo,
    reportedAt,
    lat: loc?.lat ?? null,
    lng: loc?.lng ?? null,
    accuracyM: loc ? loc.accuracyM : null,
    address: input.address?.trim() || null,
    // A feed that leaves out the district or ward gets the one the point falls in.
    district: input.district ?? (loc ? area.areas?.districts.locate(loc.lat, loc.lng)?.id : null) ?? null,
    ward: input.ward ?? (loc ? area.areas?.wards.locate(loc.lat, loc.lng)?.id : null) ?? null,
    psa: input.psa ?? null,
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  return a === b;
}

export class IncidentService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly area: ServiceArea,
    private readonly cameras: CameraRegistry,
    private readonly config: Pick<Config, 'matchRadiusM' | 'autoRequestTypes' | 'autoRequestMaxPriority' | 'autoRequestMaxCameras'>,
    private readonly requests: RequestService,
    private readonly floor: FloorPublisher,
    private readonly alerts?: AlertService,
  ) {
    this.#autoTypes = new Set(config.autoRequestTypes.split(',').map((t) => t.trim().toUpperCase()).filter(Boolean));
  }

  readonly #autoTypes: Set<string>;
  readonly #timingListeners = new Set<(t: IntakeTimings) => void>();

  /** Calls `listener` with the timings of each new incident taken in; returns a function that stops it. */
  onTimings(listener: (t: IntakeTimings) => void): () => void {
    this.#timingListeners.add(listener);
    return () => this.#timingListeners.delete(listener);
  }

  /** The configured rule: request footage at once for these incident types and priorities. */
  private wantsAutoRequest(incident: Pick<Incident, 'type' | 'priority'>): boolean {
    return this.#autoTypes.has(incident.type.toUpperCase()) && incident.priority <= this.config.autoRequestMaxPriority;
  }

  /** What the auto-request rule asks for an incident, and as whom. */
  private autoAsk(incident: Incident): { ask: RequestAsk; actor: Actor } {
    return {
      ask: {
        incidentId: incident.id,
        purposeCode: 'criminal-investigation',
        reason: `A ${incident.type.toLowerCase()} was reported near your camera; its recording may help the investigation.`,
      },
      actor: { actorType: 'system', actorName: `rule: auto-request ${incident.type}`, agencyId: incident.agencyId },
    };
  }

  /**
   * The cameras a rule asks about: the best-ranked few. A rule acts on its own, so it asks as few owners as are
   * likely to have the footage (on a busy corridor 200 cameras can be in range); staff can ask the others.
   */
  private autoRequestCameras(rankedCameraIds: readonly string[]): readonly string[] {
    return rankedCameraIds.slice(0, this.config.autoRequestMaxCameras);
  }

  private async autoRequest(tx: Tx, incident: Incident, matchedCameraIds: readonly string[]): Promise<number> {
    if (matchedCameraIds.length === 0 || !this.wantsAutoRequest(incident)) return 0;
    const { ask, actor } = this.autoAsk(incident);
    const outcomes = await this.requests.requestInTx(tx, ask, actor, 'rule', { incident, matchedCameraIds: this.autoRequestCameras(matchedCameraIds) });
    return outcomes.filter((o) => o.outcome !== 'skipped').length;
  }

  async ingest(input: IncidentInput, actor: Actor): Promise<IngestResult> {
    const started = performance.now();
    // When the first statement was sent and answered, and the last write made (a repeat's update path sets none).
    const marks = { first: 0, answered: 0, last: 0 };
    const now = this.clock.now();
    const columns = checkIncident(input, this.area, now);
    const result = await this.floor.transaction(async (tx) => {
      // A new incident is matched before it is written (its id is chosen here), so that one statement inserts it, its
      // alert, and reads the matched cameras' owners for the auto-request; a second writes everything else, and the
      // audit entries are chained as the transaction commits. A repeat finds it already there and updates it below.
      const row = withFields(columns, { id: crypto.randomUUID(), source: input.source, externalId: input.externalId, agencyId: actor.agencyId ?? null, details: input.details ?? {}, createdAt: now, updatedAt: now });
      const ranked = this.rank(row, now);
      const found = ranked.cameraIds.length;
      const auto = found > 0 && this.wantsAutoRequest(row);
      const asked = this.autoRequestCameras(ranked.cameraIds);
      marks.first = performance.now();
      const first = await repo.insertIncidentAndRead(tx, row, this.alerts?.incidentAlert(row, found), auto ? this.requests.contextQuery(row.type, asked, now) : undefined);
      marks.answered = performance.now();
      const inserted = first.incident;
      if (inserted) {
        recordChange(tx, { kind: 'incident', type: 'incident.created', incident: inserted, matchCount: found });
        if (first.alert) this.alerts?.raised(tx, first.alert);
        let inserts: (RowsInsert | SQL)[] = [repo.matchRows(ranked.list)];
        const audits: AuditEvent[] = [];
        if (auto) {
          const { ask, actor: rule } = this.autoAsk(inserted);
          const plan = await this.requests.planInTx(tx, ask, rule, 'rule', { incident: inserted, matchedCameraIds: asked, context: first.context }, now);
          inserts = inserts.concat(plan.inserts);
          audits.push(...plan.audits);
        }
        audits.push(withFields(actor, { action: 'incident.create', targetType: 'incident', targetId: inserted.id, incidentId: inserted.id, details: { source: input.source, externalId: input.externalId, matches: found } }));
        // The last write: it goes with the COMMIT (one round trip for both on PostgreSQL).
        marks.last = performance.now();
        await insertAllWithCommit(tx, ...inserts, auditAtCommit(audits, now));
        return { incident: inserted, created: true, changed: [], matchCount: found };
      }
      const existing = (await repo.findIncidentBySourceForUpdate(tx, input.source, input.externalId))!;
      const diff: Record<string, [unknown, unknown]> = {};
      for (const f of TRACKED_FIELDS) if (!sameValue(existing[f], columns[f])) diff[f] = [existing[f], columns[f]];
      const changed = Object.keys(diff);
      if (changed.length === 0) return { incident: existing, created: false, changed, matchCount: (await repo.matchedCameraIds(tx, existing.id)).length };
      const updated = await repo.updateIncident(tx, existing.id, { ...columns, details: { ...existing.details, ...input.details }, updatedAt: now });
      await repo.insertChange(tx, { incidentId: existing.id, at: now, actorType: actor.actorType, actorId: actor.actorId ?? null, changes: diff });
      // A new place or time changes which cameras could have seen it; a new type may change which owners want to
      // be asked (their declined request kinds).
      const moved = changed.some((f) => ['lat', 'lng', 'accuracyM', 'occurredFrom', 'type'].includes(f));
      const matched = moved ? await this.match(tx, updated, now) : await repo.matchedCameraIds(tx, existing.id);
      const matchCount = matched.length;
      recordChange(tx, { kind: 'incident', type: 'incident.updated', incident: updated, matchCount });
      // Raised into alert range by an update (e.g. a call re-graded to priority 1): the floor hears of it now.
      if (changed.includes('priority') || changed.includes('type')) await this.alerts?.incidentArrived(tx, updated, matchCount);
      if (moved || changed.includes('type') || changed.includes('priority')) await this.autoRequest(tx, updated, matched);
      await appendAudit(tx, { ...actor, action: 'incident.update', targetType: 'incident', targetId: existing.id, incidentId: existing.id, details: { changed, rematched: moved } }, now);
      return { incident: updated, created: false, changed, matchCount };
    });
    if (result.created && this.#timingListeners.size > 0) {
      const timings = { beforeMs: marks.first - started, firstMs: marks.answered - marks.first, planMs: marks.last - marks.answered, commitMs: performance.now() - marks.last };
      for (const listener of this.#timingListeners) listener(timings);
    }
    return result;
  }

  /**
   * Finds the verified cameras that could have seen the incident area and still hold footage of its start
   * (retention reaching back to it), and ranks them: their ids in rank order, and the list as it is stored.
   */
  private rank(incident: Pick<Incident, 'id' | 'type' | 'lat' | 'lng' | 'accuracyM' | 'occurredFrom'>, now: Date): { cameraIds: string[]; list: repo.MatchList } {
    if (incident.lat === null || incident.lng === null) return { cameraIds: [], list: { incidentId: incident.id, computedAt: now, cameraIds: [], distanceM: [], facesArea: [], score: [] } };
    const ageMs = now.getTime() - incident.occurredFrom.getTime();
    // Owners who declined this kind of request (request-kinds.ts) are left out: one bit test per camera.
    const declined = kindBit(kindOfIncidentType(incident.type));
    // As columns, the stored list's own shape: no object per match.
    const { cameras, distanceM, facesArea, score } = this.cameras.index.findMatchColumns(
      { lat: incident.lat, lng: incident.lng, accuracyM: incident.accuracyM ?? 0 },
      this.config.matchRadiusM,
      { accept: (c) => c.retentionDays * 86_400_000 >= ageMs && (c.declinedKindsMask & declined) === 0, limit: 200 },
    );
    const cameraIds = cameras.map((c) => c.id);
    return { cameraIds, list: { incidentId: incident.id, computedAt: now, cameraIds, distanceM, facesArea, score } };
  }

  /** Matches the incident again (rank) and replaces its stored list; returns the camera ids in rank order. */
  private async match(tx: Tx, incident: Incident, now: Date): Promise<string[]> {
    const { cameraIds, list } = this.rank(incident, now);
    await repo.replaceMatches(tx, list);
    return cameraIds;
  }

  async close(id: string, actor: Actor): Promise<Incident> {
    const now = this.clock.now();
    return this.floor.transaction(async (tx) => {
      const incident = await repo.findIncident(tx, id);
      if (!incident) throw notFound('that incident');
      if (incident.status === 'closed') throw new AppError('CONFLICT', 'The incident is already closed.');
      const row = await repo.updateIncident(tx, id, { status: 'closed', updatedAt: now });
      await repo.insertChange(tx, { incidentId: id, at: now, actorType: actor.actorType, actorId: actor.actorId ?? null, changes: { status: ['open', 'closed'] } });
      await appendAudit(tx, { ...actor, action: 'incident.close', targetType: 'incident', targetId: id, incidentId: id }, now);
      recordChange(tx, { kind: 'incident', type: 'incident.closed', incident: row, matchCount: (await repo.matchedCameraIds(tx, id)).length });
      await this.requests.cancelForClosedIncident(tx, row, actor);
      return row;
    });
  }
}
