// One incident with its ranked cameras, change history and footage requests (GET /api/v1/incidents/:id), and its
// timeline (contract D) when the server has one. Both are read again whenever a live event concerns the incident
// (debounced: a request going out to ten owners is one reload), or on every poll.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/http';
import { getIncident, getTimeline, type IncidentDetail, type TimelineEntry } from '../api/incidents';
import type { LiveEvent } from '../api/live';
import type { LiveHub } from './useLive';

const RELOAD_AFTER_MS = 250;

/** Whether a live event is about this incident (evidence names its incidents in data.incidentIds). */
export function concerns(event: LiveEvent, incidentId: string): boolean {
  if (event.incidentId === incidentId) return true;
  const data = event.data as { incident?: { id?: unknown }; incidentIds?: unknown; alert?: { incidentId?: unknown } };
  if (data.incident?.id === incidentId) return true;
  if (Array.isArray(data.incidentIds) && data.incidentIds.includes(incidentId)) return true;
  return data.alert?.incidentId === incidentId;
}

function useFollowed<T>(id: string | undefined, hub: LiveHub, fetcher: ((id: string) => Promise<T>) | undefined, what: string) {
  const [data, setData] = useState<{ id: string; value: T }>();
  const [error, setError] = useState<{ id: string; text: string; status: number }>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const latest = useRef(id);
  latest.current = id;

  const load = useCallback(async () => {
    if (!id || !fetcher) return;
    try {
      const value = await fetcher(id);
      if (latest.current !== id) return;
      setData({ id, value });
      setError(undefined);
    } catch (err) {
      if (latest.current !== id) return;
      setError({ id, text: `${what} could not be loaded: ${err instanceof ApiError ? err.detail : String(err)}`, status: err instanceof ApiError ? err.status : 0 });
    }
  }, [id, fetcher, what]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (!id) return;
    const soon = () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void load(), RELOAD_AFTER_MS);
    };
    const unsubscribe = hub.subscribe({
      event: (event) => concerns(event, id) && soon(),
      resync: soon,
      poll: soon,
    });
    return () => {
      unsubscribe();
      clearTimeout(timer.current);
    };
  }, [id, hub, load]);

  return {
    value: data && data.id === id ? data.value : undefined,
    error: error && error.id === id ? error : undefined,
    reload: load,
  };
}

export function useIncidentDetail(id: string | undefined, hub: LiveHub): { detail: IncidentDetail | undefined; error: { text: string; status: number } | undefined; reload(): Promise<void> } {
  const r = useFollowed(id, hub, getIncident, 'The incident');
  return { detail: r.value, error: r.error, reload: r.reload };
}

export function useTimeline(id: string | undefined, hub: LiveHub, available: boolean): { entries: TimelineEntry[] | undefined; error: string | undefined; reload(): Promise<void> } {
  const fetcher = useCallback((incidentId: string) => getTimeline(incidentId).then((t) => t.entries), []);
  const r = useFollowed(id, hub, available ? fetcher : undefined, 'The timeline');
  return { entries: r.value, error: r.error?.text, reload: r.reload };
}
