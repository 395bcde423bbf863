// The embedded database (PGlite) in a worker thread of its own, so that its work (PostgreSQL compiled to
// WebAssembly, most of an incident's intake) runs beside the HTTP server's event loop instead of on it.
// Plain JavaScript, not TypeScript: a worker thread does not inherit the loader that runs the TypeScript sources.
// The other side of the conversation is pglite-thread.ts, which documents the messages.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, parse, protocol } from '@electric-sql/pglite';

const { dir, textTypes } = workerData;
const db = dir ? new PGlite(dir) : new PGlite();
const identity = (value) => value;
for (const oid of textTypes) db.parsers[oid] = identity;

/**
 * Transactions by the id the other side gave them: PGlite's transaction object once BEGIN has run (`tx`), a promise
 * of it (`ready`), and how to end it. Statements of a transaction may arrive before its BEGIN has run (the other
 * side sends them without waiting): they wait for `ready`.
 */
const open = new Map();
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

/** The database, or the transaction `txId` once it has begun. */
async function target(txId) {
  if (txId === undefined) return db;
  const entry = open.get(txId);
  if (!entry) throw new Error(`transaction ${txId} has already ended`);
  return entry.tx ?? (await entry.ready);
}

function begin(id, txId) {
  if (open.has(txId)) throw new Error(`transaction ${txId} is already open`);
  const entry = {};
  open.set(txId, entry);
  let begun;
  let failed;
  entry.ready = new Promise((resolve, reject) => {
    begun = resolve;
    failed = reject;
  });
  entry.ready.catch(() => {}); // its statements see the failure; BEGIN's own answer reports it
  entry.done = db.transaction(
    (tx) =>
      new Promise((resolve, reject) => {
        entry.tx = tx;
        entry.finish = (commit) => (commit ? resolve() : reject(ROLLBACK));
        begun(tx);
        reply(id, null);
      }),
  );
  // BEGIN itself failing: the callback never ran.
  entry.done.catch((err) => {
    if (entry.tx) return;
    open.delete(txId);
    failed(err);
    fail(id, err);
  });
}

/** Ends a transaction; a commit first runs the transaction's last write (`ahead`), and rolls back if it fails. */
async function end(id, txId, commit, ahead) {
  const entry = open.get(txId);
  if (!entry) throw new Error(`transaction ${txId} has already ended`);
  await entry.ready;
  let failure;
  if (commit && ahead) {
    try {
      await query({ ...ahead, tx: txId });
    } catch (err) {
      failure = err;
    }
  }
  open.delete(txId);
  entry.finish(commit && failure === undefined);
  try {
    await entry.done;
  } catch (err) {
    if (err !== ROLLBACK) throw err;
  }
  if (failure !== undefined) throw failure;
  reply(id, null);
}

/**
 * Statements that come again (the same text, new parameters: most of what the server runs) are prepared once, named,
 * and then only bound and executed: PostgreSQL parses and analyses an intake statement (a few kilobytes of SQL)
 * once instead of for every incident, and each run is one call into the database instead of PGlite's six.
 * A text is prepared the second time it is seen; at most PREPARED_MAX are kept, the least recently used closed.
 */
const PREPARED_MAX = 200;
const prepared = new Map(); // text -> { name, types }
const seenOnce = new Set();
let nextStatement = 1;
const { serialize } = protocol;

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Sends protocol messages (ending with Sync) and returns the answers; an error answer is thrown. */
async function roundTrip(parts) {
  const answer = await db.execProtocolRaw(concat(parts), { syncToFs: false });
  const messages = [];
  new protocol.Parser().parse(answer, (message) => messages.push(message));
  const error = messages.find((message) => message.name === 'error');
  if (error) throw error;
  return messages;
}

async function statementFor(text) {
  const known = prepared.get(text);
  if (known) {
    prepared.delete(text); // to the end of the map: the most recently used
    prepared.set(text, known);
    return known;
  }
  const name = `wf_${nextStatement++}`;
  const answers = await roundTrip([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]);
  const statement = { name, types: answers.find((a) => a.name === 'parameterDescription')?.dataTypeIDs ?? [] };
  prepared.set(text, statement);
  if (prepared.size > PREPARED_MAX) {
    const [oldestText, oldest] = prepared.entries().next().value;
    prepared.delete(oldestText);
    await roundTrip([serialize.close({ type: 'S', name: oldest.name }), serialize.sync()]);
  }
  return statement;
}

/** Runs a prepared statement, with the parameters serialised and the rows parsed as PGlite's query() does. */
async function runPrepared(text, params, rowMode, inTransaction) {
  const run = async () => {
    const { name, types } = await statementFor(text);
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = db.serializers[types[i]];
      return serializer ? serializer(value) : value.toString();
    });
    const answers = await roundTrip([serialize.bind({ statement: name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]);
    if (!inTransaction) await db.syncToFs();
    return parse.parseResults(answers, db.parsers, { rowMode })[0];
  };
  // The same locks as PGlite's own query(): outside a transaction, wait for any open one to end.
  return inTransaction ? db._runExclusiveQuery(run) : db._runExclusiveTransaction(() => db._runExclusiveQuery(run));
}

/** Whether a text is run prepared: one seen before, not a schema change, not a COPY to or from a blob. */
function preparable(text) {
  if (prepared.has(text)) return true;
  if (/^\s*(create|alter|drop)\b/i.test(text) || text.includes('/dev/blob')) return false;
  if (seenOnce.has(text)) {
    seenOnce.delete(text);
    return true;
  }
  if (seenOnce.size >= 10 * PREPARED_MAX) seenOnce.clear();
  seenOnce.add(text);
  return false;
}

/**
 * A Bind message for the unnamed statement and portal, without parameters, asking for every result column in
 * PostgreSQL's binary form (written out: the protocol library's bind has no way to ask for that alone).
 */
const BIND_BINARY_RESULTS = Uint8Array.of(0x42, 0, 0, 0, 14, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1);

/**
 * The first row of a query's answer, every column in PostgreSQL's binary form, as raw bytes: for one row too big to
 * go through a parser that makes a string of every field or through a COPY to a blob (the camera index's packed
 * columns at start, ~100 MB for a million cameras: the COPY and taking the bytes out of its blob took a second of
 * the server's start). Answers with the buffer PGlite's answer came in (handed over to the other thread, not copied)
 * and each column's offset and length in it (null for NULL).
 */
async function binaryRow(text) {
  const run = async () => {
    // The raw stream: execProtocolRaw would also parse the answer, making a string of every field.
    const chunks = [];
    await db.execProtocolRawStream(concat([serialize.parse({ text }), BIND_BINARY_RESULTS, serialize.execute({}), serialize.sync()]), {
      syncToFs: false,
      onRawData: (chunk) => chunks.push(chunk.slice()),
    });
    const answer = concat(chunks);
    const view = new DataView(answer.buffer, answer.byteOffset, answer.byteLength);
    let columns = null;
    for (let at = 0; at < answer.length; ) {
      const type = answer[at];
      const end = at + 1 + view.getInt32(at + 1);
      if (type === 0x45) {
        // ErrorResponse: parsed as any other answer is, and thrown.
        let error;
        new protocol.Parser().parse(answer.subarray(at, end), (message) => (error = message));
        throw error;
      }
      if (type === 0x44 && columns === null) {
        columns = [];
        let p = at + 7;
        for (let i = view.getInt16(at + 5); i > 0; i--) {
          const length = view.getInt32(p);
          p += 4;
          columns.push(length < 0 ? null : { offset: answer.byteOffset + p, length });
          if (length > 0) p += length;
        }
      }
      at = end;
    }
    return { buffer: answer.buffer, columns };
  };
  return db._runExclusiveTransaction(() => db._runExclusiveQuery(run));
}

async function query(m) {
  const on = await target(m.tx); // waits for the transaction's BEGIN; throws for one that has ended
  if (preparable(m.text)) return runPrepared(m.text, m.params ?? [], m.rowMode, m.tx !== undefined);
  return on.query(m.text, m.params, { rowMode: m.rowMode });
}

async function handle(m) {
  switch (m.op) {
    case 'query':
      return reply(m.id, await query(m));
    case 'exec':
      return reply(m.id, await (await target(m.tx)).exec(m.text));
    case 'binaryRow': {
      const result = await binaryRow(m.text);
      return parentPort.postMessage({ id: m.id, result }, [result.buffer]);
    }
    case 'begin':
      return begin(m.id, m.tx);
    case 'end':
      return end(m.id, m.tx, m.commit, m.ahead);
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
