// The area the program serves: a polygon (or several) read from GeoJSON. Used to refuse cameras and incidents
// that lie outside, and drawn on the offline base map.
import fs from 'node:fs';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Areas } from './areas.js';

export interface ServiceArea {
  name: string;
  geometry: Polygon | MultiPolygon;
  bbox: [number, number, number, number];
  contains(lat: number, lng: number): boolean;
  /** Its districts and wards, once loaded (src/geo/areas.ts). */
  areas?: Areas;
}

/** A rectangle around Washington, DC: the default until a deployment gives its own boundary. */
export const DEFAULT_SERVICE_AREA: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [-77.1198, 38.7916],
      [-76.9094, 38.7916],
      [-76.9094, 38.9955],
      [-77.1198, 38.9955],
      [-77.1198, 38.7916],
    ],
  ],
};

function bboxOf(geometry: Polygon | MultiPolygon): [number, number, number, number] {
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  let [minLng, minLat, maxLng, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings)
    for (const [lng, lat] of ring) {
      minLng = Math.min(minLng, lng!);
      maxLng = Math.max(maxLng, lng!);
      minLat = Math.min(minLat, lat!);
      maxLat = Math.max(maxLat, lat!);
    }
  return [minLng, minLat, maxLng, maxLat];
}

export function serviceAreaFrom(geometry: Polygon | MultiPolygon, name = 'service area'): ServiceArea {
  const bbox = bboxOf(geometry);
  return {
    name,
    geometry,
    bbox,
    contains(lat, lng) {
      if (!Number.isFinite(lat) || !Number.isFinite(lng)) return false;
      if (lng < bbox[0] || lng > bbox[2] || lat < bbox[1] || lat > bbox[3]) return false;
      return booleanPointInPolygon([lng, lat], geometry);
    },
  };
}

/** Reads a GeoJSON polygon, multipolygon, feature or feature collection (merged into one multipolygon). */
export function parseServiceArea(text: string, name = 'service area'): ServiceArea {
  const doc = JSON.parse(text) as Polygon | MultiPolygon | Feature | FeatureCollection;
  const polygons: Polygon['coordinates'][] = [];
  const add = (g: unknown) => {
    const geom = g as Polygon | MultiPolygon | null;
    if (geom?.type === 'Polygon') polygons.push(geom.coordinates);
    else if (geom?.type === 'MultiPolygon') polygons.push(...geom.coordinates);
    else throw new Error(`the service area must be made of Polygon or MultiPolygon geometries, found ${(geom as { type?: string } | null)?.type ?? 'nothing'}`);
  };
  if (doc.type === 'FeatureCollection') doc.features.forEach((f) => add(f.geometry));
  else if (doc.type === 'Feature') add(doc.geometry);
  else add(doc);
  if (polygons.length === 0) throw new Error('the service area file has no polygon');
  return serviceAreaFrom(polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0]! } : { type: 'MultiPolygon', coordinates: polygons }, name);
}

export function loadServiceArea(file: string | undefined): ServiceArea {
  if (!file) return serviceAreaFrom(DEFAULT_SERVICE_AREA, 'Washington, DC (rectangle)');
  try {
    return parseServiceArea(fs.readFileSync(file, 'utf8'), file);
  } catch (err) {
    throw new Error(`WATCHFLOOR_SERVICE_AREA (${file}): ${(err as Error).message}`);
  }
}
