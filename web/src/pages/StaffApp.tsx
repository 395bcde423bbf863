// The staff app: chooses the screen from the session — checking, signed out (sign-in) or signed in (the floor).
// The session is looked for only here, so the public pages never ask for (or poll) a staff session.
import { lazy, Suspense, useEffect, useSyncExternalStore } from 'react';
import { restoreSession, sessionStore } from '../api/session';
import { SignIn } from './SignIn';

// The floor brings the map library (a megabyte): loaded once someone has signed in, not for the sign-in form.
const Floor = lazy(() => import('./Floor').then((m) => ({ default: m.Floor })));

let restoring: Promise<void> | undefined;

export function StaffApp() {
  const state = useSyncExternalStore(sessionStore.subscribe, sessionStore.getSnapshot);
  useEffect(() => {
    restoring ??= restoreSession();
  }, []);
  if (state.status === 'checking') return <Checking />;
  if (state.status === 'signed-out') return <SignIn notice={state.notice} />;
  // Keyed by user so that nothing of one person's screen survives into the next person's.
  return (
    <Suspense fallback={<Checking text="Opening the floor…" />}>
      <Floor key={state.session.user.id} session={state.session} />
    </Suspense>
  );
}

function Checking({ text = 'Checking your session…' }: { text?: string }) {
  return (
    <main className="checking">
      <p role="status">{text}</p>
    </main>
  );
}
