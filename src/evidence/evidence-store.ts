// Where evidence files live. The local filesystem by default; the interface is what an S3-compatible store
// implements for a deployment of several instances.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface EvidenceStore {
  /**
   * Moves a finished upload into the store under `key`, hashing it on the way unless its SHA-256 is given (it was
   * hashed as it was received); the bytes are not changed.
   */
  adopt(sourcePath: string, key: string, sha256?: string): Promise<{ sha256: string; sizeBytes: number }>;
  /** A local path to read the object from (for ffprobe/ffmpeg and streaming). */
  localPath(key: string): string;
  /** Re-hashes a stored object. */
  sha256(key: string): Promise<string>;
  exists(key: string): boolean;
}

export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

export class LocalEvidenceStore implements EvidenceStore {
  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
  }

  localPath(key: string): string {
    const p = path.resolve(this.root, key);
    if (!p.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`evidence key escapes the store: ${key}`);
    return p;
  }

  async adopt(sourcePath: string, key: string, sha256?: string) {
    const target = this.localPath(key);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(sourcePath, target); // same filesystem: no copy, the bytes stay exactly as received
    fs.chmodSync(target, 0o440);
    return { sha256: sha256 ?? (await sha256File(target)), sizeBytes: fs.statSync(target).size };
  }

  sha256(key: string) {
    return sha256File(this.localPath(key));
  }

  exists(key: string) {
    return fs.existsSync(this.localPath(key));
  }
}
