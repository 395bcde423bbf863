// The floor map's camera layers: verified cameras clustered at city zoom, each camera and its field of view from
// street zoom, and the camera selected in the review queue. Wedges are computed only for the cameras in view,
// so 30,000 cameras cost one pass over an array per pan, not 30,000 polygons.
import type { ExpressionSpecification, GeoJSONSource, LngLatBounds, Map as MapLibreMap } from 'maplibre-gl';
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { CameraTier, MapCameraProperties } from '../api/cameras';
import { wedgeFeature, type FieldOfView } from '../map/wedge';

export const TIER_COLORS: Record<CameraTier, string> = {
  registered: '#5eb1ff',
  integrated: '#c792ff',
  city: '#3fd0b0',
};
export const SELECTED_COLOR = '#ffcc4d';
export const CLUSTER_COLOR = '#7f9dbd';

/** From this zoom on, cameras are drawn one by one with their wedges (a wedge of 30 m is then ~10 px and up). */
export const WEDGE_ZOOM = 16;
/** More wedges than this in one view are not drawn (the points still are); a dense downtown stays smooth. */
const WEDGE_LIMIT = 5000;
/** Cameras a little outside the view still reach into it with their wedges; degrees (about 200 m). */
const VIEW_MARGIN_DEG = 0.002;

export type CameraFeature = Feature<Point, MapCameraProperties>;
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

const tierColor: ExpressionSpecification = ['match', ['get', 'tier'], 'registered', TIER_COLORS.registered, 'integrated', TIER_COLORS.integrated, 'city', TIER_COLORS.city, '#a3b1c0'];

export function addCameraLayers(map: MapLibreMap): void {
  map.addSource('cameras', { type: 'geojson', data: EMPTY, cluster: true, clusterMaxZoom: WEDGE_ZOOM - 1, clusterRadius: 44 });
  map.addSource('camera-wedges', { type: 'geojson', data: EMPTY });
  map.addSource('selected-camera', { type: 'geojson', data: EMPTY });

  map.addLayer({
    id: 'camera-wedges',
    type: 'fill',
    source: 'camera-wedges',
    minzoom: WEDGE_ZOOM - 0.5,
    paint: { 'fill-color': tierColor, 'fill-opacity': 0.22 },
  });
  map.addLayer({
    id: 'camera-wedge-edges',
    type: 'line',
    source: 'camera-wedges',
    minzoom: WEDGE_ZOOM - 0.5,
    paint: { 'line-color': tierColor, 'line-opacity': 0.6, 'line-width': 1 },
  });
  map.addLayer({
    id: 'camera-clusters',
    type: 'circle',
    source: 'cameras',
    filter: ['has', 'point_count'],
    paint: {
      // Quieter than the incidents drawn over them: the cameras are the backdrop of the floor.
      'circle-color': CLUSTER_COLOR,
      'circle-opacity': 0.3,
      'circle-stroke-color': '#c8d8ea',
      'circle-stroke-opacity': 0.55,
      'circle-stroke-width': 1,
      // Sized by how many cameras the group holds: 2–9, 10–99, 100–999, 1000 and more.
      'circle-radius': ['step', ['get', 'point_count'], 9, 10, 13, 100, 18, 1000, 24],
    },
  });
  map.addLayer({
    id: 'camera-points',
    type: 'circle',
    source: 'cameras',
    filter: ['!', ['has', 'point_count']],
    paint: {
      'circle-color': tierColor,
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 2.5, 16, 5, 19, 7],
      'circle-stroke-color': '#0a0f15',
      'circle-stroke-width': 1,
    },
  });
  map.addLayer({
    id: 'selected-wedge',
    type: 'fill',
    source: 'selected-camera',
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'fill-color': SELECTED_COLOR, 'fill-opacity': 0.3 },
  });
  map.addLayer({
    id: 'selected-wedge-edge',
    type: 'line',
    source: 'selected-camera',
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'line-color': SELECTED_COLOR, 'line-width': 2, 'line-dasharray': [2, 1] },
  });
  map.addLayer({
    id: 'selected-point',
    type: 'circle',
    source: 'selected-camera',
    filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-color': SELECTED_COLOR, 'circle-radius': 7, 'circle-stroke-color': '#0a0f15', 'circle-stroke-width': 2 },
  });
}

export function setCameras(map: MapLibreMap, cameras: FeatureCollection<Point, MapCameraProperties>): void {
  (map.getSource('cameras') as GeoJSONSource | undefined)?.setData(cameras);
}

function fovOf(f: CameraFeature): FieldOfView {
  const [lng, lat] = f.geometry.coordinates as [number, number];
  return { lat, lng, bearingDeg: f.properties.bearingDeg, fovDeg: f.properties.fovDeg, rangeM: f.properties.rangeM };
}

/** The wedges of the cameras in (and just around) the view; none below street zoom. */
export function wedgesInView(bounds: LngLatBounds, zoom: number, cameras: readonly CameraFeature[]): FeatureCollection {
  if (zoom < WEDGE_ZOOM - 0.5) return EMPTY;
  const west = bounds.getWest() - VIEW_MARGIN_DEG;
  const east = bounds.getEast() + VIEW_MARGIN_DEG;
  const south = bounds.getSouth() - VIEW_MARGIN_DEG;
  const north = bounds.getNorth() + VIEW_MARGIN_DEG;
  const features: Feature[] = [];
  for (const f of cameras) {
    const [lng, lat] = f.geometry.coordinates as [number, number];
    if (lng < west || lng > east || lat < south || lat > north) continue;
    features.push(wedgeFeature(fovOf(f), { tier: f.properties.tier }));
    if (features.length >= WEDGE_LIMIT) break;
  }
  return { type: 'FeatureCollection', features };
}

export function setWedges(map: MapLibreMap, wedges: FeatureCollection): void {
  (map.getSource('camera-wedges') as GeoJSONSource | undefined)?.setData(wedges);
}

export function setSelected(map: MapLibreMap, camera: (FieldOfView & { id: string }) | undefined): void {
  const data: FeatureCollection = camera
    ? {
        type: 'FeatureCollection',
        features: [wedgeFeature(camera, { id: camera.id }), { type: 'Feature', geometry: { type: 'Point', coordinates: [camera.lng, camera.lat] }, properties: { id: camera.id } }],
      }
    : EMPTY;
  (map.getSource('selected-camera') as GeoJSONSource | undefined)?.setData(data);
}
