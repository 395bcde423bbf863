// Public camera coverage (C5, S4): counts of verified cameras per H3 hexagon, never a camera's position. Cells
// with fewer than MIN_CAMERAS_PER_CELL cameras are left out, so no single home camera can be located from it.
import { cellToBoundary, latLngToCell } from 'h3-js';
import type { FeatureCollection, Polygon } from 'geojson';

export const COVERAGE_RESOLUTION = 8; // cells of about 0.74 km²
export const MIN_CAMERAS_PER_CELL = 3;

export function coverageGeoJson(points: Iterable<{ lat: number; lng: number }>, resolution = COVERAGE_RESOLUTION, minPerCell = MIN_CAMERAS_PER_CELL): FeatureCollection<Polygon, { cameras: number; h3: string }> {
  const counts = new Map<string, number>();
  for (const p of points) {
    const cell = latLngToCell(p.lat, p.lng, resolution);
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  const features = [...counts]
    .filter(([, n]) => n >= minPerCell)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([cell, n]) => {
      const ring = cellToBoundary(cell, true);
      return {
        type: 'Feature' as const,
        geometry: { type: 'Polygon' as const, coordinates: [[...ring, ring[0]!]] },
        properties: { cameras: n, h3: cell },
      };
    });
  return { type: 'FeatureCollection', features };
}
