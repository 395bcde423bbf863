// The alert queue (F3, contract C): newest and highest priority first, each with its kind, priority, age and
// assignee; acknowledge, assign to a colleague, snooze, open its incident. The highlighted alert (a click, or
// focus inside it) is what the a key acknowledges. Without the server's alert routes: a plain "not available".
import { useId, useState } from 'react';
import { ALERT_KIND_LABELS, type AlertView, type Colleague } from '../api/alerts';
import { age, messageOf } from './format';
import type { AlertsState } from './useAlerts';

interface AlertQueueProps {
  state: AlertsState;
  /** Partners see the queue; the actions are the center's. */
  canAct: boolean;
  colleagues: Colleague[] | undefined;
  mine: boolean;
  onMineChange(mine: boolean): void;
  cursorId: string | undefined;
  onCursor(id: string): void;
  onOpenIncident(id: string): void;
  now: number;
  announce(text: string): void;
}

export const SNOOZE_CHOICES = [
  { minutes: 15, label: '15 min' },
  { minutes: 60, label: '1 hour' },
  { minutes: 240, label: '4 hours' },
];

export function AlertQueue({ state, canAct, colleagues, mine, onMineChange, cursorId, onCursor, onOpenIncident, now, announce }: AlertQueueProps) {
  const mineId = useId();
  const { alerts, error, available } = state;
  const current = cursorId && alerts?.some((a) => a.id === cursorId) ? cursorId : alerts?.[0]?.id;
  return (
    <section className="alert-queue" aria-labelledby="alerts-title">
      <div className="section-head">
        <h2 id="alerts-title">
          Alerts
          {alerts && <span className="count">{alerts.length}</span>}
        </h2>
        {available && (
          <label className="check mine-toggle" htmlFor={mineId}>
            <input id={mineId} type="checkbox" checked={mine} onChange={(e) => onMineChange(e.target.checked)} />
            Mine only
          </label>
        )}
      </div>
      {!available && <p className="empty">The alert queue is not available on this server yet.</p>}
      {error && (
        <p role="alert" className="message message-alert">
          {error}
        </p>
      )}
      {available && alerts && alerts.length === 0 && <p className="empty">{mine ? 'No open alerts are assigned to you.' : 'No open alerts.'}</p>}
      {alerts && alerts.length > 0 && (
        <ul className="alerts">
          {alerts.map((a) => (
            <AlertItem key={a.id} alert={a} state={state} canAct={canAct} colleagues={colleagues} cursor={a.id === current} onCursor={() => onCursor(a.id)} onOpenIncident={onOpenIncident} now={now} announce={announce} />
          ))}
        </ul>
      )}
    </section>
  );
}

interface AlertItemProps {
  alert: AlertView;
  state: AlertsState;
  canAct: boolean;
  colleagues: Colleague[] | undefined;
  cursor: boolean;
  onCursor(): void;
  onOpenIncident(id: string): void;
  now: number;
  announce(text: string): void;
}

function AlertItem({ alert: a, state, canAct, colleagues, cursor, onCursor, onOpenIncident, now, announce }: AlertItemProps) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [custom, setCustom] = useState(false);
  const [minutes, setMinutes] = useState('30');

  async function run(action: () => Promise<void>, done: string) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      announce(done);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const snooze = (m: number) => run(() => state.snooze(a.id, m), `Snoozed for ${m} minutes: ${a.title}.`);

  return (
    <li className={`alert-item alert-${a.kind}${cursor ? ' is-cursor' : ''}`} data-alert-id={a.id} onFocus={onCursor} onClick={onCursor}>
      <div className="alert-line">
        <span className={`priority priority-${a.priority}`}>P{a.priority}</span>
        <span className="alert-title" title={a.title}>
          {/* The badge says the priority already. */}
          {a.title.replace(new RegExp(`, priority ${a.priority}$`), '')}
        </span>
        <time className="alert-age" dateTime={a.createdAt}>
          {age(a.createdAt, now)}
        </time>
      </div>
      <p className="alert-meta" title={[a.detail, a.assignedTo ? `Assigned to ${a.assignedTo.name}` : 'Unassigned'].filter(Boolean).join(' · ')}>
        <span className="alert-kind">{ALERT_KIND_LABELS[a.kind] ?? a.kind}</span>
        {' · '}
        {a.detail && <span>{a.detail} · </span>}
        {a.assignedTo ? `Assigned to ${a.assignedTo.name}` : 'Unassigned'}
        {a.status === 'acknowledged' && a.acknowledgedBy && ` · acknowledged by ${a.acknowledgedBy.name}`}
      </p>
      <div className="alert-actions">
        {canAct && a.status === 'open' && (
          <button type="button" className="button-small" disabled={busy} onClick={() => run(() => state.acknowledge(a.id), `Acknowledged: ${a.title}.`)} aria-keyshortcuts="a">
            Acknowledge
          </button>
        )}
        {a.incidentId && (
          <button type="button" className="button-small" onClick={() => onOpenIncident(a.incidentId!)} aria-label={`Open incident: ${a.title}`}>
            Open
          </button>
        )}
        {canAct && (
          <>
            <label htmlFor={`${id}-more`} className="visually-hidden">
              Assign or snooze “{a.title}”
            </label>
            <select
              id={`${id}-more`}
              className="select-small"
              value=""
              disabled={busy}
              onChange={(e) => {
                const [what, value] = e.target.value.split(':') as [string, string];
                if (what === 'snooze' && value === 'custom') return setCustom(true);
                if (what === 'snooze') return void snooze(Number(value));
                const who = colleagues?.find((c) => c.id === value);
                if (what === 'assign' && who) void run(() => state.assign(a.id, who.id), `Assigned to ${who.name}: ${a.title}.`);
              }}
            >
              <option value="">More…</option>
              <optgroup label="Assign to">
                {colleagues?.map((c) => (
                  <option key={c.id} value={`assign:${c.id}`}>
                    {c.name}
                  </option>
                ))}
                {!colleagues && <option disabled>Colleagues are not available</option>}
              </optgroup>
              <optgroup label="Snooze for">
                {SNOOZE_CHOICES.map((c) => (
                  <option key={c.minutes} value={`snooze:${c.minutes}`}>
                    {c.label}
                  </option>
                ))}
                <option value="snooze:custom">Custom…</option>
              </optgroup>
            </select>
          </>
        )}
      </div>
      {custom && (
        <form
          className="snooze-custom"
          onSubmit={(e) => {
            e.preventDefault();
            const m = Number(minutes);
            if (!Number.isInteger(m) || m < 1 || m > 1440) return setError('Snooze for a whole number of minutes from 1 to 1440.');
            setCustom(false);
            void snooze(m);
          }}
        >
          <label htmlFor={`${id}-minutes`}>Minutes</label>
          <input id={`${id}-minutes`} type="number" min={1} max={1440} step={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} autoFocus />
          <button type="submit" className="button-small">
            Snooze
          </button>
          <button type="button" className="button-small button-quiet" onClick={() => setCustom(false)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <p role="alert" className="alert-error">
          {error}
        </p>
      )}
    </li>
  );
}
