// The verified cameras (GET /api/v1/cameras/map.geojson): drawn on the map, and looked up by id for an incident's
// ranked cameras (kind, tier, facing). Read again when `version` changes (a review decision, camera.changed).
import { useEffect, useMemo, useState } from 'react';
import type { FeatureCollection, Point } from 'geojson';
import { api, ApiError } from '../api/http';
import type { MapCameraProperties } from '../api/cameras';
import type { CameraFeature } from './cameraLayers';

export type CameraCollection = FeatureCollection<Point, MapCameraProperties>;

export function useCameras(enabled: boolean, version: number): { cameras: CameraCollection | undefined; byId: ReadonlyMap<string, CameraFeature>; error: string | undefined } {
  const [cameras, setCameras] = useState<CameraCollection>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    api.get<CameraCollection>('/api/v1/cameras/map.geojson').then(
      (data) => {
        if (!live) return;
        setCameras(data);
        setError(undefined);
      },
      (err: unknown) => live && setError(`Cameras could not be loaded: ${err instanceof ApiError ? err.detail : String(err)}`),
    );
    return () => {
      live = false;
    };
  }, [enabled, version]);
  const byId = useMemo(() => new Map((cameras?.features ?? []).map((f) => [f.properties.id, f] as const)), [cameras]);
  return { cameras, byId, error };
}
