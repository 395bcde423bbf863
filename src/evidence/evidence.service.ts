// Evidence (M4, M5): an owner's answer to a footage request — a decline, or files uploaded with tus. Each file is
// moved unchanged into the evidence store and hashed (SHA-256) on arrival, probed with ffprobe, checked against the
// requested window (a warning, never a rejection), and given a browser-playable copy when it is not one. Every
// step and every later access is a custody entry in the audit trail.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/client.js';
import { AppError, notFound } from '../errors.js';
import { appendAudit, appendAuditAlone, listAudit } from '../audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import { isBrowserPlayable, probe, transcodeToMp4, type ProbeResult } from '../platform/ffmpeg.js';
import type { Actor } from '../staff/staff.service.js';
import * as requestRepo from '../requests/request.repository.js';
import type { FootageRequest } from '../requests/request.repository.js';
import * as repo from './evidence.repository.js';
import type { Evidence } from './evidence.repository.js';
import { ObjectExistsError, type EvidenceStore, type WorkingCopy } from './evidence-store.js';
import { recordChange, type FloorPublisher } from '../events/floor-publisher.js';
import type { AlertService } from '../alerts/alert.service.js';

export const VIDEO_EXTENSIONS = ['.mp4', '.mov', '.m4v', '.avi', '.mkv', '.webm', '.ts', '.mts', '.3gp', '.dav', '.h264', '.264', '.asf', '.wmv', '.flv'];

export function uploadProblem(filename: string | undefined, sizeBytes: number | undefined, maxBytes: number): string | undefined {
  if (!filename) return 'say the file name (Upload-Metadata "filename")';
  const ext = path.extname(filename).toLowerCase();
  if (!VIDEO_EXTENSIONS.includes(ext)) return `"${filename}" is not a video file this program takes (${VIDEO_EXTENSIONS.join(', ')})`;
  if (sizeBytes === undefined) return 'say the file size when starting the upload (Upload-Length); deferred lengths are not taken';
  if (sizeBytes <= 0) return 'the file is empty';
  if (sizeBytes > maxBytes) return `the file is ${(sizeBytes / 2 ** 30).toFixed(2)} GiB; the limit is ${(maxBytes / 2 ** 30).toFixed(2)} GiB — split it, or ask the requesting officer for another way`;
  return undefined;
}

/** Whether the footage can cover the window asked for; undefined when it can, else why it may not. */
export function coverageWarning(p: ProbeResult, windowFrom: Date, windowTo: Date): string | undefined {
  if (p.recordedAt && p.durationS !== null) {
    const start = new Date(p.recordedAt).getTime();
    const end = start + p.durationS * 1000;
    if (end < windowFrom.getTime() || start > windowTo.getTime()) {
      return `the file says it was recorded ${new Date(start).toISOString()} – ${new Date(end).toISOString()}, outside the requested ${windowFrom.toISOString()} – ${windowTo.toISOString()}`;
    }
    return undefined;
  }
  if (p.durationS !== null && p.durationS * 1000 < windowTo.getTime() - windowFrom.getTime()) {
    return `the file is ${Math.round(p.durationS)} s long, shorter than the ${Math.round((windowTo.getTime() - windowFrom.getTime()) / 60000)} minutes requested`;
  }
  return undefined;
}

export class EvidenceService {
  #processing = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly store: EvidenceStore,
    private readonly floor: FloorPublisher,
    private readonly alerts?: AlertService,
  ) {}

  /** The owner's open request that an upload or a decline is for; refuses anything else. */
  async openRequestOf(ownerId: string, requestId: string): Promise<FootageRequest> {
    const [request] = (await requestRepo.requestsOfOwner(this.db, ownerId)).filter((r) => r.id === requestId);
    if (!request) throw notFound('that request');
    if (!['sent', 'queued', 'answered'].includes(request.status)) throw new AppError('CONFLICT', `This request is ${request.status}; it no longer takes answers.`);
    if (request.expiresAt <= this.clock.now()) throw new AppError('CONFLICT', 'This request has expired.');
    return request;
  }

  async decline(ownerId: string, requestId: string, reason: string | undefined, requestIdForAudit: string): Promise<FootageRequest> {
    const request = await this.openRequestOf(ownerId, requestId);
    if (request.status === 'answered') throw new AppError('CONFLICT', 'Footage was already shared for this request.');
    const now = this.clock.now();
    return this.floor.transaction(async (tx) => {
      const updated = await requestRepo.updateRequest(tx, request.id, { status: 'declined', answeredAt: now, declineReason: reason?.trim() || null, updatedAt: now });
      await appendAudit(tx, { actorType: 'owner', actorId: ownerId, action: 'request.decline', targetType: 'footage_request', targetId: request.id, requestId: requestIdForAudit }, now);
      recordChange(tx, { kind: 'request', requestId: request.id });
      return updated;
    });
  }

  /**
   * A tus upload has finished: take it into the store (hashing it), refuse it when it is not video, record
   * receipt, and start processing. Returns the evidence row.
   */
  async receive(
    input: {
      uploadId: string;
      ownerId: string;
      requestId: string;
      filename: string;
      contentType: string | null;
      /** The SHA-256 of the file's bytes, when they were hashed as they were written; otherwise they are hashed here. */
      sha256?: string;
    } & (
      | { /** A finished upload on this machine (the file store, a clip). */ uploadPath: string }
      | { /** A finished upload in the store's bucket (@tus/s3-store). */ uploadKey: string }
    ),
  ): Promise<Evidence> {
    const existing = await repo.findEvidenceByUpload(this.db, input.uploadId);
    if (existing) return existing; // a retried final PATCH: already received
    const request = await this.openRequestOf(input.ownerId, input.requestId);
    const staged = await this.store.stage('uploadPath' in input ? { path: input.uploadPath } : { uploadKey: input.uploadKey }, input.sha256);
    let adopted: Awaited<ReturnType<typeof staged.adopt>> | undefined;
    let processing = false;
    try {
      const facts = await probe(staged.path);
      if (!facts.hasVideo) {
        await staged.discard();
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', `"${input.filename}" has no video that this program can read; nothing was kept. Export the clip from your camera's app as MP4 and try again.`);
      }
      const now = this.clock.now();
      const ext = path.extname(input.filename).toLowerCase() || '.bin';
      const id = crypto.randomUUID();
      const originalKey = `${now.toISOString().slice(0, 10)}/${id}/original${ext}`;
      adopted = await staged.adopt(originalKey);
      const { sha256, sizeBytes } = adopted;
      const warning = coverageWarning(facts, request.windowFrom, request.windowTo);
      const row = await this.floor.transaction(async (tx) => {
        const ev = await repo.insertEvidence(tx, {
          id,
          requestId: request.id,
          ownerId: input.ownerId,
          uploadId: input.uploadId,
          originalName: input.filename.slice(0, 300),
          contentType: input.contentType,
          sizeBytes,
          sha256,
          originalKey,
          probe: facts as unknown as Record<string, unknown>,
          coverageWarning: warning ?? null,
          status: 'processing',
          receivedAt: now,
        });
        await requestRepo.updateRequest(tx, request.id, { status: 'answered', answeredAt: request.answeredAt ?? now, updatedAt: now });
        await appendAudit(tx, { actorType: 'owner', actorId: input.ownerId, action: 'evidence.received', targetType: 'evidence', targetId: id, details: { request: request.id, sizeBytes, filename: ev.originalName } }, now);
        await appendAudit(tx, { actorType: 'system', actorName: 'evidence intake', action: 'evidence.hashed', targetType: 'evidence', targetId: id, details: { sha256, algorithm: 'SHA-256' } }, now);
        recordChange(tx, { kind: 'evidence', type: 'evidence.received', evidence: ev });
        await this.alerts?.footageReceived(tx, ev);
        recordChange(tx, { kind: 'request', requestId: request.id });
        return ev;
      });
      // Processing starts from the working copy made on the way in (no second read of the stored object) and
      // releases it.
      this.track(this.process(row, facts, adopted.copy));
      processing = true;
      return row;
    } finally {
      if (!processing) await (adopted ? adopted.copy.release() : staged.release());
    }
  }

  /**
   * Makes the playable copy when needed; marks the evidence ready (or failed, with why). When the store cannot be
   * read or written, the evidence stays in processing and the next start resumes it.
   */
  async process(ev: Evidence, facts?: ProbeResult, working?: WorkingCopy): Promise<Evidence> {
    let playableKey: string | null = null;
    let failure: string | null = null;
    const copy = working ?? (await this.store.workingCopy(ev.originalKey));
    try {
      const p = facts ?? (await probe(copy.path));
      if (!isBrowserPlayable(p)) {
        playableKey = path.posix.join(path.posix.dirname(ev.originalKey), 'playable.mp4');
        // Processing that a restart interrupted may have stored the copy already; a stored object is never replaced.
        if (!(await this.store.stat(playableKey))) {
          const out = this.store.scratchPath('.mp4');
          try {
            failure = await transcodeToMp4(copy.path, out).then(() => null, (err: Error) => err.message);
            if (failure) playableKey = null;
            else {
              await this.store.put(playableKey, out, 'video/mp4').catch((err: unknown) => {
                // Another instance resuming the same evidence stored it first: that copy serves.
                if (!(err instanceof ObjectExistsError)) throw err;
              });
            }
          } finally {
            fs.rmSync(out, { force: true });
          }
        }
      }
    } finally {
      await copy.release();
    }
    const now = this.clock.now();
    return this.floor.transaction(async (tx) => {
      const updated = await repo.updateEvidence(tx, ev.id, { status: failure ? 'failed' : 'ready', playableKey, failure, processedAt: now });
      // Processing has ended either way; the view's status says whether the footage plays.
      recordChange(tx, { kind: 'evidence', type: 'evidence.ready', evidence: updated });
      await appendAudit(tx, { actorType: 'system', actorName: 'evidence intake', action: failure ? 'evidence.processing_failed' : 'evidence.ready', targetType: 'evidence', targetId: ev.id, details: { playableCopy: !!playableKey, ...(failure ? { failure } : {}) } }, now);
      return updated;
    });
  }

  /** Resumes processing that a restart interrupted. */
  async resumeProcessing(): Promise<number> {
    const pending = await repo.processingEvidence(this.db);
    for (const ev of pending) this.track(this.process(ev));
    return pending.length;
  }

  /** Waits for background processing (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.#processing.size) await Promise.allSettled([...this.#processing]);
  }

  /** Opens a stored file for staff, recording who, how and why in the custody chain; gives its key in the store. */
  async access(id: string, how: 'viewed' | 'downloaded' | 'exported', actor: Actor, purpose: string | null): Promise<{ evidence: Evidence; key: string }> {
    const ev = await repo.findEvidence(this.db, id);
    if (!ev) throw notFound('that evidence');
    const key = how === 'viewed' ? (ev.playableKey ?? ev.originalKey) : ev.originalKey;
    await appendAuditAlone(this.db, { ...actor, action: `evidence.${how}`, targetType: 'evidence', targetId: id, purpose, details: { sha256: ev.sha256 } }, this.clock.now());
    return { evidence: ev, key };
  }

  async custody(id: string) {
    return (await listAudit(this.db, { targetType: 'evidence', targetId: id }, 500)).reverse();
  }

  /** Re-hashes every stored original and reports those whose bytes no longer match. */
  async verifyAll(): Promise<{ checked: number; mismatches: { id: string; expected: string; actual: string | null }[] }> {
    const all = await repo.allEvidence(this.db);
    const mismatches: { id: string; expected: string; actual: string | null }[] = [];
    for (const ev of all) {
      const actual = (await this.store.sha256(ev.originalKey)) ?? null;
      if (actual !== ev.sha256) mismatches.push({ id: ev.id, expected: ev.sha256, actual });
    }
    return { checked: all.length, mismatches };
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.#processing.delete(tracked));
    this.#processing.add(tracked);
  }
}
