// The floor's live map (F1): verified cameras from GET /api/v1/cameras/map.geojson on the offline base, grouped
// at city zoom and drawn with their fields of view from street zoom, and the camera being reviewed, if any.
import { useEffect, useRef, useState } from 'react';
import maplibregl, { type Map as MapLibreMap, type MapGeoJSONFeature, type MapLayerMouseEvent } from 'maplibre-gl';
import type { FeatureCollection, Point } from 'geojson';
import { api, ApiError } from '../api/http';
import type { CameraView, MapCameraProperties } from '../api/cameras';
import { loadPublicConfig, type PublicConfig } from '../map/publicConfig';
import { useBaseMap } from '../map/useBaseMap';
import { addCameraLayers, setCameras, setSelected, setWedges, TIER_COLORS, WEDGE_ZOOM, wedgesInView, type CameraFeature } from './cameraLayers';
import './FloorMap.css';

type CameraCollection = FeatureCollection<Point, MapCameraProperties>;

interface FloorMapProps {
  /** The signed-in roles may see the camera registry (operator, supervisor, admin); others get the base map. */
  showCameras: boolean;
  /** Changes whenever the verified cameras may have changed (a review decision): the map fetches them again. */
  camerasVersion: number;
  /** The camera picked in the review queue: flown to and drawn with its wedge. */
  selected?: CameraView | undefined;
}

const TIER_NAMES: Record<string, string> = { registered: 'Registered', integrated: 'Integrated (live view)', city: 'City' };
const count = new Intl.NumberFormat();

export function FloorMap({ showCameras, camerasVersion, selected }: FloorMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const [config, setConfig] = useState<PublicConfig>();
  const [error, setError] = useState<string>();
  const [total, setTotal] = useState<number>();
  const map = useBaseMap(container, config, { navigation: 'top-right', scale: 'bottom-right', locale: { 'Map.Title': 'Live map of cameras' } });
  const cameras = useRef<CameraFeature[]>([]);
  const wedgesDrawn = useRef(false);

  /** The wedges of the cameras in view. Below street zoom there are none: once cleared, panning sends nothing. */
  function drawWedges(on: MapLibreMap) {
    const wedges = wedgesInView(on.getBounds(), on.getZoom(), cameras.current);
    if (!wedges.features.length && !wedgesDrawn.current) return;
    wedgesDrawn.current = wedges.features.length > 0;
    setWedges(on, wedges);
  }

  useEffect(() => {
    loadPublicConfig().then(setConfig, (err: unknown) => setError(err instanceof ApiError ? err.detail : String(err)));
  }, []);

  // Layers, the wedges that follow the view, and the hover tooltip: once per map.
  useEffect(() => {
    if (!map) return;
    addCameraLayers(map);
    const refreshWedges = () => drawWedges(map);
    const tooltip = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 12, className: 'map-tooltip' });
    const onHover = (e: MapLayerMouseEvent) => {
      const f = e.features?.[0];
      if (!f) return;
      map.getCanvas().style.cursor = 'pointer';
      tooltip.setLngLat(e.lngLat).setText(describe(f)).addTo(map);
    };
    const onLeave = () => {
      map.getCanvas().style.cursor = '';
      tooltip.remove();
    };
    // A group opens by zooming in to where it splits.
    const onClusterClick = async (e: MapLayerMouseEvent) => {
      const f = e.features?.[0];
      const source = map.getSource('cameras') as maplibregl.GeoJSONSource | undefined;
      if (!f || !source || f.geometry.type !== 'Point') return;
      const zoom = await source.getClusterExpansionZoom(f.properties.cluster_id as number);
      map.easeTo({ center: f.geometry.coordinates as [number, number], zoom: Math.min(zoom, WEDGE_ZOOM + 1) });
    };
    map.on('moveend', refreshWedges);
    for (const layer of ['camera-clusters', 'camera-points']) {
      map.on('mousemove', layer, onHover);
      map.on('mouseleave', layer, onLeave);
    }
    map.on('click', 'camera-clusters', onClusterClick);
    return () => {
      tooltip.remove();
      map.off('moveend', refreshWedges);
      for (const layer of ['camera-clusters', 'camera-points']) {
        map.off('mousemove', layer, onHover);
        map.off('mouseleave', layer, onLeave);
      }
      map.off('click', 'camera-clusters', onClusterClick);
    };
  }, [map]);

  // The cameras, on first show and after every change of version.
  useEffect(() => {
    if (!map || !showCameras) return;
    let live = true;
    api.get<CameraCollection>('/api/v1/cameras/map.geojson').then(
      (data) => {
        if (!live) return;
        cameras.current = data.features;
        setCameras(map, data);
        drawWedges(map);
        setTotal(data.features.length);
        setError(undefined);
      },
      (err: unknown) => live && setError(`Cameras could not be loaded: ${err instanceof ApiError ? err.detail : String(err)}`),
    );
    return () => {
      live = false;
    };
  }, [map, showCameras, camerasVersion]);

  // The camera under review: drawn, and flown to.
  const selectedId = selected?.id;
  const lat = selected?.location.lat;
  const lng = selected?.location.lng;
  const bearingDeg = selected?.bearingDeg;
  const fovDeg = selected?.fovDeg;
  const rangeM = selected?.rangeM;
  useEffect(() => {
    if (!map) return;
    if (selectedId === undefined || lat === undefined || lng === undefined) return setSelected(map, undefined);
    setSelected(map, { id: selectedId, lat, lng, bearingDeg: bearingDeg ?? 0, fovDeg: fovDeg ?? 360, rangeM: rangeM ?? 0 });
    const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    map.flyTo({ center: [lng, lat], zoom: Math.max(17, map.getZoom()), animate: !reduceMotion });
  }, [map, selectedId, lat, lng, bearingDeg, fovDeg, rangeM]);

  return (
    <div className="floor-map">
      <div ref={container} className="floor-map-canvas" />
      {showCameras && (
        <div className="map-legend" role="group" aria-labelledby="legend-title">
          <p id="legend-title" className="legend-title">
            Verified cameras
          </p>
          <ul>
            {/* The swatches' colours are in FloorMap.css, the same as TIER_COLORS, CLUSTER_COLOR and SELECTED_COLOR. */}
            {Object.keys(TIER_COLORS).map((tier) => (
              <li key={tier}>
                <span className={`swatch swatch-${tier}`} aria-hidden="true" />
                {TIER_NAMES[tier]}
              </li>
            ))}
            <li>
              <span className="swatch swatch-group" aria-hidden="true" />
              Group (larger: more cameras)
            </li>
            {selected && (
              <li>
                <span className="swatch swatch-selected" aria-hidden="true" />
                Under review
              </li>
            )}
          </ul>
          <p className="legend-note">Fields of view from zoom {WEDGE_ZOOM}.</p>
          <p role="status" className="legend-count">
            {total === undefined ? 'Loading cameras…' : `${count.format(total)} on the map`}
          </p>
        </div>
      )}
      {error && (
        <p role="alert" className="message message-alert map-error">
          {error}
        </p>
      )}
    </div>
  );
}

function describe(f: MapGeoJSONFeature): string {
  const p = f.properties;
  if (p.cluster) return `${count.format(Number(p.point_count))} cameras: click to zoom in`;
  return `${TIER_NAMES[String(p.tier)] ?? String(p.tier)} · ${String(p.kind)} · ${Math.round(Number(p.rangeM))} m · ${String(p.retentionDays)} days kept`;
}
