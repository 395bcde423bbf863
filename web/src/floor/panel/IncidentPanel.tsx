// The incident panel (F2), beside the map: what happened and where, the ranked cameras with one-click requests,
// the requests and their footage (player, hash, custody), the timeline, notes, and closing the incident.
// "Request all" (also the r key) and closing ask first.
import { useId, useImperativeHandle, useState, type Ref } from 'react';
import type { Capabilities } from '../../api/capabilities';
import { closeIncident, requestFootage, type IncidentDetail, type IncidentView, type TimelineEntry } from '../../api/incidents';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import type { CameraFeature } from '../cameraLayers';
import { count, messageOf } from '../format';
import { KIND_COLORS, kindOf, PRIORITY_WORDS } from '../incidentKinds';
import type { LiveHub } from '../useLive';
import { Footage } from './Footage';
import { IncidentFacts } from './IncidentFacts';
import { Notes } from './Notes';
import { askableCameras, describeOutcomes, RankedCameras } from './RankedCameras';
import { useRequestForm } from './requestForm';
import { Timeline } from './Timeline';
import './IncidentPanel.css';

export interface IncidentPanelHandle {
  /** Ask (with a confirmation) for footage from every ranked camera not yet asked. */
  requestAll(): void;
}

interface IncidentPanelProps {
  ref?: Ref<IncidentPanelHandle>;
  incidentId: string;
  /** The incident as the list has it: shown at once, while the full record loads. */
  listed: IncidentView | undefined;
  detail: IncidentDetail | undefined;
  detailError: { text: string; status: number } | undefined;
  reloadDetail(): Promise<void>;
  timeline: { entries: TimelineEntry[] | undefined; error: string | undefined; reload(): Promise<void> };
  caps: Capabilities;
  /** Operators, supervisors and admins ask for footage, note and close; partners read. */
  canAct: boolean;
  cameraById: ReadonlyMap<string, CameraFeature>;
  hub: LiveHub;
  now: number;
  onClose(): void;
  onIncidentChanged(incident: IncidentView): void;
  announce(text: string): void;
}

export function IncidentPanel(props: IncidentPanelProps) {
  const { ref, incidentId, listed, detail, detailError, reloadDetail, timeline, caps, canAct, cameraById, hub, now, onClose, onIncidentChanged, announce } = props;
  const titleId = useId();
  const incident = detail?.incident ?? listed;
  const form = useRequestForm(incident);
  const [asking, setAsking] = useState<'all' | 'close'>();
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const askable = detail ? askableCameras(detail) : [];

  useImperativeHandle(ref, () => ({
    requestAll() {
      if (!detail) return announce('The incident is still loading.');
      if (detail.incident.status === 'closed') return announce('The incident is closed: no more footage can be requested.');
      if (askable.length === 0) return announce('Every ranked camera has been asked already.');
      if (form.problem) return announce(form.problem);
      openDialog('all');
    },
  }));

  function openDialog(which: 'all' | 'close') {
    setDialogError(undefined);
    setAsking(which);
  }

  async function confirm() {
    if (!detail) return;
    setBusy(true);
    setDialogError(undefined);
    try {
      if (asking === 'all') {
        const { outcomes } = await requestFootage(detail.incident.id, { purposeCode: form.purposeCode, reason: form.reason.trim(), cameraIds: askable });
        const text = `Requested from all: ${describeOutcomes(outcomes)}`;
        setNotice(text);
        announce(text);
      } else {
        const closed = await closeIncident(detail.incident.id);
        onIncidentChanged(closed);
        setNotice('The incident is closed. Open requests that concerned only it were cancelled.');
        announce(`Closed incident ${closed.externalId}.`);
      }
      setAsking(undefined);
      await reloadDetail();
    } catch (err) {
      setDialogError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const kind = incident ? kindOf(incident.type) : 'other';
  return (
    <section className="incident-panel" aria-labelledby={titleId} data-incident-id={incidentId}>
      <header className="panel-head">
        <div className="panel-title">
          {incident && (
            <span className={`priority priority-${incident.priority}`} title={`Priority ${incident.priority} (${PRIORITY_WORDS[incident.priority]})`}>
              P{incident.priority}
            </span>
          )}
          <span className="kind-dot" style={{ background: KIND_COLORS[kind] }} aria-hidden="true" />
          <h2 id={titleId} tabIndex={-1}>
            {incident?.type ?? 'Incident'}
          </h2>
          {incident?.status === 'closed' && <span className="tag">Closed</span>}
        </div>
        <button type="button" className="panel-close" onClick={onClose} aria-label="Close the incident panel" aria-keyshortcuts="Escape" title="Close (Esc)">
          ×
        </button>
      </header>
      <div className="panel-body">
        {detailError && (
          <p role="alert" className="message message-alert panel-message">
            {detailError.status === 404 ? 'This incident does not exist, or is not yours to see.' : detailError.text}
          </p>
        )}
        {!incident && !detailError && <p className="muted">Loading the incident…</p>}
        {incident && <IncidentFacts incident={incident} now={now} />}
        {canAct && incident && incident.status === 'open' && detail && (
          <div className="panel-actions">
            <button type="button" className="button-small button-quiet" onClick={() => openDialog('close')}>
              Close incident…
            </button>
          </div>
        )}
        {notice && (
          <p className="message message-status panel-message" role="status">
            {notice}
          </p>
        )}
        {detail && (
          <>
            <RankedCameras detail={detail} canAct={canAct} cameraById={cameraById} form={form} canCancel={caps.cancelRequest} onChanged={() => void reloadDetail()} onRequestAll={() => openDialog('all')} announce={announce} />
            <Footage detail={detail} hub={hub} now={now} showFiles={canAct} />
            <Timeline available={caps.timeline} entries={timeline.entries} error={timeline.error} changes={detail.changes} now={now} />
            <Notes incidentId={detail.incident.id} available={caps.notes} canWrite={canAct} timelineAvailable={caps.timeline} entries={timeline.entries} onAdded={() => void timeline.reload()} announce={announce} now={now} />
          </>
        )}
      </div>
      <ConfirmDialog
        open={asking === 'all'}
        title="Request footage from all cameras?"
        confirmLabel={`Ask ${count(askable.length)} camera${askable.length === 1 ? '' : 's'}`}
        cancelLabel="Cancel"
        busy={busy}
        busyLabel="Asking…"
        error={dialogError}
        onConfirm={() => void confirm()}
        onCancel={() => setAsking(undefined)}
      >
        <p>
          The owners of {count(askable.length)} ranked camera{askable.length === 1 ? '' : 's'} not asked yet will be asked for footage of {incident?.type.toLowerCase()} {incident?.externalId}, for{' '}
          {form.purposeCode.replace(/-/g, ' ')}.
        </p>
        <p className="muted">They read: “{form.reason.trim()}”</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={asking === 'close'}
        title={`Close incident ${incident?.externalId ?? ''}?`}
        confirmLabel="Close incident"
        cancelLabel="Keep open"
        danger
        busy={busy}
        busyLabel="Closing…"
        error={dialogError}
        onConfirm={() => void confirm()}
        onCancel={() => setAsking(undefined)}
      >
        <p>Open requests that concern only this incident are cancelled, and messages not yet sent are withdrawn.</p>
      </ConfirmDialog>
    </section>
  );
}
