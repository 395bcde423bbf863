// The staff app: chooses the screen from the session — checking, signed out (sign-in) or signed in (the floor).
// The session is looked for only here, so the public pages never ask for (or poll) a staff session.
import { useEffect, useSyncExternalStore } from 'react';
import { restoreSession, sessionStore } from '../api/session';
import { Floor } from './Floor';
import { SignIn } from './SignIn';

let restoring: Promise<void> | undefined;

export function StaffApp() {
  const state = useSyncExternalStore(sessionStore.subscribe, sessionStore.getSnapshot);
  useEffect(() => {
    restoring ??= restoreSession();
  }, []);
  if (state.status === 'checking') return <Checking />;
  if (state.status === 'signed-out') return <SignIn notice={state.notice} />;
  // Keyed by user so that nothing of one person's screen survives into the next person's.
  return <Floor key={state.session.user.id} session={state.session} />;
}

export function Checking() {
  return (
    <main className="checking">
      <p role="status">Checking your session…</p>
    </main>
  );
}
