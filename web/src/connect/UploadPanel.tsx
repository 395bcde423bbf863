// Sharing footage for one request: choose files (or drop them), each checked against what the server takes before
// anything is sent, then one progress bar per file with its percent, size, speed and time left, pause and resume.
// Uploads a previous visit left unfinished are offered for resuming: the owner chooses the same file again.
// A polite live region says what happens (a file refused, a quarter more sent, connection lost, received).
import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type DragEvent } from 'react';
import type { Strings } from './strings';
import { ACCEPT, formatBytes, formatDuration, formatPercent, formatSpeed, uploadLimits, VIDEO_EXTENSIONS } from './uploadLimits';
import { uploadsFor, type Resumable, type UploadProblem, type UploadState } from './uploads';

interface UploadPanelProps {
  t: Strings;
  lang: string;
  requestId: string;
  /** "Share footage" or "Share more footage". */
  title: string;
  /** A file was received and checked: reload the request and its files. */
  onReceived(): void;
  findKept(name: string, size: number): Promise<{ id: string; sha256: string } | undefined>;
}

type Offer = Resumable & { offset: number | undefined };

export function UploadPanel({ t, lang, requestId, title, onReceived, findKept }: UploadPanelProps) {
  const r = t.requests;
  const uploads = uploadsFor(requestId);
  const items = useSyncExternalStore(uploads.subscribe, uploads.getSnapshot);
  const [maxBytes, setMaxBytes] = useState<number>();
  const [offers, setOffers] = useState<Offer[]>([]);
  const [dragging, setDragging] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  /** The unfinished upload the file being chosen is meant to resume. */
  const resuming = useRef<Resumable>(undefined);
  const chooser = useRef<HTMLInputElement>(null);
  const announced = useRef(new Map<string, string>());
  const headingId = `share-${requestId}`;
  const hintId = `share-${requestId}-hint`;

  const refreshOffers = useCallback(async () => {
    const found = await uploads.resumables();
    const withOffsets = await Promise.all(
      found.map(async (o): Promise<Offer | undefined> => {
        // Where the server stands, so the offer can say how much is already there; gone uploads are forgotten.
        const res = await fetch(o.uploadUrl, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' }, credentials: 'same-origin', cache: 'no-store' }).catch(() => undefined);
        if (res && (res.status === 404 || res.status === 410)) {
          await uploads.discard(o);
          return undefined;
        }
        const offset = Number(res?.headers.get('upload-offset'));
        return { ...o, offset: res?.ok && Number.isFinite(offset) ? offset : undefined };
      }),
    );
    setOffers(withOffsets.filter((o): o is Offer => !!o));
  }, [uploads]);

  useEffect(() => {
    uploads.hooks = {
      onReceived: () => onReceived(),
      findKept,
    };
  }, [uploads, onReceived, findKept]);

  useEffect(() => {
    let live = true;
    void uploadLimits().then((l) => live && setMaxBytes(l.maxBytes));
    void refreshOffers();
    return () => {
      live = false;
    };
  }, [refreshOffers]);

  // What the live region says: a file's new phase, its problem, and each further quarter sent.
  useEffect(() => {
    const said: string[] = [];
    for (const item of items) {
      const quarter = item.phase === 'uploading' ? Math.floor((item.sent / item.size) * 4) : -1;
      const key = `${item.phase}:${quarter}`;
      if (announced.current.get(item.key) === key) continue;
      const first = !announced.current.has(item.key);
      announced.current.set(item.key, key);
      if (item.phase === 'uploading' && !first && quarter <= 0) continue;
      said.push(`${item.name}: ${item.problem ? problemText(t, lang, item, item.problem) : item.phase === 'uploading' ? formatPercent(item.sent / item.size, lang) : r.phase[item.phase]}`);
    }
    if (said.length) setAnnouncement(said.join(' '));
  }, [items, t, r, lang]);

  // Received files leave this list for the list of shared files; offers are looked at again.
  useEffect(() => {
    const done = items.filter((i) => i.phase === 'done');
    for (const d of done) uploads.dismiss(d.key);
    // A wrong file chosen to resume this one is no longer worth a word.
    for (const i of items) if (i.problem?.code === 'not-same-file' && done.some((d) => d.name === (i.problem as { expectedName: string }).expectedName)) uploads.dismiss(i.key);
    if (done.length) void refreshOffers();
  }, [items, uploads, refreshOffers]);

  function choose(files: FileList | null, resume?: Resumable) {
    if (!files || files.length === 0) return;
    void uploads.add([...files], resume).then(() => {
      if (resume) void refreshOffers();
    });
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files);
  }

  const limits = r.limits(maxBytes ? formatBytes(maxBytes, lang) : undefined);
  return (
    <section className="upload-panel" aria-labelledby={headingId}>
      <h4 id={headingId}>{title}</h4>
      <p className="hint" id={hintId}>
        {r.shareHow}
      </p>

      {offers.length > 0 && (
        <div className="resume-offers">
          <h5>{r.resumeTitle}</h5>
          <ul>
            {offers.map((o) => (
              <li key={o.urlStorageKey}>
                <p>{r.resumeOffer(o.name, o.offset ? formatBytes(o.offset, lang) : undefined, formatBytes(o.size, lang))}</p>
                <p className="hint">{r.resumeHow}</p>
                <div className="file-actions">
                  <button
                    type="button"
                    className="button-primary"
                    onClick={() => {
                      resuming.current = o;
                      chooser.current?.click();
                    }}
                  >
                    {r.resumeButton(o.name)}
                  </button>
                  <button
                    type="button"
                    className="button-secondary"
                    aria-label={r.fileAction(r.startOver, o.name)}
                    onClick={() => void uploads.discard(o).then(refreshOffers)}
                  >
                    {r.startOver}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}

      <div
        className={dragging ? 'drop-zone drop-zone-active' : 'drop-zone'}
        onDragEnter={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <button
          type="button"
          className="button-primary"
          aria-describedby={`${hintId} ${headingId}-limits`}
          onClick={() => {
            resuming.current = undefined;
            chooser.current?.click();
          }}
        >
          {r.chooseFiles}
        </button>
        <span className="drop-text" aria-hidden="true">
          {dragging ? r.dropNow : r.orDrop}
        </span>
        <p className="hint" id={`${headingId}-limits`}>
          {limits}
        </p>
        <input
          ref={chooser}
          type="file"
          multiple
          accept={ACCEPT}
          hidden
          tabIndex={-1}
          data-testid={`files-${requestId}`}
          onChange={(e) => {
            choose(e.currentTarget.files, resuming.current);
            resuming.current = undefined;
            e.currentTarget.value = '';
          }}
        />
      </div>

      {items.length > 0 && (
        <ul className="upload-list" aria-label={r.filesSending}>
          {items.map((item) => (
            <UploadRow key={item.key} t={t} lang={lang} item={item} onPause={() => uploads.pause(item.key)} onResume={() => uploads.resume(item.key)} onDismiss={() => uploads.dismiss(item.key)} />
          ))}
        </ul>
      )}
      <p className="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement}
      </p>
    </section>
  );
}

function problemText(t: Strings, lang: string, item: UploadState, p: UploadProblem): string {
  const r = t.requests.problems;
  switch (p.code) {
    case 'not-video':
      return r.notVideo(item.name, VIDEO_EXTENSIONS.join(', '));
    case 'empty':
      return r.empty(item.name);
    case 'too-large':
      return p.maxBytes ? r.tooLarge(item.name, formatBytes(item.size, lang), formatBytes(p.maxBytes, lang)) : r.tooLargeServer(item.name);
    case 'duplicate':
      return r.duplicate(item.name);
    case 'not-same-file':
      return r.notSameFile(item.name, p.expectedName, formatBytes(p.expectedSize, lang));
    case 'session':
      return r.session;
    case 'closed':
      return r.closed(p.detail);
    case 'server':
      return r.server(p.detail || `HTTP ${p.status}`);
    case 'not-kept':
      return r.notKept;
  }
}

interface RowProps {
  t: Strings;
  lang: string;
  item: UploadState;
  onPause(): void;
  onResume(): void;
  onDismiss(): void;
}

function UploadRow({ t, lang, item, onPause, onResume, onDismiss }: RowProps) {
  const r = t.requests;
  const [now, setNow] = useState(() => Date.now());
  const retrying = item.phase === 'retrying' && item.retryAt !== undefined;
  useEffect(() => {
    if (!retrying) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [retrying]);

  const stopped = item.phase === 'refused' || item.phase === 'failed';
  const moving = ['waiting', 'starting', 'uploading', 'retrying', 'offline'].includes(item.phase);
  const phaseText =
    item.phase === 'retrying' && item.retryAt !== undefined && item.retryAt - now >= 1000 ? r.retryIn(Math.ceil((item.retryAt - now) / 1000)) : r.phase[item.phase];
  const fraction = item.size ? item.sent / item.size : 0;
  const nameId = `upload-${item.key.replace(/[^\w-]/g, '-')}`;
  return (
    <li className={`upload upload-${item.phase}`} aria-labelledby={nameId}>
      <p className="upload-head">
        <span id={nameId} className="upload-name break">
          {item.name}
        </span>
        <span className={stopped ? 'upload-phase upload-phase-bad' : 'upload-phase'}>{phaseText}</span>
      </p>
      {item.problem ? (
        <p className="field-error">{problemText(t, lang, item, item.problem)}</p>
      ) : (
        <>
          <progress max={item.size} value={item.sent} aria-label={r.progressLabel(item.name)} aria-valuetext={formatPercent(fraction, lang)} />
          <p className="upload-figures">
            <span>{r.progress(formatPercent(fraction, lang), formatBytes(item.sent, lang), formatBytes(item.size, lang))}</span>
            {item.phase === 'uploading' && item.speed ? <span>{r.speed(formatSpeed(item.speed, lang), formatDuration((item.size - item.sent) / item.speed, lang))}</span> : null}
          </p>
          {item.resumedFrom ? <p className="hint">{r.resumedAt(formatBytes(item.resumedFrom, lang))}</p> : null}
        </>
      )}
      <div className="file-actions">
        {moving && item.phase !== 'offline' && item.phase !== 'retrying' && (
          <button type="button" className="button-secondary" onClick={onPause} aria-label={r.fileAction(r.pause, item.name)}>
            {r.pause}
          </button>
        )}
        {item.phase === 'paused' && (
          <button type="button" className="button-secondary" onClick={onResume} aria-label={r.fileAction(r.resume, item.name)}>
            {r.resume}
          </button>
        )}
        {(item.phase === 'retrying' || item.phase === 'offline') && (
          <>
            <button type="button" className="button-secondary" onClick={onResume} aria-label={r.fileAction(r.tryNow, item.name)}>
              {r.tryNow}
            </button>
            <button type="button" className="button-secondary" onClick={onPause} aria-label={r.fileAction(r.pause, item.name)}>
              {r.pause}
            </button>
          </>
        )}
        {stopped && (
          <button type="button" className="button-secondary" onClick={onDismiss} aria-label={r.fileAction(r.removeFromList, item.name)}>
            {r.removeFromList}
          </button>
        )}
      </div>
    </li>
  );
}
