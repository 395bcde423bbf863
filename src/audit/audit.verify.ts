// Walks the audit chain and names the first entry that does not fit.
import type { Queryable } from '../db/client.js';
import { auditEntryHash, GENESIS_HASH } from './audit.hash.js';
import { contentOf, walkAudit } from './audit.repository.js';

export type VerifyResult =
  | { ok: true; entries: number; lastSeq: number; lastHash: string }
  | { ok: false; entries: number; brokenSeq: number; reason: string };

export async function verifyAuditChain(q: Queryable): Promise<VerifyResult> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  for await (const row of walkAudit(q)) {
    const seq = Number(row.seq);
    if (seq !== expectedSeq) {
      return {
        ok: false,
        entries: count,
        brokenSeq: seq,
        reason: seq > expectedSeq ? `entries ${expectedSeq}..${seq - 1} are missing (deleted)` : `entry out of order`,
      };
    }
    if (row.prevHash !== prevHash) {
      return { ok: false, entries: count, brokenSeq: seq, reason: 'its previous-hash does not match the entry before it (inserted or reordered)' };
    }
    const hash = auditEntryHash(contentOf(row), row.prevHash);
    if (hash !== row.hash) {
      return { ok: false, entries: count, brokenSeq: seq, reason: 'its content does not match its hash (altered)' };
    }
    prevHash = row.hash;
    expectedSeq++;
    count++;
  }
  return { ok: true, entries: count, lastSeq: expectedSeq - 1, lastHash: prevHash };
}
