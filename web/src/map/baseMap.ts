// One way to make a map: the offline base (background, the service area, a light grid) built in code, since the
// server has no tiles or glyphs to offer and the page may fetch nothing else — or, when the deployment names a
// style URL, that style with the service area drawn on top. No symbol layers anywhere: they would need glyphs.
import maplibregl, { type LngLatBoundsLike, type Map as MapLibreMap, type StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection, LineString } from 'geojson';
import type { PublicConfig } from './publicConfig';
import './map.css';

/** Map colours, chosen against the dark base; data colours live with their layers. */
export const BASE_COLORS = {
  background: '#0a0f15',
  area: '#111c27',
  areaOutline: '#5eb1ff',
  grid: '#7fa6cc',
} as const;

const MAJOR_GRID_DEG = 0.01;
const MINOR_GRID_DEG = 0.001;
/** Above this many minor lines the fine grid is left out (a very large service area). */
const MINOR_GRID_LIMIT = 4000;

type Bbox = [number, number, number, number];

function padded([w, s, e, n]: Bbox, fraction: number, minDeg: number): Bbox {
  const dx = Math.max(minDeg, (e - w) * fraction);
  const dy = Math.max(minDeg, (n - s) * fraction);
  return [w - dx, s - dy, e + dx, n + dy];
}

function linesEvery(stepDeg: number, [w, s, e, n]: Bbox, minor: boolean): LineString[] {
  const lines: LineString[] = [];
  // Whole multiples of the step, so the grid lines fall on round coordinates and line up between maps.
  for (let i = Math.ceil(w / stepDeg); i * stepDeg <= e; i++) {
    if (minor && i % 10 === 0) continue;
    const x = Number((i * stepDeg).toFixed(6));
    lines.push({ type: 'LineString', coordinates: [[x, s], [x, n]] });
  }
  for (let j = Math.ceil(s / stepDeg); j * stepDeg <= n; j++) {
    if (minor && j % 10 === 0) continue;
    const y = Number((j * stepDeg).toFixed(6));
    lines.push({ type: 'LineString', coordinates: [[w, y], [e, y]] });
  }
  return lines;
}

/** Grid lines every 0.01° over (a margin around) the service area; every 0.001° too, marked minor, where it stays small. */
export function gridLines(bbox: Bbox): FeatureCollection<LineString, { minor: boolean }> {
  const area = padded(bbox, 0.25, 0.05);
  const major = linesEvery(MAJOR_GRID_DEG, area, false);
  const minorCount = ((area[2] - area[0]) + (area[3] - area[1])) / MINOR_GRID_DEG;
  const minor = minorCount <= MINOR_GRID_LIMIT ? linesEvery(MINOR_GRID_DEG, area, true) : [];
  return {
    type: 'FeatureCollection',
    features: [
      ...major.map((geometry) => ({ type: 'Feature' as const, geometry, properties: { minor: false } })),
      ...minor.map((geometry) => ({ type: 'Feature' as const, geometry, properties: { minor: true } })),
    ],
  };
}

function serviceAreaSource(config: PublicConfig) {
  return { type: 'geojson' as const, data: { type: 'Feature' as const, geometry: config.serviceArea.geometry, properties: { name: config.serviceArea.name } } };
}

type Layer = StyleSpecification['layers'][number];

/** On the offline base the fill is the "land"; on a real style, a faint tint. */
const serviceAreaFill = (offline: boolean): Layer => ({
  id: 'service-area-fill',
  type: 'fill',
  source: 'service-area',
  paint: { 'fill-color': offline ? BASE_COLORS.area : BASE_COLORS.areaOutline, 'fill-opacity': offline ? 1 : 0.06 },
});
const serviceAreaOutline: Layer = { id: 'service-area-outline', type: 'line', source: 'service-area', paint: { 'line-color': BASE_COLORS.areaOutline, 'line-width': 2, 'line-opacity': 0.8 } };

export function offlineStyle(config: PublicConfig): StyleSpecification {
  return {
    version: 8,
    sources: {
      'service-area': serviceAreaSource(config),
      grid: { type: 'geojson', data: gridLines(config.serviceArea.bbox) },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BASE_COLORS.background } },
      serviceAreaFill(true),
      {
        id: 'grid-minor',
        type: 'line',
        source: 'grid',
        minzoom: 15,
        filter: ['==', ['get', 'minor'], true],
        paint: { 'line-color': BASE_COLORS.grid, 'line-opacity': 0.12, 'line-width': 1 },
      },
      {
        id: 'grid-major',
        type: 'line',
        source: 'grid',
        filter: ['==', ['get', 'minor'], false],
        paint: { 'line-color': BASE_COLORS.grid, 'line-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.14, 15, 0.28], 'line-width': 1 },
      },
      serviceAreaOutline,
    ],
  };
}

export interface BaseMapOptions {
  /** false: a picture of the map (no panning, zooming or controls). */
  interactive?: boolean;
  /** Two fingers to pan on touch, Ctrl + wheel to zoom: for maps inside a scrolling page. */
  cooperativeGestures?: boolean;
  /** Where the zoom buttons go; false for none. */
  navigation?: 'top-right' | 'top-left' | 'bottom-right' | false;
  scale?: 'bottom-left' | 'bottom-right' | false;
  /** MapLibre's own UI strings (zoom buttons, gesture hints, the canvas's accessible name under "Map.Title"). */
  locale?: Record<string, string>;
  /** Start showing this box (west, south, east, north) instead of the whole service area. */
  bounds?: Bbox;
  /** Start at this centre and zoom instead (a shared link's view); kept as is when the map changes size. */
  view?: { lng: number; lat: number; zoom: number };
}

/**
 * A north-up map (bearings are read against north, so rotation is off) over the service area. The caller adds
 * its own sources and layers once the map's 'load' event has fired.
 */
export function createBaseMap(container: HTMLElement, config: PublicConfig, options: BaseMapOptions = {}): MapLibreMap {
  const bbox = config.serviceArea.bbox;
  const offline = !config.mapStyleUrl;
  const interactive = options.interactive ?? true;
  const start = options.bounds ? { bounds: options.bounds as LngLatBoundsLike, fitBoundsOptions: { padding: 28, maxZoom: 18 } } : { bounds: bbox as LngLatBoundsLike, fitBoundsOptions: { padding: 16 } };
  const view = options.view;
  const map = new maplibregl.Map({
    container,
    style: config.mapStyleUrl ?? offlineStyle(config),
    ...(view ? { center: [view.lng, view.lat] as [number, number], zoom: view.zoom } : start),
    maxBounds: padded(bbox, 0.5, 0.1) as LngLatBoundsLike,
    minZoom: 9,
    maxZoom: 20,
    interactive,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    cooperativeGestures: options.cooperativeGestures ?? false,
    // The offline base is drawn from the program's own data; a real style brings its sources' attributions.
    attributionControl: offline ? false : { compact: true },
    locale: options.locale,
  });
  if (interactive) {
    map.touchZoomRotate.disableRotation();
    map.keyboard.disableRotation();
    const nav = options.navigation ?? 'top-right';
    if (nav) map.addControl(new maplibregl.NavigationControl({ showCompass: false }), nav);
  }
  // Until anything moves the map, it keeps showing what it started with when its box changes size (a window
  // resized, a phone turned) instead of a centre and zoom chosen for the old size. A resize keeps centre and zoom,
  // so the map is untouched while they are still those of the last fit.
  let fitted: { lng: number; lat: number; zoom: number } | undefined;
  const remember = () => (fitted = { ...map.getCenter(), zoom: map.getZoom() });
  if (!view) map.once('load', remember);
  map.on('resize', () => {
    const c = map.getCenter();
    if (!fitted || Math.abs(c.lng - fitted.lng) > 1e-9 || Math.abs(c.lat - fitted.lat) > 1e-9 || Math.abs(map.getZoom() - fitted.zoom) > 1e-9) return;
    map.fitBounds(start.bounds, { ...start.fitBoundsOptions, animate: false });
    remember();
  });
  const scale = options.scale ?? false;
  if (scale) map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 100 }), scale);
  if (!offline) {
    let styled = false;
    map.on('style.load', () => {
      styled = true;
      if (map.getSource('service-area')) return;
      map.addSource('service-area', serviceAreaSource(config));
      map.addLayer(serviceAreaFill(false));
      map.addLayer(serviceAreaOutline);
    });
    // A style that cannot be fetched (offline, or refused by the page's connect-src) would leave the map blank and
    // never loaded: the offline base takes its place, so pins can still be placed and cameras still shown.
    map.once('error', () => {
      if (!styled) map.setStyle(offlineStyle(config));
    });
  }
  return map;
}
