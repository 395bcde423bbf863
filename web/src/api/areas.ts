// The service area, its districts and wards (contract F): outlines on the floor map and choices in the filters.
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { api } from './http';

export interface AreaProperties {
  id: string;
  name: string;
}

export type AreaCollection = FeatureCollection<Polygon | MultiPolygon, AreaProperties>;

export interface AreasView {
  serviceArea: Feature<Polygon | MultiPolygon, AreaProperties>;
  districts: AreaCollection;
  wards: AreaCollection;
}

let loading: Promise<AreasView> | undefined;

/** The same for everyone until the server restarts: fetched once per page; a failure is not kept. */
export function loadAreas(): Promise<AreasView> {
  loading ??= api.get<AreasView>('/api/v1/areas').catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
