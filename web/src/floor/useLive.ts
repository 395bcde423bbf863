// The floor's one live connection, shared by every list and panel through a small hub. Over the server's
// WebSocket (contract B) the hub passes on each event, in order and once; when the server cannot say what was
// missed it asks every list to reload ("resync"). When no socket has ever opened — a server without GET
// /api/v1/live, or a proxy that refuses WebSockets — the hub ticks every few seconds instead and the lists poll.
//
// `ready` holds the lists back until the socket has greeted: a list read before the subscription began could
// miss an event published in between. If no greeting comes within a few seconds they load anyway.
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/http';
import { LiveClient, type LiveEvent, type LiveStatus, type SocketLike } from '../api/live';

export const POLL_MS = 3_000;
const READY_WITHOUT_GREETING_MS = 3_000;

export type Connection = { mode: 'starting' } | { mode: 'live'; status: LiveStatus } | { mode: 'polling'; everyMs: number };

export interface HubListener {
  event?(event: LiveEvent): void;
  resync?(): void;
  /** Polling mode: the n-th tick (1, 2, …). */
  poll?(tick: number): void;
}

export interface LiveHub {
  subscribe(listener: HubListener): () => void;
}

class Hub implements LiveHub {
  readonly #listeners = new Set<HubListener>();
  subscribe(listener: HubListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  emit(call: (l: HubListener) => void): void {
    for (const l of this.#listeners) call(l);
  }
}

function liveUrl(after: number | undefined): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/api/v1/live${after === undefined ? '' : `?after=${after}`}`;
}

export function useLive(): { hub: LiveHub; connection: Connection; ready: boolean } {
  const hub = useMemo(() => new Hub(), []);
  const [connection, setConnection] = useState<Connection>({ mode: 'starting' });
  const [ready, setReady] = useState(false);
  const readyRef = useRef(false);

  useEffect(() => {
    const becomeReady = () => {
      if (readyRef.current) return false;
      readyRef.current = true;
      setReady(true);
      return true;
    };
    // Until a first greeting, a failed connection means this server (or a proxy on the way) offers no live feed:
    // the lists poll meanwhile, and the socket keeps trying with its back-off; a greeting ends the polling.
    let greeted = false;
    let polling: ReturnType<typeof setInterval> | undefined;
    const startPolling = () => {
      if (polling) return;
      becomeReady();
      setConnection({ mode: 'polling', everyMs: POLL_MS });
      let tick = 0;
      polling = setInterval(() => hub.emit((l) => l.poll?.(++tick)), POLL_MS);
    };
    const stopPolling = () => {
      clearInterval(polling);
      polling = undefined;
    };
    const client = new LiveClient({
      url: liveUrl,
      // The browser's WebSocket has the handlers SocketLike names (typed for its own events).
      open: (url) => new WebSocket(url) as unknown as SocketLike,
      onEvent: (event) => hub.emit((l) => l.event?.(event)),
      // The greeting that lets the lists load is their first load, not a reload.
      onResync: () => becomeReady() || hub.emit((l) => l.resync?.()),
      onStatus: (status) => {
        if (status === 'live') {
          greeted = true;
          stopPolling();
        }
        if (!greeted && (status === 'reconnecting' || status === 'offline')) return startPolling();
        setConnection({ mode: 'live', status });
      },
      // The session store learns of the end from the 401 of a session check, and shows the sign-in page.
      onSessionEnded: () => void api.get('/api/v1/auth/session').catch(() => undefined),
    });
    client.start();
    const fallback = setTimeout(becomeReady, READY_WITHOUT_GREETING_MS);
    const online = () => client.reconnectNow();
    window.addEventListener('online', online);
    return () => {
      clearTimeout(fallback);
      stopPolling();
      window.removeEventListener('online', online);
      client.stop();
    };
  }, [hub]);

  return { hub, connection, ready };
}
