// Footage requests as the API shows them.
import type { FootageRequest } from './request.repository.js';

export function requestView(r: FootageRequest & { cameraIds?: string[]; items?: { incidentId: string; cameraId: string }[] }) {
  return {
    id: r.id,
    ownerId: r.ownerId,
    status: r.status,
    purposeCode: r.purposeCode,
    reason: r.reason,
    windowFrom: r.windowFrom.toISOString(),
    windowTo: r.windowTo.toISOString(),
    requestedBy: { type: r.requestedByType, id: r.requestedById, name: r.requestedByName },
    sendAfter: r.sendAfter.toISOString(),
    sentAt: r.sentAt?.toISOString() ?? null,
    expiresAt: r.expiresAt.toISOString(),
    answeredAt: r.answeredAt?.toISOString() ?? null,
    declineReason: r.declineReason,
    cancelledAt: r.cancelledAt?.toISOString() ?? null,
    cancelReason: r.cancelReason,
    createdAt: r.createdAt.toISOString(),
    ...(r.cameraIds ? { cameraIds: r.cameraIds } : {}),
    ...(r.items ? { items: r.items.map((i) => ({ incidentId: i.incidentId, cameraId: i.cameraId })) } : {}),
  };
}
