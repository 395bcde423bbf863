// The incidents on the floor map (see incidentLayers.ts): the view's incidents, the open one with its uncertainty
// circle and its ranked cameras, the keyboard-highlighted one; a click opens an incident. The map comes to an
// incident when it is opened, and to the highlighted one when it is out of sight.
import { useEffect, useRef } from 'react';
import type { Map as MapLibreMap, MapLayerMouseEvent } from 'maplibre-gl';
import type { IncidentDetail, IncidentView } from '../api/incidents';
import type { CameraFeature } from './cameraLayers';
import { focusFeatures, incidentCameraFeatures, incidentFeatures, setSource } from './incidentLayers';
import { prefersReducedMotion } from './useCameraLayer';

const EMPTY = { type: 'FeatureCollection' as const, features: [] };
/** Opening an incident zooms in to at least this (a few blocks across). */
const INCIDENT_ZOOM = 15;

export interface IncidentLayerProps {
  incidents: readonly IncidentView[] | undefined;
  /** The end of the view's time window (now, for a rolling one) and how long incidents take to fade. */
  windowEnd: number;
  fadeMs: number;
  selected: IncidentView | undefined;
  detail: IncidentDetail | undefined;
  cursor: IncidentView | undefined;
  cameraById: ReadonlyMap<string, CameraFeature>;
  onSelect(id: string): void;
  /** Not to fly to this incident when it opens (the shared link also said where the map was). */
  stayFor?: string | undefined;
}

export function useIncidentLayer(map: MapLibreMap | undefined, props: IncidentLayerProps): void {
  const { incidents, windowEnd, fadeMs, selected, detail, cursor, cameraById, onSelect, stayFor } = props;
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;

  useEffect(() => {
    if (!map) return;
    const onClick = (e: MapLayerMouseEvent) => {
      const id = e.features?.[0]?.properties.id;
      if (typeof id === 'string') onSelectRef.current(id);
    };
    map.on('click', 'incidents', onClick);
    return () => void map.off('click', 'incidents', onClick);
  }, [map]);

  useEffect(() => {
    if (!map) return;
    const data = incidentFeatures(incidents ?? [], windowEnd, fadeMs);
    setSource(map, 'incidents', data);
    // For tests and benches: how many incidents the map holds.
    map.getContainer().dataset.incidents = String(data.features.length);
  }, [map, incidents, windowEnd, fadeMs]);

  useEffect(() => {
    if (!map) return;
    setSource(map, 'incident-focus', focusFeatures(selected, cursor));
  }, [map, selected, cursor]);

  const detailMatches = detail && detail.incident.id === selected?.id ? detail : undefined;
  useEffect(() => {
    if (!map) return;
    setSource(map, 'incident-cameras', detailMatches ? incidentCameraFeatures(detailMatches.matches, detailMatches.requests, cameraById) : EMPTY);
  }, [map, detailMatches, cameraById]);

  // Opening an incident brings the map to it (once per opening).
  const flownTo = useRef<string | undefined>(undefined);
  const selectedId = selected?.id;
  const lat = selected?.location?.lat;
  const lng = selected?.location?.lng;
  useEffect(() => {
    if (!map || !selectedId) {
      flownTo.current = undefined;
      return;
    }
    if (flownTo.current === selectedId || lat === undefined || lng === undefined) return;
    flownTo.current = selectedId;
    if (selectedId === stayFor) return;
    map.flyTo({ center: [lng, lat], zoom: Math.max(INCIDENT_ZOOM, map.getZoom()), animate: !prefersReducedMotion(), duration: 800 });
  }, [map, selectedId, lat, lng, stayFor]);

  // The highlighted incident is kept in sight.
  const cursorLat = cursor?.location?.lat;
  const cursorLng = cursor?.location?.lng;
  useEffect(() => {
    if (!map || cursorLat === undefined || cursorLng === undefined) return;
    if (map.getBounds().contains([cursorLng, cursorLat])) return;
    map.easeTo({ center: [cursorLng, cursorLat], animate: !prefersReducedMotion(), duration: 400 });
  }, [map, cursorLat, cursorLng]);
}
