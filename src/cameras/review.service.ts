// Verification by program staff (C4): approve, reject with a reason the owner receives, or ask for changes.
// Only verified cameras enter the index. Each decision is audited and mailed in one transaction.
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { AppError, notFound } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import { enqueue } from '../notifications/outbox.repository.js';
import type { TemplateName } from '../notifications/templates.js';
import type { Actor } from '../staff/staff.service.js';
import * as repo from './camera.repository.js';
import type { Camera } from './camera.repository.js';
import type { CameraRegistry } from './camera-registry.js';
import { cameraTitle, cameraView, ownerView } from './camera.views.js';
import { recordChange, type FloorPublisher } from '../events/floor-publisher.js';

export type ReviewDecision = { decision: 'verify' } | { decision: 'reject'; reason: string } | { decision: 'request-changes'; reason: string };

const TEMPLATE: Record<ReviewDecision['decision'], TemplateName> = {
  verify: 'camera_verified',
  reject: 'camera_rejected',
  'request-changes': 'camera_changes_requested',
};

export class ReviewService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'publicUrl'>,
    private readonly registry: CameraRegistry,
    private readonly floor: FloorPublisher,
  ) {}

  /** The pending queue with each owner's contact details; looking at them is recorded. */
  async queue(actor: Actor, limit: number) {
    const rows = await repo.pendingWithOwners(this.db, limit);
    const now = this.clock.now();
    await this.db.transaction((tx) =>
      appendAudit(tx, { ...actor, action: 'owner.view', targetType: 'camera_queue', details: { owners: [...new Set(rows.map((r) => r.owner?.id).filter(Boolean))] } }, now),
    );
    return rows.map((r) => ({ camera: cameraView(r.camera), owner: r.owner ? ownerView(r.owner) : null }));
  }

  async decide(cameraId: string, d: ReviewDecision, actor: Actor): Promise<Camera> {
    const now = this.clock.now();
    return this.floor.transaction(async (tx) => {
      const camera = await repo.findCameraForUpdate(tx, cameraId);
      if (!camera) throw notFound('that camera');
      if (camera.status !== 'pending') throw new AppError('CONFLICT', `This camera is ${camera.status}, not waiting for review.`);
      const patch =
        d.decision === 'verify'
          ? { status: 'verified' as const, verifiedAt: now, verifiedBy: actor.actorId ?? null, reviewNote: null, changesRequested: false }
          : d.decision === 'reject'
            ? { status: 'rejected' as const, reviewNote: d.reason, changesRequested: false }
            : { changesRequested: true, reviewNote: d.reason };
      const row = (await repo.updateCamera(tx, cameraId, { ...patch, updatedAt: now }))!;
      if (row.status !== camera.status) recordChange(tx, { kind: 'camera', cameraId, status: row.status });
      await appendAudit(
        tx,
        { ...actor, action: `camera.${d.decision}`, targetType: 'camera', targetId: cameraId, details: d.decision === 'verify' ? {} : { reason: d.reason } },
        now,
      );
      const owner = camera.ownerId ? await repo.findOwner(tx, camera.ownerId) : undefined;
      if (owner?.email) {
        await enqueue(
          tx,
          {
            idempotencyKey: `review:${cameraId}:${d.decision}:${now.getTime()}`,
            channel: 'email',
            recipient: owner.email,
            template: TEMPLATE[d.decision],
            language: owner.language,
            ownerId: owner.id,
            data: { name: owner.name, camera: cameraTitle(camera), reason: d.decision === 'verify' ? '' : d.reason, manageUrl: `${this.config.publicUrl}/connect/manage` },
          },
          now,
        );
      }
      return row;
    }, (row) => this.registry.apply(row));
  }
}
