// The floor map's district or ward outlines (contract F), under everything else; the district or ward the view is
// filtered to is tinted. Drawn the same on the offline base and on a configured style (no labels: the offline
// base has no glyphs).
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import type { AreasView } from '../api/areas';
import { setSource } from './incidentLayers';
import type { Outlines } from './view';

const OUTLINE_COLOR = '#9fc3e6';
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

export function addAreaLayers(map: MapLibreMap): void {
  map.addSource('areas', { type: 'geojson', data: EMPTY });
  map.addLayer({
    id: 'area-highlight',
    type: 'fill',
    source: 'areas',
    filter: ['==', ['get', 'highlight'], true],
    paint: { 'fill-color': '#5eb1ff', 'fill-opacity': 0.1 },
  });
  map.addLayer({
    id: 'area-outlines',
    type: 'line',
    source: 'areas',
    paint: {
      'line-color': OUTLINE_COLOR,
      'line-opacity': ['case', ['==', ['get', 'highlight'], true], 0.95, 0.45],
      'line-width': ['case', ['==', ['get', 'highlight'], true], 2.5, 1.25],
    },
  });
}

export function setAreas(map: MapLibreMap, areas: AreasView | undefined, outlines: Outlines, filter: { district?: string | undefined; ward?: string | undefined }): void {
  if (!areas || outlines === 'none') return setSource(map, 'areas', EMPTY);
  const collection = outlines === 'wards' ? areas.wards : areas.districts;
  const chosen = outlines === 'wards' ? filter.ward : filter.district;
  setSource(map, 'areas', {
    type: 'FeatureCollection',
    features: collection.features.map((f) => ({ ...f, properties: { ...f.properties, highlight: chosen !== undefined && f.properties.id === chosen } })),
  });
}
