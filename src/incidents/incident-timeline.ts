// An incident's timeline (contract D): everything that happened on it, one line each, oldest first, assembled from
// what the program already records — the incident's change history and matches, its footage requests and their
// messages, the evidence and its custody entries in the audit trail, staff notes and alerts. Pure: the caller reads
// the rows, this turns them into entries an analyst can read.
import type { AuditRow } from '../audit/audit.repository.js';
import type { Alert } from '../alerts/alert.repository.js';
import type { Evidence } from '../evidence/evidence.repository.js';
import type { OutboxMessage } from '../notifications/outbox.repository.js';
import type { FootageRequest } from '../requests/request.repository.js';
import type { Incident, IncidentMatch } from './incident.repository.js';
import type { NoteWithAuthor } from './incident-notes.repository.js';

export const TIMELINE_KINDS = ['created', 'changed', 'matched', 'request', 'message', 'evidence', 'custody', 'note', 'alert', 'closed'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  summary: string;
  actor: { type: string; name: string | null } | null;
  refs: { requestId?: string; evidenceId?: string; alertId?: string };
}

export interface TimelineFacts {
  incident: Incident;
  changes: { at: Date; actorType: string; actorId: string | null; changes: Record<string, [unknown, unknown]> }[];
  matches: IncidentMatch[];
  requests: (FootageRequest & { cameraIds: string[] })[];
  messages: OutboxMessage[];
  evidence: Evidence[];
  /** Audit entries of the incident and of its requests and evidence (any order, duplicates allowed). */
  audit: AuditRow[];
  notes: NoteWithAuthor[];
  alerts: Alert[];
  /** Display names of staff by id (audit entries carry the username). */
  staffNames: ReadonlyMap<string, string>;
}

const FIELD_NAMES: Record<string, string> = {
  type: 'type',
  priority: 'priority',
  occurredFrom: 'start',
  occurredTo: 'end',
  reportedAt: 'reported',
  address: 'address',
  district: 'district',
  ward: 'ward',
  psa: 'PSA',
};

function shown(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (v instanceof Date) return v.toISOString().replace('.000Z', 'Z');
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return v.replace('.000Z', 'Z');
  return String(v);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function channelName(key: string): string {
  return key.startsWith('request-sms:') ? 'Text message' : 'Email';
}

/** "priority 3 → 1; type BURGLARY → ROBBERY; location moved". */
export function describeChanges(changes: Record<string, [unknown, unknown]>): string {
  const parts: string[] = [];
  if ('lat' in changes || 'lng' in changes || 'accuracyM' in changes) parts.push('location moved');
  for (const [field, [before, after]] of Object.entries(changes)) {
    if (field === 'lat' || field === 'lng' || field === 'accuracyM' || field === 'status') continue;
    parts.push(`${FIELD_NAMES[field] ?? field} ${shown(before)} → ${shown(after)}`);
  }
  return parts.join('; ');
}

export function buildTimeline(f: TimelineFacts): TimelineEntry[] {
  const entries: (TimelineEntry & { order: number })[] = [];
  let order = 0;
  const add = (at: Date | string, kind: TimelineKind, summary: string, actor: TimelineEntry['actor'], refs: TimelineEntry['refs'] = {}) =>
    entries.push({ at: new Date(at).toISOString(), kind, summary, actor, refs, order: order++ });
  const who = (a: Pick<AuditRow, 'actorType' | 'actorId' | 'actorName'>): TimelineEntry['actor'] => ({
    type: a.actorType,
    name: (a.actorType === 'staff' && a.actorId ? f.staffNames.get(a.actorId) : undefined) ?? a.actorName ?? (a.actorType === 'owner' ? 'the owner' : null),
  });
  const i = f.incident;
  const requestIds = new Set(f.requests.map((r) => r.id));
  const evidenceIds = new Set(f.evidence.map((e) => e.id));
  const requestsById = new Map(f.requests.map((r) => [r.id, r]));
  const evidenceById = new Map(f.evidence.map((e) => [e.id, e]));

  // Audit entries, once each, in chain order; an entry about a request that names another incident is that one's.
  const seen = new Set<number>();
  const audit = [...f.audit]
    .sort((a, b) => Number(a.seq) - Number(b.seq))
    .filter((a) => !seen.has(Number(a.seq)) && seen.add(Number(a.seq)) && (a.incidentId === null || a.incidentId === i.id));
  const created = audit.find((a) => a.action === 'incident.create');
  const updates = audit.filter((a) => a.action === 'incident.update');

  // The incident as it arrived: each field's value before its first change.
  const first: Record<string, unknown> = { ...i };
  const changedFields = new Set<string>();
  for (const c of [...f.changes].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    for (const [field, [before]] of Object.entries(c.changes)) {
      if (changedFields.has(field)) continue;
      changedFields.add(field);
      first[field] = before;
    }
  }
  const lat = typeof first.lat === 'number' ? first.lat : null;
  const lng = typeof first.lng === 'number' ? first.lng : null;
  const where = (first.address as string | null) ?? (lat !== null && lng !== null ? `${lat.toFixed(5)}, ${lng.toFixed(5)}` : 'an unknown place');
  add(i.createdAt, 'created', `${String(first.type)} reported, priority ${String(first.priority)}, at ${where} (${i.source} ${i.externalId})`, created ? who(created) : { type: 'system', name: i.source });

  for (const c of f.changes) {
    const keys = Object.keys(c.changes);
    if (keys.length === 1 && keys[0] === 'status') continue; // the close, shown from its audit entry
    const byAudit = updates.find((u) => Math.abs(new Date(u.at).getTime() - c.at.getTime()) < 1000 && (u.actorId ?? null) === (c.actorId ?? null));
    add(c.at, 'changed', `Updated by the feed: ${describeChanges(c.changes)}`, byAudit ? who(byAudit) : { type: c.actorType, name: null });
  }

  if (i.lat !== null && i.lng !== null) {
    const at = f.matches[0]?.computedAt ?? i.createdAt;
    const nearest = f.matches.reduce((m, x) => Math.min(m, x.distanceM), Infinity);
    const facing = f.matches.filter((m) => m.facesArea).length;
    add(
      at,
      'matched',
      f.matches.length === 0
        ? 'No registered camera could have seen it'
        : `${plural(f.matches.length, 'camera')} could have seen it (${facing} facing it), nearest ${Math.round(nearest)} m`,
      { type: 'system', name: 'matcher' },
    );
  }

  // A request going out and its messages follow the entry that created it (that order settles ties in time).
  const delivered = new Set<string>();
  const deliveries = (requestId: string) => {
    if (delivered.has(requestId)) return;
    delivered.add(requestId);
    const r = requestsById.get(requestId);
    if (r?.sentAt) add(r.sentAt, 'request', `Request went out to the owner (${plural(r.cameraIds.length, 'camera')})`, { type: 'system', name: 'requests' }, { requestId });
    for (const m of f.messages) {
      if (m.status !== 'sent' || !m.sentAt || m.idempotencyKey.split(':')[1] !== requestId) continue;
      const what = m.idempotencyKey.startsWith('reminder:') ? 'Reminder' : 'Request';
      add(m.sentAt, 'message', `${what} delivered to the owner (${channelName(m.idempotencyKey).toLowerCase()})`, { type: 'system', name: 'outbox' }, { requestId });
    }
  };
  const alertTitle = (id: string) => {
    const title = f.alerts.find((a) => a.id === id)?.title;
    return title ? `: ${title}` : '';
  };

  for (const a of audit) {
    const target = a.targetId ?? '';
    const request = a.targetType === 'footage_request' ? requestsById.get(target) : undefined;
    const details = a.details ?? {};
    switch (a.action) {
      case 'request.create': {
        const cams = Array.isArray(details.cameras) ? details.cameras.length : (request?.cameraIds.length ?? 0);
        add(a.at, 'request', `Footage requested from an owner for ${plural(cams, 'camera')} (${a.purpose ?? request?.purposeCode ?? 'no purpose'})`, who(a), { requestId: target });
        deliveries(target);
        break;
      }
      case 'request.merge': {
        const cams = Array.isArray(details.cameras) ? details.cameras.length : 0;
        add(a.at, 'request', `Folded into the owner's open request (${plural(cams, 'camera')})`, who(a), { requestId: target });
        deliveries(target);
        break;
      }
      case 'request.cancel':
        add(a.at, 'request', `Request cancelled${typeof details.reason === 'string' ? `: ${details.reason}` : ''}`, who(a), { requestId: target });
        break;
      case 'request.expire':
        if (requestIds.has(target)) add(a.at, 'request', 'Request expired unanswered', who(a), { requestId: target });
        break;
      case 'request.decline':
        if (requestIds.has(target)) add(a.at, 'request', `The owner declined${request?.declineReason ? `: ${oneLine(request.declineReason, 120)}` : ''}`, { type: 'owner', name: 'the owner' }, { requestId: target });
        break;
      case 'evidence.received': {
        const ev = evidenceById.get(target);
        if (!ev) break;
        add(
          a.at,
          'evidence',
          `Footage received: ${ev.originalName} (${megabytes(ev.sizeBytes)})${ev.coverageWarning ? `; ${oneLine(ev.coverageWarning, 120)}` : ''}`,
          { type: 'owner', name: 'the owner' },
          { requestId: ev.requestId, evidenceId: ev.id },
        );
        break;
      }
      case 'evidence.ready':
        if (evidenceIds.has(target)) add(a.at, 'evidence', details.playableCopy ? 'Footage ready to play (a browser copy was made)' : 'Footage ready to play', who(a), { evidenceId: target });
        break;
      case 'evidence.processing_failed':
        if (evidenceIds.has(target)) add(a.at, 'evidence', `Footage could not be processed${typeof details.failure === 'string' ? `: ${oneLine(details.failure, 120)}` : ''}`, who(a), { evidenceId: target });
        break;
      case 'evidence.hashed':
        if (evidenceIds.has(target)) add(a.at, 'custody', `SHA-256 recorded: ${String(details.sha256 ?? '').slice(0, 16)}…`, who(a), { evidenceId: target });
        break;
      case 'evidence.viewed':
      case 'evidence.downloaded':
      case 'evidence.exported':
      case 'evidence.shared':
        if (evidenceIds.has(target)) {
          const name = evidenceById.get(target)?.originalName ?? 'footage';
          add(a.at, 'custody', `${name} ${a.action.slice('evidence.'.length)}${a.purpose ? ` (${oneLine(a.purpose, 80)})` : ''}`, who(a), { evidenceId: target });
        }
        break;
      case 'alert.ack':
        add(a.at, 'alert', `Alert acknowledged${alertTitle(target)}`, who(a), { alertId: target });
        break;
      case 'alert.assign':
        add(a.at, 'alert', `Alert assigned to ${typeof details.name === 'string' ? details.name : 'a colleague'}${alertTitle(target)}`, who(a), { alertId: target });
        break;
      case 'alert.snooze':
        add(a.at, 'alert', `Alert snoozed for ${String(details.minutes ?? '?')} minutes${alertTitle(target)}`, who(a), { alertId: target });
        break;
      case 'alert.resolve':
        add(a.at, 'alert', `Alert resolved${typeof details.reason === 'string' ? ` (${details.reason})` : ''}${alertTitle(target)}`, who(a), { alertId: target });
        break;
      case 'incident.close':
        add(a.at, 'closed', 'Incident closed', who(a));
        break;
    }
  }

  for (const r of f.requests) deliveries(r.id);

  for (const n of f.notes) add(n.createdAt, 'note', `Note: ${oneLine(n.text)}`, { type: 'staff', name: n.authorName }, {});

  for (const al of f.alerts) {
    add(al.createdAt, 'alert', `Alert raised: ${al.title}`, { type: 'system', name: 'alerts' }, { alertId: al.id, ...(al.requestId ? { requestId: al.requestId } : {}), ...(al.evidenceId ? { evidenceId: al.evidenceId } : {}) });
  }

  return entries
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order))
    .map(({ order: _order, ...e }) => e);
}
