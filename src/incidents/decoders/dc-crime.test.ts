import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DC_BLOCK_ACCURACY_M, DC_OFFENSE_PRIORITY, decodeDcCrimeRow, parseDcCrimeCsv } from './dc-crime.js';
import { incidentProblems } from './invariants.js';
import type { DecodeResult } from './types.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const DATA = path.resolve(REPO, '../shared/data');
const SKIP = `(skipped: real data folder ${DATA} is absent)`;
// Every kind of value fast-check can make, not only what JSON.parse returns: callers pass parsed bodies along.
const anyValue = fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true, withTypedArray: true });
const NOW = new Date('2024-03-20T00:00:00Z');

const HEADER =
  'X,Y,CCN,REPORT_DAT,SHIFT,METHOD,OFFENSE,BLOCK,XBLOCK,YBLOCK,WARD,ANC,DISTRICT,PSA,NEIGHBORHOOD_CLUSTER,BLOCK_GROUP,' +
  'CENSUS_TRACT,VOTING_PRECINCT,LATITUDE,LONGITUDE,BID,START_DATE,END_DATE,OBJECTID,OCTO_RECORD_ID';
// A row shaped like DC's, written for these tests.
const BASE: Record<string, string> = {
  X: '-77.0519054257246', Y: '38.9242076033088', CCN: '24000001', REPORT_DAT: '2024/02/19 09:58:59+00', SHIFT: 'MIDNIGHT',
  METHOD: 'OTHERS', OFFENSE: 'THEFT/OTHER', BLOCK: '2600 - 2649 BLOCK OF CONNECTICUT AVENUE NW', XBLOCK: '395499.25',
  YBLOCK: '139592.96', WARD: '3', ANC: '3C', DISTRICT: '2', PSA: '204', NEIGHBORHOOD_CLUSTER: 'Cluster 15',
  BLOCK_GROUP: '000501 1', CENSUS_TRACT: '000501', VOTING_PRECINCT: 'Precinct 136', LATITUDE: '38.9241998122',
  LONGITUDE: '-77.0519031245', BID: '', START_DATE: '2024/02/19 03:05:00+00', END_DATE: '2024/02/19 03:10:00+00',
  OBJECTID: '491230603', OCTO_RECORD_ID: '',
};
const decode = (over: Record<string, string> = {}) => decodeDcCrimeRow({ ...BASE, ...over }, { now: NOW });
const errorsOf = (r: DecodeResult) => (r.ok ? [] : r.errors);
const csvLine = (row: Record<string, string>) => HEADER.split(',').map((c) => (row[c]?.includes(',') ? `"${row[c]}"` : row[c])).join(',');

describe('decodeDcCrimeRow', () => {
  it('maps a complete row to one incident at block accuracy', () => {
    const r = decode();
    expect(r).toEqual({
      ok: true,
      ignored: [],
      incident: {
        source: 'dc-crime', externalId: '24000001', type: 'THEFT/OTHER', priority: 4,
        occurredFrom: '2024-02-19T03:05:00.000Z', occurredTo: '2024-02-19T03:10:00.000Z', reportedAt: '2024-02-19T09:58:59.000Z',
        location: { lat: 38.9241998122, lng: -77.0519031245, accuracyM: DC_BLOCK_ACCURACY_M },
        address: '2600 - 2649 BLOCK OF CONNECTICUT AVENUE NW', district: '2', ward: '3', psa: '204',
        details: {
          format: 'csv', occurredFromColumn: 'START_DATE', locationColumns: 'LATITUDE/LONGITUDE', shift: 'MIDNIGHT',
          method: 'OTHERS', anc: '3C', neighborhoodCluster: 'Cluster 15', blockGroup: '000501 1', censusTract: '000501',
          votingPrecinct: 'Precinct 136', objectId: '491230603',
        },
      },
    });
  });

  it('ranks offenses by the documented table and defaults an unknown offense to 3', () => {
    expect(DC_OFFENSE_PRIORITY).toMatchObject({ HOMICIDE: 1, 'ASSAULT W/DANGEROUS WEAPON': 1, 'SEX ABUSE': 2, ROBBERY: 2 });
    for (const [offense, priority] of Object.entries(DC_OFFENSE_PRIORITY)) {
      expect(decode({ OFFENSE: offense })).toMatchObject({ incident: { priority } });
    }
    expect(decode({ OFFENSE: ' theft f/auto ' })).toMatchObject({ incident: { type: 'THEFT F/AUTO', priority: 4 } });
    expect(decode({ OFFENSE: 'CARJACKING' })).toMatchObject({ incident: { priority: 3, details: { priorityRule: expect.any(String) } } });
  });

  it('falls back from LATITUDE/LONGITUDE to X/Y to XBLOCK/YBLOCK, saying which it used and what it passed over', () => {
    const xy = decode({ LATITUDE: '', LONGITUDE: '' });
    expect(xy).toMatchObject({ ok: true, ignored: [], incident: { location: { lat: 38.9242076033088, lng: -77.0519054257246 }, details: { locationColumns: 'X/Y' } } });
    const projected = decode({ LATITUDE: '0', LONGITUDE: '0', X: '', Y: '' });
    expect(projected).toMatchObject({ ok: true, ignored: ['LATITUDE/LONGITUDE (not a point in the DC area)'], incident: { details: { locationColumns: 'XBLOCK/YBLOCK' } } });
    if (!projected.ok) throw new Error('unreachable');
    expect(projected.incident.location?.lat).toBeCloseTo(38.9241998122, 6);
    expect(projected.incident.location?.lng).toBeCloseTo(-77.0519031245, 6);
    // Swapped columns are not "in DC": better no point than one in Antarctica.
    const swapped = decode({ LATITUDE: '-77.05', LONGITUDE: '38.92', X: '', Y: '', XBLOCK: '', YBLOCK: '' });
    expect(swapped).toMatchObject({ ok: true, incident: { location: null, address: BASE.BLOCK } });
  });

  it('uses REPORT_DAT when START_DATE is missing or the 1970 placeholder, and drops an END_DATE not after the start', () => {
    expect(decode({ START_DATE: '1970/01/01 00:00:00+00' })).toMatchObject({
      incident: { occurredFrom: '2024-02-19T09:58:59.000Z', details: { occurredFromColumn: 'REPORT_DAT' } },
    });
    expect(decode({ START_DATE: '' })).toMatchObject({ incident: { occurredFrom: '2024-02-19T09:58:59.000Z' } });
    expect(decode({ END_DATE: '1970/01/01 00:00:00+00' })).toMatchObject({ incident: { occurredTo: null } });
    expect(decode({ END_DATE: BASE.START_DATE! })).toMatchObject({ incident: { occurredTo: null } });
    expect(decode({ END_DATE: '2024/02/18 00:00:00+00' })).toMatchObject({ incident: { occurredTo: null } });
  });

  it('refuses future and unparseable dates, naming the column', () => {
    expect(errorsOf(decode({ START_DATE: '2024/03/20 00:06:00+00' }))).toEqual(['START_DATE: 2024-03-20T00:06:00.000Z is in the future']);
    expect(decode({ START_DATE: '2024/03/20 00:04:59+00' }).ok).toBe(true); // inside the five-minute skew allowance
    expect(errorsOf(decode({ END_DATE: '20/02/2024' }))).toEqual(['END_DATE: unrecognised timestamp "20/02/2024"']);
    expect(errorsOf(decode({ REPORT_DAT: '2024/02/31 10:00:00+00' }))).toEqual([expect.stringMatching(/^REPORT_DAT: impossible/)]);
    expect(errorsOf(decode({ START_DATE: '', REPORT_DAT: '' }))).toEqual(['START_DATE: missing, and no REPORT_DAT to fall back on']);
  });

  it('requires a CCN and an OFFENSE, reporting every problem at once', () => {
    expect(errorsOf(decode({ CCN: ' ', OFFENSE: '', START_DATE: 'soon' }))).toEqual([
      'CCN: missing',
      'OFFENSE: missing',
      'START_DATE: unrecognised timestamp "soon"',
    ]);
  });

  it('lists columns it does not know, and ignores key case and a BOM on the first key', () => {
    const { X, ...rest } = BASE;
    const r = decodeDcCrimeRow({ '\uFEFFx': X!, ...rest, SOMETHING_NEW: 'value', EMPTY_NEW: '' }, { now: NOW });
    expect(r).toMatchObject({ ok: true, ignored: ['SOMETHING_NEW'] });
  });
});

describe('parseDcCrimeCsv', () => {
  it('strips the BOM and numbers rows from 1 after the header', () => {
    const text = `\uFEFF${HEADER}\r\n${csvLine(BASE)}\r\n\r\n${csvLine({ ...BASE, CCN: '' })}\r\n`;
    const parsed = parseDcCrimeCsv(text, { now: NOW });
    expect(parsed).toMatchObject({ format: 'csv', errors: [] });
    expect(parsed.columns[0]).toBe('X');
    expect(parsed.rows.map((r) => [r.row, r.line, r.result.ok])).toEqual([[1, 2, true], [2, 4, false]]);
  });

  it('reads the tab-separated export and its "Location of crime" column', () => {
    const header = ['CCN', 'REPORT_DAT', 'SHIFT', 'METHOD', 'OFFENSE', 'BLOCK', 'WARD', 'DISTRICT', 'PSA', 'LATITUDE', 'LONGITUDE', 'Location of crime'];
    const row = ['22000001', '2022/09/03 16:07:14+00', 'DAY', 'GUN', 'ROBBERY', '300 - 399 BLOCK OF 14TH STREET SW', '6', '1', '103', '', '', '"38.8854665549,-77.0319580558"'];
    const parsed = parseDcCrimeCsv(`${header.join('\t')}\r\n${row.join('\t')}\r\n`, { now: NOW });
    expect(parsed.format).toBe('tsv');
    expect(parsed.columns.at(-1)).toBe('LOCATION');
    expect(parsed.rows[0]?.result).toMatchObject({
      ok: true,
      incident: { type: 'ROBBERY', priority: 2, occurredFrom: '2022-09-03T16:07:14.000Z', location: { lat: 38.8854665549, lng: -77.0319580558 }, details: { format: 'tsv', locationColumns: 'LOCATION', method: 'GUN' } },
    });
  });

  it('reports file-level problems instead of throwing', () => {
    expect(parseDcCrimeCsv('')).toMatchObject({ errors: ['file: empty, no header'], rows: [] });
    expect(parseDcCrimeCsv('a,b\n1,2\n').errors).toEqual([expect.stringMatching(/^header: no CCN column/)]);
    const short = parseDcCrimeCsv(`${HEADER}\n1,2,3\n`);
    expect(short.rows[0]?.result).toEqual({ ok: false, errors: ['row: has 3 fields, the header has 25'] });
    const broken = parseDcCrimeCsv(`CCN,OFFENSE\n"1"x,THEFT/OTHER\n`);
    expect(broken.errors.length + broken.rows.filter((r) => !r.result.ok).length).toBeGreaterThan(0);
  });
});

describe('properties', () => {
  const columns = HEADER.split(',');
  const dcishValue = fc.oneof(
    fc.string(),
    fc.constantFrom('', '1970/01/01 00:00:00+00', '2024/02/30 00:00:00+00', '0', '-77.02', '38.9', '398100.75', '139069.16'),
    fc.date({ min: new Date('1950-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().replace('T', ' ').replace(/-/g, '/').slice(0, 19) + '+00'),
    fc.double({ noNaN: false }).map(String),
  );

  it('never throws on any value at all, and every ok result keeps the incident promises', () => {
    const check = (r: DecodeResult) => {
      if (r.ok) expect(incidentProblems(r.incident)).toEqual([]);
      else expect(r.errors.length).toBeGreaterThan(0);
    };
    fc.assert(fc.property(anyValue, (row) => check(decodeDcCrimeRow(row as Record<string, string>, { now: NOW }))));
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.string()), (row) => check(decodeDcCrimeRow(row, { now: NOW }))));
    fc.assert(
      fc.property(fc.record(Object.fromEntries(columns.map((c) => [c, dcishValue])), { requiredKeys: [] }), (over) =>
        check(decode(over as Record<string, string>)),
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary text or arbitrary rows under the real header', () => {
    fc.assert(fc.property(fc.string(), (text) => void parseDcCrimeCsv(text)));
    const cell = fc.string({ unit: fc.constantFrom('a', '1', ',', '"', '\t', '\n', '\r', ' ', '/', '\uFEFF') });
    fc.assert(fc.property(fc.array(fc.array(cell, { maxLength: 30 }), { maxLength: 5 }), (rows) => {
      const parsed = parseDcCrimeCsv([HEADER, ...rows.map((r) => r.join(','))].join('\n'), { now: NOW });
      for (const { result } of parsed.rows) if (result.ok) expect(incidentProblems(result.incident)).toEqual([]);
    }));
  });
});

describe('real Open Data DC exports', () => {
  const files: Array<[string, number]> = [
    ['dc_crime_incidents_2024_partial.csv', 5735],
    ['dc_crime_incidents_2021_partial.csv', 6321],
    ['dc_crime_incidents_2022_partial.tsv', 18438],
  ];
  for (const [file, rows] of files) {
    const full = path.join(DATA, 'dc/crime', file);
    const present = existsSync(full);
    it.skipIf(!present)(`decodes more than 99 % of ${file} ${present ? '' : SKIP}`, async ({ annotate }) => {
      const parsed = parseDcCrimeCsv(readFileSync(full, 'utf8'));
      const failed = parsed.rows.filter((r) => !r.result.ok);
      const reasons = new Map<string, number>();
      for (const r of failed) if (!r.result.ok) for (const e of r.result.errors) reasons.set(e.split(':')[0]!, (reasons.get(e.split(':')[0]!) ?? 0) + 1);
      const located = parsed.rows.filter((r) => r.result.ok && r.result.incident.location !== null).length;
      const windows = parsed.rows.filter((r) => r.result.ok && r.result.incident.occurredTo !== null).length;
      await annotate(
        `${parsed.rows.length} rows: ${parsed.rows.length - failed.length} ok, ${failed.length} errors` +
          `${reasons.size ? ` (${[...reasons].map(([k, n]) => `${k} ×${n}`).join(', ')})` : ''}; ` +
          `${located} located, ${windows} with a time window; file errors: ${parsed.errors.length}`,
      );
      expect(parsed.errors).toEqual([]);
      expect(parsed.rows).toHaveLength(rows);
      expect(failed.length).toBeLessThan(rows * 0.01);
      for (const r of parsed.rows) if (r.result.ok) expect(incidentProblems(r.result.incident)).toEqual([]);
    });
  }
});
