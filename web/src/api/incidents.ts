// Incidents, their footage requests, timeline and notes, as the API sends and takes them
// (src/incidents/incident.routes.ts, src/requests/request.views.ts; contracts D and E of the live floor).
import { api } from './http';

export interface IncidentLocation {
  lat: number;
  lng: number;
  accuracyM: number;
}

export interface IncidentView {
  id: string;
  source: string;
  externalId: string;
  type: string;
  /** 1 (highest) … 5 */
  priority: number;
  occurredFrom: string;
  occurredTo: string | null;
  reportedAt: string | null;
  location: IncidentLocation | null;
  address: string | null;
  status: 'open' | 'closed';
  agencyId: string | null;
  district: string | null;
  ward: string | null;
  details: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
  matchCount?: number;
}

export interface MatchView {
  cameraId: string;
  rank: number;
  distanceM: number;
  facesArea: boolean;
  score: number;
}

export interface ChangeView {
  at: string;
  actorType: string;
  actorId: string | null;
  changes: Record<string, unknown>;
}

export const REQUEST_STATUSES = ['queued', 'sent', 'answered', 'declined', 'expired', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export interface RequestView {
  id: string;
  ownerId: string;
  status: RequestStatus;
  purposeCode: PurposeCode;
  reason: string;
  windowFrom: string;
  windowTo: string;
  requestedBy: { type: string; id: string | null; name: string | null };
  sendAfter: string;
  sentAt: string | null;
  expiresAt: string;
  answeredAt: string | null;
  declineReason: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  createdAt: string;
  cameraIds?: string[];
}

export interface IncidentDetail {
  incident: IncidentView;
  matches: MatchView[];
  changes: ChangeView[];
  requests: RequestView[];
}

export const PURPOSE_CODES = ['criminal-investigation', 'missing-person', 'traffic-crash', 'imminent-threat'] as const;
export type PurposeCode = (typeof PURPOSE_CODES)[number];
export const PURPOSE_LABELS: Record<PurposeCode, string> = {
  'criminal-investigation': 'Criminal investigation',
  'missing-person': 'Missing person',
  'traffic-crash': 'Traffic crash',
  'imminent-threat': 'Imminent threat',
};

export interface RequestOutcome {
  ownerId: string;
  cameraIds: string[];
  outcome: 'requested' | 'merged' | 'skipped';
  requestId?: string;
  sendAfter?: string;
  reason?: string;
}

export interface TimelineEntry {
  at: string;
  kind: 'created' | 'changed' | 'matched' | 'request' | 'message' | 'evidence' | 'custody' | 'note' | 'alert' | 'closed';
  summary: string;
  actor: { type: string; name: string | null } | null;
  refs: { requestId?: string; evidenceId?: string; alertId?: string };
}

export interface NoteView {
  id: string;
  incidentId: string;
  text: string;
  author: { id: string; name: string };
  createdAt: string;
}

/** The list query of contract E; without it (an older server) only status and since are sent. */
export interface IncidentQuery {
  status?: 'open' | 'closed';
  types?: string[];
  maxPriority?: number;
  district?: string;
  ward?: string;
  from?: string;
  to?: string;
  q?: string;
  limit: number;
  offset: number;
}

export function incidentListPath(query: IncidentQuery, serverFilters: boolean): string {
  const p = new URLSearchParams();
  if (query.status) p.set('status', query.status);
  if (serverFilters) {
    if (query.types?.length) p.set('type', query.types.join(','));
    if (query.maxPriority) p.set('maxPriority', String(query.maxPriority));
    if (query.district) p.set('district', query.district);
    if (query.ward) p.set('ward', query.ward);
    if (query.from) p.set('from', query.from);
    if (query.to) p.set('to', query.to);
    if (query.q) p.set('q', query.q);
  } else if (query.from) {
    p.set('since', query.from);
  }
  p.set('limit', String(query.limit));
  p.set('offset', String(query.offset));
  return `/api/v1/incidents?${p.toString()}`;
}

export async function listIncidents(query: IncidentQuery, serverFilters: boolean): Promise<{ incidents: IncidentView[]; total: number | null }> {
  const r = await api.get<{ incidents: IncidentView[]; total?: number }>(incidentListPath(query, serverFilters));
  return { incidents: r.incidents, total: typeof r.total === 'number' ? r.total : null };
}

const enc = encodeURIComponent;

export const getIncident = (id: string) => api.get<IncidentDetail>(`/api/v1/incidents/${enc(id)}`);

export const requestFootage = (id: string, body: { purposeCode: PurposeCode; reason: string; cameraIds?: string[] }) =>
  api.post<{ outcomes: RequestOutcome[] }>(`/api/v1/incidents/${enc(id)}/requests`, body);

export const cancelRequest = (requestId: string, reason: string) => api.post<RequestView>(`/api/v1/requests/${enc(requestId)}/cancel`, { reason });

export const closeIncident = (id: string) => api.post<IncidentView>(`/api/v1/incidents/${enc(id)}/close`);

export const getTimeline = (id: string) => api.get<{ entries: TimelineEntry[] }>(`/api/v1/incidents/${enc(id)}/timeline`);

export const addNote = (id: string, text: string) => api.post<NoteView>(`/api/v1/incidents/${enc(id)}/notes`, { text });
