// Stand-ins for the embedded database's worker thread, for tests of what happens when it fails.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Writes, in `dir`, a worker script that reports ready and then exits with code 3 at the first statement (as one
 * that ran out of memory would), and returns its URL for PGliteThread.open.
 */
export function dyingWorkerScript(dir: string): URL {
  const script = path.join(dir, 'dies.mjs');
  fs.writeFileSync(script, `import { parentPort } from 'node:worker_threads';\nparentPort.postMessage({ ready: true });\nparentPort.on('message', () => process.exit(3));\n`);
  return pathToFileURL(script);
}
