// The floor's view as a query string, so that a colleague opening the same link sees the same thing: the filters,
// the open incident, the map's centre and zoom, and which outlines the map draws. Anything in the query string
// that is not understood is left out, never an error. Also the one filter rule used for the lists and the map.
//
// Self-contained (no imports): the unit tests load it as is.

export const TIME_RANGES = ['1h', '6h', '24h', '7d', 'custom'] as const;
export type TimeRange = (typeof TIME_RANGES)[number];
export const RANGE_LABELS: Record<TimeRange, string> = { '1h': 'Last hour', '6h': 'Last 6 hours', '24h': 'Last 24 hours', '7d': 'Last 7 days', custom: 'Custom range' };
const RANGE_MS: Record<Exclude<TimeRange, 'custom'>, number> = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 };

export const STATUSES = ['open', 'closed', 'all'] as const;
export type StatusFilter = (typeof STATUSES)[number];

export const OUTLINES = ['districts', 'wards', 'none'] as const;
export type Outlines = (typeof OUTLINES)[number];

export const SORTS = ['newest', 'priority'] as const;
export type Sort = (typeof SORTS)[number];

export interface FloorFilters {
  range: TimeRange;
  /** ISO times, for the custom range only. */
  from?: string;
  to?: string;
  /** Exact incident types (any of them); empty: every type. */
  types: string[];
  /** 1 … 5: this priority and higher (1 is highest). */
  maxPriority?: number;
  district?: string;
  ward?: string;
  status: StatusFilter;
  q: string;
}

export interface MapView {
  lng: number;
  lat: number;
  zoom: number;
}

export interface FloorView {
  filters: FloorFilters;
  incidentId?: string;
  map?: MapView;
  outlines: Outlines;
  sort: Sort;
}

export const DEFAULT_FILTERS: FloorFilters = { range: '24h', types: [], status: 'open', q: '' };
export const DEFAULT_VIEW: FloorView = { filters: DEFAULT_FILTERS, outlines: 'districts', sort: 'newest' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TYPES = 30;
const MAX_TEXT = 200;

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | undefined => (values as readonly string[]).includes(value ?? '') ? (value as T) : undefined;

function isoOrUndefined(value: string | null): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

function text(value: string | null): string | undefined {
  const v = value?.trim();
  return v ? v.slice(0, MAX_TEXT) : undefined;
}

function mapViewOf(value: string | null): MapView | undefined {
  if (!value) return undefined;
  const parts = value.split(',').map(Number);
  if (parts.length !== 3 || !parts.every(Number.isFinite)) return undefined;
  const [lat, lng, zoom] = parts as [number, number, number];
  if (lat < -90 || lat > 90 || lng < -180 || lng > 180 || zoom < 0 || zoom > 22) return undefined;
  return { lat, lng, zoom };
}

export function parseView(search: string): FloorView {
  const p = new URLSearchParams(search);
  const filters: FloorFilters = { ...DEFAULT_FILTERS, types: [] };
  filters.range = oneOf(TIME_RANGES, p.get('range')) ?? DEFAULT_FILTERS.range;
  if (filters.range === 'custom') {
    const from = isoOrUndefined(p.get('from'));
    const to = isoOrUndefined(p.get('to'));
    if (from) filters.from = from;
    if (to && (!from || Date.parse(to) > Date.parse(from))) filters.to = to;
    if (!from) filters.range = DEFAULT_FILTERS.range;
  }
  const types = p.get('type');
  if (types) filters.types = [...new Set(types.split(',').map((t) => t.trim()).filter(Boolean))].slice(0, MAX_TYPES).map((t) => t.slice(0, MAX_TEXT));
  const maxPriority = Number(p.get('maxp'));
  if (Number.isInteger(maxPriority) && maxPriority >= 1 && maxPriority <= 5) filters.maxPriority = maxPriority;
  const district = text(p.get('district'));
  if (district) filters.district = district;
  const ward = text(p.get('ward'));
  if (ward) filters.ward = ward;
  filters.status = oneOf(STATUSES, p.get('status')) ?? DEFAULT_FILTERS.status;
  filters.q = text(p.get('q')) ?? '';

  const view: FloorView = { filters, outlines: oneOf(OUTLINES, p.get('outlines')) ?? DEFAULT_VIEW.outlines, sort: oneOf(SORTS, p.get('sort')) ?? DEFAULT_VIEW.sort };
  const incident = p.get('incident');
  if (incident && UUID.test(incident)) view.incidentId = incident.toLowerCase();
  const map = mapViewOf(p.get('map'));
  if (map) view.map = map;
  return view;
}

/** The query string (without "?") of a view; defaults are left out so that links stay short. */
export function serializeView(view: FloorView): string {
  const p = new URLSearchParams();
  const f = view.filters;
  if (f.q) p.set('q', f.q);
  if (f.range !== DEFAULT_FILTERS.range) p.set('range', f.range);
  if (f.range === 'custom') {
    if (f.from) p.set('from', f.from);
    if (f.to) p.set('to', f.to);
  }
  if (f.types.length) p.set('type', f.types.join(','));
  if (f.maxPriority) p.set('maxp', String(f.maxPriority));
  if (f.district) p.set('district', f.district);
  if (f.ward) p.set('ward', f.ward);
  if (f.status !== DEFAULT_FILTERS.status) p.set('status', f.status);
  if (view.sort !== DEFAULT_VIEW.sort) p.set('sort', view.sort);
  if (view.outlines !== DEFAULT_VIEW.outlines) p.set('outlines', view.outlines);
  if (view.incidentId) p.set('incident', view.incidentId);
  if (view.map) p.set('map', `${view.map.lat.toFixed(5)},${view.map.lng.toFixed(5)},${view.map.zoom.toFixed(2)}`);
  return p.toString();
}

/** The time window a filter covers: a rolling one ends now (to is undefined). */
export function windowOf(filters: FloorFilters, now: number): { from: number; to: number | undefined } {
  if (filters.range === 'custom' && filters.from) {
    return { from: Date.parse(filters.from), to: filters.to ? Date.parse(filters.to) : undefined };
  }
  const span = RANGE_MS[filters.range === 'custom' ? '24h' : filters.range];
  return { from: now - span, to: undefined };
}

/** How long incidents take to fade out on the map: the length of the time window. */
export function fadeSpanMs(filters: FloorFilters, now: number): number {
  const w = windowOf(filters, now);
  return Math.max(60_000, (w.to ?? now) - w.from);
}

export interface FilterableIncident {
  externalId: string;
  type: string;
  priority: number;
  occurredFrom: string;
  address: string | null;
  status: 'open' | 'closed';
  district: string | null;
  ward: string | null;
}

/** Whether an incident belongs in the view: the same rule as the server's list query (contract E). */
export function matchesFilters(incident: FilterableIncident, filters: FloorFilters, now: number): boolean {
  if (filters.status !== 'all' && incident.status !== filters.status) return false;
  if (filters.maxPriority && incident.priority > filters.maxPriority) return false;
  if (filters.types.length && !filters.types.includes(incident.type)) return false;
  if (filters.district && incident.district !== filters.district) return false;
  if (filters.ward && incident.ward !== filters.ward) return false;
  const t = Date.parse(incident.occurredFrom);
  const w = windowOf(filters, now);
  if (t < w.from || (w.to !== undefined && t > w.to)) return false;
  if (filters.q) {
    const q = filters.q.toLowerCase();
    const hay = [incident.externalId, incident.type, incident.address ?? ''];
    if (!hay.some((h) => h.toLowerCase().includes(q))) return false;
  }
  return true;
}

/** Whether any filter other than the defaults narrows the view. */
export function isFiltered(filters: FloorFilters): boolean {
  return serializeView({ ...DEFAULT_VIEW, filters }) !== '';
}
