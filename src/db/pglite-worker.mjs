// The embedded database (PGlite) in a worker thread of its own, so that its work (PostgreSQL compiled to
// WebAssembly, most of an incident's intake) runs beside the HTTP server's event loop instead of on it.
// Plain JavaScript, not TypeScript: a worker thread does not inherit the loader that runs the TypeScript sources.
// The other side of the conversation is pglite-thread.ts, which documents the messages.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const { dir, textTypes } = workerData;
const db = dir ? new PGlite(dir) : new PGlite();
const identity = (value) => value;
for (const oid of textTypes) db.parsers[oid] = identity;

/** Open transactions by id: PGlite's transaction object and how to end it. */
const open = new Map();
let nextTx = 1;
/** Ends a transaction without committing it: the callback given to PGlite's transaction() rejects with this. */
const ROLLBACK = Symbol('rollback');

/** What an error from PGlite says (a DatabaseError carries code, detail, constraint …, which cloning would drop). */
function describe(err) {
  if (!(err instanceof Error)) return { message: String(err) };
  const fields = {};
  for (const [key, value] of Object.entries(err)) if (value === undefined || typeof value !== 'object') fields[key] = value;
  return { ...fields, name: err.name, message: err.message };
}

const reply = (id, result) => parentPort.postMessage({ id, result });
const fail = (id, err) => parentPort.postMessage({ id, error: describe(err) });

function target(txId) {
  if (txId === undefined) return db;
  const entry = open.get(txId);
  if (!entry) throw new Error(`transaction ${txId} has already ended`);
  return entry.tx;
}

function begin(id) {
  const txId = nextTx++;
  const entry = {};
  entry.done = db.transaction(
    (tx) =>
      new Promise((resolve, reject) => {
        entry.tx = tx;
        entry.finish = (commit) => (commit ? resolve() : reject(ROLLBACK));
        open.set(txId, entry);
        reply(id, { tx: txId });
      }),
  );
  // BEGIN itself failing: the callback never ran, so nobody has been answered yet.
  entry.done.catch((err) => {
    if (!entry.tx) fail(id, err);
  });
}

async function end(id, txId, commit) {
  const entry = open.get(txId);
  if (!entry) throw new Error(`transaction ${txId} has already ended`);
  open.delete(txId);
  entry.finish(commit);
  try {
    await entry.done;
  } catch (err) {
    if (err !== ROLLBACK) throw err;
  }
  reply(id, null);
}

async function handle(m) {
  switch (m.op) {
    case 'query':
      return reply(m.id, await target(m.tx).query(m.text, m.params, { rowMode: m.rowMode }));
    case 'exec':
      return reply(m.id, await target(m.tx).exec(m.text));
    case 'begin':
      return begin(m.id);
    case 'end':
      return end(m.id, m.tx, m.commit);
    case 'close':
      await db.close();
      reply(m.id, null);
      return parentPort.close();
    default:
      throw new Error(`unknown operation ${m.op}`);
  }
}

parentPort.on('message', (m) => {
  handle(m).catch((err) => fail(m.id, err));
});

// A new WAL segment (16 MB) is written full of zeros before use, by default. PGlite has no background writer to
// do that ahead of time: the statement that fills a segment paid for it, a commit taking 30-40 ms about every
// few hundred incidents. Without it the segment grows as WAL is written into it. Zero-filling only reserves disk
// space up front; what a commit has written is as safe either way (a killed process loses nothing: the operating
// system holds what was written; PGlite runs with fsync off in both cases).
const SESSION_SETTINGS = 'SET wal_init_zero = off';

db.waitReady.then(() => db.exec(SESSION_SETTINGS)).then(
  () => parentPort.postMessage({ ready: true }),
  (err) => parentPort.postMessage({ ready: false, error: describe(err) }),
);
