// Footage requests (M2): an operator (or a configured rule) asks the owners of matched cameras for footage of an
// incident, with a purpose code and a plain-language reason. The policy folds overlapping asks into one request
// per owner, respects weekly caps and quiet hours; the message to the owner is written to the outbox in the same
// transaction, to go out no earlier than the end of quiet hours.
import crypto from 'node:crypto';
import type { Db, Tx } from '../db/client.js';
import type { PurposeCode } from '../db/schema.js';
import { AppError, invalid, notFound } from '../errors.js';
import { appendAudit, auditAtCommit, type AuditEvent } from '../audit/audit.repository.js';
import type { SQL } from 'drizzle-orm';
import { insertAllWithCommit, type RowsInsert } from '../db/bulk.js';
import type { Clock } from '../platform/clock.js';
import type { SecretBox } from '../platform/crypto.js';
import type { Actor } from '../staff/staff.service.js';
import { enqueue, messageRows, type NewOutboxMessage } from '../notifications/outbox.repository.js';
import * as cameraRepo from '../cameras/camera.repository.js';
import { cameraTitle } from '../cameras/camera.views.js';
import { prepareOwnerLinks } from '../cameras/owner-links.js';
import * as incidentRepo from '../incidents/incident.repository.js';
import type { Incident } from '../incidents/incident.repository.js';
import * as repo from './request.repository.js';
import { footageWindow, planOwnerRequest, type RequestPolicy } from './request-policy.js';
import { kindBit, kindOfIncidentType } from './request-kinds.js';
import { recordChange, type FloorPublisher } from '../events/floor-publisher.js';
import { withFields } from '../platform/objects.js';

/**
 * An incident the caller has just written in this transaction, with its matched cameras (saving their reading
 * back) and, when it read them with the incident's insert, what askContext gives for those cameras.
 */
export interface KnownIncident {
  incident: Incident;
  matchedCameraIds: readonly string[];
  context?: repo.AskContext | undefined;
}

export interface RequestAsk {
  incidentId: string;
  /** Which matched cameras to ask about; all matched cameras with an owner when left out. */
  cameraIds?: string[] | undefined;
  purposeCode: PurposeCode;
  reason: string;
}

export interface OwnerOutcome {
  ownerId: string;
  cameraIds: string[];
  outcome: 'requested' | 'merged' | 'skipped';
  requestId?: string;
  sendAfter?: string;
  reason?: string;
}

/** An owner to be asked, with the cameras asked about. */
interface Asked {
  owner: NonNullable<cameraRepo.CameraWithOwner['owner']>;
  cams: cameraRepo.CameraWithOwner['camera'][];
}

export class RequestService {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly config: { publicUrl: string; ownerLinkTtlMinutes: number },
    private readonly policy: RequestPolicy,
    private readonly floor: FloorPublisher,
  ) {}

  async request(ask: RequestAsk, actor: Actor, requestedBy: 'staff' | 'rule' = 'staff'): Promise<OwnerOutcome[]> {
    return this.floor.transaction((tx) => this.requestInTx(tx, ask, actor, requestedBy));
  }

  /**
   * Same as request(), inside the caller's transaction (used by intake rules, so incident and messages commit
   * together). A caller that has just written the incident and its matches in this transaction passes them as
   * `known`, saving their reading back. Whatever the number of owners, the reads are one query each and the
   * writes (requests, links, messages, items, audit entries) one statement.
   */
  async requestInTx(
    tx: Tx,
    ask: RequestAsk,
    actor: Actor,
    requestedBy: 'staff' | 'rule',
    known?: KnownIncident,
  ): Promise<OwnerOutcome[]> {
    const now = this.clock.now();
    const { outcomes, inserts, audits } = await this.planInTx(tx, ask, actor, requestedBy, known, now);
    // Nothing here reads these rows back: they go with the transaction's next statement or its COMMIT.
    await insertAllWithCommit(tx, ...inserts, auditAtCommit(audits, now));
    return outcomes;
  }

  /**
   * requestInTx up to its writes: the reads, the policy and the widening of merged requests' windows are done; the
   * rows of new requests, links, messages and items (`inserts`) and the audit entries (`audits`, for auditAtCommit)
   * are the caller's to write, with insertAll, in this transaction. Intake adds the incident's own rows and entry,
   * and writes them all in one statement.
   */
  async planInTx(
    tx: Tx,
    ask: RequestAsk,
    actor: Actor,
    requestedBy: 'staff' | 'rule',
    known: KnownIncident | undefined,
    now: Date,
  ): Promise<{ outcomes: OwnerOutcome[]; inserts: (RowsInsert | SQL)[]; audits: AuditEvent[] }> {
    if (ask.reason.trim().length < 10) throw invalid('say in a sentence why the footage is needed (at least 10 characters); the owner reads it');
    const given = known?.incident.id === ask.incidentId ? known : undefined;
    const incident = given ? given.incident : await incidentRepo.findIncident(tx, ask.incidentId);
    if (!incident) throw notFound('that incident');
    if (incident.status !== 'open') throw new AppError('CONFLICT', 'The incident is closed; no footage can be asked for it.');
    const matched = new Set(given ? given.matchedCameraIds : await incidentRepo.matchedCameraIds(tx, incident.id));
    const chosen = ask.cameraIds ?? [...matched];
    const notMatched = chosen.filter((id) => !matched.has(id));
    if (notMatched.length) throw invalid(`camera(s) ${notMatched.join(', ')} did not match this incident`);

    // Group the chosen cameras by owner, in the order chosen; city cameras (no owner) need no request.
    const query = this.contextQuery(incident.type, chosen, now);
    const { declinedBit: declined, since: weekAgo } = query;
    // The cameras with their owners, and the asked owners' requests (locked), in one statement; intake reads them
    // with the incident's insert (known.context), for the matched cameras.
    const context = given?.context && !ask.cameraIds ? given.context : await repo.askContext(tx, query);
    const found = new Map(context.cameras.map((r) => [r.camera.id, r]));
    const byOwner = new Map<string, Asked>();
    for (const id of chosen) {
      const entry = found.get(id);
      // An owner who declined this kind of request since the incident was matched is not asked either.
      if (!entry?.owner || entry.camera.status !== 'verified' || (entry.camera.declinedKindsMask & declined) !== 0) continue;
      const group = byOwner.get(entry.owner.id);
      if (group) group.cams.push(entry.camera);
      else byOwner.set(entry.owner.id, { owner: entry.owner, cams: [entry.camera] });
    }
    if (byOwner.size === 0) return { outcomes: [], inserts: [], audits: [] };
    const theirs = context.requests;
    const openByOwner = groupBy(theirs.filter((r) => repo.OPEN_STATUSES.includes(r.status)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()), (r) => r.ownerId);
    const recentByOwner = groupBy(theirs.filter((r) => r.createdAt > weekAgo), (r) => r.ownerId);
    const window = footageWindow(incident.occurredFrom, incident.occurredTo, this.policy);
    const reason = ask.reason.trim();

    const outcomes: OwnerOutcome[] = [];
    const merges: { id: string; windowFrom: Date; windowTo: Date }[] = [];
    const created: (Asked & { row: Omit<repo.FootageRequest, 'sentAt' | 'reminderSentAt' | 'answeredAt' | 'declineReason' | 'cancelledAt' | 'cancelReason'> })[] = [];
    const items: { requestId: string; incidentId: string; cameraId: string }[] = [];
    const audits: AuditEvent[] = [];
    for (const [ownerId, { owner, cams }] of byOwner) {
      if (owner.withdrawnAt) continue;
      const plan = planOwnerRequest({
        window,
        openRequests: openByOwner.get(ownerId) ?? [],
        recentRequestTimes: (recentByOwner.get(ownerId) ?? []).map((r) => r.createdAt),
        timeZone: owner.timeZone,
        now,
        policy: this.policy,
      });
      const cameraIds = cams.map((c) => c.id);
      if (plan.kind === 'skip') {
        outcomes.push({ ownerId, cameraIds, outcome: 'skipped', reason: plan.reason });
        continue;
      }
      let requestId: string;
      if (plan.kind === 'merge') {
        merges.push({ id: plan.requestId, windowFrom: plan.windowFrom, windowTo: plan.windowTo });
        requestId = plan.requestId;
      } else {
        requestId = crypto.randomUUID();
        created.push({
          owner,
          cams,
          row: {
            id: requestId,
            ownerId,
            status: 'queued',
            purposeCode: ask.purposeCode,
            reason,
            windowFrom: plan.windowFrom,
            windowTo: plan.windowTo,
            requestedByType: requestedBy,
            requestedById: actor.actorId ?? null,
            requestedByName: actor.actorName,
            agencyId: actor.agencyId ?? null,
            sendAfter: plan.sendAfter,
            expiresAt: plan.expiresAt,
            createdAt: now,
            updatedAt: now,
          },
        });
      }
      for (const cameraId of cameraIds) items.push({ requestId, incidentId: incident.id, cameraId });
      audits.push(withFields(actor, {
        action: plan.kind === 'merge' ? 'request.merge' : 'request.create',
        targetType: 'footage_request',
        targetId: requestId,
        purpose: ask.purposeCode,
        incidentId: incident.id,
        details: { ownerId, cameras: cameraIds, requestedBy },
      }));
      if (plan.kind === 'merge') recordChange(tx, { kind: 'request', requestId });
      else {
        // A new request serves this incident only and is not changed again in this transaction: the floor's view of
        // it is known now, and needs no reading back after the commit.
        const row = created[created.length - 1]!.row;
        const request = withFields(row, { sentAt: null, reminderSentAt: null, answeredAt: null, declineReason: null, cancelledAt: null, cancelReason: null });
        recordChange(tx, { kind: 'request', requestId, committed: { request, incidents: [{ incidentId: incident.id, agencyId: incident.agencyId, cameraIds: [...cameraIds].sort() }] } });
      }
      outcomes.push({ ownerId, cameraIds, outcome: plan.kind === 'merge' ? 'merged' : 'requested', requestId, ...(plan.kind === 'new' ? { sendAfter: plan.sendAfter.toISOString() } : {}) });
    }

    // A link and a message for each new request whose owner can be reached.
    const reachable = created.filter(({ owner }) => (owner.email && owner.contactByEmail) || (owner.contactBySms && !!owner.phone));
    const { links, rows: linkRows } = prepareOwnerLinks(
      this.box,
      reachable.map((c) => c.owner.id),
      this.config.publicUrl,
      Math.max(this.config.ownerLinkTtlMinutes, this.policy.expiryHours * 60 + 24 * 60),
      now,
    );
    const messages: { message: NewOutboxMessage; notBefore: Date }[] = [];
    reachable.forEach(({ owner, cams, row }, i) => {
      const data = {
        name: owner.name,
        reason,
        windowFrom: formatLocal(row.windowFrom, owner.timeZone),
        windowTo: formatLocal(row.windowTo, owner.timeZone),
        cameras: cams.map(cameraTitle),
        link: links[i]!.url,
        expiresAt: formatLocal(row.expiresAt, owner.timeZone),
      };
      const base = { template: 'footage_request', language: owner.language, ownerId: owner.id, data };
      // One row per channel: a failing SMS provider never holds up the email, nor the other way round.
      if (owner.contactBySms && owner.phone) messages.push({ message: withFields(base, { idempotencyKey: `request-sms:${row.id}`, channel: 'sms' as const, recipient: owner.phone }), notBefore: row.sendAfter });
      if (owner.email && owner.contactByEmail) messages.push({ message: withFields(base, { idempotencyKey: `request:${row.id}`, channel: 'email' as const, recipient: owner.email }), notBefore: row.sendAfter });
    });
    const widened = repo.requestWindowsChange(merges, now);
    const inserts = [repo.requestRows(created.map((c) => c.row)), linkRows, messageRows(messages), repo.itemRows(items)];
    return { outcomes, inserts: widened ? [widened, ...inserts] : inserts, audits };
  }

  /** What a request for these cameras about an incident of this type reads of them and their owners (askContext). */
  contextQuery(incidentType: string, cameraIds: readonly string[], now: Date): repo.AskContextQuery {
    return { cameraIds, declinedBit: kindBit(kindOfIncidentType(incidentType)), since: new Date(now.getTime() - 7 * 86_400_000) };
  }

  /** Cancels the open requests that only concerned incidents now closed, and the messages not yet sent. */
  async cancelForClosedIncident(tx: Tx, incident: Incident, actor: Actor): Promise<number> {
    const now = this.clock.now();
    const requests = await repo.openRequestsWithOnlyClosedIncidents(tx, incident.id);
    for (const r of requests) {
      await repo.updateRequest(tx, r.id, { status: 'cancelled', cancelledAt: now, cancelReason: 'incident closed', updatedAt: now });
      await repo.cancelPendingMessage(tx, `request:${r.id}`);
      await repo.cancelPendingMessage(tx, `request-sms:${r.id}`);
      await appendAudit(tx, { ...actor, action: 'request.cancel', targetType: 'footage_request', targetId: r.id, incidentId: incident.id, details: { reason: 'incident closed' } }, now);
      recordChange(tx, { kind: 'request', requestId: r.id });
    }
    return requests.length;
  }

  /** Marks due requests sent, reminds owners half-way to expiry, and expires the unanswered. Run periodically. */
  async housekeeping(): Promise<{ sent: number; reminded: number; expired: number }> {
    const now = this.clock.now();
    return this.floor.transaction(async (tx) => {
      const toSend = await repo.dueToBeMarkedSent(tx, now);
      for (const r of toSend) {
        await repo.updateRequest(tx, r.id, { status: 'sent', sentAt: r.sendAfter, updatedAt: now });
        recordChange(tx, { kind: 'request', requestId: r.id });
      }
      const halfway = (r: repo.FootageRequest) => new Date((r.sentAt ?? r.sendAfter).getTime() + (r.expiresAt.getTime() - (r.sentAt ?? r.sendAfter).getTime()) / 2);
      const toRemind = await repo.dueForReminder(tx, halfway, now);
      for (const r of toRemind) {
        const owner = await cameraRepo.findOwner(tx, r.ownerId);
        if (owner?.email && owner.contactByEmail) {
          await enqueue(
            tx,
            { idempotencyKey: `reminder:${r.id}`, channel: 'email', recipient: owner.email, template: 'footage_request_reminder', language: owner.language, ownerId: owner.id, data: { name: owner.name, reason: r.reason, expiresAt: formatLocal(r.expiresAt, owner.timeZone), manageUrl: `${this.config.publicUrl}/connect/manage` } },
            now,
          );
        }
        await repo.updateRequest(tx, r.id, { reminderSentAt: now, updatedAt: now });
        recordChange(tx, { kind: 'request', requestId: r.id });
      }
      const toExpire = await repo.dueForExpiry(tx, now);
      for (const r of toExpire) {
        await repo.updateRequest(tx, r.id, { status: 'expired', updatedAt: now });
        await appendAudit(tx, { actorType: 'system', actorName: 'request expiry', action: 'request.expire', targetType: 'footage_request', targetId: r.id }, now);
        recordChange(tx, { kind: 'request', requestId: r.id });
      }
      return { sent: toSend.length, reminded: toRemind.length, expired: toExpire.length };
    });
  }
}

const localFormats = new Map<string, Intl.DateTimeFormat>();

export function formatLocal(at: Date, timeZone: string): string {
  // Making a formatter costs far more than using one: keep one per time zone.
  let format = localFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
    if (localFormats.size < 1000) localFormats.set(timeZone, format);
  }
  return format.format(at);
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) list.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}
