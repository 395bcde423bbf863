// The floor's live map (F1) on the offline base or a configured style: district or ward outlines, verified cameras
// (grouped at city zoom, with their fields of view from street zoom), the view's incidents, the open incident
// with its ranked cameras, and the camera under review. Data comes in through props; the layers are set up once
// per map, in drawing order, and each hook keeps its own sources current.
import { useEffect, useRef, useState } from 'react';
import type { Map as MapLibreMap, MapGeoJSONFeature } from 'maplibre-gl';
import { ApiError } from '../api/http';
import type { AreasView } from '../api/areas';
import type { CameraView } from '../api/cameras';
import { loadPublicConfig, type PublicConfig } from '../map/publicConfig';
import { useBaseMap } from '../map/useBaseMap';
import { addAreaLayers, setAreas } from './areaLayers';
import { addCameraLayers } from './cameraLayers';
import { addIncidentLayers } from './incidentLayers';
import { MapLegend, TIER_NAMES } from './MapLegend';
import { STATE_LABELS, type CameraRequestState } from './requestStates';
import { age, count } from './format';
import { useCameraLayer } from './useCameraLayer';
import type { CameraCollection } from './useCameras';
import { useIncidentLayer, type IncidentLayerProps } from './useIncidentLayer';
import { useMapTooltip } from './useMapTooltip';
import type { MapView, Outlines } from './view';
import './FloorMap.css';

interface FloorMapProps extends Omit<IncidentLayerProps, 'stayFor'> {
  /** The signed-in roles may see the camera registry (operator, supervisor, admin); others get no cameras. */
  showCameras: boolean;
  cameras: CameraCollection | undefined;
  /** The camera picked in the review queue: flown to and drawn with its wedge. */
  reviewing?: CameraView | undefined;
  areas: AreasView | undefined;
  outlines: Outlines;
  onOutlinesChange(outlines: Outlines): void;
  areaFilter: { district?: string | undefined; ward?: string | undefined };
  /** Where the map starts (a shared link), and whether to stay there when the linked incident opens. */
  initialView: MapView | undefined;
  stayFor: string | undefined;
  /** The map was moved by someone (not by opening an incident). */
  onViewChange(view: MapView): void;
  error?: string | undefined;
}

const TOOLTIP_LAYERS = ['incidents', 'incident-cameras', 'camera-clusters', 'camera-points'];

export function FloorMap(props: FloorMapProps) {
  const { showCameras, cameras, reviewing, areas, outlines, onOutlinesChange, areaFilter, initialView, onViewChange, error: dataError } = props;
  const container = useRef<HTMLDivElement>(null);
  const [config, setConfig] = useState<PublicConfig>();
  const [configError, setConfigError] = useState<string>();
  const initial = useRef(initialView);
  const map = useBaseMap(container, config, {
    navigation: 'top-right',
    scale: 'bottom-right',
    locale: { 'Map.Title': 'Live map of incidents and cameras' },
    ...(initial.current ? { view: initial.current } : {}),
  });
  const [ready, setReady] = useState<MapLibreMap>();

  useEffect(() => {
    loadPublicConfig().then(setConfig, (err: unknown) => setConfigError(err instanceof ApiError ? err.detail : String(err)));
  }, []);

  // The layers, once per map, bottom to top.
  useEffect(() => {
    if (!map) return;
    addAreaLayers(map);
    addCameraLayers(map);
    addIncidentLayers(map);
    // The map object hangs on its element, for the browser tests and benches that read its sources.
    (map.getContainer() as HTMLElement & { maplibre?: MapLibreMap }).maplibre = map;
    setReady(map);
    return () => setReady(undefined);
  }, [map]);

  useCameraLayer(ready, showCameras ? cameras : undefined, reviewing);
  useIncidentLayer(ready, props);
  const { district, ward } = areaFilter;
  useEffect(() => {
    if (ready) setAreas(ready, areas, outlines, { district, ward });
  }, [ready, areas, outlines, district, ward]);
  useMapTooltip(ready, TOOLTIP_LAYERS, describe);

  // Moves made by someone (drag, wheel, keys, the zoom buttons) go into the address; moves made by the page do not.
  const onViewChangeRef = useRef(onViewChange);
  onViewChangeRef.current = onViewChange;
  useEffect(() => {
    if (!ready) return;
    const onMoveEnd = (e: { originalEvent?: unknown }) => {
      if (!e.originalEvent) return;
      const c = ready.getCenter();
      onViewChangeRef.current({ lat: c.lat, lng: c.lng, zoom: ready.getZoom() });
    };
    ready.on('moveend', onMoveEnd);
    return () => void ready.off('moveend', onMoveEnd);
  }, [ready]);

  const error = configError ?? dataError;
  return (
    <div className="floor-map">
      <div ref={container} className="floor-map-canvas" data-testid="floor-map" />
      <MapLegend showCameras={showCameras} cameraCount={cameras?.features.length} reviewing={!!reviewing} incidentOpen={!!props.selected} outlines={outlines} onOutlinesChange={onOutlinesChange} areasLoaded={!!areas} />
      {error && (
        <p role="alert" className="message message-alert map-error">
          {error}
        </p>
      )}
    </div>
  );
}

function describe(f: MapGeoJSONFeature): string | undefined {
  const p = f.properties;
  switch (f.layer.id) {
    case 'incidents':
      return `${String(p.type)} · P${String(p.p)} · ${age(String(p.occurredFrom), Date.now())} ago · ${count(Number(p.matchCount))} camera${Number(p.matchCount) === 1 ? '' : 's'} nearby${p.closed === 1 ? ' · closed' : ''}`;
    case 'incident-cameras':
      return `Ranked camera ${String(p.rank)} · ${Math.round(Number(p.distanceM))} m · ${STATE_LABELS[p.state as CameraRequestState] ?? String(p.state)}`;
    case 'camera-clusters':
      return `${count(Number(p.point_count))} cameras: click to zoom in`;
    case 'camera-points':
      return `${TIER_NAMES[String(p.tier)] ?? String(p.tier)} · ${String(p.kind)} · ${Math.round(Number(p.rangeM))} m · ${String(p.retentionDays)} days kept`;
    default:
      return undefined;
  }
}
