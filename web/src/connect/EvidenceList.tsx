// The files an owner shared for a request, each with what happened to it: received, checked (with the short form
// of the SHA-256 the server computed as the bytes arrived), then being prepared, ready, or failed with the reason.
import type { OwnerEvidence } from './ownerRequests';
import { formatMoment, shortHash } from './ownerRequests';
import type { Strings } from './strings';
import { formatBytes } from './uploadLimits';

interface EvidenceListProps {
  t: Strings;
  lang: string;
  timeZone: string | undefined;
  evidence: OwnerEvidence[] | undefined;
  /** The heading's id, for the list's accessible name. */
  headingId: string;
}

export function EvidenceList({ t, lang, timeZone, evidence, headingId }: EvidenceListProps) {
  const r = t.requests;
  if (!evidence) return <p className="muted">{t.loading}</p>;
  if (evidence.length === 0) return <p className="muted">{r.noFiles}</p>;
  return (
    <>
    <ul className="evidence-list" aria-labelledby={headingId}>
      {evidence.map((e) => (
        <li key={e.id} className={`evidence evidence-${e.status}`}>
          <p className="evidence-name">
            <span className="break">{e.originalName}</span> <span className="muted">{formatBytes(e.sizeBytes, lang)}</span>
          </p>
          <ol className="evidence-steps">
            <li className="step-done">{r.received(formatMoment(e.receivedAt, lang, timeZone))}</li>
            <li className="step-done">
              {r.checked}{' '}
              <code className="hash" title={e.sha256}>
                {shortHash(e.sha256)}
              </code>
            </li>
            <li className={e.status === 'ready' ? 'step-done' : e.status === 'failed' ? 'step-failed' : 'step-busy'}>
              {r.evidence[e.status]}
              {e.status === 'failed' && e.failure ? `. ${r.failedReason(e.failure)}` : ''}
            </li>
          </ol>
          {e.status === 'failed' && <p className="hint">{r.failedNote}</p>}
          {e.coverageWarning && <p className="note note-warn">{r.coverage(e.coverageWarning)}</p>}
        </li>
      ))}
    </ul>
    <p className="hint">{r.hashHint}</p>
    </>
  );
}
