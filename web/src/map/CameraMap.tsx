// One camera on the base map: its pin and its field of view. With `onPlace` the owner places the camera by
// tapping the map or dragging the pin (and, from the keyboard, by moving the map and using the centre button);
// without it the map is a picture of where the camera is and what it sees.
import { useEffect, useRef } from 'react';
import maplibregl, { type GeoJSONSource, type Map as MapLibreMap, type Marker } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import type { LatLng } from '../api/cameras';
import type { PublicConfig } from './publicConfig';
import { useBaseMap } from './useBaseMap';
import { useInView } from './useInView';
import { wedgeFeature, wedgeRing, type FieldOfView } from './wedge';

export const FOV_COLOR = '#f5b94a';
const PIN_COLOR = '#5eb1ff';
/** Placing a pin at city zoom would be a guess; the first tap zooms in to about a house's width. */
const PLACING_ZOOM = 17;

export interface CameraGeometry {
  location?: LatLng | undefined;
  bearingDeg: number;
  fovDeg: number;
  rangeM: number;
}

interface CameraMapProps {
  config: PublicConfig;
  camera: CameraGeometry;
  /** The map's accessible name. */
  label: string;
  /** Called with the new position when the owner taps the map, drags the pin or uses the centre button. */
  onPlace?: (location: LatLng) => void;
  /** Text of the "pin at the centre" button (interactive maps only). */
  centreLabel?: string;
  locale?: Record<string, string>;
  className?: string;
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
/** Six decimals: about 10 cm, finer than any pin a finger places. */
const rounded = (p: { lat: number; lng: number }): LatLng => ({ lat: Number(p.lat.toFixed(6)), lng: Number(p.lng.toFixed(6)) });
const FIT = { padding: 28, maxZoom: 18 };

function fovData(camera: CameraGeometry): FeatureCollection {
  if (!camera.location) return EMPTY;
  const fov: FieldOfView = { ...camera.location, bearingDeg: camera.bearingDeg, fovDeg: camera.fovDeg, rangeM: camera.rangeM };
  return {
    type: 'FeatureCollection',
    features: [wedgeFeature(fov, {}), { type: 'Feature', geometry: { type: 'Point', coordinates: [camera.location.lng, camera.location.lat] }, properties: {} }],
  };
}

/** The box around the camera's wedge: where a map of it starts. */
function boundsOf(camera: CameraGeometry): [number, number, number, number] {
  const ring = wedgeRing({ ...camera.location!, bearingDeg: camera.bearingDeg, fovDeg: camera.fovDeg, rangeM: camera.rangeM });
  const lngs = ring.map((p) => p[0]);
  const lats = ring.map((p) => p[1]);
  return [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)];
}

function addCameraLayers(map: MapLibreMap, camera: CameraGeometry, showPoint: boolean): void {
  map.addSource('camera-fov', { type: 'geojson', data: fovData(camera) });
  map.addLayer({ id: 'camera-fov-fill', type: 'fill', source: 'camera-fov', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': FOV_COLOR, 'fill-opacity': 0.35 } });
  map.addLayer({ id: 'camera-fov-line', type: 'line', source: 'camera-fov', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'line-color': FOV_COLOR, 'line-width': 2 } });
  if (showPoint) {
    map.addLayer({
      id: 'camera-point',
      type: 'circle',
      source: 'camera-fov',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 6, 'circle-color': PIN_COLOR, 'circle-stroke-color': '#0a0f15', 'circle-stroke-width': 2 },
    });
  }
}

export function CameraMap({ config, camera, label, onPlace, centreLabel, locale, className }: CameraMapProps) {
  const wrapper = useRef<HTMLDivElement>(null);
  const container = useRef<HTMLDivElement>(null);
  const inView = useInView(wrapper);
  const interactive = !!onPlace;
  const { location } = camera;
  const map = useBaseMap(
    container,
    config,
    {
      interactive,
      cooperativeGestures: interactive,
      scale: interactive ? 'bottom-left' : false,
      locale: { ...locale, 'Map.Title': label },
      ...(location ? { bounds: boundsOf(camera) } : {}),
    },
    inView,
  );
  const cameraRef = useRef(camera);
  cameraRef.current = camera;
  const onPlaceRef = useRef(onPlace);
  onPlaceRef.current = onPlace;
  const marker = useRef<Marker | undefined>(undefined);

  // Layers and the pin's handlers, once per map.
  useEffect(() => {
    if (!map) return;
    addCameraLayers(map, cameraRef.current, !interactive);
    if (!interactive) {
      // A picture keeps the whole wedge in its frame when the frame changes size.
      const refit = () => cameraRef.current.location && map.fitBounds(boundsOf(cameraRef.current), { ...FIT, animate: false });
      map.on('resize', refit);
      return () => void map.off('resize', refit);
    }
    const onClick = (e: maplibregl.MapMouseEvent) => {
      onPlaceRef.current?.(rounded(e.lngLat));
      if (map.getZoom() < PLACING_ZOOM - 2) map.easeTo({ center: e.lngLat, zoom: PLACING_ZOOM });
    };
    map.on('click', onClick);
    return () => {
      map.off('click', onClick);
      marker.current?.remove();
      marker.current = undefined;
    };
  }, [map, interactive]);

  // The field of view and the pin follow the camera.
  const lat = location?.lat;
  const lng = location?.lng;
  const { bearingDeg, fovDeg, rangeM } = camera;
  useEffect(() => {
    if (!map) return;
    const at: LatLng | undefined = lat !== undefined && lng !== undefined ? { lat, lng } : undefined;
    const geometry = { location: at, bearingDeg, fovDeg, rangeM };
    (map.getSource('camera-fov') as GeoJSONSource | undefined)?.setData(fovData(geometry));
    if (!interactive) {
      // A picture always shows the whole wedge, also after an edit moved or re-aimed it.
      if (at) map.fitBounds(boundsOf(geometry), { ...FIT, animate: false });
      return;
    }
    if (!at) {
      marker.current?.remove();
      marker.current = undefined;
      return;
    }
    const lngLat: [number, number] = [at.lng, at.lat];
    if (!marker.current) {
      const created = new maplibregl.Marker({ color: PIN_COLOR, draggable: true }).setLngLat(lngLat).addTo(map);
      created.on('dragend', () => onPlaceRef.current?.(rounded(created.getLngLat())));
      marker.current = created;
    } else {
      marker.current.setLngLat(lngLat);
    }
    // A pin set from outside the view (an address found) is brought into it.
    if (!map.getBounds().contains(lngLat)) map.jumpTo({ center: lngLat, zoom: Math.max(map.getZoom(), PLACING_ZOOM - 1) });
  }, [map, interactive, lat, lng, bearingDeg, fovDeg, rangeM]);

  function pinAtCentre() {
    if (!map || !onPlace) return;
    onPlace(rounded(map.getCenter()));
  }

  return (
    <div ref={wrapper} className={['camera-map', className].filter(Boolean).join(' ')}>
      {interactive ? (
        <div ref={container} className="camera-map-canvas" />
      ) : (
        // A picture: the canvas's own region role and name give way to one image with a description.
        <div ref={container} className="camera-map-canvas" role="img" aria-label={label} />
      )}
      {interactive && centreLabel && (
        <button type="button" className="button-secondary camera-map-centre" onClick={pinAtCentre} disabled={!map}>
          {centreLabel}
        </button>
      )}
    </div>
  );
}
