// One of the owner's cameras: its status (and what staff said), a map of where it is and what it sees, the
// facts, and what the owner can do with it — edit, pause or resume, withdraw.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/http';
import { MAY_INTEGRATE, type CameraView, type OwnerKind } from '../api/cameras';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CameraMap } from '../map/CameraMap';
import type { PublicConfig } from '../map/publicConfig';
import { compassPointOf } from '../map/wedge';
import { cameraFieldKeys, draftOf, draftProblems, GEOMETRY_KEYS, patchOf, type CameraDraft } from './cameraDraft';
import { CameraFields } from './CameraFields';
import { ErrorSummary, errorsFromServer, type FieldErrors } from './form';
import { mapLocaleOf, type Strings } from './strings';

interface CameraCardProps {
  camera: CameraView;
  ownerKind: OwnerKind;
  t: Strings;
  lang: string;
  config: PublicConfig | undefined;
  editing: boolean;
  onEdit(on: boolean): void;
  onChanged(camera: CameraView, message?: string): void;
  onWithdrawn(message: string): void | Promise<void>;
  /** Reports a failure (a 401 ends the page) and returns the sentence to show. */
  failed(err: unknown): string;
}

const PREFIX = 'edit/';

export function cameraTitle(c: CameraView, t: Strings): string {
  return c.label ?? t.cameraKinds[c.kind] ?? c.kind;
}

export function CameraCard({ camera, ownerKind, t, lang, config, editing, onEdit, onChanged, onWithdrawn, failed }: CameraCardProps) {
  const [busy, setBusy] = useState<'pause' | 'withdraw'>();
  const [error, setError] = useState<string>();
  const [confirm, setConfirm] = useState(false);
  const title = cameraTitle(camera, t);
  const headingId = `camera-${camera.id}-title`;
  const withdrawn = camera.status === 'withdrawn';

  async function pauseOrResume() {
    setBusy('pause');
    setError(undefined);
    try {
      onChanged(await api.post<CameraView>(`/api/v1/owner/cameras/${camera.id}/${camera.status === 'paused' ? 'resume' : 'pause'}`, {}));
    } catch (err) {
      setError(failed(err));
    } finally {
      setBusy(undefined);
    }
  }

  async function withdraw() {
    setBusy('withdraw');
    setError(undefined);
    try {
      await api.post('/api/v1/owner/withdraw', { cameraIds: [camera.id] });
      setConfirm(false);
      await onWithdrawn(t.withdrawn(title));
    } catch (err) {
      setError(failed(err));
      setConfirm(false);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <article className={`camera-card status-${camera.status}`} aria-labelledby={headingId}>
      <header className="camera-card-head">
        <h3 id={headingId}>{title}</h3>
        <StatusBadges camera={camera} t={t} />
      </header>
      {camera.status === 'rejected' && camera.reviewNote && <p className="note note-alert">{t.rejectedReason(camera.reviewNote)}</p>}
      {camera.changesRequested && camera.reviewNote && camera.status !== 'rejected' && <p className="note note-warn">{t.changesNote(camera.reviewNote)}</p>}
      {camera.status === 'paused' && <p className="note">{t.pausedNote}</p>}
      {error && (
        <p role="alert" className="message message-alert">
          {error}
        </p>
      )}

      {editing && config ? (
        <CameraEditor camera={camera} ownerKind={ownerKind} t={t} config={config} onDone={(c, message) => {
            onEdit(false);
            if (c) onChanged(c, message);
          }} failed={failed} />
      ) : (
        <>
          {config && !withdrawn && <CameraMap config={config} camera={camera} label={t.cameraMapLabel(title)} className="card-map" />}
          <Facts camera={camera} t={t} lang={lang} />
          {!withdrawn && (
            <div className="card-actions">
              {camera.status !== 'rejected' && (
                <button type="button" className="button-secondary" onClick={() => onEdit(true)} disabled={!!busy || !config} aria-describedby={headingId}>
                  {t.edit}
                </button>
              )}
              {(camera.status === 'verified' || camera.status === 'pending' || camera.status === 'paused') && (
                <button type="button" className="button-secondary" onClick={pauseOrResume} disabled={!!busy} aria-describedby={headingId}>
                  {camera.status === 'paused' ? t.resume : t.pause}
                </button>
              )}
              <button type="button" className="button-secondary button-danger-quiet" onClick={() => setConfirm(true)} disabled={!!busy} aria-describedby={headingId}>
                {t.withdraw}
              </button>
            </div>
          )}
        </>
      )}
      <ConfirmDialog
        open={confirm}
        title={t.withdrawTitle(title)}
        confirmLabel={t.withdrawConfirm}
        cancelLabel={t.cancel}
        danger
        busy={busy === 'withdraw'}
        busyLabel={t.saving}
        onConfirm={withdraw}
        onCancel={() => setConfirm(false)}
      >
        <p>{t.withdrawBody}</p>
      </ConfirmDialog>
    </article>
  );
}

function StatusBadges({ camera, t }: { camera: CameraView; t: Strings }) {
  return (
    <p className="badges">
      <span className={`badge badge-${camera.status}`}>{t.status[camera.status]}</span>
      {camera.changesRequested && camera.status !== 'rejected' && <span className="badge badge-changes">{t.changesRequested}</span>}
    </p>
  );
}

function Facts({ camera, t, lang }: { camera: CameraView; t: Strings; lang: string }) {
  const f = t.facts;
  const rows: [string, string][] = [
    [t.cameraKind, t.cameraKinds[camera.kind] ?? camera.kind],
    [f.direction, camera.fovDeg >= 360 ? '360°' : t.directionValue(Math.round(camera.bearingDeg), t.compassPoints[compassPointOf(camera.bearingDeg)])],
    [f.width, t.widthValue(Math.round(camera.fovDeg))],
    [f.range, t.rangeValue(Math.round(camera.rangeM))],
    [f.retention, t.days(camera.retentionDays)],
    [f.tier, camera.tier === 'integrated' ? t.tierIntegrated : t.tierRegistered],
    [f.indoor, camera.indoor ? f.yes : f.no],
  ];
  if (camera.address) rows.push([f.address, camera.address]);
  rows.push([t.registeredOn, new Date(camera.createdAt).toLocaleDateString(lang, { dateStyle: 'medium' })]);
  return (
    <dl className="facts facts-compact">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

interface EditorProps {
  camera: CameraView;
  ownerKind: OwnerKind;
  t: Strings;
  config: PublicConfig;
  onDone(camera?: CameraView, message?: string): void;
  failed(err: unknown): string;
}

/** The registration's camera controls, saved with PATCH (only what changed). */
function CameraEditor({ camera, ownerKind, t, config, onDone, failed }: EditorProps) {
  const [draft, setDraft] = useState<CameraDraft>(() => draftOf(camera));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [messages, setMessages] = useState<string[]>([]);
  const [failures, setFailures] = useState(0);
  const [saving, setSaving] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const title = cameraTitle(camera, t);

  useEffect(() => titleRef.current?.focus(), []);
  useEffect(() => {
    if (failures) summary.current?.focus();
  }, [failures]);

  function fail(fields: FieldErrors, other: string[]) {
    setErrors(fields);
    setMessages(other);
    setFailures((n) => n + 1);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    const problems = draftProblems(draft, PREFIX, t, { streamOnFile: camera.hasStream && camera.tier === 'integrated' });
    if (Object.keys(problems).length) return fail(problems, []);
    const patch = patchOf(camera, draft);
    if (Object.keys(patch).length === 0) return onDone(camera, t.nothingChanged);
    setSaving(true);
    try {
      const updated = await api.patch<CameraView>(`/api/v1/owner/cameras/${camera.id}`, patch);
      const backToReview = camera.status === 'verified' && updated.status === 'pending' && GEOMETRY_KEYS.some((k) => k in patch);
      onDone(updated, backToReview ? t.savedBackToReview : t.saved);
    } catch (err) {
      setSaving(false);
      if (err instanceof ApiError && err.status === 400 && err.errors.length) {
        const known = new Set(cameraFieldKeys(PREFIX));
        // The edit's pointers are /body/<field> (schema) or /body/0/<field> (service checks).
        const { fields, other } = errorsFromServer(err.errors, known, (k) => PREFIX + k.replace(/^0\//, '').replace(/(^|\/)stream$/, '$1stream/url'));
        return fail(fields, other);
      }
      fail({}, [failed(err)]);
    }
  }

  const items = cameraFieldKeys(PREFIX)
    .filter((k) => errors[k])
    .map((key) => ({ key, message: errors[key]! }));
  return (
    <form className="camera-editor" onSubmit={save} noValidate aria-labelledby={`${camera.id}-edit-title`}>
      <h4 id={`${camera.id}-edit-title`} ref={titleRef} tabIndex={-1}>
        {t.editTitle(title)}
      </h4>
      {camera.status === 'verified' && <p className="note">{t.recheckNote}</p>}
      <ErrorSummary ref={summary} title={t.errorSummary} items={items} messages={messages} />
      <CameraFields
        draft={draft}
        onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))}
        number={1}
        prefix={PREFIX}
        errors={errors}
        t={t}
        config={config}
        allowIntegrated={MAY_INTEGRATE.has(ownerKind) || camera.tier === 'integrated'}
        streamOnFile={camera.hasStream}
        mapLocale={mapLocaleOf(t)}
      />
      <div className="card-actions">
        <button type="submit" className="button-primary" disabled={saving}>
          {saving ? t.saving : t.save}
        </button>
        <button type="button" className="button-secondary" onClick={() => onDone()} disabled={saving}>
          {t.cancel}
        </button>
      </div>
    </form>
  );
}
