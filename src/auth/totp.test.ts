import { describe, expect, it } from 'vitest';
import { matchTotp, newTotpSecret, totpCode } from './totp.js';

describe('TOTP (RFC 6238)', () => {
  // RFC 6238 appendix B, SHA-1, secret "12345678901234567890", truncated to 6 digits.
  const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  it.each([
    ['1970-01-01T00:00:59Z', '287082'],
    ['2005-03-18T01:58:29Z', '081804'],
    ['2009-02-13T23:31:30Z', '005924'],
    ['2033-05-18T03:33:20Z', '279037'],
  ])('matches the RFC test vector at %s', (at, code) => {
    expect(totpCode(rfcSecret, new Date(at))).toBe(code);
  });

  it('accepts the neighbouring step for clock drift, and no further', () => {
    const secret = newTotpSecret();
    const t = new Date('2026-05-01T12:00:15Z');
    const code = totpCode(secret, t);
    const step = matchTotp(secret, code, t)!;
    expect(matchTotp(secret, code, new Date(t.getTime() + 30_000))).toBe(step);
    expect(matchTotp(secret, code, new Date(t.getTime() + 75_000))).toBeUndefined();
    expect(matchTotp(secret, 'abcdef', t)).toBeUndefined();
  });
});
