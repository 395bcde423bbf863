// Owner self-service without a password (C3): a mailed link opens a short owner session; the owner sees, edits,
// pauses and withdraws cameras and downloads what the program holds about them. Withdrawal takes a camera out of
// the index at once; the owner's personal data is erased after the retention period.
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { AppError, invalid, notFound } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import { listAudit } from '../audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import { randomToken, sha256Hex, type SecretBox } from '../platform/crypto.js';
import type { ServiceArea } from '../geo/service-area.js';
import { enqueue, listMessages } from '../notifications/outbox.repository.js';
import * as repo from './camera.repository.js';
import type { Camera } from './camera.repository.js';
import type { CameraPatch } from './camera.schema.js';
import { cameraView, ownerView } from './camera.views.js';
import type { CameraRegistry } from './camera-registry.js';
import { consumeOwnerLink, issueOwnerLink } from './owner-links.js';
import { cameraColumns, cameraProblems, sealStream } from './registration.service.js';
import { requestsOfOwner } from '../requests/request.repository.js';
import { requestView } from '../requests/request.views.js';
import { recordChange, type FloorPublisher } from '../events/floor-publisher.js';
import { isRequestKind, maskOfKinds, REQUEST_KIND_IDS } from '../requests/request-kinds.js';

/** Fields whose change means the camera sees something else, so staff check it again. */
const GEOMETRY_FIELDS = ['location', 'bearingDeg', 'fovDeg', 'rangeM', 'tier', 'stream'] as const;

export class OwnerService {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'publicUrl' | 'ownerLinkTtlMinutes' | 'ownerSessionMinutes' | 'ownerSessionMaxHours' | 'withdrawnRetentionDays'>,
    private readonly area: ServiceArea,
    private readonly registry: CameraRegistry,
    private readonly floor: FloorPublisher,
  ) {}

  /** Mails a fresh link to every owner registered with this address. Answers the same whether or not there is one. */
  async requestLink(email: string, requestId: string): Promise<void> {
    const now = this.clock.now();
    const found = await repo.findOwnersByEmail(this.db, email.trim());
    for (const owner of found) {
      await this.db.transaction(async (tx) => {
        const link = await issueOwnerLink(tx, this.box, owner.id, this.config.publicUrl, this.config.ownerLinkTtlMinutes, now);
        await enqueue(
          tx,
          {
            idempotencyKey: `owner-link:${sha256Hex(link.token).slice(0, 32)}`,
            channel: 'email',
            recipient: owner.email!,
            template: 'owner_link',
            language: owner.language,
            ownerId: owner.id,
            data: { name: owner.name, link: link.url, expiresAt: link.expiresAt.toUTCString() },
          },
          now,
        );
        await appendAudit(tx, { actorType: 'owner', actorId: owner.id, action: 'owner.link_requested', targetType: 'owner', targetId: owner.id, requestId }, now);
      });
    }
  }

  /** Uses a link up and opens an owner session; returns its token (for a cookie). */
  async openSession(linkToken: string, requestId: string): Promise<{ token: string; expiresAt: Date }> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const ownerId = await consumeOwnerLink(tx, this.box, linkToken, now);
      const owner = await repo.findOwner(tx, ownerId);
      if (!owner || owner.erasedAt) throw new AppError('UNAUTHENTICATED', 'This registration no longer exists.');
      const token = randomToken();
      // The row's expiry is the idle one, moved on as the session is used; the cookie lasts the absolute lifetime,
      // so that a long upload is not cut off at the idle limit.
      const expiresAt = new Date(now.getTime() + this.config.ownerSessionMinutes * 60_000);
      await repo.insertOwnerSession(tx, { tokenHash: sha256Hex(token), ownerId, expiresAt, createdAt: now });
      await appendAudit(tx, { actorType: 'owner', actorId: ownerId, action: 'owner.link_used', targetType: 'owner', targetId: ownerId, requestId }, now);
      return { token, expiresAt: this.sessionEnd(now) };
    });
  }

  /** When a session opened at `openedAt` ends however busy it is. */
  private sessionEnd(openedAt: Date): Date {
    return new Date(openedAt.getTime() + this.config.ownerSessionMaxHours * 3_600_000);
  }

  /**
   * The owner of a live session. Each use moves the idle expiry on (written at most once a minute, so that the
   * chunks of an upload do not each write), never past the absolute lifetime.
   */
  async resolveSession(token: string): Promise<string> {
    const now = this.clock.now();
    const tokenHash = sha256Hex(token);
    const session = await repo.findOwnerSession(this.db, tokenHash, now);
    const end = session ? this.sessionEnd(session.createdAt) : now;
    if (!session || end <= now) throw new AppError('UNAUTHENTICATED', 'Open the link from your email again, or ask for a new one.');
    const idleMs = this.config.ownerSessionMinutes * 60_000;
    const next = new Date(Math.min(now.getTime() + idleMs, end.getTime()));
    if (next.getTime() - session.expiresAt.getTime() >= 60_000) await repo.extendOwnerSession(this.db, tokenHash, next);
    return session.ownerId;
  }

  async endSession(token: string): Promise<void> {
    const session = await repo.findOwnerSession(this.db, sha256Hex(token), this.clock.now());
    if (session) await repo.endOwnerSessions(this.db, session.ownerId, this.clock.now());
  }

  async overview(ownerId: string) {
    const owner = await repo.findOwner(this.db, ownerId);
    if (!owner) throw notFound('that registration');
    const [cameras, requests] = await Promise.all([repo.camerasOfOwner(this.db, ownerId), requestsOfOwner(this.db, ownerId)]);
    // Every request ever made of the owner's cameras (C3), newest first. Which incident, and who asked, stay with staff.
    const ownerRequests = requests.map((r) => {
      const { requestedBy: _who, ownerId: _o, items, ...v } = requestView(r);
      return { ...v, cameraIds: [...new Set((items ?? []).map((i) => i.cameraId))] };
    });
    return { owner: { ...ownerView(owner), declinedKinds: owner.declinedKinds }, cameras: cameras.map(cameraView), requests: ownerRequests, retentionDays: this.config.withdrawnRetentionDays };
  }

  async editCamera(ownerId: string, cameraId: string, patch: CameraPatch, requestId: string): Promise<Camera> {
    const now = this.clock.now();
    const owner = await repo.findOwner(this.db, ownerId);
    if (!owner) throw notFound('that registration');
    return this.floor.transaction(async (tx) => {
      const camera = await this.ownCamera(tx, ownerId, cameraId);
      if (camera.status === 'withdrawn') throw new AppError('CONFLICT', 'This camera was withdrawn; register it again to bring it back.');
      const merged = { tier: patch.tier ?? camera.tier, stream: patch.stream ?? (camera.streamUrlEnc ? { url: 'kept' } : undefined) };
      const problems = cameraProblems([{ ...patch, tier: merged.tier as 'registered' | 'integrated', stream: merged.stream as CameraPatch['stream'] }], owner.kind, this.area, '/body');
      if (problems.length) throw invalid(problems.map((p) => `${p.pointer}: ${p.message}`).join('; '), problems);
      const recheck = GEOMETRY_FIELDS.some((f) => patch[f] !== undefined) && camera.status === 'verified';
      const row = await repo.updateCamera(tx, cameraId, {
        ...cameraColumns(patch),
        ...(patch.stream ? sealStream(this.box, cameraId, patch.stream) : {}),
        ...(patch.tier === 'registered' ? { streamUrlEnc: null, streamCredentialsEnc: null } : {}),
        ...(recheck ? { status: 'pending' as const, verifiedAt: null, verifiedBy: null } : {}),
        changesRequested: false,
        updatedAt: now,
      });
      await appendAudit(
        tx,
        { actorType: 'owner', actorId: ownerId, action: 'camera.edit', targetType: 'camera', targetId: cameraId, requestId, details: { fields: Object.keys(patch), backToReview: recheck } },
        now,
      );
      recordChange(tx, { kind: 'camera', cameraId, status: row!.status });
      return row!;
    }, (row) => this.registry.apply(row));
  }

  async setPaused(ownerId: string, cameraId: string, paused: boolean, requestId: string): Promise<Camera> {
    const now = this.clock.now();
    return this.floor.transaction(async (tx) => {
      const camera = await this.ownCamera(tx, ownerId, cameraId);
      if (paused && !['verified', 'pending'].includes(camera.status)) throw new AppError('CONFLICT', `A ${camera.status} camera cannot be paused.`);
      if (!paused && camera.status !== 'paused') throw new AppError('CONFLICT', 'Only a paused camera can be resumed.');
      const status = paused ? 'paused' : camera.verifiedAt ? 'verified' : 'pending';
      const row = await repo.updateCamera(tx, cameraId, { status, updatedAt: now });
      await appendAudit(tx, { actorType: 'owner', actorId: ownerId, action: paused ? 'camera.pause' : 'camera.resume', targetType: 'camera', targetId: cameraId, requestId }, now);
      recordChange(tx, { kind: 'camera', cameraId, status: row!.status });
      return row!;
    }, (row) => this.registry.apply(row));
  }

  /** Withdraws some or all of the owner's cameras. When none is left, the owner is withdrawn and erasure is scheduled. */
  async withdraw(ownerId: string, cameraIds: string[] | 'all', requestId: string): Promise<{ withdrawn: Camera[]; ownerWithdrawn: boolean; erased: boolean }> {
    const now = this.clock.now();
    const result = await this.floor.transaction(async (tx) => {
      const owner = await repo.findOwner(tx, ownerId);
      if (!owner) throw notFound('that registration');
      const mine = await repo.camerasOfOwner(tx, ownerId);
      const chosen = cameraIds === 'all' ? mine : cameraIds.map((id) => mine.find((c) => c.id === id) ?? (() => { throw notFound('that camera'); })());
      const withdrawn: Camera[] = [];
      for (const camera of chosen) {
        if (camera.status === 'withdrawn') continue;
        withdrawn.push((await repo.updateCamera(tx, camera.id, { status: 'withdrawn', streamUrlEnc: null, streamCredentialsEnc: null, updatedAt: now }))!);
        recordChange(tx, { kind: 'camera', cameraId: camera.id, status: 'withdrawn' });
      }
      const left = await repo.countActiveCameras(tx, ownerId);
      const ownerWithdrawn = left === 0 && !owner.withdrawnAt;
      if (ownerWithdrawn) await repo.updateOwner(tx, ownerId, { withdrawnAt: now, updatedAt: now });
      await appendAudit(
        tx,
        { actorType: 'owner', actorId: ownerId, action: 'camera.withdraw', targetType: 'owner', targetId: ownerId, requestId, details: { cameras: withdrawn.map((c) => c.id), ownerWithdrawn } },
        now,
      );
      if (withdrawn.length && owner.email) {
        const days = this.config.withdrawnRetentionDays;
        await enqueue(
          tx,
          {
            idempotencyKey: `withdraw:${ownerId}:${now.getTime()}`,
            channel: 'email',
            recipient: owner.email,
            template: 'camera_withdrawn',
            language: owner.language,
            ownerId,
            data: {
              name: owner.name,
              count: withdrawn.length,
              erasure: ownerWithdrawn ? (days === 0 ? 'Your personal data has been deleted.' : `Your personal data will be deleted in ${days} days.`) : '',
            },
          },
          now,
        );
      }
      return { withdrawn, ownerWithdrawn };
    }, (r) => this.registry.applyAll(r.withdrawn));
    let erased = false;
    if (result.ownerWithdrawn && this.config.withdrawnRetentionDays === 0) erased = (await this.eraseDue()) > 0;
    return { ...result, erased };
  }

  /**
   * The kinds of request the owner does not want (request-kinds.ts). Their cameras leave matching for those kinds
   * from the next incident on (a bitmask on each camera, in the index too) and come back when the owner says so.
   */
  async setDeclinedKinds(ownerId: string, kinds: readonly string[], requestId: string): Promise<string[]> {
    const unknown = kinds.filter((k) => !isRequestKind(k));
    if (unknown.length) {
      throw invalid(`/body/declinedKinds: unknown kind ${unknown.map((k) => `"${k}"`).join(', ')}; the kinds are ${REQUEST_KIND_IDS.join(', ')}`, [{ pointer: '/body/declinedKinds', message: 'unknown kind' }]);
    }
    const declined = REQUEST_KIND_IDS.filter((k) => kinds.includes(k));
    const now = this.clock.now();
    await this.floor.transaction(
      async (tx) => {
        const owner = await repo.findOwner(tx, ownerId);
        if (!owner || owner.erasedAt) throw notFound('that registration');
        await repo.updateOwner(tx, ownerId, { declinedKinds: declined, updatedAt: now });
        const cams = await repo.setDeclinedKindsMask(tx, ownerId, maskOfKinds(declined));
        await appendAudit(tx, { actorType: 'owner', actorId: ownerId, action: 'owner.preferences', targetType: 'owner', targetId: ownerId, requestId, details: { declinedKinds: declined, before: owner.declinedKinds } }, now);
        // Other instances reload these cameras (and their new mask) from camera.changed.
        for (const c of cams) recordChange(tx, { kind: 'camera', cameraId: c.id, status: c.status });
        return cams;
      },
      (cams) => this.registry.applyAll(cams),
    );
    return declined;
  }

  /** Everything the program holds about the owner, as one JSON document. */
  async export(ownerId: string, requestId: string) {
    const now = this.clock.now();
    const overview = await this.overview(ownerId);
    const messages = await listMessages(this.db, { ownerId }, 1000);
    const history = await listAudit(this.db, { actorId: ownerId }, 1000);
    await this.db.transaction((tx) => appendAudit(tx, { actorType: 'owner', actorId: ownerId, action: 'owner.export', targetType: 'owner', targetId: ownerId, requestId }, now));
    return {
      exportedAt: now.toISOString(),
      ...overview,
      messages: messages.map((m) => ({ template: m.template, channel: m.channel, recipient: m.recipient, status: m.status, createdAt: m.createdAt.toISOString(), sentAt: m.sentAt?.toISOString() ?? null })),
      activity: history.map((h) => ({ at: new Date(h.at).toISOString(), action: h.action, targetType: h.targetType, targetId: h.targetId })),
    };
  }

  /**
   * Erases the personal data of owners withdrawn longer than the retention period: name, email, phone, organisation,
   * camera addresses and stream secrets; camera positions are coarsened to about a kilometre (two decimals) so
   * program figures stay countable by area. The audit trail keeps ids, never the erased values.
   */
  async eraseDue(): Promise<number> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - this.config.withdrawnRetentionDays * 86_400_000);
    const due = await repo.ownersDueForErasure(this.db, cutoff);
    for (const owner of due) {
      await this.db.transaction(async (tx) => {
        const cams = await repo.camerasOfOwner(tx, owner.id);
        for (const c of cams) {
          await repo.updateCamera(tx, c.id, { address: null, label: null, lat: Math.round(c.lat * 100) / 100, lng: Math.round(c.lng * 100) / 100, streamUrlEnc: null, streamCredentialsEnc: null });
        }
        await repo.updateOwner(tx, owner.id, { name: null, email: null, phone: null, organization: null, erasedAt: now });
        await repo.endOwnerSessions(tx, owner.id, now);
        await appendAudit(
          tx,
          { actorType: 'system', action: 'owner.erase', targetType: 'owner', targetId: owner.id, details: { cameras: cams.length, withdrawnAt: owner.withdrawnAt?.toISOString(), retentionDays: this.config.withdrawnRetentionDays } },
          now,
        );
      });
    }
    return due.length;
  }

  private async ownCamera(q: Parameters<typeof repo.findCameraForUpdate>[0], ownerId: string, cameraId: string): Promise<Camera> {
    const camera = await repo.findCameraForUpdate(q, cameraId);
    if (!camera || camera.ownerId !== ownerId) throw notFound('that camera');
    return camera;
  }
}
