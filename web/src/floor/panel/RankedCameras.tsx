// The open incident's ranked cameras (from the matcher): what each is, how far, which way it faces, its request
// state, and one click to ask its owner for footage (or to withdraw an open ask, where the server allows it).
// The purpose and reason above the list go with every ask; the server audits each one.
import { useId, useState } from 'react';
import { cancelRequest, PURPOSE_CODES, PURPOSE_LABELS, requestFootage, type IncidentDetail, type PurposeCode, type RequestOutcome } from '../../api/incidents';
import { TIER_NAMES } from '../MapLegend';
import type { CameraFeature } from '../cameraLayers';
import { compass, count, distance, messageOf } from '../format';
import { OPEN_STATES, requestsByCamera, STATE_LABELS, type CameraRequestState } from '../requestStates';
import type { RequestForm } from './requestForm';

const KIND_NAMES: Record<string, string> = { doorbell: 'Doorbell', fixed: 'Fixed', dome: 'Dome', ptz: 'PTZ', cctv: 'CCTV', traffic: 'Traffic' };
/** Requests for these states may be made (again). A declined owner is not asked again from here. */
const ASKABLE: ReadonlySet<CameraRequestState> = new Set(['none', 'expired', 'cancelled']);

interface RankedCamerasProps {
  detail: IncidentDetail;
  canAct: boolean;
  cameraById: ReadonlyMap<string, CameraFeature>;
  form: RequestForm;
  canCancel: boolean;
  onChanged(): void;
  onRequestAll(): void;
  announce(text: string): void;
}

export function describeOutcomes(outcomes: readonly RequestOutcome[]): string {
  const asked = outcomes.filter((o) => o.outcome === 'requested').length;
  const merged = outcomes.filter((o) => o.outcome === 'merged').length;
  const skipped = outcomes.filter((o) => o.outcome === 'skipped');
  const parts: string[] = [];
  if (asked) parts.push(`${count(asked)} owner${asked === 1 ? '' : 's'} asked`);
  if (merged) parts.push(`${count(merged)} added to an open request`);
  if (skipped.length) parts.push(`${count(skipped.length)} not asked (${[...new Set(skipped.map((s) => s.reason ?? 'no reason given'))].join('; ')})`);
  return parts.length ? `${parts.join(', ')}.` : 'Nobody was asked.';
}

export function askableCameras(detail: IncidentDetail): string[] {
  const byCamera = requestsByCamera(detail.requests);
  return detail.matches.filter((m) => ASKABLE.has(byCamera.get(m.cameraId)?.status ?? 'none')).map((m) => m.cameraId);
}

export function RankedCameras({ detail, canAct, cameraById, form, canCancel, onChanged, onRequestAll, announce }: RankedCamerasProps) {
  const id = useId();
  const [busy, setBusy] = useState<string>();
  const [result, setResult] = useState<{ text: string; error: boolean }>();
  const byCamera = requestsByCamera(detail.requests);
  // A closed incident, or a reader's view: the list without the asking.
  const closed = detail.incident.status === 'closed' || !canAct;
  const askable = askableCameras(detail);

  async function ask(cameraId: string, rank: number) {
    setBusy(cameraId);
    setResult(undefined);
    try {
      const { outcomes } = await requestFootage(detail.incident.id, { purposeCode: form.purposeCode, reason: form.reason.trim(), cameraIds: [cameraId] });
      const text = `Camera ${rank}: ${describeOutcomes(outcomes)}`;
      setResult({ text, error: false });
      announce(text);
      onChanged();
    } catch (err) {
      setResult({ text: `Camera ${rank} could not be requested: ${messageOf(err)}`, error: true });
    } finally {
      setBusy(undefined);
    }
  }

  async function cancel(cameraId: string, requestId: string, rank: number) {
    setBusy(cameraId);
    setResult(undefined);
    try {
      await cancelRequest(requestId, 'Withdrawn from the floor');
      const text = `Camera ${rank}: the request was withdrawn.`;
      setResult({ text, error: false });
      announce(text);
      onChanged();
    } catch (err) {
      setResult({ text: `The request could not be withdrawn: ${messageOf(err)}`, error: true });
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <section className="panel-section" aria-labelledby={`${id}-title`}>
      <div className="section-head">
        <h3 id={`${id}-title`}>
          Nearby cameras <span className="count">{count(detail.matches.length)}</span>
        </h3>
        {!closed && (
          <button type="button" className="button-small button-primary" onClick={onRequestAll} disabled={askable.length === 0 || !!form.problem} aria-keyshortcuts="r">
            Request all{askable.length ? ` (${askable.length})` : ''}
          </button>
        )}
      </div>
      {detail.matches.length === 0 ? (
        <p className="empty">No verified camera could have seen this incident (none in range facing it, or their footage is no longer kept).</p>
      ) : (
        <>
          {!closed && <RequestFields id={id} form={form} />}
          {result && (
            <p className={`message ${result.error ? 'message-alert' : 'message-status'} panel-message`} role={result.error ? 'alert' : undefined}>
              {result.text}
            </p>
          )}
          <ol className="ranked-cameras">
            {detail.matches.map((m) => {
              const camera = cameraById.get(m.cameraId);
              const request = byCamera.get(m.cameraId);
              const state: CameraRequestState = request?.status ?? 'none';
              const p = camera?.properties;
              const name = p ? `${KIND_NAMES[p.kind] ?? p.kind} · ${TIER_NAMES[p.tier] ?? p.tier}` : `Camera ${m.cameraId.slice(0, 8)}`;
              return (
                <li key={m.cameraId} className="ranked-camera" data-camera-id={m.cameraId} data-state={state}>
                  <span className="rank" aria-label={`Rank ${m.rank}`}>
                    {m.rank}
                  </span>
                  <span className="camera-main">
                    <span className="camera-name">{name}</span>
                    <span className="camera-meta">
                      {distance(m.distanceM)}
                      {p && p.fovDeg < 360 ? ` · faces ${compass(p.bearingDeg)}` : p ? ' · sees all around' : ''}
                      {m.facesArea ? ', toward the spot' : ', may not face the spot'}
                    </span>
                  </span>
                  <span className={`state state-${state}`}>{STATE_LABELS[state]}</span>
                  <span className="camera-action">
                    {!closed && ASKABLE.has(state) && (
                      <button type="button" className="button-small" disabled={busy !== undefined || !!form.problem} onClick={() => void ask(m.cameraId, m.rank)} aria-label={`${busy === m.cameraId ? 'Asking' : state === 'none' ? 'Request' : 'Ask again for'} footage from camera ${m.rank}`}>
                        {busy === m.cameraId ? 'Asking' : state === 'none' ? 'Request' : 'Ask again'}
                      </button>
                    )}
                    {canAct && OPEN_STATES.has(state) && request && (
                      <button
                        type="button"
                        className="button-small button-quiet"
                        disabled={!canCancel || busy !== undefined}
                        title={canCancel ? undefined : 'Withdrawing a request is not available on this server yet'}
                        onClick={() => void cancel(m.cameraId, request.id, m.rank)}
                        aria-label={`Cancel the request for camera ${m.rank}${canCancel ? '' : ' (not available on this server yet)'}`}
                      >
                        {busy === m.cameraId ? 'Cancelling…' : 'Cancel'}
                      </button>
                    )}
                  </span>
                </li>
              );
            })}
          </ol>
        </>
      )}
    </section>
  );
}

function RequestFields({ id, form }: { id: string; form: RequestForm }) {
  return (
    <div className="request-fields">
      <div className="field-inline">
        <label htmlFor={`${id}-purpose`}>Purpose</label>
        <select id={`${id}-purpose`} value={form.purposeCode} onChange={(e) => form.setPurposeCode(e.target.value as PurposeCode)}>
          {PURPOSE_CODES.map((c) => (
            <option key={c} value={c}>
              {PURPOSE_LABELS[c]}
            </option>
          ))}
        </select>
      </div>
      <label htmlFor={`${id}-reason`}>Reason the owner reads</label>
      <textarea id={`${id}-reason`} rows={3} value={form.reason} onChange={(e) => form.setReason(e.target.value)} aria-invalid={!!form.problem} aria-describedby={form.problem ? `${id}-reason-problem` : undefined} />
      {form.problem && (
        <p id={`${id}-reason-problem`} className="field-problem">
          {form.problem}
        </p>
      )}
    </div>
  );
}
