// Who is signed in, kept outside React (read with useSyncExternalStore). While signed in it watches for the
// session ending: any 401, and a check of GET /auth/session every minute and whenever the tab becomes visible.
import { api, ApiError, configureHttp } from './http';

export interface SessionView {
  user: { id: string; username: string; displayName: string; roles: string[] };
  agency: { id: string; name: string; kind: string };
  csrfToken: string;
  expiresAt: string;
  idleExpiresAt: string;
}

export interface Notice {
  tone: 'alert' | 'status';
  text: string;
}

export type SessionState =
  | { status: 'checking' }
  | { status: 'signed-out'; notice?: Notice }
  | { status: 'signed-in'; session: SessionView };

const CHECK_EVERY_MS = 60_000;
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

let state: SessionState = { status: 'checking' };
const listeners = new Set<() => void>();

export const sessionStore = {
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  getSnapshot: (): SessionState => state,
};

function setState(next: SessionState): void {
  state = next;
  watch(next.status === 'signed-in');
  for (const listener of listeners) listener();
}

function endedNotice(error: ApiError): Notice {
  // UNAUTHENTICATED only says "sign in"; the session behind the cookie is gone (signed out elsewhere, revoked).
  const reason = error.code === 'UNAUTHENTICATED' ? 'it is no longer valid, for example after signing out in another tab' : error.detail.replace(/\.$/, '');
  return { tone: 'alert', text: `Your session ended (${reason.charAt(0).toLowerCase()}${reason.slice(1)}).` };
}

function end(error: ApiError): void {
  if (state.status === 'signed-in') setState({ status: 'signed-out', notice: endedNotice(error) });
}

configureHttp({
  csrfToken: () => (state.status === 'signed-in' ? state.session.csrfToken : undefined),
  onUnauthorized: end,
});

/** On page load: resume a session the cookie still holds, or ask to sign in. */
export async function restoreSession(): Promise<void> {
  try {
    setState({ status: 'signed-in', session: await api.get<SessionView>('/api/v1/auth/session') });
  } catch (err) {
    const error = err instanceof ApiError ? err : new ApiError(0, 'UNKNOWN', String(err));
    if (error.code === 'SESSION_EXPIRED') setState({ status: 'signed-out', notice: endedNotice(error) });
    else if (error.status === 401) setState({ status: 'signed-out' });
    else setState({ status: 'signed-out', notice: { tone: 'alert', text: error.detail } });
  }
}

export function sessionStarted(session: SessionView): void {
  setState({ status: 'signed-in', session });
}

/** Ends the session on the server; throws (and stays signed in) when the server cannot be reached. */
export async function signOut(): Promise<void> {
  try {
    await api.post('/api/v1/auth/logout');
  } catch (err) {
    // A 401 has already ended the session through onUnauthorized; anything else leaves it open.
    if (err instanceof ApiError && err.status === 401) return;
    throw err;
  }
  setState({ status: 'signed-out', notice: { tone: 'status', text: 'You signed out.' } });
}

// Every request moves the server's idle deadline, so a check made while nobody is at the screen would keep the
// session open forever. A check therefore only goes out when someone used the page since the last one, when
// the tab comes back into view, or when the idle or absolute deadline has passed (it then reports the end).
let activeSinceCheck = false;
let timer: ReturnType<typeof setInterval> | undefined;

async function check(force: boolean): Promise<void> {
  if (state.status !== 'signed-in') return;
  const now = Date.now();
  const due = now >= Date.parse(state.session.idleExpiresAt) || now >= Date.parse(state.session.expiresAt);
  if (!force && !activeSinceCheck && !due) return;
  activeSinceCheck = false;
  try {
    const session = await api.get<SessionView>('/api/v1/auth/session');
    if (state.status === 'signed-in') setState({ status: 'signed-in', session });
  } catch {
    // A 401 has ended the session through onUnauthorized; a network failure is retried at the next check.
  }
}

const onActivity = () => {
  activeSinceCheck = true;
};
const onVisibility = () => {
  if (document.visibilityState === 'visible') void check(true);
};
const onInterval = () => void check(false);

function watch(on: boolean): void {
  if (on && timer === undefined) {
    timer = setInterval(onInterval, CHECK_EVERY_MS);
    document.addEventListener('visibilitychange', onVisibility);
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, { passive: true, capture: true });
  } else if (!on && timer !== undefined) {
    clearInterval(timer);
    timer = undefined;
    document.removeEventListener('visibilitychange', onVisibility);
    for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onActivity, { capture: true });
  }
}
