// The open incident's footage requests, one per owner, with what each owner answered, and the files received for
// each; a file opens in the player with its hash and custody. Files are read again when evidence events name the
// incident, and on every few polls.
import { useCallback, useEffect, useId, useState } from 'react';
import { evidenceOfRequest, type EvidenceView } from '../../api/evidence';
import { PURPOSE_LABELS, type IncidentDetail, type RequestView } from '../../api/incidents';
import { bytes, clock, messageOf } from '../format';
import { STATE_LABELS } from '../requestStates';
import { concerns } from '../useIncidentDetail';
import type { LiveHub } from '../useLive';
import { FootagePlayer } from './FootagePlayer';

function useEvidence(detail: IncidentDetail, hub: LiveHub, enabled: boolean) {
  const [byRequest, setByRequest] = useState<ReadonlyMap<string, EvidenceView[]>>(new Map());
  const [error, setError] = useState<string>();
  const incidentId = detail.incident.id;
  const answered = (enabled ? detail.requests : [])
    .filter((r) => r.status === 'answered')
    .map((r) => r.id)
    .join(',');

  const load = useCallback(async () => {
    const ids = answered ? answered.split(',') : [];
    try {
      const lists = await Promise.all(ids.map(async (id) => [id, (await evidenceOfRequest(id)).evidence] as const));
      setByRequest(new Map(lists));
      setError(undefined);
    } catch (err) {
      setError(`Footage could not be loaded: ${messageOf(err)}`);
    }
  }, [answered]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 300);
    };
    const unsubscribe = hub.subscribe({
      event: (e) => e.type.startsWith('evidence.') && concerns(e, incidentId) && soon(),
      resync: soon,
      poll: (tick) => tick % 3 === 0 && soon(),
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [hub, incidentId, load]);

  return { byRequest, error };
}

/** `showFiles`: the files and the player are for the center's staff (partners see the requests only). */
export function Footage({ detail, hub, now, showFiles }: { detail: IncidentDetail; hub: LiveHub; now: number; showFiles: boolean }) {
  const id = useId();
  const { byRequest, error } = useEvidence(detail, hub, showFiles);
  const [playing, setPlaying] = useState<string>();
  const rankOf = new Map(detail.matches.map((m) => [m.cameraId, m.rank]));
  const files = [...byRequest.values()].flat();
  const shown = playing && files.some((f) => f.id === playing) ? playing : undefined;

  return (
    <section className="panel-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        Requests and footage <span className="count">{detail.requests.length}</span>
      </h3>
      {error && (
        <p role="alert" className="message message-alert panel-message">
          {error}
        </p>
      )}
      {detail.requests.length === 0 && <p className="empty">No footage has been requested for this incident yet.</p>}
      {detail.requests.length > 0 && (
        <ul className="requests">
          {detail.requests.map((r) => (
            <RequestItem key={r.id} request={r} rankOf={rankOf} files={byRequest.get(r.id)} playing={shown} onPlay={setPlaying} now={now} />
          ))}
        </ul>
      )}
      {shown && <FootagePlayer key={shown} evidenceId={shown} incident={detail.incident} onClose={() => setPlaying(undefined)} />}
    </section>
  );
}

function requestLine(r: RequestView, now: number): string {
  switch (r.status) {
    case 'queued':
      return `Goes out ${clock(r.sendAfter, now)}`;
    case 'sent':
      return `Sent ${clock(r.sentAt ?? r.sendAfter, now)} · expires ${clock(r.expiresAt, now)}`;
    case 'answered':
      return `Shared ${clock(r.answeredAt ?? r.createdAt, now)}`;
    case 'declined':
      return `Declined ${clock(r.answeredAt ?? r.createdAt, now)}${r.declineReason ? `: “${r.declineReason}”` : ''}`;
    case 'expired':
      return `Expired ${clock(r.expiresAt, now)} without an answer`;
    case 'cancelled':
      return `Cancelled ${clock(r.cancelledAt ?? r.createdAt, now)}${r.cancelReason ? ` (${r.cancelReason})` : ''}`;
  }
}

interface RequestItemProps {
  request: RequestView;
  rankOf: ReadonlyMap<string, number>;
  files: EvidenceView[] | undefined;
  playing: string | undefined;
  onPlay(id: string): void;
  now: number;
}

function RequestItem({ request: r, rankOf, files, playing, onPlay, now }: RequestItemProps) {
  const ranks = (r.cameraIds ?? []).map((c) => rankOf.get(c)).filter((n): n is number => n !== undefined).sort((a, b) => a - b);
  return (
    <li className="request-item" data-request-id={r.id} data-status={r.status}>
      <div className="request-line">
        <span className={`state state-${r.status}`}>{STATE_LABELS[r.status]}</span>
        <span className="request-cams">{ranks.length ? `Camera${ranks.length === 1 ? '' : 's'} ${ranks.join(', ')}` : `${r.cameraIds?.length ?? 0} camera(s)`}</span>
        <span className="request-by" title={`${PURPOSE_LABELS[r.purposeCode]}; asked by ${r.requestedBy.name ?? r.requestedBy.type}`}>
          {r.requestedBy.name ?? r.requestedBy.type}
        </span>
      </div>
      <p className="request-meta">{requestLine(r, now)}</p>
      {files && files.length > 0 && (
        <ul className="files">
          {files.map((f) => (
            <li key={f.id} className="file">
              <span className="file-name" title={f.originalName}>
                {f.originalName}
              </span>
              <span className="file-meta">
                {bytes(f.sizeBytes)}
                {f.status !== 'ready' && ` · ${f.status === 'processing' ? 'being processed' : 'could not be processed'}`}
              </span>
              <button type="button" className="button-small" onClick={() => onPlay(f.id)} aria-pressed={playing === f.id} aria-label={`${f.playable ? 'Play' : 'Details of'} ${f.originalName}`}>
                {f.playable ? 'Play' : 'Details'}
              </button>
            </li>
          ))}
        </ul>
      )}
      {r.status === 'answered' && files && files.length === 0 && <p className="request-meta">The owner is uploading.</p>}
    </li>
  );
}
