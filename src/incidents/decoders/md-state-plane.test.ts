import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latLngToMarylandStatePlane, marylandStatePlaneToLatLng } from './md-state-plane.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const DATA = path.resolve(REPO, '../shared/data');
const SKIP = `(skipped: real data folder ${DATA} is absent)`;

/** Haversine on the mean Earth radius; plenty for metre-level comparisons. */
function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lng - a.lng) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

describe('EPSG:26985 (NAD83 / Maryland, metres) inverse', () => {
  it('puts the projection origin at 37°40′N 77°W and the false easting on the central meridian', () => {
    const origin = marylandStatePlaneToLatLng(400_000, 0);
    expect(origin?.lat).toBeCloseTo(37 + 40 / 60, 10);
    expect(origin?.lng).toBeCloseTo(-77, 10);
  });

  it('agrees with the LATITUDE/LONGITUDE DC published for the same block (first 2024 row, to a centimetre)', () => {
    // CCN 24022219, 3200 - 3299 BLOCK OF WHEELER ROAD SE.
    const got = marylandStatePlaneToLatLng(400512.460606429, 130574.929078604);
    expect(got).not.toBeNull();
    expect(distanceM(got!, { lat: 38.8429733051, lng: -76.9940969743 })).toBeLessThan(0.01);
  });

  it('inverts the forward projection to a millimetre anywhere in and around DC', () => {
    const lat = fc.double({ min: 38.5, max: 39.5, noNaN: true });
    const lng = fc.double({ min: -77.6, max: -76.4, noNaN: true });
    fc.assert(
      fc.property(lat, lng, (la, ln) => {
        const { eastingM, northingM } = latLngToMarylandStatePlane(la, ln);
        const back = marylandStatePlaneToLatLng(eastingM, northingM);
        expect(distanceM(back!, { lat: la, lng: ln })).toBeLessThan(0.001);
      }),
    );
  });

  it('returns null rather than NaN for input that is not finite', () => {
    expect(marylandStatePlaneToLatLng(Number.NaN, 1)).toBeNull();
    expect(marylandStatePlaneToLatLng(1, Number.POSITIVE_INFINITY)).toBeNull();
  });

  for (const file of ['dc_crime_incidents_2024_partial.csv', 'dc_crime_incidents_2021_partial.csv']) {
    const csv = path.join(DATA, 'dc/crime', file);
    it.skipIf(!existsSync(csv))(`matches LATITUDE/LONGITUDE within 2 m on every row of ${file} ${existsSync(csv) ? '' : SKIP}`, async ({ annotate }) => {
      const rows = parse(readFileSync(csv, 'utf8'), { columns: true, bom: true }) as Array<Record<string, string>>;
      // LATITUDE/LONGITUDE are NAD83, projected from the same XBLOCK/YBLOCK; X/Y is the WGS84 geometry, about a
      // metre away in DC: the datum shift this decoder deliberately does not apply.
      const nad83: number[] = [];
      const wgs84: number[] = [];
      for (const row of rows) {
        const values = ['XBLOCK', 'YBLOCK', 'LATITUDE', 'LONGITUDE', 'X', 'Y'].map((c) => Number(row[c]));
        if (!values.every((v) => Number.isFinite(v) && v !== 0)) continue;
        const [x, y, lat, lng, gx, gy] = values as [number, number, number, number, number, number];
        const projected = marylandStatePlaneToLatLng(x, y)!;
        nad83.push(distanceM(projected, { lat, lng }));
        wgs84.push(distanceM(projected, { lat: gy, lng: gx }));
      }
      const stats = (d: number[]) => {
        const sorted = [...d].sort((a, b) => a - b);
        return { max: sorted[sorted.length - 1] ?? Number.NaN, p99: sorted[Math.floor(sorted.length * 0.99)] ?? Number.NaN };
      };
      const [a, b] = [stats(nad83), stats(wgs84)];
      const max = a.max;
      await annotate(
        `${nad83.length} rows; vs LATITUDE/LONGITUDE max ${a.max.toFixed(4)} m (p99 ${a.p99.toFixed(4)}); ` +
          `vs X/Y max ${b.max.toFixed(3)} m (p99 ${b.p99.toFixed(3)})`,
      );
      expect(nad83.length).toBeGreaterThan(rows.length * 0.99);
      expect(b.max).toBeLessThan(2);
      expect(max).toBeLessThan(2);
    });
  }
});
