/**
 * Small pieces shared by the decoders: timestamps, numbers and coordinates read from untrusted payloads.
 * Everything here returns a value or a reason, never throws, because one bad field must not sink a batch.
 */

/** A report stamped a few minutes ahead is clock skew between systems; anything later is a bad value. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

// Outside these bounds a timestamp is a typo or a unit mistake (seconds for milliseconds), and
// Date#toISOString would throw beyond year 9999.
const EARLIEST_MS = Date.UTC(1900, 0, 1);
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

export type ParsedTime = { kind: 'ok'; ms: number } | { kind: 'missing' } | { kind: 'invalid'; reason: string };

// `2024/02/20 11:08:25+00` (Open Data DC CSV) and ISO 8601 `2024-02-20T11:08:25.5-04:00` share one pattern:
// date separators `/` or `-`, `T` or a space, optional seconds and fraction, optional offset.
const TIMESTAMP =
  /^(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Reads a timestamp from a string (DC or ISO form) or a number (epoch milliseconds, as ArcGIS sends).
 * Empty values and the Unix epoch itself are `missing`: DC exports write `1970/01/01 00:00:00+00` for "no date".
 * `assumeUtc` says what a timestamp without an offset means; Open Data DC publishes UTC, but an EIDO without an
 * offset is ambiguous and rejected.
 */
export function parseTimestamp(value: unknown, assumeUtc: boolean): ParsedTime {
  if (value === undefined || value === null) return { kind: 'missing' };
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { kind: 'invalid', reason: `not a finite number (${String(value)})` };
    ms = value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return { kind: 'missing' };
    const m = TIMESTAMP.exec(text);
    if (!m) return { kind: 'invalid', reason: `unrecognised timestamp ${JSON.stringify(truncate(text))}` };
    const [, y, mo, d, h, mi, s = '0', frac = '0', offset] = m;
    const parts = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
    const [year, month, day, hour, minute, second] = parts;
    const local = Date.UTC(year, month - 1, day, hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3)));
    const check = new Date(local);
    // Date.UTC silently rolls 2024-02-30 over to March; a round trip catches impossible calendar dates.
    if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
      return { kind: 'invalid', reason: `impossible date or time ${JSON.stringify(truncate(text))}` };
    }
    if (offset === undefined && !assumeUtc) {
      return { kind: 'invalid', reason: `no UTC offset in ${JSON.stringify(truncate(text))}` };
    }
    const offsetMin = offsetMinutes(offset);
    if (offsetMin === null) {
      return { kind: 'invalid', reason: `impossible UTC offset in ${JSON.stringify(truncate(text))}` };
    }
    ms = local - offsetMin * 60_000;
  } else {
    return { kind: 'invalid', reason: `expected a timestamp, got ${describeType(value)}` };
  }
  if (ms === 0) return { kind: 'missing' };
  if (ms < EARLIEST_MS || ms > LATEST_MS) return { kind: 'invalid', reason: `out of range (${String(value)})` };
  return { kind: 'ok', ms };
}

/** Minutes east of UTC, or null for an offset no place on Earth uses (beyond ±14:00, minutes ≥ 60). */
function offsetMinutes(offset: string | undefined): number | null {
  if (offset === undefined || offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (minutes > 59 || hours * 60 + minutes > 14 * 60) return null;
  return (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

export function isFuture(ms: number, now: Date): boolean {
  return ms > now.getTime() + FUTURE_TOLERANCE_MS;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A finite number from a number or a plain decimal string (CSV cells); anything else is null. */
export function readNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  // No number worth reading is longer; the cap and the unambiguous pattern keep a hostile cell cheap.
  if (text.length > 40 || !/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Non-empty trimmed text from a string or a number (GeoJSON sends WARD as "1" or 1); otherwise null. */
export function readText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text === '' ? null : text;
}

export function isLatLng(lat: number, lng: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Case-insensitive property read: the 2020 draft capitalises the prologue (`LastUpdateTimeStamp`). */
export function field(obj: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}
