// Who may read which incident: floor staff every one; partner agencies only their own agency's (another agency's
// incident is "not found" to them, so they learn nothing about it). Partners only read.
import type { Principal } from '../auth/auth.service.js';
import { notFound } from '../errors.js';
import type { Db } from '../db/client.js';
import { findIncident, type Incident } from './incident.repository.js';

export function worksTheFloor(p: Pick<Principal, 'roles'>): boolean {
  return p.roles.some((r) => r === 'operator' || r === 'supervisor' || r === 'admin');
}

/** The agency a caller is limited to, or undefined for floor staff. */
export function agencyLimit(p: Pick<Principal, 'roles' | 'agency'>): string | undefined {
  return worksTheFloor(p) ? undefined : p.agency.id;
}

/** The incident, if this caller may see it; 404 otherwise. */
export async function visibleIncident(db: Db, p: Pick<Principal, 'roles' | 'agency'>, id: string): Promise<Incident> {
  const incident = await findIncident(db, id);
  const limit = agencyLimit(p);
  if (!incident || (limit !== undefined && incident.agencyId !== limit)) throw notFound('that incident');
  return incident;
}
