// Owner links: signed (HMAC under the server key), expiring, single-use. The token is <link id>.<random>.<mac>;
// the database keeps only the SHA-256 of the random part, and marks the link used the first time it opens.
import crypto from 'node:crypto';
import { AppError } from '../errors.js';
import type { Queryable } from '../db/client.js';
import { randomToken, sha256Hex, timingSafeEqualText, type SecretBox } from '../platform/crypto.js';
import * as repo from './camera.repository.js';
import { insertAll, type RowsInsert } from '../db/bulk.js';

export interface IssuedLink {
  token: string;
  url: string;
  expiresAt: Date;
}

export async function issueOwnerLink(q: Queryable, box: SecretBox, ownerId: string, publicUrl: string, ttlMinutes: number, now: Date): Promise<IssuedLink> {
  const [link] = await issueOwnerLinks(q, box, [ownerId], publicUrl, ttlMinutes, now);
  return link!;
}

/** One link for each owner given (in that order), written with a single insert. */
export async function issueOwnerLinks(q: Queryable, box: SecretBox, ownerIds: readonly string[], publicUrl: string, ttlMinutes: number, now: Date): Promise<IssuedLink[]> {
  const { links, rows } = prepareOwnerLinks(box, ownerIds, publicUrl, ttlMinutes, now);
  await insertAll(q, rows);
  return links;
}

/** The links for these owners and the rows that make them valid, for the caller to insert (insertAll). */
export function prepareOwnerLinks(box: SecretBox, ownerIds: readonly string[], publicUrl: string, ttlMinutes: number, now: Date): { links: IssuedLink[]; rows: RowsInsert } {
  const expiresAt = new Date(now.getTime() + ttlMinutes * 60_000);
  const made = ownerIds.map((ownerId) => ({ id: crypto.randomUUID(), ownerId, secret: randomToken(24) }));
  const base = publicUrl.replace(/\/$/, '');
  const links = made.map((l) => {
    const body = `${l.id}.${l.secret}`;
    const token = `${body}.${box.mac(`owner-link:${body}`)}`;
    // In the fragment, not the query: it never reaches server logs, proxies or Referer headers.
    return { token, url: `${base}/connect/manage#token=${token}`, expiresAt };
  });
  return { links, rows: repo.ownerLinkRows(made.map((l) => ({ id: l.id, ownerId: l.ownerId, purpose: 'manage', tokenHash: sha256Hex(l.secret), expiresAt }))) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Checks the signature, then uses the link up. Returns the owner's id; a forged, expired or used link is a 4xx. */
export async function consumeOwnerLink(q: Queryable, box: SecretBox, token: string, now: Date): Promise<string> {
  const parts = token.split('.');
  const [id, secret, mac] = parts;
  if (parts.length !== 3 || !id || !secret || !mac || !UUID.test(id)) throw new AppError('UNAUTHENTICATED', 'This link is not valid. Ask for a new one.');
  if (!timingSafeEqualText(mac, box.mac(`owner-link:${id}.${secret}`))) throw new AppError('UNAUTHENTICATED', 'This link is not valid. Ask for a new one.');
  const used = await repo.consumeOwnerLink(q, id, sha256Hex(secret), now);
  if (used) return used.ownerId;
  const link = await repo.findOwnerLink(q, id);
  if (link?.usedAt) throw new AppError('SESSION_EXPIRED', 'This link has already been used; each link works once. Ask for a new one.');
  if (link && link.expiresAt <= now) throw new AppError('SESSION_EXPIRED', 'This link has expired. Ask for a new one.');
  throw new AppError('UNAUTHENTICATED', 'This link is not valid. Ask for a new one.');
}
