// Symmetric sealing (AES-256-GCM) for secrets kept at rest, and the tokens handed to clients.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';

/** Seals and opens small secrets with the server's 32-byte key. Sealed text: v1.<iv>.<tag>.<ciphertext>, base64url. */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error(`secret key must be 32 bytes, got ${key.length}`);
    this.#key = key;
  }

  seal(plain: string, context = ''): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.#key, iv);
    // The context (e.g. "totp:<user id>") is authenticated, so a sealed value moved to another row fails to open.
    cipher.setAAD(Buffer.from(context));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  open(sealed: string, context = ''): string {
    const [version, iv, tag, ct] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ct === undefined) throw new Error('sealed value is malformed');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** HMAC-SHA256 under a key derived from the secret key, for signed links. */
  mac(data: string): string {
    return crypto.createHmac('sha256', this.#key).update('mac:').update(data).digest('base64url');
  }
}

/** Decodes WATCHFLOOR_SECRET_KEY (64 hex characters or base64 of 32 bytes). */
export function decodeSecretKey(text: string): Buffer {
  const t = text.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (buf.length !== 32) {
    throw new Error('WATCHFLOOR_SECRET_KEY must encode exactly 32 bytes (64 hex characters or 44 base64 characters)');
  }
  return buf;
}

export const SECRET_KEY_FILE = 'secret.key';

/** The configured key, or the one kept in the data folder, generated there (mode 0600) on first start. */
export function loadOrCreateSecretKey(configured: string | undefined, dataDir: string): { key: Buffer; source: string } {
  if (configured) return { key: decodeSecretKey(configured), source: 'WATCHFLOOR_SECRET_KEY' };
  const file = path.join(dataDir, SECRET_KEY_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    return { key: decodeSecretKey(fs.readFileSync(file, 'utf8')), source: file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  const key = crypto.randomBytes(32);
  // 'wx' fails if another process created the file meanwhile; then use theirs.
  try {
    fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { key: decodeSecretKey(fs.readFileSync(file, 'utf8')), source: file };
    throw err;
  }
  return { key, source: `${file} (generated)` };
}

export function sha256Hex(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

export function timingSafeEqualText(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}
