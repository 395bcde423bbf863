// How the floor hears about changes: live over the WebSocket, reconnecting, offline, or polling (a server without
// the live route). Small, in the top bar; screen readers hear when it changes.
import type { Connection } from './useLive';

const TEXT = {
  starting: ['starting', 'Connecting…', 'Connecting to the server'],
  connecting: ['starting', 'Connecting…', 'Connecting to the server'],
  live: ['live', 'Live', 'Changes arrive as they happen'],
  reconnecting: ['reconnecting', 'Reconnecting…', 'The connection dropped; what happens meanwhile is caught up on reconnecting'],
  offline: ['offline', 'Offline', 'The server cannot be reached; retrying, and catching up once it answers'],
} as const;

export function ConnectionIndicator({ connection }: { connection: Connection }) {
  let tone: string;
  let label: string;
  let title: string;
  if (connection.mode === 'polling') {
    tone = 'polling';
    label = 'Polling';
    title = `This server offers no live updates; the floor asks for changes every ${Math.round(connection.everyMs / 1000)} s`;
  } else {
    [tone, label, title] = TEXT[connection.mode === 'starting' ? 'starting' : connection.status];
  }
  return (
    <p className={`connection connection-${tone}`} title={title} role="status" data-connection={tone}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="visually-hidden">Updates: </span>
      {label}
    </p>
  );
}
