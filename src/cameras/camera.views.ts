// How cameras and owners are shown through the API: stream secrets never, personal data only where asked.
import type { Camera, Owner } from './camera.repository.js';

export function cameraView(c: Camera) {
  return {
    id: c.id,
    label: c.label,
    location: { lat: c.lat, lng: c.lng },
    address: c.address,
    kind: c.kind,
    bearingDeg: c.bearingDeg,
    fovDeg: c.fovDeg,
    rangeM: c.rangeM,
    indoor: c.indoor,
    retentionDays: c.retentionDays,
    tier: c.tier,
    status: c.status,
    reviewNote: c.reviewNote,
    changesRequested: c.changesRequested,
    hasStream: !!c.streamUrlEnc,
    ownerId: c.ownerId,
    agencyId: c.agencyId,
    source: c.source,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    verifiedAt: c.verifiedAt?.toISOString() ?? null,
  };
}

export function ownerView(o: Owner) {
  return {
    id: o.id,
    name: o.name,
    email: o.email,
    phone: o.phone,
    kind: o.kind,
    organization: o.organization,
    language: o.language,
    /** IANA zone: quiet hours, and the times the owner's page shows. */
    timeZone: o.timeZone,
    contactByEmail: o.contactByEmail,
    contactBySms: o.contactBySms,
    consentVersion: o.consentVersion,
    consentAt: o.consentAt.toISOString(),
    createdAt: o.createdAt.toISOString(),
    withdrawnAt: o.withdrawnAt?.toISOString() ?? null,
    erasedAt: o.erasedAt?.toISOString() ?? null,
  };
}

/** A short human name for a camera in messages: its label, else kind and address. */
export function cameraTitle(c: Pick<Camera, 'label' | 'kind' | 'address'>): string {
  return c.label ?? `${c.kind} camera${c.address ? ` at ${c.address}` : ''}`;
}
