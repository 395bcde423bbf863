import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { generateAreas, loadAreas, parseAreas } from './areas.js';
import { loadServiceArea, serviceAreaFrom } from './service-area.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const DATA = path.resolve(REPO, '../shared/data');
const SKIP = `(skipped: real data folder ${DATA} is absent)`;
const dc = loadServiceArea(undefined);

const square = (w: number, s: number, e: number, n: number) => ({
  type: 'Polygon' as const,
  coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]],
});

describe('generated areas', () => {
  it('splits the service area into the asked number of named areas that cover it', () => {
    for (const [kind, count] of [['district', 7], ['ward', 8]] as const) {
      const set = generateAreas(kind, dc, count);
      expect(set.areas).toHaveLength(count);
      expect(new Set(set.areas.map((a) => a.id)).size).toBe(count);
      expect(set.areas[0]!.name).toBe(kind === 'district' ? 'District 1' : 'Ward 1');
      expect(set.source).toBe('generated');
    }
  });

  it('is the same on every start', () => {
    expect(JSON.stringify(generateAreas('district', dc, 7).areas)).toBe(JSON.stringify(generateAreas('district', dc, 7).areas));
  });

  it('places every point of the service area in exactly one area (property)', () => {
    const set = generateAreas('ward', dc, 8);
    const [w, s, e, n] = dc.bbox;
    fc.assert(
      fc.property(fc.double({ min: 0.0005, max: 0.9995, noNaN: true }), fc.double({ min: 0.0005, max: 0.9995, noNaN: true }), (x, y) => {
        const lng = w + x * (e - w);
        const lat = s + y * (n - s);
        const found = set.locate(lat, lng);
        expect(found).not.toBeNull();
      }),
      { numRuns: 2000 },
    );
    expect(set.locate(0, 0)).toBeNull();
    expect(set.locate(Number.NaN, -77)).toBeNull();
  });

  it('cuts the cells to a service area that is not a rectangle', () => {
    // An L-shaped area: nothing may be located in the missing quarter.
    const l = serviceAreaFrom({ type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2], [0, 0]]] });
    const set = generateAreas('district', l, 4);
    expect(set.locate(1.5, 1.5)).toBeNull();
    expect(set.locate(0.5, 0.5)).not.toBeNull();
    expect(set.locate(1.5, 0.5)).not.toBeNull();
  });
});

describe('areas from GeoJSON', () => {
  const two = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { DISTRICT: 1, NAME: 'First District' }, geometry: square(0, 0, 1, 1) },
      { type: 'Feature', properties: { DISTRICT: 2, NAME: 'Second District' }, geometry: square(1, 0, 2, 1) },
    ],
  });

  it('names and identifies areas by their properties and locates points', () => {
    const set = parseAreas('district', two, 'test.geojson');
    expect(set.areas.map((a) => [a.id, a.name])).toEqual([['1', 'First District'], ['2', 'Second District']]);
    expect(set.locate(0.5, 1.5)?.name).toBe('Second District');
    expect(set.locate(0.5, 3)).toBeNull();
    expect(set.geojson().features.map((f) => f.properties)).toEqual([{ id: '1', name: 'First District' }, { id: '2', name: 'Second District' }]);
  });

  it('says what is wrong with a bad file', () => {
    expect(() => parseAreas('ward', '{', 'w.geojson')).toThrow(/w.geojson: not JSON/);
    expect(() => parseAreas('ward', '{"type":"Feature"}', 'w.geojson')).toThrow(/FeatureCollection/);
    expect(() => parseAreas('ward', JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { WARD: 1 }, geometry: { type: 'Point', coordinates: [0, 0] } }] }), 'w')).toThrow(/feature 0 is not a Polygon/);
    expect(() => parseAreas('ward', JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: square(0, 0, 1, 1) }] }), 'w')).toThrow(/feature 0 has no id/);
    const dup = { type: 'Feature', properties: { WARD: 3 }, geometry: square(0, 0, 1, 1) };
    expect(() => parseAreas('ward', JSON.stringify({ type: 'FeatureCollection', features: [dup, dup] }), 'w')).toThrow(/two features have the id "3"/);
    expect(() => parseAreas('ward', JSON.stringify({ type: 'FeatureCollection', features: [] }), 'w')).toThrow(/no features/);
  });

  it('loads from a URL, and names the setting when the source fails', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      if (req.url === '/districts.geojson') res.end(two);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const areas = await loadAreas(dc, { districts: `http://127.0.0.1:${port}/districts.geojson` });
      expect(areas.districts.areas).toHaveLength(2);
      expect(areas.wards.source).toBe('generated');
      await expect(loadAreas(dc, { wards: `http://127.0.0.1:${port}/missing` })).rejects.toThrow(/WATCHFLOOR_WARDS: .*HTTP 404/);
      await expect(loadAreas(dc, { districts: '/nonexistent/districts.geojson' })).rejects.toThrow(/WATCHFLOOR_DISTRICTS: .*ENOENT/);
    } finally {
      server.close();
    }
  });
});

describe("DC's real wards and police districts", () => {
  const wardsFile = path.join(DATA, 'dc/geo/dc_Wards_from_2022.geojson');
  const districtsFile = path.join(DATA, 'dc/geo/dc_Police_Districts.geojson');
  const crimeFile = path.join(DATA, 'dc/crime/dc_crime_incidents_2024_partial.csv');
  const present = existsSync(wardsFile) && existsSync(districtsFile) && existsSync(crimeFile);

  it.skipIf(!present)(`agree with the ward and district that DC's crime data gives each incident ${present ? '' : SKIP}`, async ({ annotate }) => {
    const wards = parseAreas('ward', readFileSync(wardsFile, 'utf8'), wardsFile);
    const districts = parseAreas('district', readFileSync(districtsFile, 'utf8'), districtsFile);
    expect(wards.areas).toHaveLength(8);
    expect(districts.areas).toHaveLength(7);
    const rows = parse(readFileSync(crimeFile, 'utf8'), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
    let checked = 0;
    let wardAgrees = 0;
    let districtAgrees = 0;
    for (const r of rows) {
      const lat = Number(r.LATITUDE);
      const lng = Number(r.LONGITUDE);
      if (!Number.isFinite(lat) || !Number.isFinite(lng) || !r.WARD || !r.DISTRICT) continue;
      checked++;
      if (wards.locate(lat, lng)?.id === r.WARD) wardAgrees++;
      if (districts.locate(lat, lng)?.id === r.DISTRICT) districtAgrees++;
    }
    await annotate(`${checked} incidents: ward agrees for ${wardAgrees}, district for ${districtAgrees}`);
    // DC places incidents at the block's centre line, which can sit on a boundary: a few disagree.
    expect(checked).toBeGreaterThan(5000);
    expect(wardAgrees / checked).toBeGreaterThan(0.97);
    expect(districtAgrees / checked).toBeGreaterThan(0.97);
  });
});
