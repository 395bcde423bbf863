// The cameras on the floor map (see cameraLayers.ts): the clustered points, the wedges of those in view from street
// zoom (recomputed after each move), a group opening by zooming in where it splits, and the camera under review.
import { useEffect, useRef } from 'react';
import type { GeoJSONSource, Map as MapLibreMap, MapLayerMouseEvent } from 'maplibre-gl';
import type { CameraView } from '../api/cameras';
import { setCameras, setSelected, setWedges, WEDGE_ZOOM, wedgesInView, type CameraFeature } from './cameraLayers';
import type { CameraCollection } from './useCameras';

export function useCameraLayer(map: MapLibreMap | undefined, cameras: CameraCollection | undefined, reviewing: CameraView | undefined): void {
  const features = useRef<readonly CameraFeature[]>([]);
  const wedgesDrawn = useRef(false);

  useEffect(() => {
    if (!map) return;
    /** Below street zoom there are no wedges: once cleared, panning sends nothing. */
    const drawWedges = () => {
      const wedges = wedgesInView(map.getBounds(), map.getZoom(), features.current);
      if (!wedges.features.length && !wedgesDrawn.current) return;
      wedgesDrawn.current = wedges.features.length > 0;
      setWedges(map, wedges);
    };
    const onClusterClick = async (e: MapLayerMouseEvent) => {
      const f = e.features?.[0];
      const source = map.getSource('cameras') as GeoJSONSource | undefined;
      if (!f || !source || f.geometry.type !== 'Point') return;
      const zoom = await source.getClusterExpansionZoom(f.properties.cluster_id as number);
      map.easeTo({ center: f.geometry.coordinates as [number, number], zoom: Math.min(zoom, WEDGE_ZOOM + 1) });
    };
    map.on('moveend', drawWedges);
    map.on('click', 'camera-clusters', onClusterClick);
    return () => {
      map.off('moveend', drawWedges);
      map.off('click', 'camera-clusters', onClusterClick);
    };
  }, [map]);

  useEffect(() => {
    if (!map || !cameras) return;
    features.current = cameras.features;
    setCameras(map, cameras);
    const wedges = wedgesInView(map.getBounds(), map.getZoom(), cameras.features);
    wedgesDrawn.current = wedges.features.length > 0;
    setWedges(map, wedges);
  }, [map, cameras]);

  // The camera under review: drawn, and flown to.
  const id = reviewing?.id;
  const lat = reviewing?.location.lat;
  const lng = reviewing?.location.lng;
  const bearingDeg = reviewing?.bearingDeg;
  const fovDeg = reviewing?.fovDeg;
  const rangeM = reviewing?.rangeM;
  useEffect(() => {
    if (!map) return;
    if (id === undefined || lat === undefined || lng === undefined) return setSelected(map, undefined);
    setSelected(map, { id, lat, lng, bearingDeg: bearingDeg ?? 0, fovDeg: fovDeg ?? 360, rangeM: rangeM ?? 0 });
    map.flyTo({ center: [lng, lat], zoom: Math.max(17, map.getZoom()), animate: !prefersReducedMotion() });
  }, [map, id, lat, lng, bearingDeg, fovDeg, rangeM]);
}

export const prefersReducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;
