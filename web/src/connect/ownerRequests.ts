// Footage requests as the owner's page gets them (GET /api/v1/owner/me "requests", src/cameras/owner.service.ts),
// what the owner has uploaded for one (GET /api/v1/owner/requests/:id/evidence), the request kinds an owner may
// turn down (GET /api/v1/public/request-kinds), and the plain-language facts the page shows about them.
import { api, request } from '../api/http';
import type { OwnerOverview, OwnerView } from '../api/cameras';

export type RequestStatus = 'queued' | 'sent' | 'answered' | 'declined' | 'expired' | 'cancelled';
export type PurposeCode = 'criminal-investigation' | 'missing-person' | 'traffic-crash' | 'imminent-threat';

export interface OwnerRequest {
  id: string;
  status: RequestStatus;
  purposeCode: PurposeCode;
  /** Why the footage is needed, as the requesting officer wrote it for the owner. */
  reason: string;
  windowFrom: string;
  windowTo: string;
  sendAfter: string;
  sentAt: string | null;
  expiresAt: string;
  answeredAt: string | null;
  declineReason: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  createdAt: string;
  /** The owner's cameras the request is about. */
  cameraIds: string[];
}

export type EvidenceStatus = 'processing' | 'ready' | 'failed';

export interface OwnerEvidence {
  id: string;
  originalName: string;
  sizeBytes: number;
  sha256: string;
  status: EvidenceStatus;
  /** Why a file could not be prepared for viewing (when the server says). */
  failure?: string | null;
  /** Why the footage may not cover the time asked for (a note, never a refusal). */
  coverageWarning: string | null;
  receivedAt: string;
}

/** GET /api/v1/owner/me with the requests made of the owner, the owner's time zone and declined request kinds. */
export type OverviewWithRequests = OwnerOverview & {
  owner: OwnerView & { timeZone?: string; declinedKinds?: string[] };
  requests?: OwnerRequest[];
};

export interface RequestKind {
  id: string;
  label: Record<string, string>;
  description: Record<string, string>;
}

/** A request the owner can still answer: not answered, declined, cancelled or expired, and not past its time. */
export function isOpen(r: OwnerRequest, now = Date.now()): boolean {
  return (r.status === 'queued' || r.status === 'sent') && Date.parse(r.expiresAt) > now;
}

/** More files can be added until the request expires, also after a first file was shared. */
export function takesFiles(r: OwnerRequest, now = Date.now()): boolean {
  return (r.status === 'queued' || r.status === 'sent' || r.status === 'answered') && Date.parse(r.expiresAt) > now;
}

/** The status the owner reads: an open request past its time is expired even before the server's sweep says so. */
export function shownStatus(r: OwnerRequest, now = Date.now()): RequestStatus {
  if ((r.status === 'queued' || r.status === 'sent') && Date.parse(r.expiresAt) <= now) return 'expired';
  return r.status;
}

export const evidenceOf = (requestId: string) => api.get<{ evidence: OwnerEvidence[] }>(`/api/v1/owner/requests/${requestId}/evidence`).then((r) => r.evidence);

export const declineRequest = (requestId: string, reason: string) =>
  api.post<{ id: string; status: RequestStatus }>(`/api/v1/owner/requests/${requestId}/decline`, reason.trim() ? { reason: reason.trim() } : {});

export const requestKinds = () => api.get<{ kinds: RequestKind[] }>('/api/v1/public/request-kinds').then((r) => r.kinds);

export const saveDeclinedKinds = (declinedKinds: string[]) => request<{ declinedKinds: string[] }>('PUT', '/api/v1/owner/preferences', { declinedKinds });

// ---------- dates, in the owner's time zone ----------

/** A time zone the browser knows, else the browser's own. */
export function usableZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** "Tuesday, June 3, 2025, 2:05 – 2:45 PM EDT": the day once when both ends fall on it. */
export function formatWindow(fromIso: string, toIso: string, lang: string, timeZone: string | undefined): string {
  const f = new Intl.DateTimeFormat(lang, { timeZone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
  return f.formatRange(new Date(fromIso), new Date(toIso));
}

export function formatMoment(iso: string, lang: string, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat(lang, { timeZone, weekday: 'long', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso));
}

export function formatDay(iso: string, lang: string, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat(lang, { timeZone, dateStyle: 'medium' }).format(new Date(iso));
}

/** "in 2 days", "in 5 hours", "in 10 minutes". */
export function formatFromNow(iso: string, lang: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const minutes = Math.round(ms / 60_000);
  if (Math.abs(minutes) < 60) return rtf.format(minutes, 'minute');
  const hours = Math.round(ms / 3_600_000);
  if (Math.abs(hours) < 48) return rtf.format(hours, 'hour');
  return rtf.format(Math.round(ms / 86_400_000), 'day');
}

/** The time zone's name for people ("Eastern Daylight Time"), for the line that says which zone times are in. */
export function zoneName(lang: string, timeZone: string | undefined, at = new Date()): string {
  const part = new Intl.DateTimeFormat(lang, { timeZone, timeZoneName: 'long' }).formatToParts(at).find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone ?? '';
}

/** The first and last characters of a SHA-256, enough to compare by eye. */
export const shortHash = (hex: string) => `${hex.slice(0, 8)}…${hex.slice(-8)}`;
