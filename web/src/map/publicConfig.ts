// What the public pages and the maps need from GET /api/v1/public/config: the service area, an optional map
// style (a deployment with internet access), whether address search exists, and the current terms' version.
import type { MultiPolygon, Polygon } from 'geojson';
import { api } from '../api/http';

export interface PublicConfig {
  serviceArea: {
    name: string;
    /** west, south, east, north */
    bbox: [number, number, number, number];
    geometry: Polygon | MultiPolygon;
  };
  mapStyleUrl: string | null;
  geocoder: boolean;
  consentVersion: string;
}

let loading: Promise<PublicConfig> | undefined;

/** Fetched once per page; a failure is not kept, so the next caller tries again. */
export function loadPublicConfig(): Promise<PublicConfig> {
  loading ??= api.get<PublicConfig>('/api/v1/public/config').catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
