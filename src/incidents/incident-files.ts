// Incident files (a city's open crime data: CSV, TSV, GeoJSON) decoded into intake inputs with a per-row report,
// for `watchfloor import incidents` and `watchfloor replay`.
import { parseDcCrimeCsv } from './decoders/dc-crime.js';
import { parseMpdGeoJson } from './decoders/mpd-geojson.js';
import type { IncidentInput } from './decoders/types.js';

export interface DecodedFile {
  format: string;
  fileErrors: string[];
  rows: { row: number; incident?: IncidentInput; errors: string[] }[];
  /** The file is one page of a longer result (ArcGIS exceededTransferLimit). */
  truncated: boolean;
}

export function decodeIncidentFile(text: string, filename: string, now = new Date()): DecodedFile {
  if (/\.(geo)?json$/i.test(filename)) {
    const r = parseMpdGeoJson(text, { now });
    return {
      format: 'geojson',
      fileErrors: r.errors,
      truncated: r.exceededTransferLimit,
      rows: r.features.map((f) => ({ row: f.index + 1, ...(f.result.ok ? { incident: f.result.incident, errors: [] } : { errors: f.result.errors }) })),
    };
  }
  const r = parseDcCrimeCsv(text, { now });
  return {
    format: r.format,
    fileErrors: r.errors,
    truncated: false,
    rows: r.rows.map((x) => ({ row: x.row, ...(x.result.ok ? { incident: x.result.incident, errors: [] } : { errors: x.result.errors }) })),
  };
}

/**
 * Re-bases a recorded feed onto the present for a replay: the first incident happens `leadMs` before now and the
 * rest keep their spacing divided by `speed`. Returns [delay from start in ms, incident] pairs in time order.
 */
export function replaySchedule(incidents: IncidentInput[], speed: number, now: Date, leadMs = 5 * 60_000): [number, IncidentInput][] {
  const sorted = [...incidents].sort((a, b) => Date.parse(a.occurredFrom) - Date.parse(b.occurredFrom));
  if (sorted.length === 0) return [];
  const t0 = Date.parse(sorted[0]!.occurredFrom);
  const base = now.getTime() - leadMs;
  return sorted.map((inc) => {
    const delay = (Date.parse(inc.occurredFrom) - t0) / speed;
    const shift = (t: string | null | undefined) => (t ? new Date(base + (Date.parse(t) - t0) / speed).toISOString() : null);
    return [delay, { ...inc, occurredFrom: shift(inc.occurredFrom)!, occurredTo: shift(inc.occurredTo), reportedAt: null, details: { ...inc.details, replayedFrom: inc.occurredFrom } }];
  });
}
