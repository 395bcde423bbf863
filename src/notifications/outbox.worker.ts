// Delivers outbox messages after their transaction committed: claims due ones, sends, records the outcome, and
// retries failures with exponential back-off and jitter. A message is marked sent only after the mail server
// accepted it; one that keeps failing ends as `failed`, visible to staff, and can be requeued.
import type { Db } from '../db/client.js';
import type { Clock } from '../platform/clock.js';
import type { Mailer } from '../platform/mailer.js';
import { PermanentDeliveryError, type SmsSender } from '../platform/sms.js';
import * as repo from './outbox.repository.js';
import { renderTemplate, type TemplateName } from './templates.js';

export interface OutboxWorkerOptions {
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** 0..1, multiplied into the jitter; tests pass a fixed function. */
  random?: () => number;
}

export interface DeliveryLog {
  warn(obj: object, msg: string): void;
}

export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  // "Full jitter" on the upper half: spreads retries of many messages without ever retrying at once.
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export class OutboxWorker {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  readonly #opts: Required<OutboxWorkerOptions>;

  constructor(
    private readonly db: Db,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    private readonly log: DeliveryLog,
    opts: OutboxWorkerOptions = {},
    private readonly sms?: SmsSender,
  ) {
    this.#opts = { batchSize: 20, leaseMs: 60_000, maxAttempts: 12, baseDelayMs: 5_000, maxDelayMs: 30 * 60_000, random: Math.random, ...opts };
  }

  /** Delivers what is due now; returns how many were sent. Calls never overlap. */
  runOnce(): Promise<number> {
    this.#running ??= this.#deliverDue().finally(() => (this.#running = undefined));
    return this.#running;
  }

  start(intervalMs = 2_000): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.runOnce().catch((err: unknown) => this.log.warn({ err }, 'outbox delivery round failed'));
    }, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  async #deliverDue(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await this.db.transaction((tx) => repo.claimDue(tx, this.clock.now(), this.#opts.batchSize, this.#opts.leaseMs));
      if (batch.length === 0) return sent;
      for (const message of batch) if (await this.#deliver(message)) sent++;
      if (batch.length < this.#opts.batchSize) return sent;
    }
  }

  async #deliver(message: repo.OutboxMessage): Promise<boolean> {
    try {
      const r = renderTemplate(message.template as TemplateName, message.language, message.data);
      let providerMessageId: string;
      if (message.channel === 'sms') {
        if (!this.sms) throw new PermanentDeliveryError('no SMS provider is configured (WATCHFLOOR_SMS_URL)');
        ({ providerMessageId } = await this.sms.send({ to: message.recipient, text: smsText(r.subject, message.data), idempotencyKey: message.idempotencyKey }));
      } else {
        ({ providerMessageId } = await this.mailer.send({
          to: message.recipient,
          subject: r.subject,
          text: r.text,
          html: r.html,
          language: r.language,
          messageId: `<${message.idempotencyKey.replace(/[^\w.-]/g, '_')}@watchfloor>`,
        }));
      }
      await repo.markSent(this.db, message.id, this.clock.now(), providerMessageId);
      return true;
    } catch (err) {
      const giveUp = message.attempts >= this.#opts.maxAttempts || err instanceof PermanentDeliveryError;
      const delay = backoffMs(message.attempts, this.#opts.baseDelayMs, this.#opts.maxDelayMs, this.#opts.random);
      await repo.markRetry(this.db, message.id, new Date(this.clock.now().getTime() + delay), (err as Error).message, giveUp);
      this.log.warn({ outboxId: message.id, attempt: message.attempts, giveUp, err: (err as Error).message }, 'message delivery failed');
      return false;
    }
  }
}

/** A text message is short: the subject and the link, if the message has one. */
export function smsText(subject: string, data: Record<string, unknown>): string {
  const link = typeof data.link === 'string' ? ` ${data.link}` : '';
  return `${subject}.${link}`.slice(0, 640);
}
