// The floor: who is signed in, the live map of cameras, and the side panel — the camera review queue for
// supervisors and admins, and the alert and incident panels, which are not connected yet (and say so rather
// than showing made-up data).
import { useEffect, useState } from 'react';
import { ApiError } from '../api/http';
import type { ReviewItem } from '../api/cameras';
import { signOut, type SessionView } from '../api/session';
import { FloorMap } from '../floor/FloorMap';
import { ReviewQueue } from '../floor/ReviewQueue';
import './Floor.css';

const titleCase = (role: string) => role.charAt(0).toUpperCase() + role.slice(1);
const clockTime = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

export function Floor({ session }: { session: SessionView }) {
  const { user, agency } = session;
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<string>();
  const [reviewing, setReviewing] = useState<ReviewItem>();
  const [camerasVersion, setCamerasVersion] = useState(0);
  const reviews = user.roles.some((r) => r === 'supervisor' || r === 'admin');
  const seesCameras = reviews || user.roles.includes('operator');

  useEffect(() => {
    document.title = 'Floor · Watchfloor';
  }, []);

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

  return (
    <div className="floor">
      <header className="topbar">
        <div className="topbar-brand">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          <h1>Watchfloor</h1>
        </div>
        <div className="topbar-user">
          <div className="who">
            <span className="who-name">{user.displayName}</span>
            <span className="who-meta">
              <span className="roles">{user.roles.map(titleCase).join(', ')}</span>
              <span aria-hidden="true"> · </span>
              <span className="agency" title={agency.name}>
                {agency.name}
              </span>
            </span>
          </div>
          <span className="session-until" title={`The session ends at ${clockTime(session.expiresAt)} at the latest`}>
            Session until {clockTime(session.expiresAt)}
          </span>
          <button type="button" className="button-secondary" onClick={onSignOut} disabled={signingOut}>
            {signingOut ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </header>
      {error && (
        <p role="alert" className="message message-alert floor-error">
          {error}
        </p>
      )}
      <div className="floor-body">
        <main className="map-area" aria-labelledby="map-title">
          <h2 id="map-title" className="visually-hidden">
            Live map
          </h2>
          <FloorMap showCameras={seesCameras} camerasVersion={camerasVersion} selected={reviewing?.camera} />
        </main>
        <aside className="side-panel" aria-label={reviews ? 'Review queue, alerts and incidents' : 'Alerts and incidents'}>
          {reviews && <ReviewQueue selectedId={reviewing?.camera.id} onSelect={setReviewing} onDecided={() => setCamerasVersion((v) => v + 1)} />}
          <section aria-labelledby="alerts-title">
            <h2 id="alerts-title">Alerts</h2>
            <p className="empty">Not connected yet. New high-priority incidents, hotlist plate hits and cameras that go offline will queue here.</p>
          </section>
          <section aria-labelledby="incidents-title">
            <h2 id="incidents-title">Incidents</h2>
            <p className="empty">Not connected yet. Incidents from the intake feed will be listed here.</p>
          </section>
        </aside>
      </div>
    </div>
  );
}
