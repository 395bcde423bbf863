// Footage requests on the owner's page (M3, M4): the open ones at the top, each saying what is asked and why, for
// which time (in the owner's time zone) and cameras, until when, and that declining has no consequence; with
// "Share footage" (UploadPanel) and "Decline" (optional reason, confirmed). Answered, declined, expired and
// cancelled requests are listed below the cameras as past requests, with the files shared and their status.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { ApiError } from '../api/http';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { cameraTitle } from './CameraCard';
import { EvidenceList } from './EvidenceList';
import { describedBy, Optional } from './form';
import {
  declineRequest,
  evidenceOf,
  formatDay,
  formatFromNow,
  formatMoment,
  formatWindow,
  isOpen,
  shownStatus,
  takesFiles,
  zoneName,
  type OverviewWithRequests,
  type OwnerEvidence,
  type OwnerRequest,
} from './ownerRequests';
import type { Strings } from './strings';
import { UploadPanel } from './UploadPanel';
import { uploadsFor } from './uploads';
import './Requests.css';

export interface RequestsProps {
  t: Strings;
  lang: string;
  overview: OverviewWithRequests;
  timeZone: string | undefined;
  reload(): Promise<void>;
  /** Reports a failure (a 401 ends the page) and returns the sentence to show. */
  failed(err: unknown): string;
  onNotice(text: string): void;
}

/** Requests the owner shared files for during this visit stay at the top, so the files' progress stays in view. */
const sharedThisVisit = new Set<string>();

const isCurrent = (r: OwnerRequest) => isOpen(r) || (takesFiles(r) && (sharedThisVisit.has(r.id) || uploadsFor(r.id).busy()));

export function hasCurrentRequests(overview: OverviewWithRequests): boolean {
  return (overview.requests ?? []).some(isCurrent);
}

export function OpenRequests(props: RequestsProps) {
  const r = props.t.requests;
  const current = (props.overview.requests ?? []).filter(isCurrent);
  if (current.length === 0) return null;
  return (
    <section className="requests" aria-labelledby="requests-title">
      <h2 id="requests-title">
        {r.title} <span className="count">{current.length}</span>
      </h2>
      <p className="requests-intro">{r.intro}</p>
      <ul className="request-cards">
        {current.map((request) => (
          <li key={request.id}>
            <RequestCard {...props} request={request} past={false} />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function PastRequests(props: RequestsProps) {
  const r = props.t.requests;
  const past = (props.overview.requests ?? []).filter((q) => !isCurrent(q));
  if (past.length === 0) return null;
  return (
    <section className="requests requests-past" aria-labelledby="past-requests-title">
      <h2 id="past-requests-title">{r.pastTitle}</h2>
      <ul className="request-cards">
        {past.map((request) => (
          <li key={request.id}>
            <RequestCard {...props} request={request} past />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The files shared for a request, polled while any is still being prepared. */
function useEvidence(requestId: string, wanted: boolean, failed: (err: unknown) => string) {
  const [evidence, setEvidence] = useState<OwnerEvidence[]>();
  const [error, setError] = useState<string>();
  // The page's failure handler is a new function on every render; the loader must not be.
  const failedRef = useRef(failed);
  failedRef.current = failed;
  const load = useCallback(async () => {
    try {
      setEvidence(await evidenceOf(requestId));
      setError(undefined);
    } catch (err) {
      setError(failedRef.current(err));
    }
  }, [requestId]);
  useEffect(() => {
    if (wanted) void load();
  }, [wanted, load]);
  const processing = !!evidence?.some((e) => e.status === 'processing');
  useEffect(() => {
    if (!wanted || !processing) return;
    const timer = setInterval(() => void load(), 2000);
    return () => clearInterval(timer);
  }, [wanted, processing, load]);
  return { evidence, error, load };
}

function RequestCard({ t, lang, overview, timeZone, reload, failed, onNotice, request, past }: RequestsProps & { request: OwnerRequest; past: boolean }) {
  const r = t.requests;
  const status = shownStatus(request);
  const open = isOpen(request);
  const [showFiles, setShowFiles] = useState(!past);
  const [sharing, setSharing] = useState(!past);
  const [confirm, setConfirm] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string>();
  const wantsFiles = request.status === 'answered' && showFiles;
  const { evidence, error, load } = useEvidence(request.id, wantsFiles || (!past && takesFiles(request)), failed);
  const uploads = uploadsFor(request.id);
  // While a file is on its way the choice is made: declining is offered again if it stops.
  const sending = useSyncExternalStore(uploads.subscribe, uploads.getSnapshot).some((u) => ['waiting', 'starting', 'uploading', 'retrying', 'offline', 'finishing'].includes(u.phase));
  const headingId = `request-${request.id}-title`;
  const filesId = `request-${request.id}-files`;
  const reasonId = `request-${request.id}-decline-reason`;

  const cameras = request.cameraIds.map((id) => overview.cameras.find((c) => c.id === id)).map((c) => (c ? cameraTitle(c, t) : undefined));

  const later = useRef({ reload, failed });
  later.current = { reload, failed };
  const onReceived = useCallback(() => {
    sharedThisVisit.add(request.id);
    void load();
    void later.current.reload().catch(later.current.failed);
  }, [request.id, load]);

  const findKept = useCallback(async (name: string, size: number) => {
    const kept = (await evidenceOf(request.id)).filter((e) => e.originalName === name && e.sizeBytes === size).at(-1);
    return kept ? { id: kept.id, sha256: kept.sha256 } : undefined;
  }, [request.id]);

  async function decline() {
    setBusy(true);
    setDialogError(undefined);
    try {
      await declineRequest(request.id, reason);
      setConfirm(false);
      // The request moves to the past requests; the page says so where the focus goes.
      await reload().catch(failed);
      onNotice(r.declined);
    } catch (err) {
      setDialogError(err instanceof ApiError ? failed(err) : String(err));
    } finally {
      setBusy(false);
    }
  }

  const statusLine =
    status === 'answered' && request.answeredAt
      ? r.answeredOn(formatDay(request.answeredAt, lang, timeZone))
      : status === 'declined' && request.answeredAt
        ? r.declinedOn(formatDay(request.answeredAt, lang, timeZone))
        : status === 'expired'
          ? r.expiredOn(formatDay(request.expiresAt, lang, timeZone))
          : status === 'cancelled'
            ? r.cancelledOn(formatDay(request.cancelledAt ?? request.expiresAt, lang, timeZone))
            : undefined;

  return (
    <article className={`request-card request-${status}${request.purposeCode === 'imminent-threat' ? ' request-urgent' : ''}`} aria-labelledby={headingId}>
      <header className="request-head">
        <div>
          <h3 id={headingId}>{r.heading[request.purposeCode] ?? request.purposeCode}</h3>
          <p className="muted">{r.askedOn(formatDay(request.sentAt ?? request.createdAt, lang, timeZone))}</p>
        </div>
        <span className={`badge badge-request-${status}`}>{r.status[status]}</span>
      </header>
      {statusLine && <p className="request-status-line">{statusLine}</p>}
      {status === 'declined' && request.declineReason && <p className="muted request-status-line">{r.yourReason(request.declineReason)}</p>}

      <dl className="request-facts">
        <div className="request-why">
          <dt>{r.facts.why}</dt>
          <dd>
            <blockquote>{request.reason}</blockquote>
          </dd>
        </div>
        <div>
          <dt>{r.facts.purpose}</dt>
          <dd>{r.purpose[request.purposeCode] ?? request.purposeCode}</dd>
        </div>
        <div>
          <dt>{r.facts.window}</dt>
          <dd>
            {formatWindow(request.windowFrom, request.windowTo, lang, timeZone)}
            <span className="hint block">{r.timesIn(zoneName(lang, timeZone, new Date(request.windowFrom)))}</span>
          </dd>
        </div>
        <div>
          <dt>{r.facts.cameras}</dt>
          <dd>
            <ul className="request-cameras">
              {cameras.map((name, i) => (
                <li key={request.cameraIds[i]}>{name ?? '—'}</li>
              ))}
            </ul>
          </dd>
        </div>
        {open && (
          <div>
            <dt>{r.facts.expires}</dt>
            <dd>{r.expiresAt(formatMoment(request.expiresAt, lang, timeZone), formatFromNow(request.expiresAt, lang))}</dd>
          </div>
        )}
      </dl>

      {open && <p className="note voluntary">{r.voluntary}</p>}

      {(request.status === 'answered' || (evidence && evidence.length > 0)) && (
        <div className="request-files">
          {past ? (
            <button type="button" className="button-link" aria-expanded={showFiles} aria-controls={filesId} onClick={() => setShowFiles((s) => !s)}>
              {showFiles ? r.hideFiles : r.showFiles}
            </button>
          ) : (
            <h4 id={`${filesId}-title`}>{r.filesTitle}</h4>
          )}
          <div id={filesId} hidden={!showFiles}>
            {past && (
              <h4 id={`${filesId}-title`} className="visually-hidden">
                {r.filesTitle}
              </h4>
            )}
            {error && (
              <p role="alert" className="message message-alert">
                {error}
              </p>
            )}
            {showFiles && <EvidenceList t={t} lang={lang} timeZone={timeZone} evidence={evidence} headingId={`${filesId}-title`} />}
          </div>
        </div>
      )}

      {takesFiles(request) &&
        (sharing ? (
          <UploadPanel
            t={t}
            lang={lang}
            requestId={request.id}
            title={request.status === 'answered' ? r.shareMore : r.share}
            onReceived={onReceived}
            findKept={findKept}
          />
        ) : (
          <div className="card-actions">
            <button type="button" className="button-secondary" onClick={() => setSharing(true)}>
              {r.shareMore}
            </button>
          </div>
        ))}

      {open && !sending && (
        <div className="decline-row">
          <button type="button" className="button-secondary" onClick={() => setConfirm(true)} aria-describedby={headingId}>
            {r.decline}
          </button>
        </div>
      )}

      <ConfirmDialog
        open={confirm}
        title={r.declineTitle}
        confirmLabel={r.declineConfirm}
        cancelLabel={t.cancel}
        busy={busy}
        busyLabel={r.declining}
        error={dialogError}
        onConfirm={decline}
        onCancel={() => {
          setConfirm(false);
          setDialogError(undefined);
        }}
      >
        <p>{r.declineBody}</p>
        <div className="field decline-reason">
          <label htmlFor={reasonId}>
            {r.declineReason}
            <Optional text={t.optional} />
          </label>
          <p id={`${reasonId}-hint`} className="hint">
            {r.declineReasonHint}
          </p>
          <textarea id={reasonId} rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} aria-describedby={describedBy(reasonId, r.declineReasonHint, undefined)} />
        </div>
      </ConfirmDialog>
    </article>
  );
}
