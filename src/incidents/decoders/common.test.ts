import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { field, isFuture, parseTimestamp, readNumber, readText } from './common.js';

const ok = (ms: number) => ({ kind: 'ok', ms });

describe('parseTimestamp', () => {
  it('reads the Open Data DC form, ISO 8601 with any offset, and epoch milliseconds', () => {
    expect(parseTimestamp('2024/02/20 11:08:25+00', true)).toEqual(ok(Date.UTC(2024, 1, 20, 11, 8, 25)));
    expect(parseTimestamp('2022-06-19T16:56:13Z', false)).toEqual(ok(Date.UTC(2022, 5, 19, 16, 56, 13)));
    expect(parseTimestamp('2021-04-30T14:40:00.0-04:00', false)).toEqual(ok(Date.UTC(2021, 3, 30, 18, 40)));
    expect(parseTimestamp('2020-10-29T18:40:04.337Z', false)).toEqual(ok(Date.UTC(2020, 9, 29, 18, 40, 4, 337)));
    expect(parseTimestamp('2024-01-01T05:30+0530', false)).toEqual(ok(Date.UTC(2024, 0, 1, 0, 0)));
    expect(parseTimestamp(1774965810000, false)).toEqual(ok(1774965810000));
  });

  it('treats empty values and the 1970 placeholder as missing, not as errors', () => {
    for (const value of [undefined, null, '', '   ', '1970/01/01 00:00:00+00', 0]) {
      expect(parseTimestamp(value, true)).toEqual({ kind: 'missing' });
    }
  });

  it('rejects impossible dates, offsets and types with a reason', () => {
    for (const value of ['2024/02/30 10:00:00+00', '2024/13/01 10:00:00+00', '2024/01/01 24:00:00+00', '2024-01-01T00:00:00+15:00']) {
      expect(parseTimestamp(value, true)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/impossible/) });
    }
    expect(parseTimestamp('yesterday', true)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/unrecognised/) });
    expect(parseTimestamp(true, true)).toMatchObject({ kind: 'invalid', reason: 'expected a timestamp, got a boolean' });
    expect(parseTimestamp(Number.NaN, true).kind).toBe('invalid');
    expect(parseTimestamp(1e20, true).kind).toBe('invalid'); // beyond what Date can print
  });

  it('only assumes UTC for an offset-less timestamp when told to (DC publishes UTC; EIDO must say)', () => {
    expect(parseTimestamp('2024-02-20 11:08:25', true)).toEqual(ok(Date.UTC(2024, 1, 20, 11, 8, 25)));
    expect(parseTimestamp('2024-02-20T11:08:25', false)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/offset/) });
  });

  it('never throws, and an ok result is always a printable instant', () => {
    fc.assert(
      fc.property(fc.anything(), fc.boolean(), (value, assumeUtc) => {
        const parsed = parseTimestamp(value, assumeUtc);
        if (parsed.kind === 'ok') expect(() => new Date(parsed.ms).toISOString()).not.toThrow();
      }),
    );
  });

  it('round-trips any instant written in the DC form', () => {
    const instants = fc.date({ min: new Date('1901-01-01'), max: new Date('9000-01-01'), noInvalidDate: true });
    fc.assert(
      fc.property(instants, (date) => {
        const whole = Math.floor(date.getTime() / 1000) * 1000;
        const dc = new Date(whole).toISOString().slice(0, 19).replace(/-/g, '/').replace('T', ' ') + '+00';
        const parsed = parseTimestamp(dc, true);
        expect(parsed).toEqual(whole === 0 ? { kind: 'missing' } : ok(whole));
      }),
    );
  });
});

describe('small readers', () => {
  it('isFuture allows five minutes of clock skew', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(isFuture(now.getTime() + 5 * 60_000, now)).toBe(false);
    expect(isFuture(now.getTime() + 5 * 60_000 + 1, now)).toBe(true);
  });

  it('readNumber takes plain decimals only; readText trims and drops blanks', () => {
    expect(readNumber(' -77.05 ')).toBe(-77.05);
    expect(readNumber('1e3')).toBe(1000);
    for (const bad of ['', '0x10', '1,5', 'NaN', 'Infinity', '1'.repeat(41), null, {}]) expect(readNumber(bad)).toBeNull();
    expect(readNumber('5.')).toBe(5);
    expect(readNumber('.5')).toBe(0.5);
    expect(readText('  8C ')).toBe('8C');
    expect(readText(7)).toBe('7');
    expect(readText('   ')).toBeNull();
  });

  it('field matches keys without regard to case, preferring an exact match', () => {
    expect(field({ LastUpdateTimeStamp: 'a' }, 'lastUpdateTimeStamp')).toBe('a');
    expect(field({ Id: 'x', id: 'y' }, 'id')).toBe('y');
    expect(field({}, 'missing')).toBeUndefined();
  });
});
