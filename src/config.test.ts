import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, loadConfig, mapOrigins, s3Settings } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.sessionIdleMinutes).toBe(30);
    expect(c.publicUrl).toBe('http://localhost:8080');
    expect(c.secureCookies).toBe(false);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a whole number, got "eighty"'],
    [{ PORT: '70000' }, 'PORT must be at most 65535, got 70000'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL must be a URL'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ WATCHFLOOR_TRUST_PROXY: 'maybe' }, 'WATCHFLOOR_TRUST_PROXY must be true or false, got "maybe"'],
    [{ WATCHFLOOR_SESSION_IDLE_MINUTES: '0' }, 'WATCHFLOOR_SESSION_IDLE_MINUTES must be at least 1, got 0'],
    [{ WATCHFLOOR_MAP_ORIGINS: "https://tiles.example.org; script-src 'unsafe-inline'" }, 'WATCHFLOOR_MAP_ORIGINS must list origins'],
    [{ WATCHFLOOR_MAP_ORIGINS: 'https://tiles.example.org/path' }, 'WATCHFLOOR_MAP_ORIGINS must list origins'],
    [{ WATCHFLOOR_MAP_ORIGINS: 'ftp://tiles.example.org' }, 'WATCHFLOOR_MAP_ORIGINS must list origins'],
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('allows the map style\'s origin and the listed ones, once each', () => {
    const c = loadConfig({ WATCHFLOOR_MAP_STYLE_URL: 'https://maps.example.org/styles/dark.json', WATCHFLOOR_MAP_ORIGINS: 'https://tiles.example.org, https://maps.example.org/' });
    expect(mapOrigins(c)).toEqual(['https://maps.example.org', 'https://tiles.example.org']);
    expect(mapOrigins(loadConfig({}))).toEqual([]);
  });

  it('turns cookies Secure for an https public URL', () => {
    expect(loadConfig({ WATCHFLOOR_PUBLIC_URL: 'https://rtcc.example.org' }).secureCookies).toBe(true);
  });

  it('keeps evidence in the data folder unless an S3 bucket is set, and then takes the bucket settings', () => {
    expect(s3Settings(loadConfig({}))).toBeUndefined();
    const c = loadConfig({
      WATCHFLOOR_S3_BUCKET: 'rtcc-evidence',
      WATCHFLOOR_S3_ENDPOINT: 'https://minio.internal:9000',
      WATCHFLOOR_S3_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      WATCHFLOOR_S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG',
      WATCHFLOOR_S3_FORCE_PATH_STYLE: 'true',
    });
    expect(s3Settings(c)).toEqual({ bucket: 'rtcc-evidence', endpoint: 'https://minio.internal:9000', region: 'us-east-1', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG', forcePathStyle: true });
  });

  it.each([
    [{ WATCHFLOOR_S3_ENDPOINT: 'https://minio.internal:9000' }, 'WATCHFLOOR_S3_ENDPOINT is set but WATCHFLOOR_S3_BUCKET is not'],
    [{ WATCHFLOOR_S3_ACCESS_KEY_ID: 'AKID', WATCHFLOOR_S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG' }, 'WATCHFLOOR_S3_ACCESS_KEY_ID, WATCHFLOOR_S3_SECRET_ACCESS_KEY are set but WATCHFLOOR_S3_BUCKET is not'],
    [{ WATCHFLOOR_S3_BUCKET: 'Evidence_Bucket' }, 'WATCHFLOOR_S3_BUCKET must be a bucket name'],
    [{ WATCHFLOOR_S3_BUCKET: 'ev' }, 'WATCHFLOOR_S3_BUCKET must be a bucket name'],
    [{ WATCHFLOOR_S3_BUCKET: 'evidence', WATCHFLOOR_S3_ENDPOINT: 'minio:9000' }, 'WATCHFLOOR_S3_ENDPOINT must be an http:// or https:// URL'],
    [{ WATCHFLOOR_S3_BUCKET: 'evidence', WATCHFLOOR_S3_ENDPOINT: 'not a url' }, 'WATCHFLOOR_S3_ENDPOINT must be a URL'],
    [{ WATCHFLOOR_S3_BUCKET: 'evidence', WATCHFLOOR_S3_ACCESS_KEY_ID: 'AKID' }, 'WATCHFLOOR_S3_ACCESS_KEY_ID is set without WATCHFLOOR_S3_SECRET_ACCESS_KEY'],
    [{ WATCHFLOOR_S3_BUCKET: 'evidence', WATCHFLOOR_S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG' }, 'WATCHFLOOR_S3_SECRET_ACCESS_KEY is set without WATCHFLOOR_S3_ACCESS_KEY_ID'],
    [{ WATCHFLOOR_S3_BUCKET: 'evidence', WATCHFLOOR_S3_FORCE_PATH_STYLE: 'sometimes' }, 'WATCHFLOOR_S3_FORCE_PATH_STYLE must be true or false'],
  ])('refuses half an S3 configuration %o, never echoing a secret', (env, message) => {
    let error: Error | undefined;
    try {
      loadConfig(env);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain('wJalrXUtnFEMI');
  });

  it('refuses credentials in the S3 endpoint without repeating them', () => {
    expect(() => loadConfig({ WATCHFLOOR_S3_BUCKET: 'evidence', WATCHFLOOR_S3_ENDPOINT: 'https://AKID:wJalrXUtnFEMI@minio.internal' })).toThrow(/^WATCHFLOOR_S3_ENDPOINT must not carry credentials; use WATCHFLOOR_S3_ACCESS_KEY_ID and WATCHFLOOR_S3_SECRET_ACCESS_KEY$/);
    expect(() => loadConfig({ WATCHFLOOR_S3_BUCKET: 'evidence', WATCHFLOOR_S3_ENDPOINT: 'https://AKID:wJalrXUtnFEMI@minio internal' })).toThrow('WATCHFLOOR_S3_ENDPOINT must be a URL, got "https://…@minio internal"');
  });

  it('is documented key by key in docs/configuration.md', () => {
    const doc = fs.readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
    for (const spec of Object.values(CONFIG_KEYS)) expect(doc, spec.env).toContain(`| \`${spec.env}\` |`);
  });
});
