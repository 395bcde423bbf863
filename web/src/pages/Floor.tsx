// The floor (F1–F4): the screen the center watches all shift. Top bar (connection, alert counts, who), the filters,
// then three columns: alerts and incidents, the live map, and the open incident. The view lives in the address
// (filters, open incident, map position), so a link shares it. Data comes from hooks fed by one live connection;
// parts the server does not offer yet say so instead of showing anything made up.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../api/http';
import type { ReviewItem } from '../api/cameras';
import { listIncidents, type IncidentView } from '../api/incidents';
import { signOut, type SessionView } from '../api/session';
import { AlertQueue } from '../floor/AlertQueue';
import { FilterBar } from '../floor/FilterBar';
import { FloorMap } from '../floor/FloorMap';
import { IncidentPanel, type IncidentPanelHandle } from '../floor/panel/IncidentPanel';
import { ShortcutSheet } from '../floor/ShortcutSheet';
import { Sidebar } from '../floor/Sidebar';
import { TopBar } from '../floor/TopBar';
import { useAlerts, useColleagues } from '../floor/useAlerts';
import { useAreas } from '../floor/useAreas';
import { useCameras } from '../floor/useCameras';
import { useCapabilities } from '../floor/useCapabilities';
import { useFloorView } from '../floor/useFloorView';
import { useIncidentDetail, useTimeline } from '../floor/useIncidentDetail';
import { useIncidents } from '../floor/useIncidents';
import { useLive } from '../floor/useLive';
import { useNow } from '../floor/useNow';
import { useShortcuts, type ShortcutAction } from '../floor/useShortcuts';
import { fadeSpanMs, isFiltered, windowOf, type MapView } from '../floor/view';
import { NOTHING } from '../api/capabilities';
import './Floor.css';

/** camera.changed events are many during an import: the camera layer is read again at most this often. */
const CAMERAS_RELOAD_MS = 10_000;

export function Floor({ session }: { session: SessionView }) {
  const { user } = session;
  const roles = user.roles;
  const reviews = roles.some((r) => r === 'supervisor' || r === 'admin');
  const seesCameras = reviews || roles.includes('operator');
  /** Partners read the floor; asking for footage, notes, closing and alert actions are the center's. */
  const canAct = seesCameras;

  const caps = useCapabilities();
  const { hub, connection, ready } = useLive();
  const [view, setView] = useFloorView();
  const initialView = useRef(view);
  const now = useNow(30_000);
  const mayListIncidents = seesCameras || (roles.includes('partner') && !!caps?.incidentFilters);

  const [camerasVersion, setCamerasVersion] = useState(0);
  const { cameras, byId: cameraById, error: camerasError } = useCameras(seesCameras, camerasVersion);
  const { areas, error: areasError } = useAreas(true);
  const incidents = useIncidents({ filters: view.filters, sort: view.sort, now, hub, ready, serverFilters: !!caps?.incidentFilters, enabled: mayListIncidents && !!caps });
  const [mine, setMine] = useState(false);
  const alerts = useAlerts({ available: !!caps?.alerts, hub, ready, mine });
  const { colleagues } = useColleagues(!!caps?.colleagues && canAct);
  const detail = useIncidentDetail(view.incidentId, hub);
  const timeline = useTimeline(view.incidentId, hub, !!caps?.timeline);

  const [cursorId, setCursorId] = useState<string>();
  const [alertCursor, setAlertCursor] = useState<string>();
  const [reviewing, setReviewing] = useState<ReviewItem>();
  const [help, setHelp] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<string>();
  const searchRef = useRef<HTMLInputElement>(null);
  const panelRef = useRef<IncidentPanelHandle>(null);

  useEffect(() => {
    document.title = 'Floor · Watchfloor';
  }, []);

  // Cameras changed elsewhere (another instance, a health feed): the map's cameras are read again, unhurried.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return hub.subscribe({
      event: (e) => {
        if (e.type !== 'camera.changed' || timer) return;
        timer = setTimeout(() => {
          timer = undefined;
          setCamerasVersion((v) => v + 1);
        }, CAMERAS_RELOAD_MS);
      },
    });
  }, [hub]);

  const announce = useCallback((text: string) => setAnnouncement(text), []);
  const list = incidents.incidents;
  const byId = useMemo(() => new Map((list ?? []).map((i) => [i.id, i] as const)), [list]);
  const selected: IncidentView | undefined = detail.detail?.incident.id === view.incidentId ? detail.detail?.incident : view.incidentId ? byId.get(view.incidentId) : undefined;
  const cursor = cursorId ? byId.get(cursorId) : undefined;

  // Every type seen so far stays choosable, also after a type filter narrowed the list.
  const seenTypes = useRef(new Set<string>());
  const knownTypes = useMemo(() => {
    for (const i of list ?? []) seenTypes.current.add(i.type);
    return [...seenTypes.current];
  }, [list]);

  // The type menu offers every type of the time window, not only those left after a type filter.
  const loadTypes = useCallback(async () => {
    const w = windowOf(view.filters, Date.now());
    const { incidents: sample } = await listIncidents(
      { from: new Date(w.from).toISOString(), ...(w.to !== undefined ? { to: new Date(w.to).toISOString() } : {}), limit: 1000, offset: 0 },
      !!caps?.incidentFilters,
    );
    return [...new Set(sample.map((i) => i.type))];
  }, [view.filters, caps]);

  const openIncident = useCallback(
    (id: string) => {
      setCursorId(id);
      setView((v) => (v.incidentId === id ? v : { ...v, incidentId: id }));
    },
    [setView],
  );
  const closePanel = useCallback(() => {
    setView((v) => ({ ...v, incidentId: undefined }));
    document.querySelector<HTMLElement>('[data-incident-list]')?.focus();
  }, [setView]);
  const onViewChange = useCallback((map: MapView) => setView((v) => ({ ...v, map })), [setView]);

  function acknowledgeFocused() {
    if (!alerts.available) return announce('The alert queue is not available on this server yet.');
    if (!canAct) return announce('Your role reads alerts; acknowledging them is for the center’s staff.');
    const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('[data-alert-id]')?.dataset.alertId;
    const queued = alerts.alerts ?? [];
    const target = queued.find((a) => a.id === focused) ?? queued.find((a) => a.id === alertCursor) ?? queued[0];
    if (!target) return announce('There is no alert to acknowledge.');
    if (target.status !== 'open') return announce(`Already acknowledged: ${target.title}.`);
    alerts.acknowledge(target.id).then(
      () => announce(`Acknowledged: ${target.title}.`),
      (err: unknown) => announce(`Could not acknowledge: ${err instanceof ApiError ? err.detail : String(err)}`),
    );
  }

  useShortcuts((action: ShortcutAction, e: KeyboardEvent) => {
    const items = list ?? [];
    switch (action) {
      case 'next':
      case 'previous': {
        if (!items.length) return;
        e.preventDefault();
        const at = items.findIndex((i) => i.id === (cursorId ?? view.incidentId));
        const next = at < 0 ? 0 : Math.min(items.length - 1, Math.max(0, at + (action === 'next' ? 1 : -1)));
        setCursorId(items[next]!.id);
        return;
      }
      case 'open':
        if (!cursorId || !byId.has(cursorId)) return;
        e.preventDefault();
        openIncident(cursorId);
        return;
      case 'requestAll':
        e.preventDefault();
        if (!canAct) return announce('Your role reads incidents; asking for footage is for the center’s staff.');
        if (!view.incidentId) return announce('Open an incident first (Enter on the highlighted one).');
        panelRef.current?.requestAll();
        return;
      case 'acknowledge':
        e.preventDefault();
        acknowledgeFocused();
        return;
      case 'search':
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      case 'close':
        if (view.incidentId) closePanel();
        return;
      case 'help':
        e.preventDefault();
        setHelp(true);
        return;
    }
  });

  async function onSignOut() {
    setSigningOut(true);
    setError(undefined);
    try {
      await signOut();
    } catch (err) {
      setSigningOut(false);
      setError(`Sign-out failed: ${err instanceof ApiError ? err.detail : String(err)}`);
    }
  }

  const w = windowOf(view.filters, now);
  const windowEnd = w.to ?? now;
  const fadeMs = fadeSpanMs(view.filters, now);

  return (
    <div className="floor">
      <TopBar
        session={session}
        connection={connection}
        alertCounts={alerts.counts}
        mine={mine}
        onShowAlerts={(m) => {
          setMine(m);
          document.getElementById('alerts-title')?.scrollIntoView({ block: 'nearest' });
        }}
        onShortcuts={() => setHelp(true)}
        onSignOut={onSignOut}
        signingOut={signingOut}
      />
      {error && (
        <p role="alert" className="message message-alert floor-error">
          {error}
        </p>
      )}
      <FilterBar
        filters={view.filters}
        sort={view.sort}
        onChange={(filters) => setView((v) => ({ ...v, filters }))}
        onSortChange={(sort) => setView((v) => ({ ...v, sort }))}
        knownTypes={knownTypes}
        loadTypes={loadTypes}
        areas={areas}
        searchRef={searchRef}
        shown={list?.length}
        total={incidents.total}
        truncated={incidents.truncated}
      />
      <div className={`floor-body${view.incidentId ? ' with-panel' : ''}`}>
        <Sidebar
          alerts={
            <AlertQueue state={alerts} canAct={canAct} colleagues={colleagues} mine={mine} onMineChange={setMine} cursorId={alertCursor} onCursor={setAlertCursor} onOpenIncident={openIncident} now={now} announce={announce} />
          }
          incidents={list}
          incidentsError={incidents.error}
          mayListIncidents={mayListIncidents}
          filtered={isFiltered(view.filters)}
          now={now}
          cursorId={cursorId}
          selectedId={view.incidentId}
          onCursor={setCursorId}
          onOpen={openIncident}
          reviews={reviews}
          reviewing={reviewing}
          onReview={setReviewing}
          onReviewDecided={() => setCamerasVersion((v) => v + 1)}
        />
        <main className="map-area" aria-labelledby="map-title">
          <h2 id="map-title" className="visually-hidden">
            Live map
          </h2>
          <FloorMap
            showCameras={seesCameras}
            cameras={cameras}
            reviewing={reviewing?.camera}
            incidents={list}
            windowEnd={windowEnd}
            fadeMs={fadeMs}
            selected={selected}
            detail={detail.detail}
            cursor={cursor}
            cameraById={cameraById}
            onSelect={openIncident}
            areas={areas}
            outlines={view.outlines}
            onOutlinesChange={(outlines) => setView((v) => ({ ...v, outlines }))}
            areaFilter={{ district: view.filters.district, ward: view.filters.ward }}
            initialView={initialView.current.map}
            stayFor={initialView.current.map ? initialView.current.incidentId : undefined}
            onViewChange={onViewChange}
            error={camerasError ?? areasError}
          />
        </main>
        {view.incidentId && (
          <IncidentPanel
            key={view.incidentId}
            ref={panelRef}
            incidentId={view.incidentId}
            listed={byId.get(view.incidentId)}
            detail={detail.detail}
            detailError={detail.error}
            reloadDetail={detail.reload}
            timeline={timeline}
            caps={caps ?? NOTHING}
            canAct={canAct}
            cameraById={cameraById}
            hub={hub}
            now={now}
            onClose={closePanel}
            onIncidentChanged={incidents.upsert}
            announce={announce}
          />
        )}
      </div>
      <ShortcutSheet open={help} onClose={() => setHelp(false)} />
      <div className="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </div>
  );
}
