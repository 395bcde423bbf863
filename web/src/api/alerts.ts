// The alert queue (contract C): alerts, their counts, and what staff do with them.
import { api } from './http';

export const ALERT_KINDS = ['incident', 'undelivered', 'footage', 'camera_offline'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  incident: 'Incident',
  undelivered: 'Undelivered',
  footage: 'Footage',
  camera_offline: 'Camera offline',
};

export interface StaffRef {
  id: string;
  name: string;
}

export interface AlertView {
  id: string;
  kind: AlertKind;
  title: string;
  detail: string | null;
  /** 1 (highest) … 5 */
  priority: number;
  incidentId: string | null;
  requestId: string | null;
  evidenceId: string | null;
  cameraId: string | null;
  status: 'open' | 'acknowledged' | 'resolved';
  assignedTo: StaffRef | null;
  snoozedUntil: string | null;
  createdAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: StaffRef | null;
}

export interface AlertCounts {
  open: number;
  unassigned: number;
  mine: number;
  byKind: Record<AlertKind, number>;
}

export interface Colleague {
  id: string;
  name: string;
  agency: string;
}

const enc = encodeURIComponent;

export const listAlerts = (opts: { status: 'open' | 'all'; mine: boolean }) =>
  api.get<{ alerts: AlertView[]; counts: AlertCounts }>(`/api/v1/alerts?status=${opts.status}${opts.mine ? '&mine=true' : ''}`);

export const acknowledgeAlert = (id: string) => api.post<AlertView>(`/api/v1/alerts/${enc(id)}/ack`, {});
export const assignAlert = (id: string, staffId: string) => api.post<AlertView>(`/api/v1/alerts/${enc(id)}/assign`, { staffId });
export const snoozeAlert = (id: string, minutes: number) => api.post<AlertView>(`/api/v1/alerts/${enc(id)}/snooze`, { minutes });
export const resolveAlert = (id: string) => api.post<AlertView>(`/api/v1/alerts/${enc(id)}/resolve`, {});

export const listColleagues = () => api.get<{ colleagues: Colleague[] }>('/api/v1/colleagues');
