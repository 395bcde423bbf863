// The rules that keep owners from being flooded (M2), as plain data in, plain data out: per-owner weekly caps,
// quiet hours in the owner's own time zone, one request per owner covering overlapping incidents, expiry.

export interface RequestPolicy {
  /** Requests an owner may receive in any 7 days (merges into an open request do not count). */
  maxPerOwnerPerWeek: number;
  /** Quiet hours, owner's local clock: no request is sent from startHour until endHour (e.g. 21 → 8). */
  quietStartHour: number;
  quietEndHour: number;
  /** A request not answered within this many hours after it is sent expires. */
  expiryHours: number;
  /** Footage asked for: the incident window widened by this many minutes on each side. */
  windowPaddingMinutes: number;
}

export const DEFAULT_POLICY: RequestPolicy = { maxPerOwnerPerWeek: 3, quietStartHour: 21, quietEndHour: 8, expiryHours: 72, windowPaddingMinutes: 15 };

export interface OpenRequest {
  id: string;
  windowFrom: Date;
  windowTo: Date;
}

export type OwnerPlan =
  | { kind: 'merge'; requestId: string; windowFrom: Date; windowTo: Date }
  | { kind: 'new'; windowFrom: Date; windowTo: Date; sendAfter: Date; expiresAt: Date }
  | { kind: 'skip'; reason: string };

const WEEK_MS = 7 * 86_400_000;

const hourFormats = new Map<string, Intl.DateTimeFormat>();

export function localHour(at: Date, timeZone: string): number {
  // A formatter is costly to make and cheap to use: one per time zone.
  let format = hourFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' });
    if (hourFormats.size < 1000) hourFormats.set(timeZone, format);
  }
  return Number(format.format(at));
}

export function inQuietHours(at: Date, timeZone: string, p: Pick<RequestPolicy, 'quietStartHour' | 'quietEndHour'>): boolean {
  const h = localHour(at, timeZone);
  return p.quietStartHour > p.quietEndHour ? h >= p.quietStartHour || h < p.quietEndHour : h >= p.quietStartHour && h < p.quietEndHour;
}

/** The first moment at or after `now` outside quiet hours in the owner's time zone (DST-safe: walks the clock). */
export function nextSendTime(now: Date, timeZone: string, p: Pick<RequestPolicy, 'quietStartHour' | 'quietEndHour'>): Date {
  if (p.quietStartHour === p.quietEndHour || !inQuietHours(now, timeZone, p)) return now;
  // Step to the next full quarter hour, then in quarter hours, until the local clock leaves the quiet hours.
  let t = new Date(Math.ceil(now.getTime() / 900_000) * 900_000);
  for (let i = 0; i < 24 * 4 + 8 && inQuietHours(t, timeZone, p); i++) t = new Date(t.getTime() + 900_000);
  return t;
}

export function footageWindow(occurredFrom: Date, occurredTo: Date | null, p: Pick<RequestPolicy, 'windowPaddingMinutes'>): { from: Date; to: Date } {
  const pad = p.windowPaddingMinutes * 60_000;
  return { from: new Date(occurredFrom.getTime() - pad), to: new Date((occurredTo ?? occurredFrom).getTime() + pad) };
}

/**
 * Decides what asking one owner for footage of one incident window means: fold it into an open request whose
 * window overlaps (one message, not two), refuse it when the owner has had their weekly share, or make a new
 * request that waits for the end of quiet hours.
 */
export function planOwnerRequest(input: {
  window: { from: Date; to: Date };
  openRequests: readonly OpenRequest[];
  /** Requests created for this owner since now − 7 days. */
  recentRequestTimes: readonly Date[];
  timeZone: string;
  now: Date;
  policy: RequestPolicy;
}): OwnerPlan {
  const { window, now, policy } = input;
  const overlapping = input.openRequests.find((r) => r.windowFrom <= window.to && window.from <= r.windowTo);
  if (overlapping) {
    return {
      kind: 'merge',
      requestId: overlapping.id,
      windowFrom: new Date(Math.min(overlapping.windowFrom.getTime(), window.from.getTime())),
      windowTo: new Date(Math.max(overlapping.windowTo.getTime(), window.to.getTime())),
    };
  }
  const lastWeek = input.recentRequestTimes.filter((t) => now.getTime() - t.getTime() < WEEK_MS).length;
  if (lastWeek >= policy.maxPerOwnerPerWeek) {
    return { kind: 'skip', reason: `the owner has had ${lastWeek} request(s) in the last 7 days (limit ${policy.maxPerOwnerPerWeek})` };
  }
  const sendAfter = nextSendTime(now, input.timeZone, policy);
  return { kind: 'new', windowFrom: window.from, windowTo: window.to, sendAfter, expiresAt: new Date(sendAfter.getTime() + policy.expiryHours * 3_600_000) };
}
