import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, footageWindow, inQuietHours, localHour, nextSendTime, planOwnerRequest } from './request-policy.js';

const NY = 'America/New_York';

describe('quiet hours', () => {
  it('holds a request made at 23:30 in Washington until 08:00 there', () => {
    const at = new Date('2026-03-04T04:30:00Z'); // 23:30 EST
    expect(inQuietHours(at, NY, DEFAULT_POLICY)).toBe(true);
    expect(nextSendTime(at, NY, DEFAULT_POLICY).toISOString()).toBe('2026-03-04T13:00:00.000Z');
  });

  it('sends at once during the day', () => {
    const at = new Date('2026-03-04T15:10:00Z');
    expect(nextSendTime(at, NY, DEFAULT_POLICY)).toEqual(at);
  });

  it('follows the owner’s own zone and daylight saving', () => {
    // The night clocks spring forward (2026-03-08): 08:00 EDT is 12:00 UTC.
    expect(nextSendTime(new Date('2026-03-08T05:00:00Z'), NY, DEFAULT_POLICY).toISOString()).toBe('2026-03-08T12:00:00.000Z');
    expect(nextSendTime(new Date('2026-03-04T04:30:00Z'), 'America/Los_Angeles', DEFAULT_POLICY).toISOString()).toBe('2026-03-04T04:30:00.000Z');
  });

  it('never returns a time inside quiet hours, nor more than a night away', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2025-01-01'), max: new Date('2028-01-01'), noInvalidDate: true }), fc.constantFrom(NY, 'Europe/Paris', 'Asia/Seoul', 'UTC'), (at, zone) => {
        const t = nextSendTime(at, zone, DEFAULT_POLICY);
        expect(inQuietHours(t, zone, DEFAULT_POLICY)).toBe(false);
        expect(t.getTime()).toBeGreaterThanOrEqual(at.getTime());
        expect(t.getTime() - at.getTime()).toBeLessThanOrEqual(12 * 3_600_000);
        expect(localHour(t, zone)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('planOwnerRequest', () => {
  const now = new Date('2026-05-05T16:00:00Z');
  const window = footageWindow(new Date('2026-05-05T15:00:00Z'), null, DEFAULT_POLICY);

  it('widens the incident time by the padding on each side', () => {
    expect(window.from.toISOString()).toBe('2026-05-05T14:45:00.000Z');
    expect(window.to.toISOString()).toBe('2026-05-05T15:15:00.000Z');
  });

  it('merges into an open request whose window overlaps, widening it', () => {
    const plan = planOwnerRequest({ window, openRequests: [{ id: 'r1', windowFrom: new Date('2026-05-05T15:10:00Z'), windowTo: new Date('2026-05-05T16:00:00Z') }], recentRequestTimes: [now, now, now], timeZone: NY, now, policy: DEFAULT_POLICY });
    expect(plan).toEqual({ kind: 'merge', requestId: 'r1', windowFrom: window.from, windowTo: new Date('2026-05-05T16:00:00Z') });
  });

  it('refuses a fourth request in a week, and allows it once the oldest is 7 days old', () => {
    const recent = [new Date('2026-04-29T17:00:00Z'), new Date('2026-05-01T10:00:00Z'), new Date('2026-05-03T10:00:00Z')];
    const plan = planOwnerRequest({ window, openRequests: [], recentRequestTimes: recent, timeZone: NY, now, policy: DEFAULT_POLICY });
    expect(plan.kind).toBe('skip');
    const later = new Date('2026-05-06T17:30:00Z');
    expect(planOwnerRequest({ window, openRequests: [], recentRequestTimes: recent, timeZone: NY, now: later, policy: DEFAULT_POLICY }).kind).toBe('new');
  });

  it('makes a new request that expires after the configured hours, counted from when it may be sent', () => {
    const night = new Date('2026-05-06T03:00:00Z'); // 23:00 EDT
    const plan = planOwnerRequest({ window, openRequests: [], recentRequestTimes: [], timeZone: NY, now: night, policy: DEFAULT_POLICY });
    expect(plan).toMatchObject({ kind: 'new', sendAfter: new Date('2026-05-06T12:00:00Z'), expiresAt: new Date('2026-05-09T12:00:00Z') });
  });
});
