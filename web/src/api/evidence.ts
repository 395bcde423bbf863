// Evidence received for footage requests, its chain of custody, and the addresses of the playable copy and the
// original (src/evidence/evidence.routes.ts). Playing and downloading are audited with the purpose given.
import { api } from './http';

export interface ProbeFacts {
  container: string | null;
  durationS: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  recordedAt: string | null;
  hasVideo: boolean;
}

export interface EvidenceView {
  id: string;
  requestId: string;
  originalName: string;
  contentType: string | null;
  sizeBytes: number;
  sha256: string;
  probe: ProbeFacts | null;
  coverageWarning: string | null;
  status: 'processing' | 'ready' | 'failed';
  failure: string | null;
  playable: boolean;
  receivedAt: string;
  processedAt: string | null;
}

export interface CustodyEntry {
  at: string;
  action: string;
  actorType: string;
  actorName: string | null;
  purpose: string | null;
  details: Record<string, unknown> | null;
  seq: number;
}

const enc = encodeURIComponent;

export const evidenceOfRequest = (requestId: string) => api.get<{ evidence: EvidenceView[] }>(`/api/v1/requests/${enc(requestId)}/evidence`);

export const getEvidence = (id: string) => api.get<{ evidence: EvidenceView; custody: CustodyEntry[] }>(`/api/v1/evidence/${enc(id)}`);

export const playUrl = (id: string, purpose: string) => `/api/v1/evidence/${enc(id)}/play?purpose=${enc(purpose)}`;

export const originalUrl = (id: string, purpose: string) => `/api/v1/evidence/${enc(id)}/original?purpose=${enc(purpose)}`;
