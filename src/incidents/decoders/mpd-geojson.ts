/**
 * MPD crime incidents as GeoJSON: the Open Data DC download (ISO dates) and a live ArcGIS FeatureServer
 * `query?f=geojson` reply (epoch-millisecond dates, `exceededTransferLimit`). The properties carry the same
 * columns as the CSV, so each feature goes through the one DC row decoder.
 */
import { describeType, isLatLng, isPlainObject, truncate } from './common.js';
import { decodeDcCrimeRow } from './dc-crime.js';
import type { DecodeResult } from './types.js';

/** Decodes one GeoJSON Feature; a Point geometry stands in for the coordinates when the properties lack them. */
export function decodeMpdFeature(feature: unknown, opts: { now?: Date } = {}): DecodeResult {
  if (!isPlainObject(feature)) return { ok: false, errors: [`feature: expected an object, got ${describeType(feature)}`] };
  if (feature.type !== 'Feature') {
    const got = typeof feature.type === 'string' ? JSON.stringify(feature.type) : describeType(feature.type);
    return { ok: false, errors: [`type: expected "Feature", got ${got}`] };
  }
  const { properties, geometry } = feature;
  if (!isPlainObject(properties)) {
    return { ok: false, errors: [`properties: expected an object, got ${describeType(properties)}`] };
  }
  const row: Record<string, unknown> = { ...properties };
  const point = pointOf(geometry);
  // The geometry is offered as X/Y (lon/lat), DC's own name for it, so it takes the same place in the order of
  // preference: after LATITUDE/LONGITUDE, before re-projecting XBLOCK/YBLOCK. Own X/Y properties win.
  if (point && !hasKey(row, 'X') && !hasKey(row, 'Y')) {
    row.X = point.lng;
    row.Y = point.lat;
  }
  const result = decodeDcCrimeRow(row, { now: opts.now, format: 'geojson' });
  if (result.ok && point === null && geometry != null) result.ignored.push('geometry (not a usable Point)');
  if (result.ok && result.incident.details.locationColumns === 'X/Y' && point) {
    result.incident.details.locationColumns = 'geometry';
  }
  return result;
}

function pointOf(geometry: unknown): { lat: number; lng: number } | null {
  if (!isPlainObject(geometry) || geometry.type !== 'Point' || !Array.isArray(geometry.coordinates)) return null;
  const [lng, lat] = geometry.coordinates as unknown[];
  return typeof lat === 'number' && typeof lng === 'number' && isLatLng(lat, lng) ? { lat, lng } : null;
}

function hasKey(row: Record<string, unknown>, name: string): boolean {
  return Object.keys(row).some((key) => key.trim().toUpperCase() === name);
}

export interface MpdGeoJsonParse {
  ok: boolean; // false when the document itself is unusable (not JSON, not a FeatureCollection, an ArcGIS error)
  errors: string[]; // document-level errors
  features: Array<{ index: number; result: DecodeResult }>; // index in `features`, from 0
  /**
   * ArcGIS stopped at its page size: the reply is a page, not the whole set, and the caller must ask again
   * with resultOffset. Reported rather than hidden, because a silent truncation looks like a quiet night.
   */
  exceededTransferLimit: boolean;
}

export function parseMpdGeoJson(text: string, opts: { now?: Date } = {}): MpdGeoJsonParse {
  const result: MpdGeoJsonParse = { ok: false, errors: [], features: [], exceededTransferLimit: false };
  let doc: unknown;
  try {
    doc = JSON.parse(String(text).replace(/^\uFEFF/, ''));
  } catch (err) {
    result.errors.push(`document: not JSON (${err instanceof Error ? truncate(err.message, 120) : 'unreadable'})`);
    return result;
  }
  if (!isPlainObject(doc)) {
    result.errors.push(`document: expected a FeatureCollection object, got ${describeType(doc)}`);
    return result;
  }
  // ArcGIS answers failures with HTTP 200 and {"error":{"code":400,"message":…}}.
  if (isPlainObject(doc.error)) {
    const { code, message } = doc.error;
    result.errors.push(`ArcGIS error ${String(code ?? '?')}: ${truncate(String(message ?? 'no message'), 200)}`);
    return result;
  }
  if (doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    result.errors.push('document: expected {"type":"FeatureCollection","features":[…]}');
    return result;
  }
  const props = isPlainObject(doc.properties) ? doc.properties : {};
  result.exceededTransferLimit = doc.exceededTransferLimit === true || props.exceededTransferLimit === true;
  result.features = doc.features.map((feature: unknown, index) => ({ index, result: decodeMpdFeature(feature, opts) }));
  result.ok = true;
  return result;
}
