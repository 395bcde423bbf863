// The floor's alert queue (F3): what needs a person's attention now. Alerts are raised in the same transaction as
// their cause where there is one (a new high-priority incident, footage received), by a periodic sweep where there
// is none (a message to an owner that failed or is overdue), and by the camera health feed (a camera offline).
// One alert per cause: each has a dedupe key, and raising it again does nothing. Staff acknowledge, assign, snooze
// and resolve them; every such action is audited and published as alert.changed after it commits.
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/client.js';
import type { Role } from '../db/schema.js';
import { AppError, invalid, notFound } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Actor } from '../staff/staff.service.js';
import { recordChange, type FloorPublisher } from '../events/floor-publisher.js';
import type { Incident } from '../incidents/incident.repository.js';
import type { Evidence } from '../evidence/evidence.repository.js';
import { findCamera, type Camera } from '../cameras/camera.repository.js';
import { cameraTitle } from '../cameras/camera.views.js';
import * as repo from './alert.repository.js';
import type { Alert, AlertCounts, AlertRow, NewAlert } from './alert.repository.js';
import { alertEvent, alertView, type AlertView } from './alert.views.js';

/** Roles that work the floor: the only ones an alert can be assigned to. */
export const FLOOR_ROLES: readonly Role[] = ['operator', 'supervisor', 'admin'];

/** Who is looking: partners see only their own agency's alerts. */
export interface AlertViewer {
  id: string;
  roles: readonly Role[];
  agencyId: string;
}

const scopeOf = (viewer: AlertViewer): repo.AlertScope => (viewer.roles.some((r) => FLOOR_ROLES.includes(r)) ? {} : { agencyId: viewer.agencyId });

function megabytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** Where an incident is, in a few words. */
function placeOf(i: Pick<Incident, 'address' | 'lat' | 'lng' | 'district' | 'ward'>): string {
  const where = i.address ?? (i.lat !== null && i.lng !== null ? `${i.lat.toFixed(5)}, ${i.lng.toFixed(5)}` : 'no location');
  const area = [i.district ? `district ${i.district}` : null, i.ward ? `ward ${i.ward}` : null].filter(Boolean).join(', ');
  return area ? `${where} (${area})` : where;
}

export class AlertService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly floor: FloorPublisher,
    private readonly config: Pick<Config, 'alertMaxPriority' | 'undeliveredAlertMinutes' | 'cameraSilentMinutes'>,
  ) {}

  /** Raises an alert inside the caller's transaction unless one with its dedupe key exists; returns the new one. */
  async raise(tx: Tx, alert: NewAlert): Promise<Alert | undefined> {
    const now = this.clock.now();
    const inserted = await repo.insertAlertIfNew(tx, { createdAt: now, updatedAt: now, ...alert });
    if (inserted) this.raised(tx, inserted);
    return inserted;
  }

  /** A new incident: an alert when its priority is at or above the configured one. */
  async incidentArrived(tx: Tx, incident: Incident, matchCount: number): Promise<void> {
    const alert = this.incidentAlert(incident, matchCount);
    if (alert) await this.raise(tx, alert);
  }

  /**
   * The alert a new incident raises (incidentArrived), or undefined below the configured priority: for intake, which
   * inserts it with the incident, in one statement, and then calls `raised`.
   */
  incidentAlert(incident: Pick<Incident, 'id' | 'type' | 'priority' | 'agencyId' | 'address' | 'lat' | 'lng' | 'district' | 'ward'>, matchCount: number): NewAlert | undefined {
    if (incident.priority > this.config.alertMaxPriority) return undefined;
    const now = this.clock.now();
    return {
      dedupeKey: `incident:${incident.id}`,
      kind: 'incident',
      title: `${incident.type}, priority ${incident.priority}`,
      detail: `${placeOf(incident)} · ${matchCount === 0 ? 'no camera nearby' : matchCount === 1 ? '1 camera could have seen it' : `${matchCount} cameras could have seen it`}`,
      priority: incident.priority,
      agencyId: incident.agencyId,
      incidentId: incident.id,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** An alert the caller inserted in this transaction: the floor hears of it once the transaction commits. */
  raised(tx: Tx, alert: Alert): void {
    recordChange(tx, { kind: 'event', event: alertEvent(alert) });
  }

  /**
   * Footage arrived from an owner (in the transaction that stores it). Files for an incident whose footage alert
   * nobody has taken up yet join that alert (its title counts them, its detail names the latest), so that an
   * incident that brings in several clips is one line in the queue; once it is acknowledged, the next file raises
   * a new one.
   */
  async footageReceived(tx: Tx, ev: Evidence): Promise<void> {
    const served = await repo.incidentsOfRequest(tx, ev.requestId);
    const first = served[0];
    const agencies = new Set(served.map((i) => i.agencyId));
    const pending = first ? await repo.openFootageAlertOfIncident(tx, first.id) : undefined;
    if (first && pending && pending.evidenceId !== ev.id) {
      // The alert's key names the file that raised it ("footage:<evidence id>").
      const files = await repo.footageCountSince(tx, first.id, pending.dedupeKey.slice('footage:'.length));
      const updated = await repo.updateAlert(tx, pending.id, {
        title: `Footage received for ${first.type} ${first.externalId}: ${files} files`,
        detail: `Latest: ${ev.originalName}, ${megabytes(ev.sizeBytes)}${ev.coverageWarning ? ` · ${ev.coverageWarning}` : ''}`,
        priority: Math.min(pending.priority, first.priority),
        requestId: ev.requestId,
        evidenceId: ev.id,
        updatedAt: this.clock.now(),
      });
      recordChange(tx, { kind: 'event', event: alertEvent(updated) });
      return;
    }
    await this.raise(tx, {
      dedupeKey: `footage:${ev.id}`,
      kind: 'footage',
      title: first ? `Footage received for ${first.type} ${first.externalId}` : 'Footage received',
      detail: `${ev.originalName}, ${megabytes(ev.sizeBytes)}${served.length > 1 ? ` · serves ${served.length} incidents` : ''}${ev.coverageWarning ? ` · ${ev.coverageWarning}` : ''}`,
      priority: first?.priority ?? 3,
      agencyId: agencies.size === 1 ? (first?.agencyId ?? null) : null,
      incidentId: first?.id ?? null,
      requestId: ev.requestId,
      evidenceId: ev.id,
    });
  }

  /**
   * The periodic check: raises an alert for each message to an owner that failed for good or is overdue, resolves
   * the alerts of messages that went out (or were cancelled) since, and brings back snoozed alerts whose time came.
   */
  async sweep(): Promise<{ raised: number; resolved: number; woken: number }> {
    const now = this.clock.now();
    const graceMs = this.config.undeliveredAlertMinutes * 60_000;
    return this.floor.transaction(async (tx) => {
      let raised = 0;
      for (const m of await repo.undeliveredWithoutAlert(tx, now, graceMs)) {
        const served = await repo.incidentsOfRequest(tx, m.requestId);
        const first = served[0];
        const agencies = new Set(served.map((i) => i.agencyId));
        const what = `${m.template === 'footage_request_reminder' ? 'Reminder' : 'Footage request'} by ${m.channel === 'sms' ? 'text message' : 'email'}`;
        const why =
          m.status === 'failed'
            ? `failed after ${m.attempts} attempt${m.attempts === 1 ? '' : 's'}`
            : `still unsent ${Math.round((now.getTime() - m.dueAt.getTime()) / 60_000)} minutes after it was due`;
        const alert = await this.raise(tx, {
          dedupeKey: `undelivered:${m.idempotencyKey}`,
          kind: 'undelivered',
          title: `${what} not delivered${first ? ` (${first.type} ${first.externalId})` : ''}`,
          detail: `${why}${m.lastError ? `: ${m.lastError.slice(0, 300)}` : ''}`,
          priority: Math.min(first?.priority ?? 3, 3),
          agencyId: agencies.size === 1 ? (first?.agencyId ?? null) : null,
          incidentId: first?.id ?? null,
          requestId: m.requestId,
          outboxId: m.outboxId,
        });
        if (alert) raised++;
      }
      const settled = await repo.undeliveredAlertsSettled(tx);
      for (const { alert, messageStatus } of settled) {
        const updated = await repo.updateAlert(tx, alert.id, { status: 'resolved', resolvedAt: now, resolvedByName: messageStatus === 'sent' ? 'message delivered' : 'message cancelled', updatedAt: now });
        await appendAudit(tx, { actorType: 'system', actorName: 'alert sweep', action: 'alert.resolve', targetType: 'alert', targetId: alert.id, incidentId: alert.incidentId, details: { reason: messageStatus === 'sent' ? 'delivered' : 'cancelled' } }, now);
        recordChange(tx, { kind: 'event', event: alertEvent(await this.named(tx, updated)) });
      }
      const woken = await repo.wakeSnoozed(tx, now);
      for (const a of woken) recordChange(tx, { kind: 'event', event: alertEvent(await this.named(tx, a)) });
      return { raised, resolved: settled.length, woken: woken.length };
    });
  }

  /**
   * A camera health report (a VMS or the camera feed): offline raises a camera_offline alert, once per offline
   * spell; online again resolves it. Only changes of state are audited.
   */
  async cameraStatus(cameraId: string, online: boolean, detail: string | null, actor: Actor): Promise<{ cameraId: string; online: boolean; since: string; alert: AlertView | null }> {
    const now = this.clock.now();
    return this.floor.transaction(async (tx) => {
      const camera = await findCamera(tx, cameraId);
      if (!camera) throw notFound('that camera');
      const { changedAt, alert } = await this.#applyHealth(tx, camera, online, detail, actor, now, now);
      return { cameraId, online, since: changedAt.toISOString(), alert: alert ? alertView(await this.named(tx, alert)) : null };
    });
  }

  /**
   * Cameras whose health feed said online and then went quiet for WATCHFLOOR_CAMERA_SILENT_MINUTES are taken as
   * offline (a camera that fails often stops reporting rather than says so); their next report settles it.
   */
  async sweepSilentCameras(): Promise<number> {
    if (this.config.cameraSilentMinutes <= 0) return 0;
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - this.config.cameraSilentMinutes * 60_000);
    return this.floor.transaction(async (tx) => {
      let marked = 0;
      for (const { health, camera } of await repo.silentCameras(tx, cutoff)) {
        const minutes = Math.round((now.getTime() - health.reportedAt.getTime()) / 60_000);
        const detail = `no health report for ${minutes} minutes (the last, at ${health.reportedAt.toISOString().slice(11, 16)} UTC, said online)`;
        await this.#applyHealth(tx, camera, false, detail, { actorType: 'system', actorName: 'camera health sweep' }, now, health.reportedAt);
        marked++;
      }
      return marked;
    });
  }

  /** Records a camera's state (`reportedAt`: when it last reported), raising or resolving its offline alert. */
  async #applyHealth(tx: Tx, camera: Camera, online: boolean, detail: string | null, actor: Actor, now: Date, reportedAt: Date): Promise<{ changedAt: Date; alert: Alert | undefined }> {
    const cameraId = camera.id;
    const before = await repo.findHealthForUpdate(tx, cameraId);
    const changed = !before || before.online !== online;
    const changedAt = changed ? now : before.changedAt;
    await repo.upsertHealth(tx, { cameraId, online, detail, changedAt, reportedAt });
    let alert: Alert | undefined;
    if (!online) {
      const key = `camera_offline:${cameraId}:${changedAt.getTime()}`;
      alert = await this.raise(tx, {
        dedupeKey: key,
        kind: 'camera_offline',
        title: `Camera offline: ${cameraTitle(camera)}`,
        detail: detail ?? `reported offline by ${actor.actorName}`,
        priority: camera.tier === 'city' ? 2 : 3,
        agencyId: camera.agencyId,
        cameraId,
        createdAt: changedAt,
      });
      alert ??= await repo.findAlertByKey(tx, key);
    } else {
      for (const open of await repo.openCameraAlerts(tx, cameraId, 'camera_offline')) {
        alert = await repo.updateAlert(tx, open.id, { status: 'resolved', resolvedAt: now, resolvedByName: 'camera back online', updatedAt: now });
        await appendAudit(tx, { ...actor, action: 'alert.resolve', targetType: 'alert', targetId: open.id, details: { reason: 'camera back online' } }, now);
        recordChange(tx, { kind: 'event', event: alertEvent(await this.named(tx, alert)) });
      }
    }
    if (changed) {
      await appendAudit(tx, { ...actor, action: online ? 'camera.online' : 'camera.offline', targetType: 'camera', targetId: cameraId, details: detail ? { detail } : {} }, now);
    }
    return { changedAt, alert };
  }

  async list(viewer: AlertViewer, opts: { status: 'open' | 'all'; mine: boolean; limit: number }): Promise<{ alerts: AlertView[]; counts: AlertCounts }> {
    const now = this.clock.now();
    const scope = scopeOf(viewer);
    const [rows, counts] = await Promise.all([
      repo.listAlerts(this.db, { ...scope, status: opts.status, assignedTo: opts.mine ? viewer.id : undefined, now, limit: opts.limit }),
      repo.countQueue(this.db, now, viewer.id, scope),
    ]);
    return { alerts: rows.map(alertView), counts };
  }

  acknowledge(id: string, actor: Actor): Promise<AlertView> {
    return this.act(id, actor, 'alert.ack', (a, now) => {
      if (a.status !== 'open') throw new AppError('CONFLICT', `The alert is already ${a.status}.`);
      return { patch: { status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: actor.actorId ?? null } };
    });
  }

  async assign(id: string, staffId: string, actor: Actor): Promise<AlertView> {
    const staff = await repo.findStaff(this.db, staffId);
    if (!staff) throw invalid('/body/staffId: no staff member has that id', [{ pointer: '/body/staffId', message: 'no staff member has that id' }]);
    if (staff.disabledAt) throw invalid(`/body/staffId: ${staff.name}'s account is disabled`, [{ pointer: '/body/staffId', message: 'the account is disabled' }]);
    if (!staff.roles.some((r) => FLOOR_ROLES.includes(r))) {
      throw invalid(`/body/staffId: ${staff.name} does not work the floor (needs operator, supervisor or admin)`, [{ pointer: '/body/staffId', message: 'not floor staff' }]);
    }
    return this.act(id, actor, 'alert.assign', (a) => {
      if (a.status === 'resolved') throw new AppError('CONFLICT', 'The alert is resolved.');
      return { patch: { assignedTo: staff.id, assignedAt: this.clock.now() }, details: { assignedTo: staff.id, name: staff.name, before: a.assignedTo } };
    });
  }

  snooze(id: string, minutes: number, actor: Actor): Promise<AlertView> {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) throw invalid('/body/minutes: snooze for 1 to 1440 minutes', [{ pointer: '/body/minutes', message: '1 to 1440' }]);
    return this.act(id, actor, 'alert.snooze', (a, now) => {
      if (a.status === 'resolved') throw new AppError('CONFLICT', 'The alert is resolved.');
      const until = new Date(now.getTime() + minutes * 60_000);
      return { patch: { snoozedUntil: until }, details: { minutes, until: until.toISOString() } };
    });
  }

  resolve(id: string, actor: Actor): Promise<AlertView> {
    return this.act(id, actor, 'alert.resolve', (a, now) => {
      if (a.status === 'resolved') throw new AppError('CONFLICT', 'The alert is already resolved.');
      return { patch: { status: 'resolved', resolvedAt: now, resolvedByName: actor.actorName, snoozedUntil: null } };
    });
  }

  colleagues() {
    return repo.floorStaff(this.db);
  }

  /** One staff action on an alert: checked against its current state, written, audited and published together. */
  private async act(
    id: string,
    actor: Actor,
    action: string,
    decide: (a: Alert, now: Date) => { patch: Partial<NewAlert>; details?: Record<string, unknown> },
  ): Promise<AlertView> {
    const now = this.clock.now();
    return this.floor.transaction(async (tx) => {
      const current = await repo.findAlertForUpdate(tx, id);
      if (!current) throw notFound('that alert');
      const { patch, details } = decide(current, now);
      await repo.updateAlert(tx, id, { ...patch, updatedAt: now });
      await appendAudit(tx, { ...actor, action, targetType: 'alert', targetId: id, incidentId: current.incidentId, details: { kind: current.kind, ...details } }, now);
      const named = (await repo.findAlertWithNames(tx, id))!;
      recordChange(tx, { kind: 'event', event: alertEvent(named) });
      return alertView(named);
    });
  }

  private async named(tx: Tx, a: Alert): Promise<AlertRow> {
    return (await repo.findAlertWithNames(tx, a.id)) ?? { ...a, assignedName: null, acknowledgedName: null };
  }
}
