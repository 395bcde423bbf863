// The owner's uploads for one footage request, with tus-js-client: checked against the server's limits first, sent
// one file at a time in pieces, paused and resumed on demand, retried on their own when the connection drops (and
// when it comes back after the browser went offline), and resumable after the tab is reloaded: tus-js-client keeps
// each unfinished upload's address in localStorage under a fingerprint of the file, and the page offers to resume
// it once the owner chooses the same file again (a browser never reopens a file by itself).
import { defaultOptions, Upload, type DetailedError, type HttpRequest, type HttpResponse, type PreviousUpload } from 'tus-js-client';
import { chunkSizeFor, fileProblem, UPLOAD_ENDPOINT, uploadLimits, type FileProblem } from './uploadLimits';

export type UploadPhase =
  /** Refused before anything was sent (not video, empty, too large, the same file twice, not the file to resume). */
  | 'refused'
  | 'waiting'
  | 'starting'
  | 'uploading'
  /** A request failed; tus-js-client tries again after a short delay. */
  | 'retrying'
  /** The browser is offline: the upload goes on by itself when the connection is back. */
  | 'offline'
  | 'paused'
  /** Every byte is sent; the server is hashing and checking the file. */
  | 'finishing'
  | 'done'
  | 'failed';

export type UploadProblem =
  | FileProblem
  | { code: 'duplicate' }
  | { code: 'not-same-file'; expectedName: string; expectedSize: number }
  /** The owner page's session ended (401): a new link opens it again and the upload resumes. */
  | { code: 'session' }
  /** The request no longer takes files (closed, expired or cancelled meanwhile). */
  | { code: 'closed'; detail: string }
  | { code: 'server'; status: number; detail: string }
  /** The file arrived but is not in the list of what was kept (the server refused it as it finished). */
  | { code: 'not-kept' };

export interface UploadState {
  key: string;
  name: string;
  size: number;
  phase: UploadPhase;
  /** Bytes the server has confirmed, or sent so far in the current piece. */
  sent: number;
  /** Bytes per second over the last few seconds, once there is enough to say. */
  speed: number | undefined;
  /** Where the server said this upload stood when it was resumed (after a reload, a retry or going offline). */
  resumedFrom: number | undefined;
  /** When the next automatic attempt happens (epoch ms), while retrying. */
  retryAt: number | undefined;
  problem: UploadProblem | undefined;
  evidenceId: string | undefined;
  sha256: string | undefined;
}

/** An upload a previous visit left unfinished, waiting for the owner to choose the same file again. */
export interface Resumable {
  urlStorageKey: string;
  uploadUrl: string;
  name: string;
  size: number;
  createdAt: string;
}

/** Delays before tus-js-client's automatic retries; after them the page keeps trying every 30 s while it is open. */
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10_000, 20_000];
const LATER_RETRY_MS = 30_000;
const SPEED_WINDOW_MS = 8000;

const endpoint = () => new URL(UPLOAD_ENDPOINT, window.location.origin).href;

/** One file's upload for one request: the same file for another request is another upload. */
function fingerprintOf(requestId: string, file: File): string {
  return ['watchfloor', requestId, file.name, file.size, file.lastModified].join('-');
}

function detailOf(res: HttpResponse | null): string {
  return (res?.getBody() ?? '').trim();
}

type Listener = () => void;

/** What the page needs to know when a file was received: reload the request and its files. */
export interface UploadHooks {
  onReceived(state: UploadState): void;
  /** Looks the file up in what the server kept, when an upload finished without the server's receipt. */
  findKept(name: string, size: number): Promise<{ id: string; sha256: string } | undefined>;
}

class FileUpload {
  state: UploadState;
  upload: Upload | undefined;
  samples: { at: number; bytes: number }[] = [];
  laterTimer: ReturnType<typeof setTimeout> | undefined;
  onlineListener: (() => void) | undefined;

  constructor(
    readonly file: File,
    key: string,
    readonly previous: PreviousUpload | undefined,
  ) {
    this.state = { key, name: file.name, size: file.size, phase: 'waiting', sent: 0, speed: undefined, resumedFrom: undefined, retryAt: undefined, problem: undefined, evidenceId: undefined, sha256: undefined };
  }

  clearTimers(): void {
    if (this.laterTimer) clearTimeout(this.laterTimer);
    this.laterTimer = undefined;
    if (this.onlineListener) window.removeEventListener('online', this.onlineListener);
    this.onlineListener = undefined;
  }
}

export class RequestUploads {
  #files: FileUpload[] = [];
  #snapshot: readonly UploadState[] = [];
  #listeners = new Set<Listener>();
  #counter = 0;
  #lastEmit = 0;
  #emitTimer: ReturnType<typeof setTimeout> | undefined;
  hooks: UploadHooks | undefined;

  constructor(readonly requestId: string) {}

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): readonly UploadState[] => this.#snapshot;

  /** Whether anything is still on its way (the page warns before it is closed). */
  busy(): boolean {
    return this.#files.some((f) => ['waiting', 'starting', 'uploading', 'retrying', 'offline', 'finishing'].includes(f.state.phase));
  }

  /** Unfinished uploads for this request that an earlier visit left in this browser. */
  async resumables(): Promise<Resumable[]> {
    const stored = await defaultOptions.urlStorage.findAllUploads().catch(() => [] as PreviousUpload[]);
    const mine = stored.filter((u) => u.metadata?.requestId === this.requestId && u.uploadUrl && u.size !== null);
    const live = this.#files.filter((f) => f.state.phase !== 'refused' && f.state.phase !== 'failed');
    const inProgress = new Set(live.flatMap((f) => [f.previous?.urlStorageKey, f.upload?.url ?? undefined]).filter(Boolean));
    return mine
      .filter((u) => !inProgress.has(u.urlStorageKey) && !inProgress.has(new URL(u.uploadUrl!, endpoint()).href) && !inProgress.has(u.uploadUrl!))
      .map((u) => ({ urlStorageKey: u.urlStorageKey, uploadUrl: u.uploadUrl!, name: u.metadata.filename ?? '', size: u.size!, createdAt: u.creationTime }));
  }

  /** Forgets an unfinished upload and asks the server to drop what it has of it. */
  async discard(r: Resumable): Promise<void> {
    await defaultOptions.urlStorage.removeUpload(r.urlStorageKey).catch(() => undefined);
    await Upload.terminate(new URL(r.uploadUrl, endpoint()).href, { retryDelays: null }).catch(() => undefined);
  }

  /** Adds files to send, each checked first; a file chosen to resume an earlier upload must be that same file. */
  async add(files: File[], resume?: Resumable): Promise<void> {
    const { maxBytes } = await uploadLimits();
    const previous = resume ? await this.#previousFor(resume) : undefined;
    for (const file of files) {
      const entry = new FileUpload(file, `${this.requestId}:${++this.#counter}`, previous);
      let problem: UploadProblem | undefined = fileProblem(file, maxBytes);
      if (!problem && resume && (file.name !== resume.name || file.size !== resume.size)) problem = { code: 'not-same-file', expectedName: resume.name, expectedSize: resume.size };
      const live = (f: FileUpload) => f.state.phase !== 'refused' && f.state.phase !== 'failed';
      if (!problem && this.#files.some((f) => live(f) && f.file.name === file.name && f.file.size === file.size && f.file.lastModified === file.lastModified)) problem = { code: 'duplicate' };
      if (problem) entry.state = { ...entry.state, phase: 'refused', problem };
      this.#files.push(entry);
    }
    this.#emit(true);
    this.#pump();
  }

  pause(key: string): void {
    const f = this.#find(key);
    if (!f || !['waiting', 'starting', 'uploading', 'retrying', 'offline'].includes(f.state.phase)) return;
    f.clearTimers();
    void f.upload?.abort(false);
    this.#set(f, { phase: 'paused', speed: undefined, retryAt: undefined });
    this.#pump();
  }

  resume(key: string): void {
    const f = this.#find(key);
    if (!f || (f.state.phase !== 'paused' && f.state.phase !== 'offline' && f.state.phase !== 'retrying')) return;
    f.clearTimers();
    if (f.state.phase === 'offline' || f.state.phase === 'retrying') void f.upload?.abort(false);
    this.#set(f, { phase: 'waiting', problem: undefined, retryAt: undefined });
    this.#pump();
  }

  /** Takes a refused or failed file off the list. */
  dismiss(key: string): void {
    const f = this.#find(key);
    if (!f || (f.state.phase !== 'refused' && f.state.phase !== 'failed' && f.state.phase !== 'done')) return;
    this.#files = this.#files.filter((x) => x !== f);
    this.#emit(true);
  }

  async #previousFor(r: Resumable): Promise<PreviousUpload | undefined> {
    const stored = await defaultOptions.urlStorage.findAllUploads().catch(() => [] as PreviousUpload[]);
    return stored.find((u) => u.urlStorageKey === r.urlStorageKey);
  }

  #find(key: string): FileUpload | undefined {
    return this.#files.find((f) => f.state.key === key);
  }

  /** One file at a time: the next waiting file starts when nothing else is on its way. */
  #pump(): void {
    if (this.#files.some((f) => ['starting', 'uploading', 'retrying', 'offline', 'finishing'].includes(f.state.phase))) return;
    const next = this.#files.find((f) => f.state.phase === 'waiting');
    if (next) void this.#start(next);
  }

  async #start(f: FileUpload): Promise<void> {
    this.#set(f, { phase: 'starting', speed: undefined, retryAt: undefined });
    f.samples = [];
    if (!f.upload) {
      f.upload = new Upload(f.file, {
        endpoint: endpoint(),
        metadata: { requestId: this.requestId, filename: f.file.name, ...(f.file.type ? { filetype: f.file.type } : {}) },
        chunkSize: chunkSizeFor(f.file.size),
        retryDelays: RETRY_DELAYS,
        removeFingerprintOnSuccess: true,
        fingerprint: async (file: File) => fingerprintOf(this.requestId, file),
        onAfterResponse: (req: HttpRequest, res: HttpResponse) => {
          // HEAD answers where the server stands: the point this upload resumes from.
          if (req.getMethod() === 'HEAD' && res.getStatus() < 300) {
            const offset = Number(res.getHeader('Upload-Offset'));
            if (Number.isFinite(offset)) this.#set(f, { resumedFrom: offset, sent: offset });
          }
        },
        onShouldRetry: (err: DetailedError, attempt: number) => {
          const status = err.originalResponse?.getStatus() ?? 0;
          // 409 is tus's "wrong offset" (worth a retry, which asks the server where it stands); any other 409 is the
          // request refusing the file, which no retry changes.
          const offsetConflict = status === 409 && /offset/i.test(detailOf(err.originalResponse));
          const retry = (status < 400 || status >= 500 || offsetConflict || status === 423) && navigator.onLine;
          if (retry) this.#set(f, { phase: 'retrying', speed: undefined, retryAt: Date.now() + (RETRY_DELAYS[attempt] ?? 0) }, true);
          return retry;
        },
        onProgress: (bytesSent: number) => this.#progress(f, bytesSent),
        onSuccess: ({ lastResponse }) => void this.#finished(f, lastResponse),
        onError: (err) => this.#failed(f, err as DetailedError),
      });
      const previous = f.previous ? [f.previous] : await f.upload.findPreviousUploads().catch(() => [] as PreviousUpload[]);
      const newest = previous.sort((a, b) => Date.parse(b.creationTime) - Date.parse(a.creationTime))[0];
      if (newest) f.upload.resumeFromPreviousUpload(newest);
    }
    f.upload.start();
  }

  #progress(f: FileUpload, bytesSent: number): void {
    const now = performance.now();
    f.samples.push({ at: now, bytes: bytesSent });
    while (f.samples.length > 2 && now - f.samples[0]!.at > SPEED_WINDOW_MS) f.samples.shift();
    const first = f.samples[0]!;
    const span = now - first.at;
    const speed = span >= 500 && bytesSent > first.bytes ? ((bytesSent - first.bytes) * 1000) / span : f.state.speed;
    const phase: UploadPhase = bytesSent >= f.state.size ? 'finishing' : 'uploading';
    this.#set(f, { phase, sent: bytesSent, speed, retryAt: undefined }, phase !== f.state.phase);
  }

  async #finished(f: FileUpload, res: HttpResponse): Promise<void> {
    f.clearTimers();
    let evidenceId = res.getHeader('X-Evidence-Id') ?? undefined;
    let sha256 = res.getHeader('X-Evidence-SHA256') ?? undefined;
    if (!evidenceId) {
      // Finished in an earlier visit (the last answer never arrived): the server's list says what it kept.
      const kept = await this.hooks?.findKept(f.file.name, f.file.size).catch(() => undefined);
      evidenceId = kept?.id;
      sha256 = kept?.sha256;
    }
    if (!evidenceId) this.#set(f, { phase: 'failed', problem: { code: 'not-kept' }, speed: undefined }, true);
    else {
      this.#set(f, { phase: 'done', sent: f.state.size, evidenceId, sha256, speed: undefined }, true);
      this.hooks?.onReceived(f.state);
    }
    this.#pump();
  }

  #failed(f: FileUpload, err: DetailedError): void {
    const res = err.originalResponse ?? null;
    const status = res?.getStatus() ?? 0;
    if (status === 0 || status >= 500 || status === 423 || (status === 409 && /offset/i.test(detailOf(res)))) {
      // The connection (or the server) is gone for now: wait for the browser to be back online, or try again later.
      f.clearTimers();
      const again = () => {
        f.clearTimers();
        if (this.#find(f.state.key)?.state.phase === 'offline' || this.#find(f.state.key)?.state.phase === 'retrying') {
          this.#set(f, { phase: 'starting', retryAt: undefined }, true);
          f.upload?.start();
        }
      };
      if (!navigator.onLine) {
        f.onlineListener = again;
        window.addEventListener('online', again);
        this.#set(f, { phase: 'offline', speed: undefined, retryAt: undefined }, true);
      } else {
        f.laterTimer = setTimeout(again, LATER_RETRY_MS);
        f.onlineListener = again;
        window.addEventListener('online', again);
        this.#set(f, { phase: 'retrying', speed: undefined, retryAt: Date.now() + LATER_RETRY_MS }, true);
      }
      return;
    }
    const detail = detailOf(res);
    const problem: UploadProblem =
      status === 401
        ? { code: 'session' }
        : status === 413
          ? { code: 'too-large', maxBytes: Number(res?.getHeader('Tus-Max-Size')) || 0 }
          : status === 404 || status === 409
            ? { code: 'closed', detail }
            : { code: 'server', status, detail };
    this.#set(f, { phase: 'failed', problem, speed: undefined, retryAt: undefined }, true);
    this.#pump();
  }

  #set(f: FileUpload, patch: Partial<UploadState>, now = false): void {
    const changed = patch.phase !== undefined && patch.phase !== f.state.phase;
    f.state = { ...f.state, ...patch };
    this.#emit(now || changed);
  }

  /** Progress arrives many times a second; the page redraws at most five times a second, and at once on a change. */
  #emit(now: boolean): void {
    const fire = () => {
      this.#emitTimer = undefined;
      this.#lastEmit = performance.now();
      this.#snapshot = this.#files.map((f) => f.state);
      for (const l of this.#listeners) l();
    };
    if (now) {
      if (this.#emitTimer) clearTimeout(this.#emitTimer);
      fire();
    } else if (!this.#emitTimer) {
      this.#emitTimer = setTimeout(fire, Math.max(0, 200 - (performance.now() - this.#lastEmit)));
    }
  }
}

const byRequest = new Map<string, RequestUploads>();

/** The uploads of a request live as long as the page: they carry on while the owner looks at other parts of it. */
export function uploadsFor(requestId: string): RequestUploads {
  let u = byRequest.get(requestId);
  if (!u) byRequest.set(requestId, (u = new RequestUploads(requestId)));
  return u;
}

/** Whether any request's upload is still on its way. */
export function anyUploadBusy(): boolean {
  return [...byRequest.values()].some((u) => u.busy());
}
