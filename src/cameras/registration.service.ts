// Public self-registration (C1, C2): an owner and their cameras, pending review. One transaction writes the
// owner, the cameras, a fingerprint that refuses a double submission, the owner's link, the confirmation mail
// (outbox) and the audit entry.
import type { Config } from '../config.js';
import type { Db, Queryable } from '../db/client.js';
import type { Language } from '../db/schema.js';
import { AppError, invalid, type ProblemField } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import { sha256Hex, type SecretBox } from '../platform/crypto.js';
import type { ServiceArea } from '../geo/service-area.js';
import { enqueue } from '../notifications/outbox.repository.js';
import * as repo from './camera.repository.js';
import type { CameraInput, CameraPatch, RegistrationBody } from './camera.schema.js';
import { cameraTitle } from './camera.views.js';
import { issueOwnerLink } from './owner-links.js';
import { CONSENT_VERSION } from './terms.js';
import { recordChange, type FloorPublisher } from '../events/floor-publisher.js';

/** Owner kinds that may offer live view (C2): business, apartment or commercial sites. */
const MAY_INTEGRATE = new Set(['business', 'apartment_commercial']);
const DUPLICATE_WINDOW_MS = 24 * 3_600_000;

export type RegistrationResult = { status: 'received'; cameraCount: number };

/** Checks what the schema cannot: the service area, tier rules, stream presence. Collects every problem. */
export function cameraProblems(cameras: readonly Partial<CameraInput>[], ownerKind: string, area: ServiceArea, pointer = '/body/cameras'): ProblemField[] {
  const problems: ProblemField[] = [];
  cameras.forEach((c, i) => {
    const at = `${pointer}/${i}`;
    if (c.location && !area.contains(c.location.lat, c.location.lng)) {
      problems.push({ pointer: `${at}/location`, message: `(${c.location.lat}, ${c.location.lng}) is outside the program's service area (${area.name})` });
    }
    if (c.tier === 'integrated' && !MAY_INTEGRATE.has(ownerKind)) {
      problems.push({ pointer: `${at}/tier`, message: 'live-view (integrated) cameras are for business, apartment and commercial sites; choose "registered"' });
    }
    if (c.tier === 'integrated' && !c.stream) problems.push({ pointer: `${at}/stream`, message: 'an integrated camera needs its stream address' });
    if (c.tier === 'registered' && c.stream) problems.push({ pointer: `${at}/stream`, message: 'only integrated cameras share a stream' });
  });
  return problems;
}

export function sealStream(box: SecretBox, cameraId: string, stream: NonNullable<CameraInput['stream']>) {
  return {
    streamUrlEnc: box.seal(stream.url, `stream-url:${cameraId}`),
    streamCredentialsEnc: stream.username || stream.password ? box.seal(JSON.stringify({ username: stream.username ?? '', password: stream.password ?? '' }), `stream-cred:${cameraId}`) : null,
  };
}

/** Columns of a camera from the registration or edit form (geometry normalised). */
export function cameraColumns(c: CameraPatch) {
  return {
    ...(c.location ? { lat: c.location.lat, lng: c.location.lng } : {}),
    ...(c.address !== undefined ? { address: c.address.trim() || null } : {}),
    ...(c.label !== undefined ? { label: c.label.trim() || null } : {}),
    ...(c.kind !== undefined ? { kind: c.kind } : {}),
    ...(c.bearingDeg !== undefined ? { bearingDeg: c.bearingDeg % 360 } : {}),
    ...(c.fovDeg !== undefined ? { fovDeg: c.fovDeg } : {}),
    ...(c.rangeM !== undefined ? { rangeM: c.rangeM } : {}),
    ...(c.indoor !== undefined ? { indoor: c.indoor } : {}),
    ...(c.retentionDays !== undefined ? { retentionDays: c.retentionDays } : {}),
    ...(c.tier !== undefined ? { tier: c.tier } : {}),
  };
}

function fingerprintOf(body: RegistrationBody): string {
  const cams = body.cameras.map((c) => `${c.location.lat.toFixed(5)},${c.location.lng.toFixed(5)},${c.kind}`).sort();
  return sha256Hex(`${body.owner.email.trim().toLowerCase()}|${cams.join(';')}`);
}

export class RegistrationService {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'publicUrl' | 'ownerLinkTtlMinutes'>,
    private readonly area: ServiceArea,
    private readonly floor: FloorPublisher,
  ) {}

  async register(body: RegistrationBody, ctx: { ip?: string; requestId?: string }): Promise<RegistrationResult> {
    // A form field people do not see: only bots fill it. They get the same answer, and nothing is stored.
    if (body.website && body.website.trim() !== '') return { status: 'received', cameraCount: body.cameras.length };
    const problems = cameraProblems(body.cameras, body.owner.kind, this.area);
    if (problems.length) throw invalid(problems.map((p) => `${p.pointer}: ${p.message}`).join('; '), problems);

    const now = this.clock.now();
    const fingerprint = fingerprintOf(body);
    return this.floor.transaction(async (tx) => {
      const earlier = await repo.findFingerprint(tx, fingerprint, new Date(now.getTime() - DUPLICATE_WINDOW_MS));
      if (earlier) {
        throw new AppError(
          'CONFLICT',
          `This registration was already received on ${earlier.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC. Check your email for your link, or ask for a new one at /connect/manage.`,
        );
      }
      await repo.deleteFingerprint(tx, fingerprint); // an old one past the window
      const owner = await repo.insertOwner(tx, {
        name: body.owner.name.trim(),
        email: body.owner.email.trim(),
        phone: body.owner.phone?.trim() || null,
        kind: body.owner.kind,
        organization: body.owner.organization?.trim() || null,
        language: (body.owner.language ?? 'en') as Language,
        contactBySms: body.owner.contactBySms ?? false,
        consentVersion: CONSENT_VERSION,
        consentAt: now,
      });
      const created = await this.insertCameras(tx, owner.id, body.cameras, now);
      for (const c of created) recordChange(tx, { kind: 'camera', cameraId: c.id, status: c.status });
      await repo.insertFingerprint(tx, fingerprint, owner.id);
      const link = await issueOwnerLink(tx, this.box, owner.id, this.config.publicUrl, this.config.ownerLinkTtlMinutes, now);
      await enqueue(
        tx,
        {
          idempotencyKey: `registration:${owner.id}`,
          channel: 'email',
          recipient: owner.email!,
          template: 'registration_received',
          language: owner.language,
          ownerId: owner.id,
          data: {
            name: owner.name,
            count: created.length,
            cameras: created.map(cameraTitle),
            link: link.url,
            expiresAt: link.expiresAt.toUTCString(),
            manageUrl: `${this.config.publicUrl}/connect/manage`,
          },
        },
        now,
      );
      await appendAudit(
        tx,
        {
          actorType: 'owner',
          actorId: owner.id,
          action: 'owner.register',
          targetType: 'owner',
          targetId: owner.id,
          requestId: ctx.requestId ?? null,
          details: { cameras: created.map((c) => c.id), tiers: created.map((c) => c.tier), consentVersion: CONSENT_VERSION },
        },
        now,
      );
      return { status: 'received' as const, cameraCount: created.length };
    });
  }

  async insertCameras(q: Queryable, ownerId: string, inputs: readonly CameraInput[], now: Date) {
    const rows = inputs.map((c) => ({
      id: crypto.randomUUID(),
      ownerId,
      ...cameraColumns(c),
      lat: c.location.lat,
      lng: c.location.lng,
      kind: c.kind,
      bearingDeg: c.bearingDeg % 360,
      fovDeg: c.fovDeg,
      rangeM: c.rangeM,
      retentionDays: c.retentionDays,
      tier: c.tier,
      status: 'pending' as const,
      source: 'registration' as const,
      createdAt: now,
      updatedAt: now,
    }));
    const withStreams = rows.map((r, i) => {
      const stream = inputs[i]!.stream;
      return stream ? { ...r, ...sealStream(this.box, r.id, stream) } : r;
    });
    return repo.insertCameras(q, withStreams);
  }
}
