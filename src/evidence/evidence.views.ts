// Evidence as the API and the live floor show it.
import type { Evidence } from './evidence.repository.js';

export function evidenceView(e: Evidence) {
  return {
    id: e.id,
    requestId: e.requestId,
    originalName: e.originalName,
    contentType: e.contentType,
    sizeBytes: e.sizeBytes,
    sha256: e.sha256,
    probe: e.probe,
    coverageWarning: e.coverageWarning,
    status: e.status,
    failure: e.failure,
    playable: e.status === 'ready',
    receivedAt: e.receivedAt.toISOString(),
    processedAt: e.processedAt?.toISOString() ?? null,
  };
}
