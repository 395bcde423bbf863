// Alerts as the API and the live floor show them (contract C).
import type { FloorEvent } from '../events/event-bus.js';
import type { Alert, AlertRow } from './alert.repository.js';

export function alertView(a: Alert & Partial<Pick<AlertRow, 'assignedName' | 'acknowledgedName'>>) {
  return {
    id: a.id,
    kind: a.kind,
    title: a.title,
    detail: a.detail,
    priority: a.priority,
    incidentId: a.incidentId,
    requestId: a.requestId,
    evidenceId: a.evidenceId,
    cameraId: a.cameraId,
    status: a.status,
    assignedTo: a.assignedTo ? { id: a.assignedTo, name: a.assignedName ?? '' } : null,
    snoozedUntil: a.snoozedUntil?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: a.acknowledgedBy ? { id: a.acknowledgedBy, name: a.acknowledgedName ?? '' } : null,
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
  };
}

export type AlertView = ReturnType<typeof alertView>;

/** The live event for an alert that was raised or changed (contract A). */
export function alertEvent(a: Alert & Partial<Pick<AlertRow, 'assignedName' | 'acknowledgedName'>>): FloorEvent {
  return { type: 'alert.changed', agencyId: a.agencyId, incidentId: a.incidentId, data: { alert: alertView(a) } };
}
