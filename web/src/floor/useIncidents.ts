// The incidents of the floor's view: loaded for the filters (on the server with contract E, else the newest by
// status and time, narrowed here), kept current by live events or by polling, and narrowed by the one filter rule
// of view.ts, so the list and the map always agree. Loads are paged up to MAX_INCIDENTS.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../api/http';
import { listIncidents, type IncidentQuery, type IncidentView } from '../api/incidents';
import type { LiveEvent } from '../api/live';
import type { LiveHub } from './useLive';
import { matchesFilters, windowOf, type FloorFilters, type Sort } from './view';

export const MAX_INCIDENTS = 5_000;
const PAGE = 1_000;
/** Polling: the newest this many every tick, everything every FULL_EVERY ticks (closures of older ones). */
const POLL_PAGE = 200;
const FULL_EVERY = 10;
/** Live events are applied in batches, at most this often: a burst re-renders once. */
const FLUSH_MS = 40;

export interface IncidentsState {
  /** Every incident of the view, in the chosen order (undefined until the first load). */
  incidents: IncidentView[] | undefined;
  /** How many the server has for the query (contract E), when it says. */
  total: number | null;
  /** The load stopped at MAX_INCIDENTS. */
  truncated: boolean;
  loading: boolean;
  error: string | undefined;
  reload(): void;
  /** An incident as changed by an action of this page (closing it), before the event arrives. */
  upsert(incident: IncidentView): void;
}

type ById = ReadonlyMap<string, IncidentView>;

export const INCIDENT_EVENTS = new Set(['incident.created', 'incident.updated', 'incident.closed']);

/** Newer versions win; an event never takes an incident back to an older version. */
function merge(into: Map<string, IncidentView>, incident: IncidentView, matchCount?: number): void {
  const known = into.get(incident.id);
  if (known && known.version > incident.version) return;
  into.set(incident.id, { ...incident, matchCount: matchCount ?? incident.matchCount ?? known?.matchCount });
}

function incidentOf(event: LiveEvent): { incident: IncidentView; matchCount?: number } | undefined {
  if (!INCIDENT_EVENTS.has(event.type)) return undefined;
  const data = event.data as { incident?: IncidentView; matchCount?: number };
  if (!data.incident || typeof data.incident.id !== 'string') return undefined;
  return { incident: data.incident, ...(typeof data.matchCount === 'number' ? { matchCount: data.matchCount } : {}) };
}

function queryOf(filters: FloorFilters, now: number): Omit<IncidentQuery, 'limit' | 'offset'> {
  const w = windowOf(filters, now);
  return {
    ...(filters.status !== 'all' ? { status: filters.status } : {}),
    types: filters.types,
    ...(filters.maxPriority ? { maxPriority: filters.maxPriority } : {}),
    ...(filters.district ? { district: filters.district } : {}),
    ...(filters.ward ? { ward: filters.ward } : {}),
    from: new Date(w.from).toISOString(),
    ...(w.to !== undefined ? { to: new Date(w.to).toISOString() } : {}),
    ...(filters.q ? { q: filters.q } : {}),
  };
}

/**
 * Every incident of a query, up to MAX_INCIDENTS: the first page, then the rest at once when the server says how
 * many there are (contract E), else page by page until a short one.
 */
async function fetchAll(query: Omit<IncidentQuery, 'limit' | 'offset'>, serverFilters: boolean, onFirstPage: (incidents: IncidentView[]) => void): Promise<{ incidents: IncidentView[]; total: number | null; cut: boolean }> {
  const first = await listIncidents({ ...query, limit: PAGE, offset: 0 }, serverFilters);
  const all = [...first.incidents];
  if (first.incidents.length < PAGE) return { incidents: all, total: first.total, cut: false };
  onFirstPage(first.incidents);
  if (first.total !== null) {
    const offsets: number[] = [];
    for (let offset = PAGE; offset < Math.min(first.total, MAX_INCIDENTS); offset += PAGE) offsets.push(offset);
    const pages = await Promise.all(offsets.map((offset) => listIncidents({ ...query, limit: PAGE, offset }, serverFilters)));
    for (const page of pages) all.push(...page.incidents);
    return { incidents: all, total: first.total, cut: first.total > MAX_INCIDENTS };
  }
  for (let offset = PAGE; all.length < MAX_INCIDENTS; offset += PAGE) {
    const page = await listIncidents({ ...query, limit: PAGE, offset }, serverFilters);
    all.push(...page.incidents);
    if (page.incidents.length < PAGE) return { incidents: all, total: null, cut: false };
  }
  return { incidents: all, total: null, cut: true };
}

export function sortIncidents(list: IncidentView[], sort: Sort): IncidentView[] {
  const newest = (a: IncidentView, b: IncidentView) => b.occurredFrom.localeCompare(a.occurredFrom) || b.id.localeCompare(a.id);
  return list.sort(sort === 'priority' ? (a, b) => a.priority - b.priority || newest(a, b) : newest);
}

export function useIncidents(opts: { filters: FloorFilters; sort: Sort; now: number; hub: LiveHub; ready: boolean; serverFilters: boolean; enabled: boolean }): IncidentsState {
  const { filters, sort, now, hub, ready, serverFilters, enabled } = opts;
  const [byId, setById] = useState<ById>();
  const [total, setTotal] = useState<number | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const generation = useRef(0);
  /** Events that arrived while a load was under way: applied on top of its answer. */
  const buffered = useRef<{ incident: IncidentView; matchCount?: number }[] | undefined>(undefined);
  const pending = useRef<{ incident: IncidentView; matchCount?: number }[]>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  const load = useCallback(
    async (mode: 'full' | 'newest') => {
      const gen = mode === 'full' ? ++generation.current : generation.current;
      const query = queryOf(filtersRef.current, Date.now());
      if (mode === 'full') {
        buffered.current = [];
        setLoading(true);
      }
      try {
        if (mode === 'newest') {
          const { incidents } = await listIncidents({ ...query, limit: POLL_PAGE, offset: 0 }, serverFilters);
          if (gen !== generation.current) return;
          setById((known) => {
            const next = new Map(known);
            for (const i of incidents) merge(next, i);
            return next;
          });
        } else {
          // The newest page shows at once, with any events that came meanwhile; the rest follows.
          const withEvents = (incidents: readonly IncidentView[]) => {
            const view = new Map(incidents.map((i) => [i.id, i] as const));
            for (const e of buffered.current ?? []) merge(view, e.incident, e.matchCount);
            return view;
          };
          const all = await fetchAll(query, serverFilters, (first) => gen === generation.current && setById(withEvents(first)));
          if (gen !== generation.current) return;
          setById(withEvents(all.incidents));
          buffered.current = undefined;
          setTotal(all.total);
          setTruncated(all.cut);
        }
        setError(undefined);
      } catch (err) {
        if (gen !== generation.current) return;
        setError(`Incidents could not be loaded: ${err instanceof ApiError ? err.detail : String(err)}`);
      } finally {
        if (mode === 'full' && gen === generation.current) {
          buffered.current = undefined;
          setLoading(false);
        }
      }
    },
    [serverFilters],
  );

  // A new view: everything again. The time window's start is read at load time; it moves on by itself below.
  const queryKey = JSON.stringify(filters);
  useEffect(() => {
    if (!ready || !enabled) return;
    void load('full');
  }, [ready, enabled, queryKey, load]);

  useEffect(() => {
    if (!enabled) return;
    const flush = () => {
      flushTimer.current = undefined;
      const batch = pending.current;
      pending.current = [];
      if (!batch.length) return;
      setById((known) => {
        const next = new Map(known);
        for (const e of batch) merge(next, e.incident, e.matchCount);
        return next;
      });
    };
    const unsubscribe = hub.subscribe({
      event(event) {
        const found = incidentOf(event);
        if (!found) return;
        buffered.current?.push(found);
        pending.current.push(found);
        flushTimer.current ??= setTimeout(flush, FLUSH_MS);
      },
      resync: () => void load('full'),
      poll: (tick) => void load(tick % FULL_EVERY === 0 ? 'full' : 'newest'),
    });
    return () => {
      unsubscribe();
      clearTimeout(flushTimer.current);
      flushTimer.current = undefined;
    };
  }, [hub, load, enabled]);

  const upsert = useCallback((incident: IncidentView) => {
    setById((known) => {
      const next = new Map(known);
      merge(next, incident);
      return next;
    });
  }, []);

  const incidents = useMemo(() => {
    if (!byId) return undefined;
    return sortIncidents(
      [...byId.values()].filter((i) => matchesFilters(i, filters, now)),
      sort,
    );
  }, [byId, filters, sort, now]);

  const reload = useCallback(() => void load('full'), [load]);
  return { incidents, total, truncated, loading, error, reload, upsert };
}
