// What the feed said about the incident: when, where (with the uncertainty), district and ward, source, and any
// further details it sent, shown as text.
import { Fragment } from 'react';
import type { IncidentView } from '../../api/incidents';
import { clock, distance } from '../format';

function value(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function IncidentFacts({ incident: i, now }: { incident: IncidentView; now: number }) {
  const details = Object.entries(i.details ?? {}).slice(0, 20);
  return (
    <dl className="facts incident-facts">
      <dt>Occurred</dt>
      <dd>
        {clock(i.occurredFrom, now)}
        {i.occurredTo && ` – ${clock(i.occurredTo, now)}`}
      </dd>
      {i.reportedAt && (
        <>
          <dt>Reported</dt>
          <dd>{clock(i.reportedAt, now)}</dd>
        </>
      )}
      <dt>Where</dt>
      <dd>
        {i.address && <span>{i.address}</span>}
        {i.address && i.location && <br />}
        {i.location ? `${i.location.lat.toFixed(5)}, ${i.location.lng.toFixed(5)}${i.location.accuracyM ? ` ± ${distance(i.location.accuracyM)}` : ''}` : !i.address && 'No location given'}
      </dd>
      {(i.district || i.ward) && (
        <>
          <dt>Area</dt>
          <dd>{[i.district && `District ${i.district}`, i.ward && `Ward ${i.ward}`].filter(Boolean).join(' · ')}</dd>
        </>
      )}
      <dt>Source</dt>
      <dd>
        {i.source} · {i.externalId}
      </dd>
      {details.map(([k, v]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>{value(v)}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
