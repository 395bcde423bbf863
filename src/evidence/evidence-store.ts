// Where evidence files live: the local filesystem by default (LocalEvidenceStore), or an S3-compatible bucket by
// configuration (S3EvidenceStore, ./s3-evidence-store.ts). Keys are relative ("2026-05-01/<id>/original.mp4") and
// mean the same in either store. A stored object is never replaced: each key is written once, by the app, and the
// original's bytes stay exactly as the owner sent them.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A finished upload: a file on this machine, or an object that tus wrote into the store's bucket. */
export type UploadSource = { path: string } | { uploadKey: string };

/** A local file with an object's bytes, for ffprobe and ffmpeg. `release` removes it when it is a temporary copy. */
export interface WorkingCopy {
  readonly path: string;
  release(): Promise<void>;
}

/** A finished upload made ready to probe, before it is taken into the store (or refused). */
export interface StagedUpload {
  /** A local file with the upload's bytes. */
  readonly path: string;
  /**
   * Takes the upload into the store under `key` without changing a byte; refuses a key that exists. Returns the
   * bytes' SHA-256 and size, and a working copy of the stored object (the caller releases it).
   */
  adopt(key: string): Promise<{ sha256: string; sizeBytes: number; copy: WorkingCopy }>;
  /** The upload was refused: deletes it. */
  discard(): Promise<void>;
  /** Not adopted after all (an error): removes the working copy, leaves the upload. */
  release(): Promise<void>;
}

/** Another object already has this key; stored evidence is never overwritten. */
export class ObjectExistsError extends Error {
  override name = 'ObjectExistsError';
  constructor(readonly key: string) {
    super(`evidence object ${key} exists already; stored evidence is never overwritten`);
  }
}

export interface EvidenceStore {
  /** 'local' or 's3', for logs and the CLI. */
  readonly kind: 'local' | 's3';
  /** Makes a finished upload ready to probe; hashes it on the way unless its SHA-256 is given (hashed on arrival). */
  stage(source: UploadSource, sha256?: string): Promise<StagedUpload>;
  /** A local file with a stored object's bytes (for ffprobe/ffmpeg). */
  workingCopy(key: string): Promise<WorkingCopy>;
  /** A fresh path for a file the app makes (the playable copy) before `put` stores it. */
  scratchPath(ext: string): string;
  /** Stores a file the app made under `key`, moving it; refuses a key that exists (ObjectExistsError). */
  put(key: string, file: string, contentType: string): Promise<void>;
  /** The stored object's size, or undefined when there is none. */
  stat(key: string): Promise<{ sizeBytes: number } | undefined>;
  /** Reads a stored object, whole or the bytes start..end (inclusive). */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Re-hashes a stored object (streaming); undefined when it is missing. */
  sha256(key: string): Promise<string | undefined>;
  /** Lets go of connections (the S3 client's). */
  close?(): void;
}

export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

const keep = async () => {};

export class LocalEvidenceStore implements EvidenceStore {
  readonly kind = 'local';
  readonly #scratch: string;

  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
    // Beside the objects, on the same filesystem, so that a finished file is moved in by a link, not copied.
    this.#scratch = path.join(root, '.scratch');
    fs.mkdirSync(this.#scratch, { recursive: true });
  }

  localPath(key: string): string {
    const p = path.resolve(this.root, key);
    if (!p.startsWith(path.resolve(this.root) + path.sep) || p.startsWith(this.#scratch + path.sep)) throw new Error(`evidence key escapes the store: ${key}`);
    return p;
  }

  /** Moves `file` to `key` only when nothing is there (a hard link cannot replace a file); read-only afterwards. */
  #moveIn(file: string, key: string): string {
    const target = this.localPath(key);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    let source = file;
    try {
      for (;;) {
        try {
          fs.linkSync(source, target); // same filesystem: no copy, the bytes stay exactly as received
          break;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') throw new ObjectExistsError(key);
          if (code !== 'EXDEV' || source !== file) throw err;
          // A file from another filesystem (a clip made elsewhere) is copied next to the store first.
          source = this.scratchPath(path.extname(file));
          fs.copyFileSync(file, source);
        }
      }
    } finally {
      if (source !== file) fs.rmSync(source, { force: true });
    }
    fs.unlinkSync(file);
    fs.chmodSync(target, 0o440);
    return target;
  }

  async stage(source: UploadSource, sha256?: string): Promise<StagedUpload> {
    if (!('path' in source)) throw new Error('the local evidence store takes uploads from files only');
    const file = source.path;
    return {
      path: file,
      adopt: async (key) => {
        const target = this.#moveIn(file, key);
        return { sha256: sha256 ?? (await sha256File(target)), sizeBytes: fs.statSync(target).size, copy: { path: target, release: keep } };
      },
      discard: async () => fs.rmSync(file, { force: true }),
      release: keep,
    };
  }

  async workingCopy(key: string): Promise<WorkingCopy> {
    return { path: this.localPath(key), release: keep };
  }

  scratchPath(ext: string): string {
    return path.join(this.#scratch, `${crypto.randomUUID()}${ext}`);
  }

  async put(key: string, file: string, _contentType?: string): Promise<void> {
    this.#moveIn(file, key);
  }

  async stat(key: string) {
    const s = await fs.promises.stat(this.localPath(key)).catch(() => undefined);
    return s?.isFile() ? { sizeBytes: s.size } : undefined;
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const stream = fs.createReadStream(this.localPath(key), { highWaterMark: 1 << 20, ...(range ?? {}) });
    // Open errors (a missing file) surface here rather than mid-response.
    await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
    return stream;
  }

  async sha256(key: string) {
    return fs.existsSync(this.localPath(key)) ? sha256File(this.localPath(key)) : undefined;
  }
}
