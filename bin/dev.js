#!/usr/bin/env node
// `npm run dev`: the API server (port PORT, 8080 unless set) and the Vite dev server for the web app (5173, which
// proxies /api to it), together. Ctrl+C stops both; when either stops on its own, the other is stopped too.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const commands = [
  { name: 'api', args: ['bin/watchfloor.js', 'serve'] },
  { name: 'web', args: ['node_modules/vite/bin/vite.js', '--config', 'web/vite.config.ts'] },
];

let stopping = false;
let firstExitCode;

const children = commands.map(({ name, args }) => {
  // Each child runs in its own process group, so a terminal's Ctrl+C reaches it once, from here, and the server
  // shuts down cleanly (a second signal makes it exit at once). stdin is not passed on: a process in a
  // background group that reads the terminal gets stopped.
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  const entry = { name, child, exited: false };
  child.on('error', (err) => {
    process.stderr.write(`dev: could not start ${name}: ${err.message}\n`);
    entry.exited = true;
    onExit(entry, 1, null);
  });
  child.on('exit', (code, signal) => {
    entry.exited = true;
    onExit(entry, code, signal);
  });
  return entry;
});

function signalAll(signal) {
  for (const c of children) {
    if (c.exited || !c.child.pid) continue;
    try {
      process.kill(-c.child.pid, signal);
    } catch {
      // Already gone.
    }
  }
}

function onExit(entry, code, signal) {
  if (firstExitCode === undefined) {
    firstExitCode = code ?? 1;
    if (!stopping) process.stderr.write(`dev: ${entry.name} stopped (${signal ?? `exit code ${code}`}); stopping the other one\n`);
    signalAll('SIGTERM');
  }
  if (children.every((c) => c.exited)) process.exit(stopping ? 0 : firstExitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // A second Ctrl+C is passed on too; the server then exits without waiting.
    stopping = true;
    signalAll(signal === 'SIGHUP' ? 'SIGTERM' : signal);
  });
}
// Should this process end some other way, the children do not outlive it.
process.on('exit', () => signalAll('SIGKILL'));
