/**
 * The one shape every external incident format is decoded into (PRODUCT.md I1–I2). Decoders never throw:
 * a payload they cannot use comes back as `ok: false` with errors that name the offending field, so an
 * importer can report row 4,711 precisely and carry on with the rest.
 */
export interface IncidentInput {
  source: string; // e.g. 'dc-crime-csv', 'eido', 'cad'
  externalId: string; // CCN, EIDO incident id …; the idempotency key together with `source` (I3)
  type: string; // offense / call type text, e.g. 'THEFT F/AUTO'
  priority: number; // 1 (highest) … 5 (lowest)
  occurredFrom: string; // ISO 8601 UTC
  occurredTo: string | null; // ISO 8601 UTC, or null when the incident is a point in time
  reportedAt: string | null;
  location: { lat: number; lng: number; accuracyM: number } | null; // WGS84
  address: string | null; // block / civic address text
  district?: string | null;
  ward?: string | null;
  psa?: string | null;
  details: Record<string, unknown>; // method, shift, … whatever else is worth keeping
}

/** `ignored` names the fields or components that were present but not carried into the incident. */
export type DecodeResult = { ok: true; incident: IncidentInput; ignored: string[] } | { ok: false; errors: string[] };
