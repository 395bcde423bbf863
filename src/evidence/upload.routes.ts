// Resumable uploads (tus protocol, @tus/server) for owners answering a footage request. Any tus client works
// (Uppy, tus-js-client). The owner session cookie authenticates; Upload-Metadata carries requestId and filename.
//
// The bytes of a PATCH take a short path of their own: from the socket straight into the upload's file, hashed
// (SHA-256) as they are written. @tus/server would pass them through a web stream and back (a copy of every chunk,
// and most of the upload's time), and the finished file would then be read once more to hash it. Everything else —
// creation, HEAD, termination, and any PATCH outside the plain case (a deferred length, a malformed header) — is
// @tus/server's, with the same file store and the same per-upload lock, so the protocol is unchanged.
//
// With WATCHFLOOR_S3_BUCKET set, uploads go to the bucket through @tus/s3-store instead (an S3 multipart upload,
// a part per 8 MiB or more), all of them through @tus/server: the short path is the file store's only. Their ids
// carry the bucket's `uploads/` prefix; the URLs do not.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MemoryLocker, Server, type DataStore, type ServerOptions, type Upload } from '@tus/server';
import { FileStore } from '@tus/file-store';
import { s3Settings } from '../config.js';
import { AppError } from '../errors.js';
import { OWNER_COOKIE } from '../http/access.js';
import { uploadProblem } from './evidence.service.js';
import { UploadHasher, type RunningSha256 } from './upload-hasher.js';

type TusError = { status_code: number; body: string };

function tusError(err: unknown): TusError {
  if (err instanceof AppError) return { status_code: err.status, body: `${err.detail}\n` };
  if (err && typeof err === 'object' && 'status_code' in err) return err as TusError;
  throw err;
}

function ownerCookie(cookieHeader: string | null): string | undefined {
  const m = (cookieHeader ?? '').split(/;\s*/).find((c) => c.startsWith(`${OWNER_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(OWNER_COOKIE.length + 1)) : undefined;
}

/** A SHA-256 of an upload's first `offset` bytes, carried from one PATCH to the next. */
interface RunningHash {
  hash: RunningSha256;
  offset: number;
}

/** Uploads whose running hash is kept (a few hundred bytes each); beyond it the oldest is hashed at the end instead. */
const MAX_RUNNING_HASHES = 1000;

/**
 * Reads a PATCH body into the upload's file at `offset`, at most `maxBytes`, hashing what it writes. A client that
 * goes away (or a PATCH that takes over the upload, `stop`) ends it early: what arrived is kept, as tus expects.
 */
function receiveInto(raw: IncomingMessage, file: string, offset: number, maxBytes: number, hash: RunningSha256 | undefined, stop: AbortSignal) {
  return new Promise<{ written: number; tooLarge: boolean; complete: boolean }>((resolve, reject) => {
    // A large buffer: a socket chunk never has to wait for the previous one's write.
    const out = fs.createWriteStream(file, { flags: 'r+', start: offset, highWaterMark: 16 << 20 });
    let written = 0;
    let tooLarge = false;
    let complete = false;
    let stopped = false;
    const finish = () => {
      if (stopped) return;
      stopped = true;
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('close', onClose);
      stop.removeEventListener('abort', finish);
      out.end();
    };
    const onData = (chunk: Buffer) => {
      if (written + chunk.length > maxBytes) {
        tooLarge = true;
        chunk = chunk.subarray(0, maxBytes - written);
      }
      written += chunk.length;
      hash?.update(chunk);
      if (!out.write(chunk)) raw.pause();
      if (tooLarge) finish();
    };
    const onEnd = () => {
      complete = true;
      finish();
    };
    const onClose = () => finish();
    out.on('drain', () => raw.resume());
    out.on('error', (err) => {
      finish();
      reject(err);
    });
    out.on('finish', () => resolve({ written, tooLarge, complete }));
    raw.on('data', onData);
    raw.on('end', onEnd);
    raw.on('close', onClose);
    stop.addEventListener('abort', finish, { once: true });
    if (stop.aborted) finish();
  });
}

/** The tus datastore and its options for an S3 bucket: ids under `uploads/`, URLs with the bare id. */
async function s3Uploads(settings: NonNullable<ReturnType<typeof s3Settings>>): Promise<{ datastore: DataStore; options: Partial<ServerOptions> }> {
  // Loaded only when used: the AWS SDK is large.
  const [{ S3Store }, { addDeleteObjectsMd5, s3ClientConfig, UPLOAD_PREFIX }] = await Promise.all([import('@tus/s3-store'), import('./s3-evidence-store.js')]);
  class BucketUploads extends S3Store {
    constructor() {
      super({ s3ClientConfig: { bucket: settings.bucket, ...s3ClientConfig(settings) }, partSize: 8 * 1024 * 1024, useTags: false });
      addDeleteObjectsMd5(this.client);
    }
  }
  return {
    datastore: new BucketUploads(),
    options: {
      namingFunction: () => `${UPLOAD_PREFIX}${crypto.randomBytes(16).toString('hex')}`,
      generateUrl: (_req, { path: p, id }) => `${p}/${id.slice(UPLOAD_PREFIX.length)}`,
      getFileIdFromRequest: (_req, lastPath) => (lastPath && /^[0-9a-f]{32}$/.test(lastPath) ? `${UPLOAD_PREFIX}${lastPath}` : undefined),
    },
  };
}

export async function uploadRoutes(app: FastifyInstance): Promise<void> {
  const { evidence, owners, config } = app.ctx;
  const directory = path.join(config.dataDir, 'uploads');
  const s3 = s3Settings(config);
  const bucket = s3 ? await s3Uploads(s3) : undefined;
  const datastore = bucket?.datastore ?? new FileStore({ directory });
  // One process's lock: several instances taking uploads must send all requests of one upload to the same
  // instance (docs/deploy.md).
  const locker = new MemoryLocker();
  const runningHashes = new Map<string, RunningHash>();
  const hasher = new UploadHasher();
  app.addHook('onClose', () => hasher.close());
  const ownerOf = async (req: { headers: Headers }) => {
    const token = ownerCookie(req.headers.get('cookie'));
    if (!token) throw { status_code: 401, body: 'Open the link from your email first.\n' };
    return owners.resolveSession(token).catch((e: unknown) => {
      throw tusError(e);
    });
  };

  const tus = new Server({
    path: '/api/v1/uploads',
    datastore,
    locker,
    maxSize: config.uploadMaxBytes,
    relativeLocation: true,
    respectForwardedHeaders: config.trustProxy,
    disableTerminationForFinishedUploads: true,
    ...bucket?.options,
    async onUploadCreate(req, upload: Upload) {
      const ownerId = await ownerOf(req);
      const problem = uploadProblem(upload.metadata?.filename ?? undefined, upload.size, config.uploadMaxBytes);
      if (problem) throw { status_code: upload.size !== undefined && upload.size > config.uploadMaxBytes ? 413 : 400, body: `${problem}\n` };
      const requestId = upload.metadata?.requestId;
      if (!requestId) throw { status_code: 400, body: 'say which request this answers (Upload-Metadata "requestId")\n' };
      await evidence.openRequestOf(ownerId, requestId).catch((e: unknown) => {
        throw tusError(e);
      });
      return { metadata: { ...upload.metadata, ownerId } };
    },
    async onIncomingRequest(req, uploadId) {
      if (req.method === 'POST' || req.method === 'OPTIONS') return;
      const ownerId = await ownerOf(req);
      const upload = await datastore.getUpload(uploadId).catch(() => undefined);
      // Someone else's upload is answered like a missing one.
      if (upload && upload.metadata?.ownerId !== ownerId) throw { status_code: 404, body: 'The upload does not exist.\n' };
    },
    async onUploadFinish(_req, upload: Upload) {
      return finished(upload, undefined);
    },
  });

  /** A finished upload becomes evidence; `sha256` when its bytes were hashed on the way in. */
  async function finished(upload: Upload, sha256: string | undefined) {
    try {
      const ev = await evidence.receive({
        uploadId: upload.id,
        ...(bucket ? { uploadKey: upload.id } : { uploadPath: path.join(directory, upload.id) }),
        ownerId: upload.metadata!.ownerId!,
        requestId: upload.metadata!.requestId!,
        filename: upload.metadata!.filename!,
        contentType: upload.metadata?.filetype ?? null,
        ...(sha256 ? { sha256 } : {}),
      });
      return { headers: { 'X-Evidence-Id': ev.id, 'X-Evidence-SHA256': ev.sha256 } };
    } catch (err) {
      throw tusError(err);
    }
  }

  const send = (reply: FastifyReply, status: number, headers: Record<string, string>, body = '') => {
    const res = reply.raw;
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'Tus-Resumable': '1.0.0', ...headers, ...(body ? { 'Content-Type': 'text/plain; charset=utf-8' } : {}) });
    res.end(body);
  };

  /**
   * The plain PATCH (tus 1.0.0, the offset+octet-stream type, a numeric offset, a known length) written straight to
   * the file; returns false for anything else, which @tus/server then answers.
   */
  async function fastPatch(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (bucket) return false;
    const h = request.headers;
    const offsetText = h['upload-offset'];
    if (request.method !== 'PATCH' || h['tus-resumable'] !== '1.0.0' || h['content-type'] !== 'application/offset+octet-stream') return false;
    if (typeof offsetText !== 'string' || !/^\d{1,15}$/.test(offsetText) || h['upload-length'] !== undefined) return false;
    const id = (request.params as { id?: string }).id;
    if (!id || !request.ownerId) return false;
    const known = await datastore.getUpload(id).catch(() => undefined);
    if (!known) {
      send(reply, 404, {}, 'The file for this url was not found\n');
      return true;
    }
    // Someone else's upload is answered like a missing one.
    if (known.metadata?.ownerId !== request.ownerId) {
      send(reply, 404, {}, 'The upload does not exist.\n');
      return true;
    }
    if (known.size === undefined) return false;
    const offset = Number(offsetText);
    const stop = new AbortController();
    const lock = locker.newLock(id);
    // A later PATCH of the same upload (the client reconnected) takes over, as with @tus/server.
    await lock.lock(stop.signal, () => stop.abort());
    let answer: { status: number; headers: Record<string, string>; body?: string };
    try {
      const upload = await datastore.getUpload(id);
      const size = upload.size!;
      const lengthText = h['content-length'];
      const length = lengthText === undefined ? undefined : Number(lengthText);
      if (upload.offset !== offset) answer = { status: 409, headers: {}, body: 'Upload-Offset conflict\n' };
      else if (offset + (length ?? 0) > size) answer = { status: 413, headers: {}, body: "upload's size exceeded\n" };
      else {
        // The running hash goes on only from exactly where the last PATCH left it.
        let running = runningHashes.get(id);
        runningHashes.delete(id);
        if (running && (running.offset !== offset || offset === 0)) {
          running.hash.drop();
          running = undefined;
        }
        if (offset === 0) running = { hash: hasher.start(), offset: 0 };
        const got = await receiveInto(request.raw, path.join(directory, id), offset, length ?? size - offset, running?.hash, stop.signal).catch((err: unknown) => {
          request.log.error({ err }, 'writing an upload failed');
          return undefined;
        });
        if (!got) {
          running?.hash.drop();
          answer = { status: 500, headers: {}, body: 'The upload could not be written; try again.\n' };
        }
        else {
          const newOffset = offset + got.written;
          if (running && newOffset < size) {
            running.offset = newOffset;
            runningHashes.set(id, running);
            if (runningHashes.size > MAX_RUNNING_HASHES) {
              const [oldest, evicted] = runningHashes.entries().next().value!;
              evicted.hash.drop();
              runningHashes.delete(oldest);
            }
          }
          if (got.tooLarge) answer = { status: 413, headers: {}, body: 'Maximum size exceeded\n' };
          else if (stop.signal.aborted && !got.complete) answer = { status: 400, headers: {}, body: 'Request aborted due to lock acquired' };
          else if (newOffset < size) answer = { status: 204, headers: { 'Upload-Offset': String(newOffset) } };
          else {
            // Should the hashing thread have failed, the file is hashed instead.
            const sha256 = running ? await running.hash.digest().catch(() => undefined) : undefined;
            upload.offset = newOffset;
            const done = await finished(upload, sha256).catch((err: TusError) => err);
            answer = 'status_code' in done ? { status: done.status_code, headers: {}, body: done.body } : { status: 204, headers: { 'Upload-Offset': String(newOffset), ...done.headers } };
          }
        }
      }
    } finally {
      await lock.unlock();
    }
    send(reply, answer.status, answer.headers, answer.body);
    return true;
  }

  // Leave the body to tus: it streams PATCH bodies to disk as they arrive.
  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    if (await fastPatch(request, reply)) return;
    await tus.handle(request.raw, reply.raw);
  };
  for (const url of ['/api/v1/uploads', '/api/v1/uploads/:id']) {
    app.route({
      method: ['POST', 'PATCH', 'HEAD', 'DELETE', 'OPTIONS'],
      url,
      config: { access: 'owner' },
      schema: { tags: ['owner'], summary: 'Resumable footage upload (tus 1.0.0 protocol; creation, termination of unfinished uploads)' },
      handler: handle,
    });
  }
}
