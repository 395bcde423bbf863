// Synthetic camera owners for the demo: some of the owners asked for footage answer a little later — some share a
// generated clip, some decline, the rest never answer (and their requests expire) — so a newcomer sees the whole
// loop on the floor within a minute. Only the demo registry's owners (example.invalid addresses) ever answer.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq, inArray, like } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { footageRequests, owners } from '../db/schema.js';
import type { EvidenceService } from '../evidence/evidence.service.js';
import type { Clock } from '../platform/clock.js';

const run = promisify(execFile);

export const DEMO_OWNER_EMAIL = '%@example.invalid';

export type DemoAnswer = 'share' | 'decline' | 'silent';

/** The same answer and delay for a request on every run: a hash of its id. */
export function demoAnswerOf(requestId: string, shareShare = 0.5, declineShare = 0.2): { answer: DemoAnswer; delayMs: number } {
  const h = crypto.createHash('sha256').update(requestId).digest();
  const pick = h.readUInt32BE(0) / 2 ** 32;
  const delayMs = 8_000 + Math.floor((h.readUInt32BE(4) / 2 ** 32) * 30_000);
  return { answer: pick < shareShare ? 'share' : pick < shareShare + declineShare ? 'decline' : 'silent', delayMs };
}

const DECLINE_REASONS = ['The camera was not recording then.', 'I would rather not share footage of my neighbours.', 'The recording has already been overwritten.', undefined];

export interface DemoResponderOptions {
  intervalMs?: number;
  /** Folder for the generated clips before they are handed over as uploads. */
  workDir: string;
}

export class DemoResponder {
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  readonly #done = new Set<string>();
  #ffmpeg: boolean | undefined;

  constructor(
    private readonly db: Db,
    private readonly evidence: EvidenceService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: DemoResponderOptions,
  ) {}

  /** One pass: answers every sent request of a demo owner whose delay has passed. Returns what it did. */
  async tick(): Promise<{ shared: number; declined: number }> {
    const now = this.clock.now().getTime();
    const due = await this.db
      .select({ id: footageRequests.id, ownerId: footageRequests.ownerId, sentAt: footageRequests.sentAt, sendAfter: footageRequests.sendAfter, windowFrom: footageRequests.windowFrom, windowTo: footageRequests.windowTo })
      .from(footageRequests)
      .innerJoin(owners, eq(owners.id, footageRequests.ownerId))
      .where(and(inArray(footageRequests.status, ['sent']), like(owners.email, DEMO_OWNER_EMAIL)))
      .limit(200);
    let shared = 0;
    let declined = 0;
    for (const r of due) {
      if (this.#done.has(r.id)) continue;
      const { answer, delayMs } = demoAnswerOf(r.id);
      if ((r.sentAt ?? r.sendAfter).getTime() + delayMs > now) continue;
      this.#done.add(r.id);
      try {
        if (answer === 'decline') {
          const reason = DECLINE_REASONS[crypto.createHash('sha1').update(r.id).digest()[0]! % DECLINE_REASONS.length];
          await this.evidence.decline(r.ownerId, r.id, reason, 'demo-owner');
          declined++;
        } else if (answer === 'share' && (await this.hasFfmpeg())) {
          const file = await this.makeClip(r.id, r.windowFrom, r.windowTo);
          await this.evidence.receive({ uploadId: `demo-${r.id}`, uploadPath: file, ownerId: r.ownerId, requestId: r.id, filename: 'doorbell-clip.mp4', contentType: 'video/mp4' });
          shared++;
        }
      } catch (err) {
        this.log.warn({ err, requestId: r.id }, 'demo owner could not answer');
      }
    }
    return { shared, declined };
  }

  private async hasFfmpeg(): Promise<boolean> {
    if (this.#ffmpeg === undefined) {
      this.#ffmpeg = await run('ffmpeg', ['-version']).then(
        () => true,
        () => false,
      );
      if (!this.#ffmpeg) this.log.warn('ffmpeg is not installed: demo owners decline or stay silent, none shares a clip');
    }
    return this.#ffmpeg;
  }

  /** A short H.264 clip of a test pattern with a running clock, stamped as recorded inside the asked window. */
  private async makeClip(requestId: string, from: Date, to: Date): Promise<string> {
    fs.mkdirSync(this.opts.workDir, { recursive: true });
    const file = path.join(this.opts.workDir, `${requestId}.mp4`);
    const recordedAt = new Date((from.getTime() + to.getTime()) / 2).toISOString();
    await run('ffmpeg', [
      '-nostdin', '-v', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=duration=8:size=640x360:rate=15',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart',
      '-metadata', `creation_time=${recordedAt}`,
      file,
    ]);
    return file;
  }

  start(): void {
    const interval = this.opts.intervalMs ?? 3000;
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = true;
      void this.tick()
        .catch((err: unknown) => this.log.warn({ err }, 'demo owners failed'))
        .finally(() => (this.#running = false));
    }, interval);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** Where the demo puts its generated clips (under the data folder, or the system's temporary folder). */
export function demoClipDir(dataDir: string | undefined): string {
  return dataDir ? path.join(dataDir, 'demo-clips') : path.join(os.tmpdir(), 'watchfloor-demo-clips');
}
