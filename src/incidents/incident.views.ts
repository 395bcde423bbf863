// Incidents as the API and the live floor show them.
import type { Incident } from './incident.repository.js';

export function incidentView(i: Incident & { matchCount?: number }) {
  return {
    id: i.id,
    source: i.source,
    externalId: i.externalId,
    type: i.type,
    priority: i.priority,
    occurredFrom: i.occurredFrom.toISOString(),
    occurredTo: i.occurredTo?.toISOString() ?? null,
    reportedAt: i.reportedAt?.toISOString() ?? null,
    location: i.lat !== null && i.lng !== null ? { lat: i.lat, lng: i.lng, accuracyM: i.accuracyM ?? 0 } : null,
    address: i.address,
    status: i.status,
    agencyId: i.agencyId,
    district: i.district,
    ward: i.ward,
    details: i.details,
    version: i.version,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
    ...(i.matchCount !== undefined ? { matchCount: i.matchCount } : {}),
  };
}
