// Owner links: signed (HMAC under the server key), expiring, single-use. The token is <link id>.<random>.<mac>;
// the database keeps only the SHA-256 of the random part, and marks the link used the first time it opens.
import { AppError } from '../errors.js';
import type { Queryable } from '../db/client.js';
import { randomToken, sha256Hex, timingSafeEqualText, type SecretBox } from '../platform/crypto.js';
import * as repo from './camera.repository.js';

export interface IssuedLink {
  token: string;
  url: string;
  expiresAt: Date;
}

export async function issueOwnerLink(q: Queryable, box: SecretBox, ownerId: string, publicUrl: string, ttlMinutes: number, now: Date): Promise<IssuedLink> {
  const secret = randomToken(24);
  const expiresAt = new Date(now.getTime() + ttlMinutes * 60_000);
  const link = await repo.insertOwnerLink(q, { ownerId, purpose: 'manage', tokenHash: sha256Hex(secret), expiresAt });
  const body = `${link.id}.${secret}`;
  const token = `${body}.${box.mac(`owner-link:${body}`)}`;
  // In the fragment, not the query: it never reaches server logs, proxies or Referer headers.
  return { token, url: `${publicUrl.replace(/\/$/, '')}/connect/manage#token=${token}`, expiresAt };
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
