// Districts and wards (contract F) for the map's outlines and the filters' choices.
import { useEffect, useState } from 'react';
import { ApiError } from '../api/http';
import { loadAreas, type AreasView } from '../api/areas';

export function useAreas(enabled: boolean): { areas: AreasView | undefined; error: string | undefined } {
  const [areas, setAreas] = useState<AreasView>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    loadAreas().then(
      (a) => live && setAreas(a),
      (err: unknown) => live && setError(`Districts and wards could not be loaded: ${err instanceof ApiError ? err.detail : String(err)}`),
    );
    return () => {
      live = false;
    };
  }, [enabled]);
  return { areas, error };
}
