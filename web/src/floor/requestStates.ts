// A ranked camera's footage request state, from the incident's requests: what the camera list and the map show.
import type { RequestStatus, RequestView } from '../api/incidents';

export type CameraRequestState = 'none' | RequestStatus;

export const STATE_LABELS: Record<CameraRequestState, string> = {
  none: 'Not requested',
  queued: 'Queued',
  sent: 'Sent',
  answered: 'Footage shared',
  declined: 'Declined',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

export const STATE_COLORS: Record<CameraRequestState, string> = {
  none: '#e7ecf2',
  queued: '#7fb6ff',
  sent: '#ffcc4d',
  answered: '#4ade80',
  declined: '#ff6b6b',
  expired: '#8a99a8',
  cancelled: '#8a99a8',
};

/** Requests still waiting on the owner (may be cancelled). */
export const OPEN_STATES: ReadonlySet<CameraRequestState> = new Set(['queued', 'sent']);

/** Each camera's latest request (a later request for the same camera replaces an earlier one). */
export function requestsByCamera(requests: readonly RequestView[]): Map<string, RequestView> {
  const byCamera = new Map<string, RequestView>();
  for (const r of [...requests].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    for (const id of r.cameraIds ?? []) byCamera.set(id, r);
  }
  return byCamera;
}
