import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSecretKey, loadOrCreateSecretKey, SecretBox } from './crypto.js';

describe('SecretBox', () => {
  const box = new SecretBox(crypto.randomBytes(32));

  it('round-trips any text and never shows the plain text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ maxLength: 20 }), (plain, context) => {
        const sealed = box.seal(plain, context);
        if (plain.length > 3) expect(sealed).not.toContain(plain);
        expect(box.open(sealed, context)).toBe(plain);
      }),
    );
  });

  it('refuses a value sealed for another context, another key, or tampered with', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp:user-1');
    expect(() => box.open(sealed, 'totp:user-2')).toThrow();
    expect(() => new SecretBox(crypto.randomBytes(32)).open(sealed, 'totp:user-1')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), 'totp:user-1')).toThrow();
  });
});

describe('the secret key', () => {
  it('accepts hex and base64 of 32 bytes only', () => {
    const key = crypto.randomBytes(32);
    expect(decodeSecretKey(key.toString('hex'))).toEqual(key);
    expect(decodeSecretKey(key.toString('base64'))).toEqual(key);
    expect(() => decodeSecretKey('short')).toThrow(/exactly 32 bytes/);
  });

  it('is generated once in the data folder (mode 0600) and reused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-key-'));
    const first = loadOrCreateSecretKey(undefined, dir);
    expect(first.source).toContain('(generated)');
    expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecretKey(undefined, dir).key).toEqual(first.key);
    fs.rmSync(dir, { recursive: true });
  });
});
