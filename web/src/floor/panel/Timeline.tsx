// Everything that happened on the incident, oldest first (contract D): created, changed by the feed, matched,
// requests and messages, evidence and custody, notes, alerts, closed. Without the server's timeline, the changes
// the feed made (which the incident itself carries) are shown, and the rest is said to be not available.
import { useId } from 'react';
import type { ChangeView, TimelineEntry } from '../../api/incidents';
import { clock } from '../format';

const KIND_LABELS: Record<TimelineEntry['kind'], string> = {
  created: 'Created',
  changed: 'Changed',
  matched: 'Matched',
  request: 'Request',
  message: 'Message',
  evidence: 'Evidence',
  custody: 'Custody',
  note: 'Note',
  alert: 'Alert',
  closed: 'Closed',
};

interface TimelineProps {
  available: boolean;
  entries: TimelineEntry[] | undefined;
  error: string | undefined;
  changes: ChangeView[];
  now: number;
}

function changeSummary(c: ChangeView): string {
  const fields = Object.keys(c.changes);
  return fields.length ? `The feed changed ${fields.join(', ')}` : 'The feed sent it again, unchanged';
}

export function Timeline({ available, entries, error, changes, now }: TimelineProps) {
  const id = useId();
  return (
    <section className="panel-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Timeline</h3>
      {error && (
        <p role="alert" className="message message-alert panel-message">
          {error}
        </p>
      )}
      {!available && <p className="empty">The full timeline is not available on this server yet.</p>}
      {available && !entries && !error && <p className="muted">Loading…</p>}
      {available && entries && entries.length === 0 && <p className="empty">Nothing has happened on this incident yet.</p>}
      {available && entries && entries.length > 0 && (
        <ol className="timeline">
          {entries.map((e, i) => (
            <li key={`${e.at}-${i}`} className={`timeline-entry timeline-${e.kind}`}>
              <time dateTime={e.at}>{clock(e.at, now)}</time>
              <span className="timeline-kind">{KIND_LABELS[e.kind] ?? e.kind}</span>
              <span className="timeline-summary">
                {e.summary}
                {e.actor?.name && <span className="muted"> — {e.actor.name}</span>}
              </span>
            </li>
          ))}
        </ol>
      )}
      {!available && changes.length > 0 && (
        <>
          <h4 className="subhead">Changes from the feed</h4>
          <ol className="timeline">
            {changes.map((c, i) => (
              <li key={`${c.at}-${i}`} className="timeline-entry timeline-changed">
                <time dateTime={c.at}>{clock(c.at, now)}</time>
                <span className="timeline-kind">Changed</span>
                <span className="timeline-summary">{changeSummary(c)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
