// One evidence file: the browser-playable copy in an HTML5 player, its SHA-256, size, duration and the coverage
// warning, a download of the original, and its chain of custody. Playing and downloading are recorded in the
// custody chain with the incident as the purpose; nothing is fetched until someone presses play.
import { useCallback, useEffect, useId, useState } from 'react';
import { getEvidence, originalUrl, playUrl, type CustodyEntry, type EvidenceView } from '../../api/evidence';
import type { IncidentView } from '../../api/incidents';
import { bytes, dateTime, duration, messageOf } from '../format';

/** Custody wants the second: "11/27/26, 12:09:47 AM". */
const exactTime = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'short', timeStyle: 'medium' });

const ACTIONS: Record<string, string> = {
  'evidence.received': 'Received',
  'evidence.hashed': 'Hashed',
  'evidence.ready': 'Playable copy made',
  'evidence.failed': 'Processing failed',
  'evidence.viewed': 'Viewed',
  'evidence.downloaded': 'Original downloaded',
  'evidence.exported': 'Exported',
  'evidence.shared': 'Shared',
};

export function FootagePlayer({ evidenceId, incident, onClose }: { evidenceId: string; incident: IncidentView; onClose(): void }) {
  const id = useId();
  const [facts, setFacts] = useState<{ evidence: EvidenceView; custody: CustodyEntry[] }>();
  const [error, setError] = useState<string>();
  const purpose = `Floor review of incident ${incident.externalId}`;

  const load = useCallback(async () => {
    try {
      setFacts(await getEvidence(evidenceId));
      setError(undefined);
    } catch (err) {
      setError(`The file could not be loaded: ${messageOf(err)}`);
    }
  }, [evidenceId]);

  useEffect(() => {
    void load();
  }, [load]);

  const e = facts?.evidence;
  return (
    <div className="player" role="region" aria-labelledby={`${id}-title`}>
      <div className="section-head">
        <h4 id={`${id}-title`} title={e?.originalName}>
          {e?.originalName ?? 'Footage'}
        </h4>
        <button type="button" className="button-small button-quiet" onClick={onClose}>
          Close player
        </button>
      </div>
      {error && (
        <p role="alert" className="message message-alert panel-message">
          {error}
        </p>
      )}
      {e && (
        <>
          {e.playable ? (
            // Custody records a view when the player fetches the file (after "play"), before the server sends a byte:
            // once the first frame has arrived the entry is there, and the list below is read again to show it.
            <video className="player-video" controls preload="none" src={playUrl(e.id, purpose)} onLoadedData={() => void load()} aria-label={`Footage: ${e.originalName}`} data-evidence-id={e.id} />
          ) : (
            <p className="empty">{e.status === 'processing' ? 'The playable copy is being made; it plays here once ready.' : `No playable copy: ${e.failure ?? 'processing failed'}.`}</p>
          )}
          {e.coverageWarning && <p className="message message-warning panel-message">{e.coverageWarning}</p>}
          <dl className="facts">
            <dt>SHA-256</dt>
            <dd className="hash" data-testid="evidence-sha256">
              {e.sha256}
            </dd>
            <dt>Size</dt>
            <dd>{bytes(e.sizeBytes)}</dd>
            {e.probe?.durationS != null && (
              <>
                <dt>Duration</dt>
                <dd>{duration(e.probe.durationS)}</dd>
              </>
            )}
            {e.probe?.width != null && e.probe.height != null && (
              <>
                <dt>Video</dt>
                <dd>
                  {e.probe.width}×{e.probe.height}
                  {e.probe.videoCodec ? ` ${e.probe.videoCodec}` : ''}
                </dd>
              </>
            )}
            {e.probe?.recordedAt && (
              <>
                <dt>Recorded</dt>
                <dd>{dateTime(e.probe.recordedAt)}</dd>
              </>
            )}
            <dt>Received</dt>
            <dd>{dateTime(e.receivedAt)}</dd>
          </dl>
          <a className="button-small button-link-like" href={originalUrl(e.id, purpose)} download>
            Download the original
          </a>
          <h5 className="custody-title">Chain of custody</h5>
          <ol className="custody">
            {facts.custody.map((c) => (
              <li key={c.seq}>
                <time dateTime={c.at}>{exactTime(c.at)}</time>
                <span className="custody-action">{ACTIONS[c.action] ?? c.action}</span>
                <span className="custody-who">
                  {c.actorName ?? c.actorType}
                  {c.purpose ? ` — ${c.purpose}` : ''}
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
