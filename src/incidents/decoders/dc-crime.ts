/**
 * Open Data DC "Crime Incidents" (MPD): the 25-column CSV, the older 16-column tab-separated export and the
 * GeoJSON feature properties, which share column names. One row → one IncidentInput.
 */
import { parse } from 'csv-parse/sync';
import {
  describeType,
  isFuture,
  isPlainObject,
  parseTimestamp,
  readNumber,
  readText,
  toIso,
  truncate,
} from './common.js';
import { marylandStatePlaneToLatLng } from './md-state-plane.js';
import type { DecodeResult, IncidentInput } from './types.js';

/**
 * The CCN is MPD's number whichever export it arrives in, so every DC format shares one source and the same
 * incident seen in the CSV and in the live feed updates rather than duplicates (I3). The format is in details.
 */
export const DC_CRIME_SOURCE = 'dc-crime';

/**
 * Priority by OFFENSE (1 highest … 5 lowest). Danger to life first: homicide and armed assault are 1; sex abuse
 * and robbery (violence against a person, usually over by the time it is reported) 2; property crimes that
 * need a scene (burglary, arson, a stolen vehicle still moving) 3; thefts 4. An offense not in this table gets
 * 3 rather than 5, so an unfamiliar but possibly serious offense is not buried.
 */
export const DC_OFFENSE_PRIORITY: Readonly<Record<string, number>> = {
  HOMICIDE: 1,
  'ASSAULT W/DANGEROUS WEAPON': 1,
  'SEX ABUSE': 2,
  ROBBERY: 2,
  BURGLARY: 3,
  ARSON: 3,
  'MOTOR VEHICLE THEFT': 3,
  'THEFT F/AUTO': 4,
  'THEFT/OTHER': 4,
};
export const DC_UNKNOWN_OFFENSE_PRIORITY = 3;

/**
 * DC publishes each incident at the middle of its block ("3200 - 3299 BLOCK OF WHEELER ROAD SE"), never the
 * address; 100 m is about half a DC block face plus the snap, so the real scene lies within that radius.
 */
export const DC_BLOCK_ACCURACY_M = 100;

// Generous box around the District (38.79–39.00 N, 77.12–76.91 W): catches zeros, swapped columns and
// the wrong projection without rejecting a boundary block.
const DC_AREA = { minLat: 38.6, maxLat: 39.2, minLng: -77.4, maxLng: -76.7 };

// Columns carried into details, under readable names; everything else named here is read into the incident.
const DETAIL_COLUMNS: Readonly<Record<string, string>> = {
  SHIFT: 'shift',
  METHOD: 'method',
  ANC: 'anc',
  NEIGHBORHOOD_CLUSTER: 'neighborhoodCluster',
  BLOCK_GROUP: 'blockGroup',
  CENSUS_TRACT: 'censusTract',
  VOTING_PRECINCT: 'votingPrecinct',
  BID: 'businessImprovementDistrict',
  OBJECTID: 'objectId',
  OCTO_RECORD_ID: 'octoRecordId',
};
const READ_COLUMNS = new Set([
  ...Object.keys(DETAIL_COLUMNS),
  ...['CCN', 'OFFENSE', 'BLOCK', 'WARD', 'DISTRICT', 'PSA', 'REPORT_DAT', 'START_DATE', 'END_DATE'],
  ...['LATITUDE', 'LONGITUDE', 'X', 'Y', 'XBLOCK', 'YBLOCK', 'LOCATION'],
]);

export interface DcDecodeOptions {
  now?: Date; // for the future-date check; tests pin it
  format?: 'csv' | 'tsv' | 'geojson'; // recorded in details.format
}

/** Decodes one row (CSV record or GeoJSON properties) keyed by DC's column names; case and BOM do not matter. */
export function decodeDcCrimeRow(row: Readonly<Record<string, unknown>>, opts: DcDecodeOptions = {}): DecodeResult {
  if (!isPlainObject(row)) return { ok: false, errors: [`row: expected an object, got ${describeType(row)}`] };
  const now = opts.now ?? new Date();
  const cols = normaliseKeys(row);
  const errors: string[] = [];
  const ignored: string[] = [];

  const ccn = readText(cols.get('CCN'));
  if (ccn === null) errors.push('CCN: missing');
  const offense = readText(cols.get('OFFENSE'))?.toUpperCase() ?? null;
  if (offense === null) errors.push('OFFENSE: missing');

  const times = readTimes(cols, now, errors);
  const located = readLocation(cols, ignored);

  if (errors.length > 0 || ccn === null || offense === null || times === null) return { ok: false, errors };

  const details: Record<string, unknown> = { format: opts.format ?? 'csv', occurredFromColumn: times.fromColumn };
  if (located) details.locationColumns = located.columns;
  for (const [column, name] of Object.entries(DETAIL_COLUMNS)) {
    const value = readText(cols.get(column));
    if (value !== null) details[name] = value;
  }
  const known = Object.hasOwn(DC_OFFENSE_PRIORITY, offense) ? DC_OFFENSE_PRIORITY[offense] : undefined;
  if (known === undefined) details.priorityRule = `offense not in the table: default ${DC_UNKNOWN_OFFENSE_PRIORITY}`;
  for (const [column, value] of cols) {
    if (!READ_COLUMNS.has(column) && readText(value) !== null) ignored.push(column);
  }

  const incident: IncidentInput = {
    source: DC_CRIME_SOURCE,
    externalId: ccn,
    type: offense,
    priority: known ?? DC_UNKNOWN_OFFENSE_PRIORITY,
    occurredFrom: times.from,
    occurredTo: times.to,
    reportedAt: times.reported,
    location: located ? { ...located.point, accuracyM: DC_BLOCK_ACCURACY_M } : null,
    address: readText(cols.get('BLOCK')),
    district: readText(cols.get('DISTRICT')),
    ward: readText(cols.get('WARD')),
    psa: readText(cols.get('PSA')),
    details,
  };
  return { ok: true, incident, ignored };
}

function normaliseKeys(row: Readonly<Record<string, unknown>>): Map<string, unknown> {
  const cols = new Map<string, unknown>();
  for (const [key, value] of Object.entries(row)) cols.set(canonicalColumn(key), value);
  return cols;
}

/** `\uFEFFX` → `X`, `Location of crime` → `LOCATION`, `ccn ` → `CCN`. */
export function canonicalColumn(name: string): string {
  const upper = name.replace(/^\uFEFF/, '').trim().toUpperCase();
  return upper === 'LOCATION OF CRIME' ? 'LOCATION' : upper;
}

interface Times {
  from: string;
  to: string | null;
  reported: string | null;
  fromColumn: 'START_DATE' | 'REPORT_DAT';
}

function readTimes(cols: Map<string, unknown>, now: Date, errors: string[]): Times | null {
  const errorsBefore = errors.length;
  const read = (column: string): number | null => {
    const parsed = parseTimestamp(cols.get(column), true);
    if (parsed.kind === 'invalid') errors.push(`${column}: ${parsed.reason}`);
    if (parsed.kind !== 'ok') return null;
    if (isFuture(parsed.ms, now)) {
      errors.push(`${column}: ${toIso(parsed.ms)} is in the future`);
      return null;
    }
    return parsed.ms;
  };
  const reported = read('REPORT_DAT');
  const start = read('START_DATE');
  const end = read('END_DATE');
  const from = start ?? reported;
  if (from === null) {
    // Only a separate error when neither column was there at all; a bad value has been reported above.
    if (errors.length === errorsBefore) errors.push('START_DATE: missing, and no REPORT_DAT to fall back on');
    return null;
  }
  return {
    from: toIso(from),
    // An END_DATE at or before the start is the export's placeholder or a typo; the start alone is the best guess.
    to: end !== null && end > from ? toIso(end) : null,
    reported: reported === null ? null : toIso(reported),
    fromColumn: start === null ? 'REPORT_DAT' : 'START_DATE',
  };
}

type LatLng = { lat: number; lng: number };

/** First usable of LATITUDE/LONGITUDE, X/Y, "Location of crime", XBLOCK/YBLOCK; unusable ones are `ignored`. */
function readLocation(cols: Map<string, unknown>, ignored: string[]): { point: LatLng; columns: string } | null {
  const candidates: Array<[string, () => LatLng | null]> = [
    ['LATITUDE/LONGITUDE', () => pair(readNumber(cols.get('LATITUDE')), readNumber(cols.get('LONGITUDE')))],
    ['X/Y', () => pair(readNumber(cols.get('Y')), readNumber(cols.get('X')))],
    ['LOCATION', () => parseLatCommaLng(cols.get('LOCATION'))],
    ['XBLOCK/YBLOCK', () => projectBlock(cols.get('XBLOCK'), cols.get('YBLOCK'))],
  ];
  for (const [columns, read] of candidates) {
    const present = columns.split('/').some((c) => readText(cols.get(c)) !== null);
    if (!present) continue;
    const point = read();
    if (point && inDcArea(point)) return { point, columns };
    ignored.push(`${columns} (not a point in the DC area)`);
  }
  return null;
}

function pair(lat: number | null, lng: number | null): LatLng | null {
  return lat === null || lng === null ? null : { lat, lng };
}

function parseLatCommaLng(value: unknown): LatLng | null {
  const text = readText(value);
  const m = text === null ? null : /^\(?\s*([^,\s]+)\s*,\s*([^,\s)]+)\s*\)?$/.exec(text);
  return m ? pair(readNumber(m[1]), readNumber(m[2])) : null;
}

function projectBlock(x: unknown, y: unknown): LatLng | null {
  const easting = readNumber(x);
  const northing = readNumber(y);
  return easting === null || northing === null ? null : marylandStatePlaneToLatLng(easting, northing);
}

function inDcArea({ lat, lng }: LatLng): boolean {
  return lat >= DC_AREA.minLat && lat <= DC_AREA.maxLat && lng >= DC_AREA.minLng && lng <= DC_AREA.maxLng;
}

export interface DcCsvRow {
  row: number; // 1 = first record after the header
  line: number; // line in the file where the record ends (the header is line 1)
  result: DecodeResult;
}
export interface DcCsvParse {
  format: 'csv' | 'tsv';
  columns: string[]; // canonical names, in file order
  errors: string[]; // file-level: no header, no CCN column, records lost to broken quoting
  rows: DcCsvRow[];
}

/** Parses a whole export. A tab in the header (and fewer commas) means the tab-separated variant. */
export function parseDcCrimeCsv(text: string, opts: { now?: Date } = {}): DcCsvParse {
  const body = String(text).replace(/^\uFEFF/, '');
  const headerLine = body.slice(0, body.search(/\r?\n|$/));
  const format = count(headerLine, '\t') > count(headerLine, ',') ? 'tsv' : 'csv';
  const result: DcCsvParse = { format, columns: [], errors: [], rows: [] };
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(body, {
      delimiter: format === 'tsv' ? '\t' : ',',
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        result.errors.push(`line ${err?.lines ?? '?'}: record skipped: ${truncate(err?.message ?? 'unreadable')}`);
      },
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    result.errors.push(`file: ${err instanceof Error ? truncate(err.message, 200) : 'unreadable'}`);
    return result;
  }
  const [header, ...data] = records;
  if (!header) {
    result.errors.push('file: empty, no header');
    return result;
  }
  result.columns = header.record.map(canonicalColumn);
  if (!result.columns.includes('CCN')) {
    result.errors.push(`header: no CCN column (found ${truncate(result.columns.join(','), 200)})`);
    return result;
  }
  data.forEach(({ record, info }, i) => {
    const entry = { row: i + 1, line: info.lines };
    if (record.length !== result.columns.length) {
      const why = `has ${record.length} fields, the header has ${result.columns.length}`;
      result.rows.push({ ...entry, result: { ok: false, errors: [`row: ${why}`] } });
      return;
    }
    const row: Record<string, string> = {};
    result.columns.forEach((column, c) => (row[column] = record[c] ?? ''));
    result.rows.push({ ...entry, result: decodeDcCrimeRow(row, { now: opts.now, format }) });
  });
  return result;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
