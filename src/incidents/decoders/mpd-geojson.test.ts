import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { incidentProblems } from './invariants.js';
import { decodeMpdFeature, parseMpdGeoJson } from './mpd-geojson.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const DATA = path.resolve(REPO, '../shared/data');
const SKIP = `(skipped: real data folder ${DATA} is absent)`;
// Every kind of value fast-check can make, not only what JSON.parse returns: callers pass parsed bodies along.
const anyValue = fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true, withTypedArray: true });
const NOW = new Date('2026-06-01T00:00:00Z');

// Shaped like an ArcGIS FeatureServer `query?f=geojson` page; written for these tests.
const ARCGIS_PAGE = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      id: 1,
      geometry: { type: 'Point', coordinates: [-77.0343126, 38.9342778] },
      properties: {
        CCN: '26000001', REPORT_DAT: 1774965810000, START_DATE: 1774631460000, END_DATE: 1774633800000,
        BLOCK: '1401 - 1499 BLOCK OF OAK STREET NW', OFFENSE: 'THEFT/OTHER', METHOD: 'OTHERS', SHIFT: 'DAY',
        WARD: '1', DISTRICT: '4', PSA: '408', BID: null, XBLOCK: 397025.22, YBLOCK: 140710.12,
        LATITUDE: 38.9342700259, LONGITUDE: -77.0343103214, OBJECTID: 1, OCTO_RECORD_ID: null,
      },
    },
    { type: 'Feature', geometry: null, properties: { CCN: '26000002', OFFENSE: 'ROBBERY', START_DATE: 'later' } },
  ],
  exceededTransferLimit: true,
  properties: { exceededTransferLimit: true },
});

describe('decodeMpdFeature', () => {
  it('reads epoch-millisecond dates and numeric coordinates', () => {
    const r = parseMpdGeoJson(ARCGIS_PAGE, { now: NOW });
    expect(r).toMatchObject({ ok: true, errors: [], exceededTransferLimit: true });
    expect(r.features[0]?.result).toMatchObject({
      ok: true,
      incident: {
        source: 'dc-crime', externalId: '26000001', priority: 4,
        occurredFrom: '2026-03-27T17:11:00.000Z', occurredTo: '2026-03-27T17:50:00.000Z', reportedAt: '2026-03-31T14:03:30.000Z',
        location: { lat: 38.9342700259, lng: -77.0343103214, accuracyM: 100 }, ward: '1', district: '4', psa: '408',
        details: { format: 'geojson', locationColumns: 'LATITUDE/LONGITUDE', objectId: '1' },
      },
    });
    expect(r.features[1]).toEqual({ index: 1, result: { ok: false, errors: ['START_DATE: unrecognised timestamp "later"'] } });
  });

  it('reads ISO dates and takes the Point geometry when the properties carry no coordinates', () => {
    const feature = {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [-77.0352688, 38.9690416] },
      properties: { CCN: '22087305', REPORT_DAT: '2022-06-19T16:56:13Z', START_DATE: '2022-06-19T04:30:00Z', END_DATE: '2022-06-19T16:20:00Z', OFFENSE: 'MOTOR VEHICLE THEFT', WARD: 4 },
    };
    expect(decodeMpdFeature(feature, { now: NOW })).toMatchObject({
      ok: true,
      incident: {
        priority: 3, occurredFrom: '2022-06-19T04:30:00.000Z', ward: '4',
        location: { lat: 38.9690416, lng: -77.0352688, accuracyM: 100 }, details: { locationColumns: 'geometry' },
      },
    });
  });

  it('falls back to XBLOCK/YBLOCK when there is neither a lat/lon nor a geometry, and says what it ignored', () => {
    const feature = {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [] },
      properties: { CCN: '1', OFFENSE: 'ARSON', REPORT_DAT: '2022-06-19T16:56:13Z', XBLOCK: 397025.22, YBLOCK: 140710.12, EXTRA: 'x' },
    };
    const r = decodeMpdFeature(feature, { now: NOW });
    expect(r).toMatchObject({ ok: true, ignored: ['EXTRA', 'geometry (not a usable Point)'], incident: { details: { locationColumns: 'XBLOCK/YBLOCK' } } });
  });

  it('names what is wrong with something that is not a feature', () => {
    expect(decodeMpdFeature(null)).toEqual({ ok: false, errors: ['feature: expected an object, got null'] });
    expect(decodeMpdFeature({ type: 'Point' })).toEqual({ ok: false, errors: ['type: expected "Feature", got "Point"'] });
    expect(decodeMpdFeature({ type: 'Feature', properties: [] })).toEqual({ ok: false, errors: ['properties: expected an object, got an array'] });
  });
});

describe('parseMpdGeoJson', () => {
  it('reports unusable documents, including an ArcGIS error reply sent with HTTP 200', () => {
    expect(parseMpdGeoJson('{"type":')).toMatchObject({ ok: false, errors: [expect.stringMatching(/^document: not JSON/)] });
    expect(parseMpdGeoJson('[]')).toMatchObject({ ok: false, errors: ['document: expected a FeatureCollection object, got an array'] });
    expect(parseMpdGeoJson('{"error":{"code":400,"message":"Invalid query parameters"}}')).toMatchObject({
      ok: false,
      errors: ['ArcGIS error 400: Invalid query parameters'],
    });
    expect(parseMpdGeoJson('{"type":"FeatureCollection","features":[]}')).toEqual({ ok: true, errors: [], features: [], exceededTransferLimit: false });
  });

  it('never throws on arbitrary JSON or values, and every ok feature keeps the incident promises', () => {
    const check = (feature: unknown) => {
      const r = decodeMpdFeature(feature, { now: NOW });
      if (r.ok) expect(incidentProblems(r.incident)).toEqual([]);
    };
    fc.assert(fc.property(anyValue, check));
    fc.assert(fc.property(fc.json(), (text) => void parseMpdGeoJson(text)));
    const value = fc.oneof(fc.jsonValue(), fc.double().map((d) => d * 1e12), fc.constantFrom('2022-06-19T16:56:13Z', 38.9, -77.03));
    const props = fc.dictionary(fc.constantFrom('CCN', 'OFFENSE', 'REPORT_DAT', 'START_DATE', 'END_DATE', 'LATITUDE', 'LONGITUDE', 'XBLOCK', 'YBLOCK', 'X', 'Y'), value);
    const geometry = fc.oneof(fc.constant(null), fc.record({ type: fc.constant('Point'), coordinates: fc.array(fc.double(), { maxLength: 3 }) }));
    fc.assert(fc.property(props, geometry, (properties, g) => check({ type: 'Feature', geometry: g, properties })), { numRuns: 500 });
  });
});

describe('real MPD GeoJSON', () => {
  const sample = path.join(DATA, 'dc/crime/dc_mpd_crime_feed_sample.geojson');
  it.skipIf(!existsSync(sample))(`decodes the live ArcGIS reply and reports its truncation ${existsSync(sample) ? '' : SKIP}`, () => {
    const r = parseMpdGeoJson(readFileSync(sample, 'utf8'));
    expect(r.ok).toBe(true);
    expect(r.exceededTransferLimit).toBe(true);
    expect(r.features).toHaveLength(5);
    for (const { result } of r.features) {
      expect(result.ok).toBe(true);
      if (result.ok) expect(incidentProblems(result.incident)).toEqual([]);
    }
  });

  const month = path.join(DATA, 'dc/crime/dc_crime_incidents_last_30_days_2022.geojson');
  it.skipIf(!existsSync(month))(`decodes the 30-day ISO-dated download ${existsSync(month) ? '' : SKIP}`, async ({ annotate }) => {
    const r = parseMpdGeoJson(readFileSync(month, 'utf8'));
    const failed = r.features.filter((f) => !f.result.ok);
    await annotate(`${r.features.length} features: ${r.features.length - failed.length} ok, ${failed.length} errors`);
    expect(r).toMatchObject({ ok: true, exceededTransferLimit: false });
    expect(r.features).toHaveLength(2327);
    expect(failed.length).toBeLessThan(r.features.length * 0.01);
    for (const { result } of r.features) if (result.ok) expect(incidentProblems(result.incident)).toEqual([]);
  });
});
