// The floor's top bar: the product, how updates arrive, the alert counts (open, and assigned to me), the shortcut
// sheet, and who is signed in until when.
import type { AlertCounts } from '../api/alerts';
import type { SessionView } from '../api/session';
import { ConnectionIndicator } from './ConnectionIndicator';
import { count } from './format';
import type { Connection } from './useLive';

const titleCase = (role: string) => role.charAt(0).toUpperCase() + role.slice(1);
const clockTime = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

interface TopBarProps {
  session: SessionView;
  connection: Connection;
  alertCounts: AlertCounts | undefined;
  mine: boolean;
  onShowAlerts(mine: boolean): void;
  onShortcuts(): void;
  onSignOut(): void;
  signingOut: boolean;
}

export function TopBar({ session, connection, alertCounts, mine, onShowAlerts, onShortcuts, onSignOut, signingOut }: TopBarProps) {
  const { user, agency } = session;
  return (
    <header className="topbar">
      <div className="topbar-brand">
        <img src="/favicon.svg" alt="" width="24" height="24" />
        <h1>Watchfloor</h1>
        <ConnectionIndicator connection={connection} />
      </div>
      <div className="topbar-middle">
        {alertCounts && (
          <div className="alert-counts" role="group" aria-label="Alert counts">
            <button type="button" className={`count-button${!mine ? ' count-button-on' : ''}${alertCounts.open ? ' count-button-hot' : ''}`} aria-pressed={!mine} onClick={() => onShowAlerts(false)}>
              <span className="count-number">{count(alertCounts.open)}</span> open alert{alertCounts.open === 1 ? '' : 's'}
            </button>
            <button type="button" className={`count-button${mine ? ' count-button-on' : ''}`} aria-pressed={mine} onClick={() => onShowAlerts(true)}>
              <span className="count-number">{count(alertCounts.mine)}</span> mine
            </button>
          </div>
        )}
      </div>
      <div className="topbar-user">
        <button type="button" className="button-secondary shortcuts-button" onClick={onShortcuts} aria-keyshortcuts="Shift+?">
          Shortcuts <kbd aria-hidden="true">?</kbd>
        </button>
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
  );
}
