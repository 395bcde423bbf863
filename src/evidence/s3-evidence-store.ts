// Evidence in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Swift's s3api, …), chosen by WATCHFLOOR_S3_BUCKET.
// The bucket holds two prefixes: `uploads/` for tus uploads in progress (@tus/s3-store: the multipart upload, its
// `.info` and `.part` objects) and `evidence/` for stored files under the same relative keys as the local store.
//
// A finished upload is read once (streamed to a working copy, hashed with SHA-256 on the way) for ffprobe, then
// copied inside the bucket to its evidence key (a server-side copy: the bytes do not pass through the app again and
// are not changed), and the upload's objects are deleted. Files the app makes (the playable copy; a clip handed in
// from a local file) are uploaded with Content-MD5 on every request, so the service refuses bytes that changed on
// the way. No evidence key is ever written twice: a HEAD first, and `If-None-Match: *` on the write where the
// service supports conditional writes (AWS S3, MinIO, recent Ceph; older ones answer 501 and only the HEAD guards).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { ObjectExistsError, type EvidenceStore, type StagedUpload, type UploadSource, type WorkingCopy } from './evidence-store.js';

export interface S3Settings {
  bucket: string;
  endpoint: string | undefined;
  region: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  forcePathStyle: boolean;
}

/** Where tus keeps uploads in progress, and stored evidence, inside the bucket. */
export const UPLOAD_PREFIX = 'uploads/';
export const EVIDENCE_PREFIX = 'evidence/';

/** The S3 client options for these settings (also given to @tus/s3-store). */
export function s3ClientConfig(s: S3Settings): S3ClientConfig {
  return {
    region: s.region,
    forcePathStyle: s.forcePathStyle,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    ...(s.accessKeyId && s.secretAccessKey ? { credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } } : {}),
    // Checksums only where S3 requires them: the SDK's default (a CRC trailer on every upload, sent aws-chunked)
    // is refused by many S3-compatible services. The app hashes (SHA-256) and sends Content-MD5 itself.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  };
}

/**
 * Adds Content-MD5 to DeleteObjects (multi-object delete) requests: S3 requires an integrity header there, and many
 * S3-compatible services accept only Content-MD5, not the CRC32 the SDK sends now. @tus/s3-store deletes with it.
 */
export function addDeleteObjectsMd5(client: { middlewareStack: S3Client['middlewareStack'] }): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      if (context.commandName === 'DeleteObjectsCommand' && request.headers && (typeof request.body === 'string' || request.body instanceof Uint8Array)) {
        for (const h of Object.keys(request.headers)) if (h.toLowerCase().startsWith('x-amz-checksum-') || h.toLowerCase() === 'x-amz-sdk-checksum-algorithm') delete request.headers[h];
        request.headers['content-md5'] = crypto.createHash('md5').update(request.body).digest('base64');
      }
      return next(args);
    },
    { step: 'build', name: 'watchfloorDeleteObjectsMd5', override: true },
  );
}

export function createS3Client(s: S3Settings): S3Client {
  const client = new S3Client(s3ClientConfig(s));
  addDeleteObjectsMd5(client);
  return client;
}

type S3Error = { name?: string; $metadata?: { httpStatusCode?: number } };
const status = (err: unknown) => (err as S3Error)?.$metadata?.httpStatusCode;
const isNotFound = (err: unknown) => ['NotFound', 'NoSuchKey'].includes((err as S3Error)?.name ?? '') || status(err) === 404;
const isNotImplemented = (err: unknown) => (err as S3Error)?.name === 'NotImplemented' || status(err) === 501;
const isPreconditionFailed = (err: unknown) => ['PreconditionFailed', 'ConditionalRequestConflict'].includes((err as S3Error)?.name ?? '') || status(err) === 412;

export interface S3EvidenceStoreOptions {
  log?: Pick<Logger, 'warn'> | undefined;
  /** Folder for working copies (ffprobe/ffmpeg read local files). */
  tmpDir?: string;
  /** Objects up to this size are copied with one CopyObject (S3's limit is 5 GiB); larger ones part by part. */
  copyLimitBytes?: number;
  /** Size of the parts of a multipart upload (at least 5 MiB; grown so that no object needs more than 10,000). */
  partBytes?: number;
  /** Size of the parts of a multipart copy (likewise). */
  copyPartBytes?: number;
}

export class S3EvidenceStore implements EvidenceStore {
  readonly kind = 's3';
  readonly #tmpDir: string;
  readonly #copyLimit: number;
  readonly #partBytes: number;
  readonly #copyPartBytes: number;
  /** Whether the service takes If-None-Match on writes; learnt from its first 501. */
  #conditional = true;

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    private readonly opts: S3EvidenceStoreOptions = {},
  ) {
    this.#tmpDir = opts.tmpDir ?? path.join(os.tmpdir(), 'watchfloor-evidence');
    fs.mkdirSync(this.#tmpDir, { recursive: true });
    this.#copyLimit = opts.copyLimitBytes ?? 5 * 1024 ** 3;
    this.#partBytes = Math.max(opts.partBytes ?? 64 * 1024 ** 2, 5 * 1024 ** 2);
    this.#copyPartBytes = Math.max(opts.copyPartBytes ?? 512 * 1024 ** 2, 5 * 1024 ** 2);
  }

  close(): void {
    this.client.destroy();
  }

  /** Fails with the service's reason when the bucket cannot be reached with these settings. */
  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  objectKey(key: string): string {
    if (!key || key.startsWith('/') || key.split('/').some((p) => p === '..' || p === '.' || p === '')) throw new Error(`bad evidence key: ${key}`);
    return EVIDENCE_PREFIX + key;
  }

  async stage(source: UploadSource, sha256?: string): Promise<StagedUpload> {
    if ('path' in source) return this.#stageFile(source.path, sha256);
    const uploadKey = source.uploadKey;
    if (!uploadKey.startsWith(UPLOAD_PREFIX)) throw new Error(`not an upload key: ${uploadKey}`);
    const { path: file, sha256: hashed, sizeBytes } = await this.#download(uploadKey, true);
    const release = async () => fs.rmSync(file, { force: true });
    return {
      path: file,
      adopt: async (key) => {
        await this.#copyIn(uploadKey, this.objectKey(key), sizeBytes);
        await this.#deleteUpload(uploadKey);
        return { sha256: hashed!, sizeBytes, copy: { path: file, release } };
      },
      discard: async () => {
        await release();
        await this.#deleteUpload(uploadKey);
      },
      release,
    };
  }

  async #stageFile(file: string, sha256: string | undefined): Promise<StagedUpload> {
    const release = async () => fs.rmSync(file, { force: true });
    return {
      path: file,
      adopt: async (key) => {
        const sizeBytes = fs.statSync(file).size;
        const hashed = sha256 ?? (await sha256Of(fs.createReadStream(file, { highWaterMark: 1 << 20 })));
        await this.#upload(this.objectKey(key), file, 'application/octet-stream');
        // The local file stays as the working copy until processing is done with it.
        return { sha256: hashed, sizeBytes, copy: { path: file, release } };
      },
      discard: release,
      release: async () => {},
    };
  }

  async workingCopy(key: string): Promise<WorkingCopy> {
    const { path: file } = await this.#download(this.objectKey(key), false);
    return { path: file, release: async () => fs.rmSync(file, { force: true }) };
  }

  scratchPath(ext: string): string {
    return path.join(this.#tmpDir, `${crypto.randomUUID()}${ext}`);
  }

  async put(key: string, file: string, contentType: string): Promise<void> {
    await this.#upload(this.objectKey(key), file, contentType);
    fs.rmSync(file, { force: true });
  }

  async stat(key: string) {
    const head = await this.#head(this.objectKey(key));
    return head ? { sizeBytes: head.ContentLength ?? 0 } : undefined;
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }));
    return got.Body as Readable;
  }

  async sha256(key: string) {
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return await sha256Of(got.Body as Readable);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async #head(objectKey: string) {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Streams an object into a working copy, hashing it on the way when asked. */
  async #download(objectKey: string, hash: boolean): Promise<{ path: string; sha256: string | undefined; sizeBytes: number }> {
    const file = this.scratchPath(path.extname(objectKey));
    const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    const digest = hash ? crypto.createHash('sha256') : undefined;
    let sizeBytes = 0;
    try {
      await pipeline(
        got.Body as Readable,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            digest?.update(chunk);
            sizeBytes += chunk.length;
            yield chunk;
          }
        },
        fs.createWriteStream(file, { highWaterMark: 1 << 20 }),
      );
    } catch (err) {
      fs.rmSync(file, { force: true });
      throw err;
    }
    if (got.ContentLength !== undefined && got.ContentLength !== sizeBytes) {
      fs.rmSync(file, { force: true });
      throw new Error(`reading ${objectKey} ended after ${sizeBytes} of ${got.ContentLength} bytes`);
    }
    return { path: file, sha256: digest?.digest('hex'), sizeBytes };
  }

  async #refuseExisting(objectKey: string): Promise<void> {
    if (await this.#head(objectKey)) throw new ObjectExistsError(objectKey.slice(EVIDENCE_PREFIX.length));
  }

  /** Sends a write with If-None-Match: * where the service takes it; a 412 means the key was taken meanwhile. */
  async #write<T>(objectKey: string, send: (ifNoneMatch: { IfNoneMatch?: string }) => Promise<T>): Promise<T> {
    try {
      return await send(this.#conditional ? { IfNoneMatch: '*' } : {});
    } catch (err) {
      if (isPreconditionFailed(err)) throw new ObjectExistsError(objectKey.slice(EVIDENCE_PREFIX.length));
      if (!this.#conditional || !isNotImplemented(err)) throw err;
      this.#conditional = false;
      this.opts.log?.warn({ bucket: this.bucket }, 'the S3 service does not take conditional writes (If-None-Match); evidence keys are guarded by a HEAD before each write only');
      return send({});
    }
  }

  /** A server-side copy of a finished upload to its evidence key, checked for size. */
  async #copyIn(sourceKey: string, objectKey: string, sizeBytes: number): Promise<void> {
    await this.#refuseExisting(objectKey);
    const copySource = `${this.bucket}/${sourceKey.split('/').map(encodeURIComponent).join('/')}`;
    if (sizeBytes <= this.#copyLimit) {
      await this.#write(objectKey, (cond) => this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: objectKey, CopySource: copySource, MetadataDirective: 'REPLACE', ContentType: 'application/octet-stream', ...cond })));
    } else {
      const partBytes = this.#partSize(sizeBytes, this.#copyPartBytes);
      await this.#multipart(objectKey, 'application/octet-stream', async (uploadId) => {
        const parts: CompletedPart[] = [];
        for (let start = 0, n = 1; start < sizeBytes; start += partBytes, n++) {
          const end = Math.min(start + partBytes, sizeBytes) - 1;
          const r = await this.client.send(new UploadPartCopyCommand({ Bucket: this.bucket, Key: objectKey, UploadId: uploadId, PartNumber: n, CopySource: copySource, CopySourceRange: `bytes=${start}-${end}` }));
          parts.push({ PartNumber: n, ETag: r.CopyPartResult!.ETag! });
        }
        return parts;
      });
    }
    const head = await this.#head(objectKey);
    if (head?.ContentLength !== sizeBytes) throw new Error(`copying the upload to ${objectKey} gave ${head?.ContentLength ?? 'no'} bytes of ${sizeBytes}`);
  }

  /** Uploads a local file to a new key, each request with Content-MD5. */
  async #upload(objectKey: string, file: string, contentType: string): Promise<void> {
    await this.#refuseExisting(objectKey);
    const sizeBytes = fs.statSync(file).size;
    if (sizeBytes <= this.#partBytes) {
      const body = await fs.promises.readFile(file);
      await this.#write(objectKey, (cond) =>
        this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: objectKey, Body: body, ContentLength: body.length, ContentMD5: md5(body), ContentType: contentType, ...cond })),
      );
      return;
    }
    const partBytes = this.#partSize(sizeBytes, this.#partBytes);
    await this.#multipart(objectKey, contentType, async (uploadId) => {
      const parts: CompletedPart[] = [];
      const fd = await fs.promises.open(file, 'r');
      try {
        const buffer = Buffer.allocUnsafe(partBytes);
        for (let start = 0, n = 1; start < sizeBytes; start += partBytes, n++) {
          const { bytesRead } = await fd.read(buffer, 0, Math.min(partBytes, sizeBytes - start), start);
          const body = buffer.subarray(0, bytesRead);
          const r = await this.client.send(new UploadPartCommand({ Bucket: this.bucket, Key: objectKey, UploadId: uploadId, PartNumber: n, Body: body, ContentLength: bytesRead, ContentMD5: md5(body) }));
          parts.push({ PartNumber: n, ETag: r.ETag! });
        }
      } finally {
        await fd.close();
      }
      return parts;
    });
  }

  #partSize(sizeBytes: number, preferred: number): number {
    return Math.max(preferred, Math.ceil(sizeBytes / 10_000));
  }

  async #multipart(objectKey: string, contentType: string, sendParts: (uploadId: string) => Promise<CompletedPart[]>): Promise<void> {
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey, ContentType: contentType }));
    try {
      const parts = await sendParts(UploadId!);
      await this.#write(objectKey, (cond) => this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey, UploadId, MultipartUpload: { Parts: parts }, ...cond })));
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey, UploadId })).catch(() => undefined);
      throw err;
    }
  }

  /** Deletes a finished tus upload's objects (the file, its .info and any .part). */
  async #deleteUpload(uploadKey: string): Promise<void> {
    for (const key of [uploadKey, `${uploadKey}.info`, `${uploadKey}.part`]) {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
  }
}

function md5(body: Uint8Array): string {
  return crypto.createHash('md5').update(body).digest('base64');
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(stream, hash);
  return hash.digest('hex');
}
