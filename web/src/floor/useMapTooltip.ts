// A hover tooltip for some of the map's layers: the pointer turns into a hand over a feature, and a short text
// (from `describe`) follows it. One popup per map, shared by every layer given.
import { useEffect, useRef } from 'react';
import maplibregl, { type Map as MapLibreMap, type MapGeoJSONFeature, type MapLayerMouseEvent } from 'maplibre-gl';

export function useMapTooltip(map: MapLibreMap | undefined, layers: readonly string[], describe: (feature: MapGeoJSONFeature) => string | undefined): void {
  const describeRef = useRef(describe);
  describeRef.current = describe;
  const key = layers.join(',');
  useEffect(() => {
    if (!map) return;
    const ids = key.split(',');
    const tooltip = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 12, className: 'map-tooltip' });
    const onMove = (e: MapLayerMouseEvent) => {
      // Not while the map is dragged: nothing to read, and every frame counts.
      if (map.isMoving()) return void tooltip.remove();
      // The topmost feature under the pointer, whichever of the layers it is on.
      const f = map.queryRenderedFeatures(e.point, { layers: ids.filter((id) => map.getLayer(id)) })[0];
      const text = f && describeRef.current(f);
      if (!text) return;
      map.getCanvas().style.cursor = 'pointer';
      tooltip.setLngLat(e.lngLat).setText(text).addTo(map);
    };
    const onLeave = () => {
      map.getCanvas().style.cursor = '';
      tooltip.remove();
    };
    for (const id of ids) {
      map.on('mousemove', id, onMove);
      map.on('mouseleave', id, onLeave);
    }
    return () => {
      tooltip.remove();
      for (const id of ids) {
        map.off('mousemove', id, onMove);
        map.off('mouseleave', id, onLeave);
      }
    };
  }, [map, key]);
}
