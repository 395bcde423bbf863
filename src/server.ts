// Starts the HTTP server on a context and stops it cleanly on SIGINT/SIGTERM.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { AppContext } from './context.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

export async function startServer(ctx: AppContext, opts: { serveWeb?: boolean; housekeepingMs?: number } = {}): Promise<RunningServer> {
  const app = await buildApp(ctx, opts);
  await app.listen({ port: ctx.config.port, host: ctx.config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : ctx.config.port;
  const url = `http://localhost:${port}`;
  ctx.lock?.update({ url });
  ctx.outbox.start();
  void ctx.evidence.resumeProcessing();
  // Personal data of withdrawn owners is erased once its retention period is over: at start, then hourly.
  const eraseDue = () => ctx.owners.eraseDue().catch((err: unknown) => app.log.error({ err }, 'erasure of withdrawn owners failed'));
  void eraseDue();
  const eraser = setInterval(eraseDue, 3_600_000);
  eraser.unref();
  // Footage requests: mark sent when their time comes, remind half-way, expire the unanswered.
  const housekeeping = setInterval(() => {
    ctx.requests.housekeeping().catch((err: unknown) => app.log.error({ err }, 'request housekeeping failed'));
  }, opts.housekeepingMs ?? 30_000);
  housekeeping.unref();
  // Alerts: undelivered messages to owners, alerts of messages that went out after all, snoozed alerts due back;
  // cameras whose health feed has gone quiet.
  const alertSweep = setInterval(() => {
    ctx.alerts.sweep().catch((err: unknown) => app.log.error({ err }, 'alert sweep failed'));
    ctx.alerts.sweepSilentCameras().catch((err: unknown) => app.log.error({ err }, 'camera health sweep failed'));
  }, ctx.config.alertSweepSeconds * 1000);
  alertSweep.unref();
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(eraser);
      clearInterval(housekeeping);
      clearInterval(alertSweep);
      await app.close();
      await ctx.close();
    })());
  return { app, url, stop };
}

/** Stops the server on the first SIGINT/SIGTERM; a second one exits at once. */
export function stopOnSignals(server: RunningServer): void {
  let signalled = false;
  const onSignal = (signal: string) => {
    if (signalled) process.exit(130);
    signalled = true;
    server.app.log.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        server.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * Exits (code 1) if the embedded database is lost: its thread stopped, so every request would fail from then on.
 * Restarted by its supervisor, the server recovers the database from its write-ahead log.
 */
export function exitIfDatabaseLost(server: RunningServer, ctx: AppContext): void {
  void ctx.database.lost?.then((err) => {
    server.app.log.fatal({ err }, 'the embedded database stopped; exiting so that the server can be restarted');
    process.exit(1);
  });
}
