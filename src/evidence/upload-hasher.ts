// SHA-256 of uploads as they arrive, on a thread of its own: hashing runs at about the speed of a disk here, so on
// the thread that also reads the socket and writes the file it would halve the upload's speed. Bytes are sent to
// the thread in batches of about a megabyte (a copy, as the same memory is being written to the file) and hashed
// there in order; several uploads may be hashed at once, each under its own key.
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'update') {
    let h = hashes.get(m.key);
    if (!h) hashes.set(m.key, (h = crypto.createHash('sha256')));
    h.update(new Uint8Array(m.data, 0, m.length));
  } else if (m.op === 'digest') {
    const h = hashes.get(m.key) || crypto.createHash('sha256');
    hashes.delete(m.key);
    parentPort.postMessage({ key: m.key, hex: h.digest('hex') });
  } else if (m.op === 'drop') hashes.delete(m.key);
});
`;

const BATCH = 1 << 20;

/** One running hash: feed it bytes in order, then ask for the digest once. */
export interface RunningSha256 {
  update(chunk: Uint8Array): void;
  digest(): Promise<string>;
  /** Forgets it (the bytes will be hashed some other way). */
  drop(): void;
}

export class UploadHasher {
  #worker: Worker | undefined;
  #next = 0;
  readonly #waiting = new Map<number, (hex: string) => void>();

  #thread(): Worker {
    if (!this.#worker) {
      const worker = new Worker(WORKER, { eval: true });
      worker.unref();
      worker.on('message', (m: { key: number; hex: string }) => {
        this.#waiting.get(m.key)?.(m.hex);
        this.#waiting.delete(m.key);
      });
      // A failed thread fails the digests waiting on it; the callers then hash the files themselves.
      worker.on('error', () => this.#fail(worker));
      worker.on('exit', () => this.#fail(worker));
      this.#worker = worker;
    }
    return this.#worker;
  }

  #fail(worker: Worker) {
    if (this.#worker === worker) this.#worker = undefined;
    for (const resolve of this.#waiting.values()) resolve('');
    this.#waiting.clear();
  }

  start(): RunningSha256 {
    const worker = this.#thread();
    const key = this.#next++;
    let batch = new Uint8Array(BATCH);
    let used = 0;
    const flush = () => {
      if (used === 0) return;
      worker.postMessage({ op: 'update', key, data: batch.buffer, length: used }, [batch.buffer]);
      batch = new Uint8Array(BATCH);
      used = 0;
    };
    return {
      update(chunk) {
        for (let at = 0; at < chunk.length; ) {
          const n = Math.min(chunk.length - at, BATCH - used);
          batch.set(chunk.subarray(at, at + n), used);
          used += n;
          at += n;
          if (used === BATCH) flush();
        }
      },
      digest: () => {
        flush();
        return new Promise<string>((resolve, reject) => {
          this.#waiting.set(key, (hex) => (hex ? resolve(hex) : reject(new Error('the hashing thread stopped'))));
          worker.postMessage({ op: 'digest', key });
        });
      },
      drop: () => worker.postMessage({ op: 'drop', key }),
    };
  }

  /** Ends the thread (at shutdown). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}
