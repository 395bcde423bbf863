// /connect/manage: a camera owner's own page (C3), opened without a password by a mailed single-use link.
// Shows the footage requests made of the owner first (answer them: share files or decline), then the owner's details
// and cameras; edit, pause, resume, withdraw, past requests, request kinds, download everything, withdraw and erase.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api/http';
import type { CameraView, OwnerOverview } from '../api/cameras';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { loadPublicConfig, type PublicConfig } from '../map/publicConfig';
import { CameraCard } from './CameraCard';
import { KindPreferences } from './KindPreferences';
import { usableZone, type OverviewWithRequests } from './ownerRequests';
import { downloadFile, openOwnerSession, takeLinkToken } from './ownerSession';
import { PublicPage } from './PublicPage';
import { RequestLink } from './RequestLink';
import { OpenRequests, PastRequests, type RequestsProps } from './RequestsSection';
import { browserLanguage, LANGUAGE_NAMES, stringsFor, type Strings } from './strings';
import { anyUploadBusy } from './uploads';

interface Notice {
  tone: 'alert' | 'status';
  text: string;
}

type State = { kind: 'opening' } | { kind: 'signed-out'; notice?: Notice } | { kind: 'open'; overview: OwnerOverview } | { kind: 'erased' };

const messageOf = (err: unknown) => (err instanceof ApiError ? err.detail : String(err));

export function OwnerPage() {
  const [state, setState] = useState<State>({ kind: 'opening' });
  const [config, setConfig] = useState<PublicConfig>();
  const language = state.kind === 'open' ? state.overview.owner.language : browserLanguage();
  const { t, lang } = stringsFor(language);

  useEffect(() => {
    let live = true;
    const token = takeLinkToken();
    const opened = token ? openOwnerSession(token) : api.get<OwnerOverview>('/api/v1/owner/me');
    opened.then(
      (overview) => live && setState({ kind: 'open', overview }),
      (err: unknown) => {
        if (!live) return;
        // Without a link, a 401 only means "not signed in"; with one, the server says why the link failed.
        const notice: Notice | undefined = token || !(err instanceof ApiError && err.status === 401) ? { tone: 'alert', text: messageOf(err) } : undefined;
        setState({ kind: 'signed-out', notice });
      },
    );
    loadPublicConfig().then(
      (c) => live && setConfig(c),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  const signedOut = useCallback((notice?: Notice) => setState({ kind: 'signed-out', notice }), []);

  return (
    <PublicPage t={t} lang={lang} title={t.manageDocTitle}>
      {state.kind === 'opening' && (
        <p role="status" className="muted">
          {t.opening}
        </p>
      )}
      {state.kind === 'signed-out' && <RequestLink t={t} notice={state.notice} />}
      {state.kind === 'erased' && (
        <div className="done">
          <h1>{t.erasedTitle}</h1>
          <p role="status">{t.erasedBody}</p>
        </div>
      )}
      {state.kind === 'open' && (
        <Manage
          t={t}
          lang={lang}
          overview={state.overview}
          config={config}
          onOverview={(overview) => setState({ kind: 'open', overview })}
          onSignedOut={signedOut}
          onErased={() => setState({ kind: 'erased' })}
        />
      )}
    </PublicPage>
  );
}

interface ManageProps {
  t: Strings;
  lang: string;
  overview: OwnerOverview;
  config: PublicConfig | undefined;
  onOverview(overview: OwnerOverview): void;
  onSignedOut(notice?: Notice): void;
  onErased(): void;
}

function Manage({ t, lang, overview, config, onOverview, onSignedOut, onErased }: ManageProps) {
  const { owner, cameras, retentionDays } = overview;
  const [notice, setNotice] = useState<Notice>();
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const [focusNotice, setFocusNotice] = useState(0);
  useEffect(() => {
    if (focusNotice) noticeRef.current?.focus();
  }, [focusNotice]);
  const [editing, setEditing] = useState<string>();
  const [confirmAll, setConfirmAll] = useState(false);
  const [busy, setBusy] = useState<'all' | 'download' | 'logout'>();
  const [dialogError, setDialogError] = useState<string>();
  const withRequests = overview as OverviewWithRequests;
  const timeZone = usableZone(withRequests.owner.timeZone);
  const date = (iso: string) => new Date(iso).toLocaleDateString(lang, { dateStyle: 'long', timeZone });

  // Closing or reloading the tab stops uploads on their way (they resume when the file is chosen again): ask first.
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (!anyUploadBusy()) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  /** Any 401 means the owner session has ended (an hour unused, or 12 hours in all): back to asking for a link. */
  const failed = (err: unknown): string => {
    if (err instanceof ApiError && err.status === 401) onSignedOut({ tone: 'alert', text: err.detail });
    return messageOf(err);
  };
  const replaceCamera = (camera: CameraView) => onOverview({ ...overview, cameras: cameras.map((c) => (c.id === camera.id ? camera : c)) });
  const reload = async () => onOverview(await api.get<OwnerOverview>('/api/v1/owner/me'));
  const requestsProps: RequestsProps = {
    t,
    lang,
    overview: withRequests,
    timeZone,
    reload,
    failed,
    // A request answered leaves the list it was in: the focus goes to the sentence that says what happened.
    onNotice: (text) => {
      setNotice({ tone: 'status', text });
      setFocusNotice((n) => n + 1);
    },
  };

  async function withdrawAll() {
    setBusy('all');
    setDialogError(undefined);
    try {
      const r = await api.post<{ withdrawn: number; ownerWithdrawn: boolean; erased: boolean }>('/api/v1/owner/withdraw', {});
      setConfirmAll(false);
      if (r.erased) return onErased();
      await reload();
    } catch (err) {
      setDialogError(failed(err));
    } finally {
      setBusy(undefined);
    }
  }

  async function download() {
    setBusy('download');
    try {
      await downloadFile('/api/v1/owner/export', 'cameraconnect-my-data.json');
    } catch (err) {
      setNotice({ tone: 'alert', text: failed(err) });
    } finally {
      setBusy(undefined);
    }
  }

  async function signOut() {
    setBusy('logout');
    try {
      await api.post('/api/v1/owner/logout', {});
      onSignedOut({ tone: 'status', text: t.signedOut });
    } catch (err) {
      setBusy(undefined);
      setNotice({ tone: 'alert', text: failed(err) });
    }
  }

  const active = cameras.filter((c) => c.status !== 'withdrawn');
  return (
    <div className="manage">
      <div className="manage-head">
        <h1>{t.manageTitle}</h1>
        <div className="manage-actions">
          <button type="button" className="button-secondary" onClick={download} disabled={!!busy}>
            {busy === 'download' ? t.downloading : t.download}
          </button>
          <button type="button" className="button-secondary" onClick={signOut} disabled={!!busy}>
            {t.signOut}
          </button>
        </div>
      </div>
      <div aria-live="polite">
        {notice && (
          <p ref={noticeRef} tabIndex={-1} role={notice.tone} className={notice.tone === 'alert' ? 'message message-alert' : 'message message-status'}>
            {notice.text}
          </p>
        )}
      </div>
      {owner.withdrawnAt && <p className="note">{t.ownerWithdrawn(date(owner.withdrawnAt), retentionDays)}</p>}

      <OpenRequests {...requestsProps} />

      <section className="owner-details" aria-labelledby="details-title">
        <h2 id="details-title">{t.yourDetails}</h2>
        <dl className="facts">
          <div>
            <dt>{t.name}</dt>
            <dd>{owner.name}</dd>
          </div>
          <div>
            <dt>{t.email}</dt>
            <dd className="break">{owner.email}</dd>
          </div>
          {owner.phone && (
            <div>
              <dt>{t.phone}</dt>
              <dd>{owner.phone}</dd>
            </div>
          )}
          <div>
            <dt>{t.registeredAs}</dt>
            <dd>
              {t.ownerKinds[owner.kind]}
              {owner.organization ? ` · ${owner.organization}` : ''}
            </dd>
          </div>
          <div>
            <dt>{t.language}</dt>
            <dd>{LANGUAGE_NAMES[owner.language as keyof typeof LANGUAGE_NAMES] ?? owner.language}</dd>
          </div>
          <div>
            <dt>{t.registeredOn}</dt>
            <dd>{date(owner.createdAt)}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="cameras-title">
        <h2 id="cameras-title" className="visually-hidden">
          {t.manageTitle}
        </h2>
        {cameras.length === 0 && <p className="muted">{t.noCameras}</p>}
        <ul className="camera-cards">
          {cameras.map((camera) => (
            <li key={camera.id}>
              <CameraCard
                camera={camera}
                ownerKind={owner.kind}
                t={t}
                lang={lang}
                config={config}
                editing={editing === camera.id}
                onEdit={(on) => setEditing(on ? camera.id : undefined)}
                onChanged={(c, message) => {
                  replaceCamera(c);
                  if (message) setNotice({ tone: 'status', text: message });
                }}
                onWithdrawn={async (message) => {
                  setNotice({ tone: 'status', text: message });
                  await reload().catch(failed);
                }}
                failed={failed}
              />
            </li>
          ))}
        </ul>
      </section>

      <PastRequests {...requestsProps} />
      {!owner.withdrawnAt && (
        <KindPreferences
          t={t}
          lang={lang}
          declinedKinds={withRequests.owner.declinedKinds ?? []}
          onSaved={(declinedKinds) => onOverview({ ...overview, owner: { ...overview.owner, declinedKinds } } as OwnerOverview)}
          failed={failed}
        />
      )}

      {!owner.withdrawnAt && active.length > 0 && (
        <section className="danger-zone" aria-labelledby="danger-title">
          <h2 id="danger-title">{t.dangerZone}</h2>
          <p className="muted">{t.dangerIntro}</p>
          <button type="button" className="button-secondary button-danger-quiet" onClick={() => setConfirmAll(true)}>
            {t.withdrawAll}
          </button>
        </section>
      )}
      <ConfirmDialog
        open={confirmAll}
        title={t.withdrawAllTitle}
        confirmLabel={t.withdrawAllConfirm}
        cancelLabel={t.cancel}
        danger
        busy={busy === 'all'}
        busyLabel={t.saving}
        error={dialogError}
        onConfirm={withdrawAll}
        onCancel={() => {
          setConfirmAll(false);
          setDialogError(undefined);
        }}
      >
        <p>{t.withdrawAllBody(retentionDays)}</p>
      </ConfirmDialog>
    </div>
  );
}
