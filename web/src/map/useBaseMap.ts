// A base map owned by a React component: created when there is a configuration and the component wants it,
// handed out once its style has loaded, removed on unmount. Options are read when the map is made.
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { createBaseMap, type BaseMapOptions } from './baseMap';
import type { PublicConfig } from './publicConfig';

export function useBaseMap(container: RefObject<HTMLElement | null>, config: PublicConfig | undefined, options: BaseMapOptions, active = true): MapLibreMap | undefined {
  const [map, setMap] = useState<MapLibreMap>();
  const optionsRef = useRef(options);
  optionsRef.current = options;

  useEffect(() => {
    const element = container.current;
    if (!element || !config || !active) return;
    const created = createBaseMap(element, config, optionsRef.current);
    created.once('load', () => setMap(created));
    return () => {
      setMap(undefined);
      created.remove();
    };
  }, [container, config, active]);
  return map;
}
