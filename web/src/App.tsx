// Chooses the screen from the session: checking, signed out (sign-in) or signed in (the floor).
import { useSyncExternalStore } from 'react';
import { sessionStore } from './api/session';
import { Floor } from './pages/Floor';
import { SignIn } from './pages/SignIn';

export function App() {
  const state = useSyncExternalStore(sessionStore.subscribe, sessionStore.getSnapshot);
  if (state.status === 'checking') {
    return (
      <main className="checking">
        <p role="status">Checking your session…</p>
      </main>
    );
  }
  if (state.status === 'signed-out') return <SignIn notice={state.notice} />;
  // Keyed by user so that nothing of one person's screen survives into the next person's.
  return <Floor key={state.session.user.id} session={state.session} />;
}
