// The audit trail's hash chain: each entry's hash covers its own content and the previous entry's hash,
// so changing, removing or reordering any row breaks every hash after it.
import { sha256Hex } from '../platform/crypto.js';
import { withFields } from '../platform/objects.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditContent {
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  agencyId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  purpose: string | null;
  incidentId: string | null;
  requestId: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

/**
 * JSON with object keys sorted at every depth: the same content always gives the same bytes. Keys sort by UTF-16
 * code units (Array.prototype.sort's default on strings); a property whose value is undefined is left out; an
 * object's own enumerable string keys are all it shows (a Date inside `details` is `{}`, as before). Written as one
 * pass per object, with no [key, value] pair per property: every audit entry goes through it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  let out = '{';
  for (const key of keys) {
    const v = object[key];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/** Timestamps are hashed in one canonical form (UTC, milliseconds) whatever the driver returns. */
export function canonicalTime(at: string | Date): string {
  return new Date(at).toISOString();
}

export function auditEntryHash(content: AuditContent, prevHash: string): string {
  const body = canonicalJson(withFields(content, { at: canonicalTime(content.at) }));
  return sha256Hex(`${prevHash}\n${body}`);
}

/**
 * An entry's canonical body in two pieces around its sequence number, for a writer that learns the number only
 * once it holds the chain (the database's audit_append): body = head + String(seq) + tail.
 */
export function auditBodyParts(content: Omit<AuditContent, 'seq'>): { head: string; tail: string } {
  const body = canonicalJson(withFields(content, { seq: 0, at: canonicalTime(content.at) }));
  // Keys are sorted: "seq" comes after every key of `details` and before only targetId and targetType, whose
  // values are strings (where a quote is always escaped) or null, so the last "seq":0 is the entry's own.
  const at = body.lastIndexOf('"seq":0');
  return { head: body.slice(0, at + '"seq":'.length), tail: body.slice(at + '"seq":0'.length) };
}
