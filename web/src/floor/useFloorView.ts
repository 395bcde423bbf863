// The floor's view kept in the address bar (see view.ts): every change is written back with replaceState, except
// opening or closing an incident, which is a step of its own so that Back closes it again. Back and forward
// restore what the address says.
import { useCallback, useEffect, useRef, useState } from 'react';
import { parseView, serializeView, type FloorView } from './view';

export function useFloorView(): [FloorView, (change: (view: FloorView) => FloorView) => void] {
  const [view, setView] = useState<FloorView>(() => parseView(window.location.search));
  const lastIncident = useRef(view.incidentId);

  useEffect(() => {
    const qs = serializeView(view);
    const url = `${window.location.pathname}${qs ? `?${qs}` : ''}${window.location.hash}`;
    const current = `${window.location.pathname}${window.location.search}${window.location.hash}`;
    const newStep = view.incidentId !== lastIncident.current;
    lastIncident.current = view.incidentId;
    if (url === current) return;
    if (newStep) window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
  }, [view]);

  useEffect(() => {
    const onPop = () => {
      const restored = parseView(window.location.search);
      lastIncident.current = restored.incidentId;
      setView(restored);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const change = useCallback((fn: (view: FloorView) => FloorView) => setView(fn), []);
  return [view, change];
}
