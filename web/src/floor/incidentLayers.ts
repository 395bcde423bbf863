// The floor map's incident layers: every incident of the view as a circle (colour: kind, size: priority, fading
// with age over the view's time window), the open incident ringed with its uncertainty circle, the highlighted
// (keyboard) incident ringed more quietly, and the open incident's ranked cameras coloured by request state with
// their fields of view.
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { Feature, FeatureCollection } from 'geojson';
import type { IncidentView, MatchView, RequestView } from '../api/incidents';
import { destination, wedgeFeature } from '../map/wedge';
import type { CameraFeature } from './cameraLayers';
import { INCIDENT_KINDS, KIND_COLORS, kindOf } from './incidentKinds';
import { requestsByCamera, STATE_COLORS, type CameraRequestState } from './requestStates';

export const FOCUS_COLOR = '#ffffff';
const CURSOR_COLOR = '#a3b1c0';
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
/** The faintest an incident gets at the far end of the time window. */
const OLDEST_OPACITY = 0.3;

const kindColor = ['match', ['get', 'kind'], ...INCIDENT_KINDS.flatMap((k) => [k, KIND_COLORS[k]]), KIND_COLORS.other] as unknown as ExpressionSpecification;
const stateColor = ['match', ['get', 'state'], ...Object.entries(STATE_COLORS).flat(), STATE_COLORS.none] as unknown as ExpressionSpecification;
/** Radius by priority (1 largest), growing a little with zoom. */
const radiusPlus = (extra: number): ExpressionSpecification => [
  'interpolate',
  ['linear'],
  ['zoom'],
  10,
  ['match', ['get', 'p'], 1, 7 + extra, 2, 6 + extra, 3, 5 + extra, 4, 4 + extra, 3.5 + extra],
  16,
  ['match', ['get', 'p'], 1, 12 + extra, 2, 10 + extra, 3, 8.5 + extra, 4, 7 + extra, 6 + extra],
];
const radius = radiusPlus(0);

export function addIncidentLayers(map: MapLibreMap): void {
  map.addSource('incidents', { type: 'geojson', data: EMPTY });
  map.addSource('incident-focus', { type: 'geojson', data: EMPTY });
  map.addSource('incident-cameras', { type: 'geojson', data: EMPTY });

  map.addLayer({
    id: 'incident-uncertainty',
    type: 'fill',
    source: 'incident-focus',
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'fill-color': FOCUS_COLOR, 'fill-opacity': 0.08 },
  });
  map.addLayer({
    id: 'incident-uncertainty-edge',
    type: 'line',
    source: 'incident-focus',
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'line-color': FOCUS_COLOR, 'line-width': 1.5, 'line-opacity': 0.8, 'line-dasharray': [3, 2] },
  });
  map.addLayer({
    id: 'incident-camera-wedges',
    type: 'fill',
    source: 'incident-cameras',
    minzoom: 13,
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'fill-color': stateColor, 'fill-opacity': 0.2 },
  });
  map.addLayer({
    id: 'incidents',
    type: 'circle',
    source: 'incidents',
    layout: { 'circle-sort-key': ['get', 'sort'] },
    paint: {
      'circle-color': kindColor,
      'circle-radius': radius,
      'circle-opacity': ['*', ['get', 'o'], ['case', ['==', ['get', 'closed'], 1], 0.35, 0.9]],
      'circle-stroke-color': ['case', ['==', ['get', 'closed'], 1], kindColor, '#0a0f15'],
      'circle-stroke-width': 1.5,
      'circle-stroke-opacity': ['get', 'o'],
    },
  });
  map.addLayer({
    id: 'incident-cameras',
    type: 'circle',
    source: 'incident-cameras',
    filter: ['==', ['geometry-type'], 'Point'],
    paint: {
      'circle-color': stateColor,
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 3.5, 16, 6],
      'circle-stroke-color': '#0a0f15',
      'circle-stroke-width': 1.5,
    },
  });
  map.addLayer({
    id: 'incident-focus-ring',
    type: 'circle',
    source: 'incident-focus',
    filter: ['==', ['geometry-type'], 'Point'],
    paint: {
      'circle-color': 'rgba(0,0,0,0)',
      'circle-radius': radiusPlus(5),
      'circle-stroke-color': ['case', ['==', ['get', 'role'], 'selected'], FOCUS_COLOR, CURSOR_COLOR],
      'circle-stroke-width': ['case', ['==', ['get', 'role'], 'selected'], 3, 2],
    },
  });
}

/** Opacity from age: 1 when it just happened, OLDEST_OPACITY at the end of the window. */
export function ageOpacity(occurredFrom: string, windowEnd: number, fadeMs: number): number {
  const age = Math.max(0, windowEnd - Date.parse(occurredFrom));
  return Math.round(Math.max(OLDEST_OPACITY, 1 - (age / fadeMs) * (1 - OLDEST_OPACITY)) * 100) / 100;
}

export function incidentFeatures(incidents: readonly IncidentView[], windowEnd: number, fadeMs: number): FeatureCollection {
  const features: Feature[] = [];
  for (const i of incidents) {
    if (!i.location) continue;
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [i.location.lng, i.location.lat] },
      properties: {
        id: i.id,
        kind: kindOf(i.type),
        p: i.priority,
        o: ageOpacity(i.occurredFrom, windowEnd, fadeMs),
        closed: i.status === 'closed' ? 1 : 0,
        // Higher priorities and open incidents on top.
        sort: (i.status === 'open' ? 10 : 0) + (6 - i.priority),
        type: i.type,
        ext: i.externalId,
        occurredFrom: i.occurredFrom,
        matchCount: i.matchCount ?? 0,
      },
    });
  }
  return { type: 'FeatureCollection', features };
}

/** A circle of `radiusM` metres around a point, as a polygon (64 sides). */
function circle(lat: number, lng: number, radiusM: number): Feature {
  const ring: [number, number][] = [];
  for (let a = 0; a < 360; a += 360 / 64) ring.push(destination(lat, lng, radiusM, a));
  ring.push(ring[0]!);
  return { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: {} };
}

export function focusFeatures(selected: IncidentView | undefined, cursor: IncidentView | undefined): FeatureCollection {
  const features: Feature[] = [];
  const point = (i: IncidentView, role: string): Feature => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [i.location!.lng, i.location!.lat] }, properties: { id: i.id, role, p: i.priority } });
  if (cursor?.location && cursor.id !== selected?.id) features.push(point(cursor, 'cursor'));
  if (selected?.location) {
    if (selected.location.accuracyM > 0) features.push(circle(selected.location.lat, selected.location.lng, selected.location.accuracyM));
    features.push(point(selected, 'selected'));
  }
  return { type: 'FeatureCollection', features };
}

export function incidentCameraFeatures(matches: readonly MatchView[], requests: readonly RequestView[], cameraById: ReadonlyMap<string, CameraFeature>): FeatureCollection {
  const byCamera = requestsByCamera(requests);
  const features: Feature[] = [];
  // Wedges first, points after: points are drawn above by their own layer anyway.
  for (const m of matches) {
    const camera = cameraById.get(m.cameraId);
    if (!camera) continue;
    const state: CameraRequestState = byCamera.get(m.cameraId)?.status ?? 'none';
    const [lng, lat] = camera.geometry.coordinates as [number, number];
    const p = camera.properties;
    features.push(wedgeFeature({ lat, lng, bearingDeg: p.bearingDeg, fovDeg: p.fovDeg, rangeM: p.rangeM }, { state, rank: m.rank }));
    features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [lng, lat] }, properties: { id: m.cameraId, state, rank: m.rank, distanceM: m.distanceM } });
  }
  return { type: 'FeatureCollection', features };
}

export function setSource(map: MapLibreMap, id: string, data: FeatureCollection): void {
  (map.getSource(id) as GeoJSONSource | undefined)?.setData(data);
}
