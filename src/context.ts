// Everything a running server (or a CLI command) shares: configuration, database, keys, clock and services.
import { pino, type Logger } from 'pino';
import { s3Settings, type Config } from './config.js';
import { migrateDatabase, openDatabase, type Database } from './db/client.js';
import { AuthService } from './auth/auth.service.js';
import { StaffService } from './staff/staff.service.js';
import { systemClock, type Clock } from './platform/clock.js';
import { loadOrCreateSecretKey, SecretBox } from './platform/crypto.js';
import { lockDataDir, type DataDirLock } from './platform/lock.js';
import { createMailer, type Mailer } from './platform/mailer.js';
import { createSmsSender } from './platform/sms.js';
import { loadServiceArea, type ServiceArea } from './geo/service-area.js';
import { loadAreas } from './geo/areas.js';
import { CameraRegistry } from './cameras/camera-registry.js';
import { RegistrationService } from './cameras/registration.service.js';
import { OwnerService } from './cameras/owner.service.js';
import { ReviewService } from './cameras/review.service.js';
import { CameraImporter } from './cameras/camera-import.js';
import { IncidentService } from './incidents/incident.service.js';
import { RequestService } from './requests/request.service.js';
import { EvidenceService } from './evidence/evidence.service.js';
import { LocalEvidenceStore, type EvidenceStore } from './evidence/evidence-store.js';
import { parseQuietHours } from './config.js';
import { OutboxWorker, type OutboxWorkerOptions } from './notifications/outbox.worker.js';
import { InProcessEventBus, type EventBus } from './events/event-bus.js';
import { NatsEventBus } from './events/nats-event-bus.js';
import { FloorPublisher } from './events/floor-publisher.js';
import { CameraIndexSync } from './events/camera-sync.js';
import { AlertService } from './alerts/alert.service.js';
import { IncidentNotesService } from './incidents/incident-notes.service.js';

export interface AppContext {
  config: Config;
  /** The process's structured logger (the HTTP server logs through it too). */
  log: Logger;
  database: Database;
  box: SecretBox;
  clock: Clock;
  auth: AuthService;
  staff: StaffService;
  serviceArea: ServiceArea;
  cameras: CameraRegistry;
  registrations: RegistrationService;
  owners: OwnerService;
  reviews: ReviewService;
  importer: CameraImporter;
  incidents: IncidentService;
  requests: RequestService;
  evidence: EvidenceService;
  /** The floor's alert queue (F3). */
  alerts: AlertService;
  /** Staff notes on incidents and their timelines. */
  notes: IncidentNotesService;
  mailer: Mailer;
  outbox: OutboxWorker;
  /** The floor's live events (publish after commit; the WebSocket route relays them). */
  events: EventBus;
  /** Services publish their committed changes through it (FloorPublisher.transaction + recordChange). */
  floor: FloorPublisher;
  /** With a shared bus: applies other instances' camera changes to this instance's index. */
  cameraSync?: CameraIndexSync | undefined;
  /** Held while this process has the PGlite folder open. */
  lock?: DataDirLock | undefined;
  close(): Promise<void>;
}

export interface ContextOptions {
  clock?: Clock;
  /** An already open database (tests); otherwise opened from the configuration. */
  database?: Database;
  /** Which command holds the data folder (shown to a second process that finds it busy). */
  command?: string;
  /** Open PGlite in memory instead of in the data folder (tests). */
  inMemory?: boolean;
  /** Replaces the SMTP mailer (tests). */
  mailer?: Mailer;
  outbox?: OutboxWorkerOptions;
  /** An event bus instead of the configured one (tests: NATS with a stream of their own). */
  events?: EventBus;
}

export async function createContext(config: Config, opts: ContextOptions = {}): Promise<AppContext> {
  const clock = opts.clock ?? systemClock;
  // Read before the data folder is taken, so that a bad area file stops the start cleanly.
  const serviceArea = loadServiceArea(config.serviceAreaFile);
  serviceArea.areas = await loadAreas(serviceArea, { districts: config.districtsSource, wards: config.wardsSource });
  let lock: DataDirLock | undefined;
  let database = opts.database;
  if (!database) {
    const embedded = !config.databaseUrl;
    if (embedded && !opts.inMemory) lock = lockDataDir(config.dataDir, opts.command ?? 'serve');
    try {
      database = await openDatabase({ url: config.databaseUrl, poolSize: config.databasePoolSize, dir: embedded && !opts.inMemory ? `${config.dataDir}/pglite` : undefined });
      await migrateDatabase(database);
    } catch (err) {
      lock?.release();
      throw err;
    }
  }
  const { key } = loadOrCreateSecretKey(config.secretKey, config.dataDir);
  const box = new SecretBox(key);
  const db = database.db;
  const auth = new AuthService(db, box, clock, config);
  const staff = new StaffService(db, clock, (id) => auth.forgetApiKey(id));
  const cameras = new CameraRegistry();
  await cameras.load(db);
  const log = pino({
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
  });
  const mailer = opts.mailer ?? createMailer(config.smtpUrl, config.mailFrom, log);
  const outbox = new OutboxWorker(db, mailer, clock, log, opts.outbox, createSmsSender(config.smsUrl, config.smsToken, config.smsFrom));
  let events: EventBus;
  try {
    events = opts.events ?? (config.natsUrl ? await NatsEventBus.connect({ url: config.natsUrl, log, name: `watchfloor ${opts.command ?? 'serve'}` }) : new InProcessEventBus());
  } catch (err) {
    if (!opts.database) await database.close();
    lock?.release();
    throw new Error(`WATCHFLOOR_NATS_URL: the live floor's NATS server cannot be used (${(err as Error).message})`, { cause: err });
  }
  const floor = new FloorPublisher(db, events, log);
  // Several instances share the bus: camera changes made on another one reach this instance's index through it.
  const cameraSync = events instanceof InProcessEventBus ? undefined : new CameraIndexSync(events, db, cameras, log);
  const requests = new RequestService(db, box, clock, config, {
    maxPerOwnerPerWeek: config.requestsPerOwnerWeek,
    ...parseQuietHours(config.quietHours),
    expiryHours: config.requestExpiryHours,
    windowPaddingMinutes: 15,
  }, floor);
  const alerts = new AlertService(db, clock, floor, config);
  let store: EvidenceStore;
  try {
    store = await openEvidenceStore(config, log);
  } catch (err) {
    floor.stop();
    await events.close();
    if (!opts.database) await database.close();
    lock?.release();
    throw err;
  }
  const evidence = new EvidenceService(db, clock, store, floor, alerts);
  const incidents = new IncidentService(db, clock, serviceArea, cameras, config, requests, floor, alerts);
  const ownedDatabase = !opts.database;
  return {
    config,
    log,
    database,
    box,
    clock,
    auth,
    staff,
    serviceArea,
    cameras,
    registrations: new RegistrationService(db, box, clock, config, serviceArea, floor),
    owners: new OwnerService(db, box, clock, config, serviceArea, cameras, floor),
    reviews: new ReviewService(db, clock, config, cameras, floor),
    importer: new CameraImporter(db, clock, serviceArea, cameras, floor),
    incidents,
    requests,
    evidence,
    alerts,
    notes: new IncidentNotesService(db, clock, floor),
    mailer,
    outbox,
    events,
    floor,
    cameraSync,
    lock,
    async close() {
      await outbox.stop();
      await evidence.settle();
      store.close?.();
      cameraSync?.stop();
      floor.stop();
      await events.close();
      mailer.close();
      if (ownedDatabase) await database.close();
      lock?.release();
    },
  };
}

/**
 * The evidence store the configuration asks for: the data folder, or an S3-compatible bucket when
 * WATCHFLOOR_S3_BUCKET is set (checked at start, so that a wrong endpoint, bucket or key stops it cleanly).
 */
async function openEvidenceStore(config: Config, log: Logger): Promise<EvidenceStore> {
  const s3 = s3Settings(config);
  if (!s3) return new LocalEvidenceStore(`${config.dataDir}/evidence`);
  // Loaded only when used: the AWS SDK is large.
  const { createS3Client, S3EvidenceStore } = await import('./evidence/s3-evidence-store.js');
  const store = new S3EvidenceStore(createS3Client(s3), s3.bucket, { log, tmpDir: `${config.dataDir}/tmp` });
  try {
    await store.check();
  } catch (err) {
    store.client.destroy();
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const why = [e.$metadata?.httpStatusCode, e.name, e.message].filter((x) => x !== undefined && x !== '' && x !== 'UnknownError').join(' ');
    throw new Error(`WATCHFLOOR_S3_BUCKET: the bucket "${s3.bucket}" cannot be used${s3.endpoint ? ` at ${s3.endpoint}` : ''} (${why || 'no answer'})`, { cause: err });
  }
  return store;
}
