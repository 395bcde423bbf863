import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, loadConfig, mapOrigins } from './config.js';

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

  it('is documented key by key in docs/configuration.md', () => {
    const doc = fs.readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
    for (const spec of Object.values(CONFIG_KEYS)) expect(doc, spec.env).toContain(`| \`${spec.env}\` |`);
  });
});
