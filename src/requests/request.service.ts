// Footage requests (M2): an operator (or a configured rule) asks the owners of matched cameras for footage of an
// incident, with a purpose code and a plain-language reason. The policy folds overlapping asks into one request
// per owner, respects weekly caps and quiet hours; the message to the owner is written to the outbox in the same
// transaction, to go out no earlier than the end of quiet hours.
import type { Db, Tx } from '../db/client.js';
import type { PurposeCode } from '../db/schema.js';
import { AppError, invalid, notFound } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { SecretBox } from '../platform/crypto.js';
import type { Actor } from '../staff/staff.service.js';
import { enqueue } from '../notifications/outbox.repository.js';
import * as cameraRepo from '../cameras/camera.repository.js';
import { cameraTitle } from '../cameras/camera.views.js';
import { issueOwnerLink } from '../cameras/owner-links.js';
import * as incidentRepo from '../incidents/incident.repository.js';
import type { Incident } from '../incidents/incident.repository.js';
import * as repo from './request.repository.js';
import { footageWindow, planOwnerRequest, type RequestPolicy } from './request-policy.js';
import { kindBit, kindOfIncidentType } from './request-kinds.js';
import { recordChange, type FloorPublisher } from '../events/floor-publisher.js';

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

  /** Same as request(), inside the caller's transaction (used by intake rules, so incident and messages commit together). */
  async requestInTx(tx: Tx, ask: RequestAsk, actor: Actor, requestedBy: 'staff' | 'rule'): Promise<OwnerOutcome[]> {
    const now = this.clock.now();
    if (ask.reason.trim().length < 10) throw invalid('say in a sentence why the footage is needed (at least 10 characters); the owner reads it');
    const incident = await incidentRepo.findIncident(tx, ask.incidentId);
    if (!incident) throw notFound('that incident');
    if (incident.status !== 'open') throw new AppError('CONFLICT', 'The incident is closed; no footage can be asked for it.');
    const matches = await incidentRepo.matchesOf(tx, incident.id);
    const matched = new Set(matches.map((m) => m.cameraId));
    const chosen = ask.cameraIds ?? [...matched];
    const notMatched = chosen.filter((id) => !matched.has(id));
    if (notMatched.length) throw invalid(`camera(s) ${notMatched.join(', ')} did not match this incident`);

    // Group the chosen cameras by owner; city cameras (no owner) need no request.
    const byOwner = new Map<string, cameraRepo.Camera[]>();
    for (const id of chosen) {
      const camera = await cameraRepo.findCamera(tx, id);
      // An owner who declined this kind of request since the incident was matched is not asked either.
      if (!camera?.ownerId || camera.status !== 'verified' || (camera.declinedKindsMask & kindBit(kindOfIncidentType(incident.type))) !== 0) continue;
      byOwner.set(camera.ownerId, [...(byOwner.get(camera.ownerId) ?? []), camera]);
    }
    const window = footageWindow(incident.occurredFrom, incident.occurredTo, this.policy);
    const outcomes: OwnerOutcome[] = [];
    for (const [ownerId, cams] of byOwner) {
      const owner = await cameraRepo.findOwner(tx, ownerId);
      if (!owner || owner.withdrawnAt) continue;
      const plan = planOwnerRequest({
        window,
        openRequests: await repo.openRequestsOfOwner(tx, ownerId),
        recentRequestTimes: await repo.recentRequestTimes(tx, ownerId, new Date(now.getTime() - 7 * 86_400_000)),
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
        await repo.updateRequest(tx, plan.requestId, { windowFrom: plan.windowFrom, windowTo: plan.windowTo, updatedAt: now });
        requestId = plan.requestId;
      } else {
        const created = await repo.insertRequest(tx, {
          ownerId,
          status: 'queued',
          purposeCode: ask.purposeCode,
          reason: ask.reason.trim(),
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
        });
        requestId = created.id;
        const wantsSms = owner.contactBySms && !!owner.phone;
        if ((owner.email && owner.contactByEmail) || wantsSms) {
          const link = await issueOwnerLink(tx, this.box, ownerId, this.config.publicUrl, Math.max(this.config.ownerLinkTtlMinutes, this.policy.expiryHours * 60 + 24 * 60), now);
          const data = {
            name: owner.name,
            reason: ask.reason.trim(),
            windowFrom: formatLocal(plan.windowFrom, owner.timeZone),
            windowTo: formatLocal(plan.windowTo, owner.timeZone),
            cameras: cams.map(cameraTitle),
            link: link.url,
            expiresAt: formatLocal(plan.expiresAt, owner.timeZone),
          };
          // One row per channel: a failing SMS provider never holds up the email, nor the other way round.
          if (wantsSms) {
            await enqueue(tx, { idempotencyKey: `request-sms:${requestId}`, channel: 'sms', recipient: owner.phone!, template: 'footage_request', language: owner.language, ownerId, data }, plan.sendAfter);
          }
          if (owner.email && owner.contactByEmail) await enqueue(
            tx,
            {
              idempotencyKey: `request:${requestId}`,
              channel: 'email',
              recipient: owner.email,
              template: 'footage_request',
              language: owner.language,
              ownerId,
              data,
            },
            plan.sendAfter,
          );
        }
      }
      await repo.addItems(tx, cameraIds.map((cameraId) => ({ requestId, incidentId: incident.id, cameraId })));
      await appendAudit(
        tx,
        {
          ...actor,
          action: plan.kind === 'merge' ? 'request.merge' : 'request.create',
          targetType: 'footage_request',
          targetId: requestId,
          purpose: ask.purposeCode,
          incidentId: incident.id,
          details: { ownerId, cameras: cameraIds, requestedBy },
        },
        now,
      );
      recordChange(tx, { kind: 'request', requestId });
      outcomes.push({ ownerId, cameraIds, outcome: plan.kind === 'merge' ? 'merged' : 'requested', requestId, ...(plan.kind === 'new' ? { sendAfter: plan.sendAfter.toISOString() } : {}) });
    }
    return outcomes;
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

export function formatLocal(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(at);
}
