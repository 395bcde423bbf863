// The only reader of process.env. Every key is declared once: its type, default and the sentence that
// `docs/configuration.md` repeats. A bad value stops the start with a message naming the key.
import path from 'node:path';

type Kind = 'int' | 'string' | 'url' | 'bool' | 'enum' | 'duration';

interface KeySpec {
  env: string;
  kind: Kind;
  default?: string;
  values?: readonly string[];
  min?: number;
  max?: number;
  doc: string;
}

export const CONFIG_KEYS = {
  port: { env: 'PORT', kind: 'int', default: '8080', min: 0, max: 65535, doc: 'TCP port the HTTP server listens on.' },
  host: { env: 'HOST', kind: 'string', default: '0.0.0.0', doc: 'Address the HTTP server binds to.' },
  dataDir: {
    env: 'WATCHFLOOR_DATA_DIR',
    kind: 'string',
    default: './data',
    doc: 'Folder for the embedded database (PGlite), the generated secret key and stored files.',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    kind: 'url',
    doc: 'PostgreSQL connection URL. When unset, the embedded PGlite database in the data folder is used.',
  },
  databasePoolSize: {
    env: 'WATCHFLOOR_DATABASE_POOL_SIZE',
    kind: 'int',
    default: '10',
    min: 1,
    max: 200,
    doc: 'Connections this instance keeps to PostgreSQL. All instances together want about twice the database server\'s cores: more only queue inside it (every commit takes its turn at the end of the audit chain).',
  },
  secretKey: {
    env: 'WATCHFLOOR_SECRET_KEY',
    kind: 'string',
    doc: 'Base64 or hex encoding of 32 random bytes; encrypts secrets at rest (TOTP seeds, stream credentials) and signs owner links. Generated and kept in the data folder on first start when unset. Every instance of one deployment must share it.',
  },
  smtpUrl: {
    env: 'WATCHFLOOR_SMTP_URL',
    kind: 'url',
    doc: 'SMTP server for outgoing mail to camera owners, e.g. smtp://user:pass@mail.example.org:587.',
  },
  mailFrom: {
    env: 'WATCHFLOOR_MAIL_FROM',
    kind: 'string',
    default: 'Watchfloor <no-reply@watchfloor.invalid>',
    doc: 'Sender address of outgoing mail.',
  },
  publicUrl: {
    env: 'WATCHFLOOR_PUBLIC_URL',
    kind: 'url',
    doc: 'The URL people reach the server at (used in links sent by mail). Defaults to http://localhost:PORT.',
  },
  logLevel: {
    env: 'LOG_LEVEL',
    kind: 'enum',
    default: 'info',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    doc: 'Minimum level of the JSON log lines written to standard output.',
  },
  sessionIdleMinutes: {
    env: 'WATCHFLOOR_SESSION_IDLE_MINUTES',
    kind: 'int',
    default: '30',
    min: 1,
    max: 24 * 60,
    doc: 'A staff session with no request for this long ends (the screen locks and asks to sign in again).',
  },
  sessionMaxHours: {
    env: 'WATCHFLOOR_SESSION_MAX_HOURS',
    kind: 'int',
    default: '12',
    min: 1,
    max: 24 * 7,
    doc: 'Absolute lifetime of a staff session, however active: one shift.',
  },
  apiKeyCacheSeconds: {
    env: 'WATCHFLOOR_API_KEY_CACHE_SECONDS',
    kind: 'int',
    default: '5',
    min: 0,
    max: 300,
    doc: 'A feed\'s API key, once checked against the database, is trusted this long without checking again (0: every request). A key revoked on this instance stops at once; on another instance within this time.',
  },
  lockoutThreshold: {
    env: 'WATCHFLOOR_LOCKOUT_THRESHOLD',
    kind: 'int',
    default: '5',
    min: 1,
    max: 100,
    doc: 'Consecutive failed sign-ins (password or second factor) after which an account is locked.',
  },
  lockoutMinutes: {
    env: 'WATCHFLOOR_LOCKOUT_MINUTES',
    kind: 'int',
    default: '15',
    min: 1,
    max: 24 * 60,
    doc: 'How long a locked account stays locked (an admin can unlock it sooner).',
  },
  loginRateLimitPerMinute: {
    env: 'WATCHFLOOR_LOGIN_RATE_LIMIT',
    kind: 'int',
    default: '10',
    min: 1,
    max: 10_000,
    doc: 'Sign-in attempts allowed per client address per minute, on top of the per-account lockout.',
  },
  publicRateLimitPerMinute: {
    env: 'WATCHFLOOR_PUBLIC_RATE_LIMIT',
    kind: 'int',
    default: '120',
    min: 1,
    max: 1_000_000,
    doc: 'Requests per client address per minute on public routes.',
  },
  trustProxy: {
    env: 'WATCHFLOOR_TRUST_PROXY',
    kind: 'bool',
    default: 'false',
    doc: 'Set to true behind a load balancer so that client addresses come from X-Forwarded-For.',
  },
  secureCookies: {
    env: 'WATCHFLOOR_SECURE_COOKIES',
    kind: 'bool',
    doc: 'Mark session cookies Secure (HTTPS only). Defaults to true when the public URL is https.',
  },
  bodyLimitBytes: {
    env: 'WATCHFLOOR_BODY_LIMIT_BYTES',
    kind: 'int',
    default: String(1024 * 1024),
    min: 1024,
    max: 64 * 1024 * 1024,
    doc: 'Largest JSON request body accepted; larger bodies are refused with 413.',
  },
  serviceAreaFile: {
    env: 'WATCHFLOOR_SERVICE_AREA',
    kind: 'string',
    doc: 'GeoJSON file (Polygon, MultiPolygon, Feature or FeatureCollection of them) of the area the program serves; cameras and incidents outside it are refused. Defaults to a rectangle around Washington, DC.',
  },
  districtsSource: {
    env: 'WATCHFLOOR_DISTRICTS',
    kind: 'string',
    doc: 'Police districts as GeoJSON polygons: a file path or an http(s) URL (e.g. a city open-data export), read at start. Each feature is named by its NAME/name property and identified by id/ID/DISTRICT/NAME. Incidents without a district get the one they fall in. When unset, districts are generated over the service area (demo).',
  },
  wardsSource: {
    env: 'WATCHFLOOR_WARDS',
    kind: 'string',
    doc: 'Wards (or council districts) as GeoJSON polygons: a file path or an http(s) URL, read at start; identified by id/ID/WARD/NAME. When unset, wards are generated over the service area (demo).',
  },
  registrationRateLimitPerHour: {
    env: 'WATCHFLOOR_REGISTRATION_RATE_LIMIT',
    kind: 'int',
    default: '20',
    min: 1,
    max: 1_000_000,
    doc: 'Camera registrations accepted per client address per hour.',
  },
  ownerLinkTtlMinutes: {
    env: 'WATCHFLOOR_OWNER_LINK_TTL_MINUTES',
    kind: 'int',
    default: '1440',
    min: 5,
    max: 14 * 24 * 60,
    doc: 'How long a self-service link mailed to a camera owner stays valid (it works once).',
  },
  ownerSessionMinutes: {
    env: 'WATCHFLOOR_OWNER_SESSION_MINUTES',
    kind: 'int',
    default: '60',
    min: 5,
    max: 24 * 60,
    doc: 'How long an owner stays signed in without using the page (each request, upload chunks included, starts it again).',
  },
  ownerSessionMaxHours: {
    env: 'WATCHFLOOR_OWNER_SESSION_MAX_HOURS',
    kind: 'int',
    default: '12',
    min: 1,
    max: 7 * 24,
    doc: 'The longest an owner session lasts however busy it is (a long upload included); then the owner opens a link again.',
  },
  withdrawnRetentionDays: {
    env: 'WATCHFLOOR_WITHDRAWN_RETENTION_DAYS',
    kind: 'int',
    default: '30',
    min: 0,
    max: 3650,
    doc: "Days an owner's personal data (name, email, phone, addresses and camera locations) is kept after they withdraw, so requests already in progress can be wound up; then it is erased. 0 erases at once.",
  },
  mapStyleUrl: {
    env: 'WATCHFLOOR_MAP_STYLE_URL',
    kind: 'url',
    doc: 'MapLibre style URL for the base map (for a deployment with internet access). When unset, the offline base (service area, districts, grid) is used. Its origin is allowed in the pages\' Content-Security-Policy.',
  },
  mapOrigins: {
    env: 'WATCHFLOOR_MAP_ORIGINS',
    kind: 'string',
    default: '',
    doc: 'Further origins the map style loads tiles, glyphs or sprites from (comma-separated, e.g. "https://tiles.example.org,https://fonts.example.org"), allowed in the Content-Security-Policy.',
  },
  geocoderUrl: {
    env: 'WATCHFLOOR_GEOCODER_URL',
    kind: 'url',
    doc: 'Nominatim-compatible search endpoint (e.g. https://nominatim.example.org/search) used by the registration page to find an address. When unset, owners place the pin on the map.',
  },
  matchRadiusM: {
    env: 'WATCHFLOOR_MATCH_RADIUS_M',
    kind: 'int',
    default: '250',
    min: 10,
    max: 5000,
    doc: 'How far from an incident (beyond its uncertainty) the matcher looks for cameras that could have seen it, metres.',
  },
  requestsPerOwnerWeek: {
    env: 'WATCHFLOOR_REQUESTS_PER_OWNER_WEEK',
    kind: 'int',
    default: '3',
    min: 1,
    max: 100,
    doc: 'Footage requests one owner may receive in any 7 days; further asks are refused (asks that fold into an open request do not count).',
  },
  quietHours: {
    env: 'WATCHFLOOR_QUIET_HOURS',
    kind: 'string',
    default: '21-8',
    doc: 'Hours of the owner\'s local day when no request is sent, as START-END on a 24-hour clock ("21-8": 21:00 to 08:00); "0-0" turns them off.',
  },
  requestExpiryHours: {
    env: 'WATCHFLOOR_REQUEST_EXPIRY_HOURS',
    kind: 'int',
    default: '72',
    min: 1,
    max: 24 * 60,
    doc: 'A footage request not answered this many hours after it was sent expires; a reminder goes out half-way.',
  },
  autoRequestTypes: {
    env: 'WATCHFLOOR_AUTO_REQUEST_TYPES',
    kind: 'string',
    default: '',
    doc: 'Comma-separated incident types (e.g. "HOMICIDE,ROBBERY") for which footage requests go out automatically when an incident arrives; empty: only operators send requests.',
  },
  autoRequestMaxPriority: {
    env: 'WATCHFLOOR_AUTO_REQUEST_MAX_PRIORITY',
    kind: 'int',
    default: '2',
    min: 1,
    max: 5,
    doc: 'Automatic requests only for incidents of this priority or higher (1 is highest).',
  },
  autoRequestMaxCameras: {
    env: 'WATCHFLOOR_AUTO_REQUEST_MAX_CAMERAS',
    kind: 'int',
    default: '20',
    min: 1,
    max: 200,
    doc: 'An automatic request asks the owners of at most this many of the best-ranked cameras (nearest, facing the incident first); operators can ask more from the incident\'s camera list.',
  },
  uploadMaxBytes: {
    env: 'WATCHFLOOR_UPLOAD_MAX_BYTES',
    kind: 'int',
    default: String(4 * 1024 ** 3),
    min: 1024,
    max: 1024 ** 4,
    doc: 'Largest footage file an owner may upload (bytes); larger uploads are refused before they start.',
  },
  s3Bucket: {
    env: 'WATCHFLOOR_S3_BUCKET',
    kind: 'string',
    doc: 'S3 bucket for evidence files and uploads in progress. When set, evidence is kept there (any S3-compatible service) instead of in the data folder, under evidence/ (uploads under uploads/); the start fails when the bucket cannot be reached.',
  },
  s3Endpoint: {
    env: 'WATCHFLOOR_S3_ENDPOINT',
    kind: 'url',
    doc: 'URL of the S3-compatible service, e.g. https://minio.internal:9000 (no credentials in it). Unset for Amazon S3 itself.',
  },
  s3Region: {
    env: 'WATCHFLOOR_S3_REGION',
    kind: 'string',
    default: 'us-east-1',
    doc: "The bucket's region (the signing region for other S3-compatible services).",
  },
  s3AccessKeyId: {
    env: 'WATCHFLOOR_S3_ACCESS_KEY_ID',
    kind: 'string',
    doc: 'Access key ID for the bucket, with WATCHFLOOR_S3_SECRET_ACCESS_KEY. When both are unset, the AWS SDK finds credentials itself (AWS_* variables, ~/.aws, an instance or task role).',
  },
  s3SecretAccessKey: {
    env: 'WATCHFLOOR_S3_SECRET_ACCESS_KEY',
    kind: 'string',
    doc: 'Secret access key for the bucket; never logged or echoed.',
  },
  s3ForcePathStyle: {
    env: 'WATCHFLOOR_S3_FORCE_PATH_STYLE',
    kind: 'bool',
    default: 'false',
    doc: 'Address the bucket as ENDPOINT/BUCKET rather than BUCKET.ENDPOINT; most self-hosted services (MinIO, Ceph, Swift) need true.',
  },
  smsUrl: {
    env: 'WATCHFLOOR_SMS_URL',
    kind: 'url',
    doc: "SMS provider endpoint that takes a JSON POST {to, from, text} (with an Idempotency-Key header). When unset, owners are reached by email only.",
  },
  smsToken: {
    env: 'WATCHFLOOR_SMS_TOKEN',
    kind: 'string',
    doc: 'Bearer token for the SMS provider.',
  },
  smsFrom: {
    env: 'WATCHFLOOR_SMS_FROM',
    kind: 'string',
    default: 'CameraConnect',
    doc: 'Sender number or name shown on text messages.',
  },
  natsUrl: {
    env: 'WATCHFLOOR_NATS_URL',
    kind: 'url',
    doc: 'NATS server with JetStream (e.g. nats://nats.internal:4222) that carries the live floor events between instances; needed when more than one instance serves the floor. When unset, events stay in this process.',
  },
  liveCheckSeconds: {
    env: 'WATCHFLOOR_LIVE_CHECK_SECONDS',
    kind: 'int',
    default: '15',
    min: 1,
    max: 300,
    doc: 'How often the live WebSocket connections are checked: each session still valid (else closed with 4401) and each browser still answering pings (else dropped).',
  },
  liveMaxBufferKb: {
    env: 'WATCHFLOOR_LIVE_MAX_BUFFER_KB',
    kind: 'int',
    default: '1024',
    min: 16,
    max: 65536,
    doc: 'Unsent data one live WebSocket client may fall behind by before it is closed with 1013 (it reconnects and resumes).',
  },
  alertMaxPriority: {
    env: 'WATCHFLOOR_ALERT_MAX_PRIORITY',
    kind: 'int',
    default: '2',
    min: 1,
    max: 5,
    doc: 'A new incident of this priority or higher (1 is highest) raises an alert in the floor\'s queue.',
  },
  undeliveredAlertMinutes: {
    env: 'WATCHFLOOR_UNDELIVERED_ALERT_MINUTES',
    kind: 'int',
    default: '15',
    min: 1,
    max: 24 * 60,
    doc: 'A message to an owner about a footage request still unsent this many minutes after it was due raises an "undelivered" alert (one that failed for good raises it at once).',
  },
  alertSweepSeconds: {
    env: 'WATCHFLOOR_ALERT_SWEEP_SECONDS',
    kind: 'int',
    default: '60',
    min: 5,
    max: 3600,
    doc: 'How often the server looks for undelivered messages, resolves the alerts of messages that went out after all, and brings snoozed alerts back.',
  },
  cameraSilentMinutes: {
    env: 'WATCHFLOOR_CAMERA_SILENT_MINUTES',
    kind: 'int',
    default: '15',
    min: 0,
    max: 24 * 60,
    doc: 'A verified camera whose health feed (POST /api/v1/cameras/{id}/status) said online and has not reported for this many minutes is taken as offline and raises a camera_offline alert; 0 turns this off.',
  },
} as const satisfies Record<string, KeySpec>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  secretKey: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicUrl: string;
  logLevel: string;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  apiKeyCacheSeconds: number;
  lockoutThreshold: number;
  lockoutMinutes: number;
  loginRateLimitPerMinute: number;
  publicRateLimitPerMinute: number;
  trustProxy: boolean;
  secureCookies: boolean;
  bodyLimitBytes: number;
  serviceAreaFile: string | undefined;
  districtsSource: string | undefined;
  wardsSource: string | undefined;
  registrationRateLimitPerHour: number;
  ownerLinkTtlMinutes: number;
  ownerSessionMinutes: number;
  ownerSessionMaxHours: number;
  withdrawnRetentionDays: number;
  mapStyleUrl: string | undefined;
  mapOrigins: string;
  geocoderUrl: string | undefined;
  matchRadiusM: number;
  requestsPerOwnerWeek: number;
  quietHours: string;
  requestExpiryHours: number;
  autoRequestTypes: string;
  autoRequestMaxPriority: number;
  autoRequestMaxCameras: number;
  uploadMaxBytes: number;
  s3Bucket: string | undefined;
  s3Endpoint: string | undefined;
  s3Region: string;
  s3AccessKeyId: string | undefined;
  s3SecretAccessKey: string | undefined;
  s3ForcePathStyle: boolean;
  smsUrl: string | undefined;
  smsToken: string | undefined;
  smsFrom: string;
  natsUrl: string | undefined;
  liveCheckSeconds: number;
  liveMaxBufferKb: number;
  alertMaxPriority: number;
  undeliveredAlertMinutes: number;
  alertSweepSeconds: number;
  cameraSilentMinutes: number;
}

/** Parses WATCHFLOOR_QUIET_HOURS ("21-8"). */
export function parseQuietHours(text: string): { quietStartHour: number; quietEndHour: number } {
  const m = /^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$/.exec(text);
  const start = Number(m?.[1]);
  const end = Number(m?.[2]);
  if (!m || start > 23 || end > 23) throw new ConfigError(`WATCHFLOOR_QUIET_HOURS must be START-END hours 0–23 such as "21-8", got "${text}"`);
  return { quietStartHour: start, quietEndHour: end };
}

/** Parses WATCHFLOOR_MAP_ORIGINS (comma-separated http(s) origins) and adds the style URL's origin. */
export function mapOrigins(config: Pick<Config, 'mapStyleUrl' | 'mapOrigins'>): string[] {
  const origins = config.mapOrigins.split(',').map((o) => o.trim()).filter(Boolean);
  for (const o of origins) {
    let url: URL | undefined;
    try {
      url = new URL(o);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== o.replace(/\/$/, '')) {
      throw new ConfigError(`WATCHFLOOR_MAP_ORIGINS must list origins such as "https://tiles.example.org" (scheme, host and port only), got "${o}"`);
    }
  }
  if (config.mapStyleUrl) origins.unshift(new URL(config.mapStyleUrl).origin);
  return [...new Set(origins.map((o) => o.replace(/\/$/, '')))];
}

/**
 * The S3 settings when evidence is to be kept in a bucket (WATCHFLOOR_S3_BUCKET set), else undefined; refuses half
 * a configuration. Messages name the variables, never a secret's value.
 */
export function s3Settings(config: Pick<Config, 's3Bucket' | 's3Endpoint' | 's3Region' | 's3AccessKeyId' | 's3SecretAccessKey' | 's3ForcePathStyle'>) {
  const bucket = config.s3Bucket?.trim();
  if (!bucket) {
    const stray = (['s3Endpoint', 's3AccessKeyId', 's3SecretAccessKey'] as const).filter((k) => config[k]).map((k) => CONFIG_KEYS[k].env);
    if (stray.length) throw new ConfigError(`${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set but WATCHFLOOR_S3_BUCKET is not: set the bucket to keep evidence in S3, or unset ${stray.length > 1 ? 'them' : 'it'} to keep evidence in the data folder`);
    return undefined;
  }
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
    throw new ConfigError(`WATCHFLOOR_S3_BUCKET must be a bucket name: 3–63 lower-case letters, digits, dots and hyphens, beginning and ending with a letter or digit; got "${bucket}"`);
  }
  if (config.s3Endpoint) {
    const url = new URL(config.s3Endpoint);
    if (!/^https?:$/.test(url.protocol)) throw new ConfigError(`WATCHFLOOR_S3_ENDPOINT must be an http:// or https:// URL, got "${url.protocol}…"`);
    if (url.username || url.password) throw new ConfigError('WATCHFLOOR_S3_ENDPOINT must not carry credentials; use WATCHFLOOR_S3_ACCESS_KEY_ID and WATCHFLOOR_S3_SECRET_ACCESS_KEY');
    if (url.search || url.hash) throw new ConfigError('WATCHFLOOR_S3_ENDPOINT must be a plain URL without a query or fragment');
  }
  if (!config.s3Region.trim()) throw new ConfigError('WATCHFLOOR_S3_REGION must not be empty');
  if (!!config.s3AccessKeyId !== !!config.s3SecretAccessKey) {
    throw new ConfigError(`${config.s3AccessKeyId ? 'WATCHFLOOR_S3_ACCESS_KEY_ID is set without WATCHFLOOR_S3_SECRET_ACCESS_KEY' : 'WATCHFLOOR_S3_SECRET_ACCESS_KEY is set without WATCHFLOOR_S3_ACCESS_KEY_ID'}: give both, or neither to use the AWS SDK's own credentials`);
  }
  return {
    bucket,
    endpoint: config.s3Endpoint,
    region: config.s3Region.trim(),
    accessKeyId: config.s3AccessKeyId,
    secretAccessKey: config.s3SecretAccessKey,
    forcePathStyle: config.s3ForcePathStyle,
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parseValue(key: string, spec: KeySpec, raw: string): string | number | boolean {
  switch (spec.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${spec.env} must be a whole number, got "${raw}"`);
      const n = Number(raw);
      if (spec.min !== undefined && n < spec.min) throw new ConfigError(`${spec.env} must be at least ${spec.min}, got ${n}`);
      if (spec.max !== undefined && n > spec.max) throw new ConfigError(`${spec.env} must be at most ${spec.max}, got ${n}`);
      return n;
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new ConfigError(`${spec.env} must be true or false, got "${raw}"`);
    }
    case 'url': {
      try {
        new URL(raw);
      } catch {
        // Credentials in a malformed URL are not repeated.
        throw new ConfigError(`${spec.env} must be a URL, got "${raw.replace(/\/\/[^/]*@/, '//…@')}"`);
      }
      return raw;
    }
    case 'enum': {
      if (!spec.values?.includes(raw)) {
        throw new ConfigError(`${spec.env} must be one of ${spec.values?.join(', ')}, got "${raw}"`);
      }
      return raw;
    }
    default:
      if (key === 'dataDir' && raw.trim() === '') throw new ConfigError(`${spec.env} must not be empty`);
      return raw;
  }
}

/** Reads the configuration from an environment (process.env by default) and applies overrides. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(CONFIG_KEYS) as [string, KeySpec][]) {
    const raw = env[spec.env];
    if (raw !== undefined && raw !== '') out[key] = parseValue(key, spec, raw);
    else if (spec.default !== undefined) out[key] = parseValue(key, spec, spec.default);
    else out[key] = undefined;
  }
  const merged = { ...out, ...stripUndefined(overrides) } as Record<string, unknown>;
  merged.dataDir = path.resolve(String(merged.dataDir));
  if (!merged.publicUrl) merged.publicUrl = `http://localhost:${merged.port}`;
  if (merged.secureCookies === undefined) merged.secureCookies = String(merged.publicUrl).startsWith('https:');
  parseQuietHours(String(merged.quietHours));
  mapOrigins(merged as unknown as Config);
  s3Settings(merged as unknown as Config);
  if (merged.databaseUrl && !/^postgres(ql)?:$/.test(new URL(String(merged.databaseUrl)).protocol)) {
    throw new ConfigError(`DATABASE_URL must be a postgres:// or postgresql:// URL`);
  }
  return merged as unknown as Config;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
