// Districts and wards: the named areas the floor filters by and draws on the map. A deployment gives its own
// (GeoJSON files or open-data URLs); otherwise they are generated over the service area, so the demo city and an
// offline map still have them. Incidents that arrive without a district or ward get the one they fall in.
import fs from 'node:fs';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import intersect from '@turf/intersect';
import simplify from '@turf/simplify';
import voronoi from '@turf/voronoi';
import { featureCollection, point } from '@turf/helpers';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { ServiceArea } from './service-area.js';

export type AreaKind = 'district' | 'ward';

export interface Area {
  id: string;
  name: string;
  geometry: Polygon | MultiPolygon;
  bbox: [number, number, number, number];
}

export type AreaFeature = Feature<Polygon | MultiPolygon, { id: string; name: string }>;

export interface AreaSet {
  kind: AreaKind;
  /** Where they came from: a file, a URL, or "generated". */
  source: string;
  areas: Area[];
  /** The area a point lies in (the first, where areas overlap), or null. */
  locate(lat: number, lng: number): Area | null;
  /** The areas as GeoJSON, simplified for drawing (about a metre of tolerance), computed once. */
  geojson(): FeatureCollection<Polygon | MultiPolygon, { id: string; name: string }>;
}

const ID_KEYS: Record<AreaKind, string[]> = {
  district: ['id', 'ID', 'DISTRICT', 'district', 'NAME', 'name'],
  ward: ['id', 'ID', 'WARD', 'ward', 'NAME', 'name'],
};
const NAME_KEYS = ['NAME', 'name', 'LABEL', 'label'];

function bboxOf(geometry: Polygon | MultiPolygon): [number, number, number, number] {
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings)
    for (const [lng, lat] of ring) {
      w = Math.min(w, lng!);
      e = Math.max(e, lng!);
      s = Math.min(s, lat!);
      n = Math.max(n, lat!);
    }
  return [w, s, e, n];
}

function firstValue(props: Record<string, unknown>, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = props[k];
    if ((typeof v === 'string' && v.trim()) || (typeof v === 'number' && Number.isFinite(v))) return String(v).trim();
  }
  return undefined;
}

export function areaSet(kind: AreaKind, source: string, areas: Area[]): AreaSet {
  let drawn: AreaSet['geojson'] extends () => infer R ? R : never;
  return {
    kind,
    source,
    areas,
    locate(lat, lng) {
      if (!Number.isFinite(lat) || !Number.isFinite(lng)) return null;
      for (const a of areas) {
        const [w, s, e, n] = a.bbox;
        if (lng < w || lng > e || lat < s || lat > n) continue;
        if (booleanPointInPolygon([lng, lat], a.geometry)) return a;
      }
      return null;
    },
    geojson() {
      drawn ??= featureCollection(
        areas.map((a) => simplify({ type: 'Feature', geometry: a.geometry, properties: { id: a.id, name: a.name } } as AreaFeature, { tolerance: 0.00001, highQuality: false })),
      );
      return drawn;
    },
  };
}

/** Reads areas from GeoJSON text (a FeatureCollection of Polygon/MultiPolygon features); names every problem. */
export function parseAreas(kind: AreaKind, text: string, source: string): AreaSet {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON (${(err as Error).message})`);
  }
  const fc = doc as FeatureCollection;
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new Error(`${source}: expected a GeoJSON FeatureCollection`);
  const areas: Area[] = [];
  const seen = new Set<string>();
  fc.features.forEach((f, i) => {
    const g = f?.geometry as Polygon | MultiPolygon | null;
    if (g?.type !== 'Polygon' && g?.type !== 'MultiPolygon') throw new Error(`${source}: feature ${i} is not a Polygon or MultiPolygon`);
    const props = (f.properties ?? {}) as Record<string, unknown>;
    const id = firstValue(props, ID_KEYS[kind]) ?? (f.id !== undefined ? String(f.id) : undefined);
    if (!id) throw new Error(`${source}: feature ${i} has no id (one of ${ID_KEYS[kind].join(', ')})`);
    if (seen.has(id)) throw new Error(`${source}: two features have the id "${id}"`);
    seen.add(id);
    const name = firstValue(props, NAME_KEYS) ?? `${kind === 'district' ? 'District' : 'Ward'} ${id}`;
    areas.push({ id, name, geometry: g, bbox: bboxOf(g) });
  });
  if (areas.length === 0) throw new Error(`${source}: no features`);
  return areaSet(kind, source, areas);
}

/** A small deterministic generator (mulberry32), so generated areas are the same on every start. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits the service area into `count` areas: Voronoi cells around jittered points on a grid, cut to the service
 * area, numbered west to east within rows from north to south.
 */
export function generateAreas(kind: AreaKind, area: ServiceArea, count: number, seed = kind === 'district' ? 7 : 8): AreaSet {
  const [w, s, e, n] = area.bbox;
  const random = seeded(seed);
  const cols = Math.ceil(Math.sqrt(count * ((e - w) / (n - s))));
  const rows = Math.ceil(count / cols);
  const seeds: [number, number][] = [];
  for (let r = 0; r < rows && seeds.length < count; r++)
    for (let c = 0; c < cols && seeds.length < count; c++) {
      const lng = w + ((c + 0.2 + random() * 0.6) / cols) * (e - w);
      const lat = n - ((r + 0.2 + random() * 0.6) / rows) * (n - s);
      seeds.push([lng, lat]);
    }
  const cells = voronoi(featureCollection(seeds.map((p) => point(p))), { bbox: [w, s, e, n] });
  const outline: Feature<Polygon | MultiPolygon> = { type: 'Feature', geometry: area.geometry, properties: {} };
  const areas: Area[] = [];
  cells.features.forEach((cell, i) => {
    if (!cell) return;
    const cut = intersect(featureCollection([cell, outline]));
    if (!cut) return;
    const id = String(i + 1);
    areas.push({ id, name: kind === 'district' ? `District ${id}` : `Ward ${id}`, geometry: cut.geometry, bbox: bboxOf(cut.geometry) });
  });
  return areaSet(kind, 'generated', areas);
}

async function readSource(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const res = await fetch(source, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`${source}: HTTP ${res.status}`);
    return res.text();
  }
  return fs.promises.readFile(source, 'utf8');
}

export interface Areas {
  districts: AreaSet;
  wards: AreaSet;
}

/** Districts and wards from configuration (files or URLs), or generated over the service area. */
export async function loadAreas(area: ServiceArea, sources: { districts?: string | undefined; wards?: string | undefined }): Promise<Areas> {
  const load = async (kind: AreaKind, source: string | undefined, count: number, env: string) => {
    if (!source) return generateAreas(kind, area, count);
    try {
      return parseAreas(kind, await readSource(source), source);
    } catch (err) {
      throw new Error(`${env}: ${(err as Error).message}`);
    }
  };
  const [districts, wards] = await Promise.all([load('district', sources.districts, 7, 'WATCHFLOOR_DISTRICTS'), load('ward', sources.wards, 8, 'WATCHFLOOR_WARDS')]);
  return { districts, wards };
}
