// The alert queue (contract C): the open alerts (or only mine), their counts for the top bar, and the actions.
// An action answers with the changed alert, which replaces the one shown at once; the list and the counts are
// then read again, as they are after every alert.changed event (debounced) and on every other poll.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/http';
import { acknowledgeAlert, assignAlert, listAlerts, listColleagues, resolveAlert, snoozeAlert, type AlertCounts, type AlertView, type Colleague } from '../api/alerts';
import type { LiveHub } from './useLive';

const RELOAD_AFTER_MS = 250;

export interface AlertsState {
  available: boolean;
  alerts: AlertView[] | undefined;
  counts: AlertCounts | undefined;
  error: string | undefined;
  acknowledge(id: string): Promise<void>;
  assign(id: string, staffId: string): Promise<void>;
  snooze(id: string, minutes: number): Promise<void>;
  resolve(id: string): Promise<void>;
}

const messageOf = (err: unknown) => (err instanceof ApiError ? err.detail : String(err));

/** Still in the open queue: open or acknowledged, and not snoozed into the future. */
function stillQueued(a: AlertView): boolean {
  return a.status !== 'resolved' && !(a.snoozedUntil && Date.parse(a.snoozedUntil) > Date.now());
}

export function useAlerts(opts: { available: boolean; hub: LiveHub; ready: boolean; mine: boolean }): AlertsState {
  const { available, hub, ready, mine } = opts;
  const [alerts, setAlerts] = useState<AlertView[]>();
  const [counts, setCounts] = useState<AlertCounts>();
  const [error, setError] = useState<string>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const generation = useRef(0);

  const load = useCallback(async () => {
    if (!available) return;
    const gen = ++generation.current;
    try {
      const r = await listAlerts({ status: 'open', mine });
      if (gen !== generation.current) return;
      setAlerts(r.alerts);
      setCounts(r.counts);
      setError(undefined);
    } catch (err) {
      if (gen === generation.current) setError(`Alerts could not be loaded: ${messageOf(err)}`);
    }
  }, [available, mine]);

  useEffect(() => {
    if (ready) void load();
  }, [ready, load]);

  const soon = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void load(), RELOAD_AFTER_MS);
  }, [load]);

  useEffect(() => {
    if (!available) return;
    const unsubscribe = hub.subscribe({
      event: (event) => event.type === 'alert.changed' && soon(),
      resync: soon,
      poll: (tick) => tick % 2 === 0 && soon(),
    });
    return () => {
      unsubscribe();
      clearTimeout(timer.current);
    };
  }, [available, hub, soon]);

  const act = useCallback(
    async (call: Promise<AlertView>) => {
      const changed = await call;
      setAlerts((list) => list?.map((a) => (a.id === changed.id ? changed : a)).filter(stillQueued));
      soon();
    },
    [soon],
  );

  return {
    available,
    alerts,
    counts,
    error,
    acknowledge: (id) => act(acknowledgeAlert(id)),
    assign: (id, staffId) => act(assignAlert(id, staffId)),
    snooze: (id, minutes) => act(snoozeAlert(id, minutes)),
    resolve: (id) => act(resolveAlert(id)),
  };
}

/** Floor staff an alert can be assigned to; loaded once. */
export function useColleagues(available: boolean): { colleagues: Colleague[] | undefined; error: string | undefined } {
  const [colleagues, setColleagues] = useState<Colleague[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!available) return;
    let live = true;
    listColleagues().then(
      (r) => live && setColleagues(r.colleagues),
      (err: unknown) => live && setError(`Colleagues could not be loaded: ${messageOf(err)}`),
    );
    return () => {
      live = false;
    };
  }, [available]);
  return { colleagues, error };
}
