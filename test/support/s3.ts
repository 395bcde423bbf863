// A private S3-compatible server for a test file: OpenStack Swift with its s3api middleware (Debian's python3-swift),
// in one child process on a free port, storing in a temporary folder (test/support/swift-s3.py says why not s3rver).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'swift-s3.py');
const PYTHON = '/usr/bin/python3';

/** Whether Debian's python3-swift is installed (`apt-get install python3-swift`; .ci/run installs it). */
export const swiftAvailable = fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import swift.common.middleware.s3api'], { stdio: 'ignore' }).status === 0;

export interface S3TestServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  stop(): Promise<void>;
}

export async function startS3Server(): Promise<S3TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-swift-'));
  // Standard input open: the server ends when it closes, even if this process dies without stopping it.
  const child: ChildProcess = spawn(PYTHON, ['-B', SCRIPT, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const ready = await new Promise<{ port: number; accessKeyId: string; secretAccessKey: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the S3 test server did not start:\n${stderr}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the S3 test server exited (${code}):\n${stderr}`));
    });
  });
  return {
    endpoint: `http://127.0.0.1:${ready.port}`,
    accessKeyId: ready.accessKeyId,
    secretAccessKey: ready.secretAccessKey,
    region: 'us-east-1',
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.stdin!.end();
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
