// What this server offers the floor, read once from its OpenAPI document (GET /openapi.json, public). The floor's
// parts arrive one at a time; a part whose route is not there shows a plain "not available" state instead of
// asking for it (and logging a 404 on every screen). The live WebSocket is not in the document: the floor simply
// tries it (see floor/useLive.ts).
import { api } from './http';

export interface Capabilities {
  /** GET /api/v1/alerts and its actions (contract C). */
  alerts: boolean;
  /** GET /api/v1/colleagues (contract C): whom an alert can be assigned to. */
  colleagues: boolean;
  /** GET /api/v1/incidents/:id/timeline (contract D). */
  timeline: boolean;
  /** POST /api/v1/incidents/:id/notes (contract D). */
  notes: boolean;
  /** GET /api/v1/incidents with type, maxPriority, district, ward, from, to, q and total (contract E). */
  incidentFilters: boolean;
  /** POST /api/v1/requests/:id/cancel: withdraw a footage request. */
  cancelRequest: boolean;
}

export const NOTHING: Capabilities = { alerts: false, colleagues: false, timeline: false, notes: false, incidentFilters: false, cancelRequest: false };

interface OpenApiDocument {
  paths?: Record<string, Record<string, { parameters?: { name?: string; in?: string }[] } | undefined> | undefined>;
}

export function capabilitiesOf(doc: OpenApiDocument): Capabilities {
  const paths = doc.paths ?? {};
  const has = (path: string, method = 'get') => paths[path]?.[method] !== undefined;
  const incidentParams = paths['/api/v1/incidents']?.get?.parameters ?? [];
  return {
    alerts: has('/api/v1/alerts') && has('/api/v1/alerts/{id}/ack', 'post'),
    colleagues: has('/api/v1/colleagues'),
    timeline: has('/api/v1/incidents/{id}/timeline'),
    notes: has('/api/v1/incidents/{id}/notes', 'post'),
    incidentFilters: incidentParams.some((p) => p.name === 'maxPriority') && incidentParams.some((p) => p.name === 'q'),
    cancelRequest: has('/api/v1/requests/{id}/cancel', 'post'),
  };
}

let loading: Promise<Capabilities> | undefined;

/** Fetched once per page. If the document cannot be read, nothing beyond the basics is assumed. */
export function loadCapabilities(): Promise<Capabilities> {
  loading ??= api.get<OpenApiDocument>('/openapi.json').then(capabilitiesOf, () => {
    loading = undefined;
    return NOTHING;
  });
  return loading;
}
