// Notes by staff on an incident (audited, published as incident.note) and the incident's timeline (contract D).
import type { Db } from '../db/client.js';
import { invalid, notFound } from '../errors.js';
import { appendAudit, listAudit, type AuditRow } from '../audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Actor } from '../staff/staff.service.js';
import { recordChange, type FloorPublisher } from '../events/floor-publisher.js';
import { alertsOfIncident } from '../alerts/alert.repository.js';
import { evidenceOfRequests } from '../evidence/evidence.repository.js';
import { messagesByKeys } from '../notifications/outbox.repository.js';
import { requestsOfIncident } from '../requests/request.repository.js';
import * as incidentRepo from './incident.repository.js';
import * as repo from './incident-notes.repository.js';
import { buildTimeline, type TimelineEntry } from './incident-timeline.js';

export const NOTE_MAX_CHARS = 2000;

export interface NoteView {
  id: string;
  incidentId: string;
  text: string;
  author: { id: string; name: string };
  createdAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class IncidentNotesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly floor: FloorPublisher,
  ) {}

  /** A staff member's note on an incident: stored, audited (not its text) and published after commit. */
  async add(incidentId: string, text: string, author: { id: string; displayName: string }, actor: Actor): Promise<NoteView> {
    const clean = text.trim();
    if (clean.length === 0) throw invalid('/body/text: the note is empty', [{ pointer: '/body/text', message: 'empty' }]);
    if (clean.length > NOTE_MAX_CHARS) throw invalid(`/body/text: a note is at most ${NOTE_MAX_CHARS} characters`, [{ pointer: '/body/text', message: 'too long' }]);
    const now = this.clock.now();
    return this.floor.transaction(async (tx) => {
      const incident = await incidentRepo.findIncident(tx, incidentId);
      if (!incident) throw notFound('that incident');
      const row = await repo.insertNote(tx, { incidentId: incident.id, authorId: author.id, text: clean, createdAt: now });
      await appendAudit(tx, { ...actor, action: 'incident.note', targetType: 'incident', targetId: incident.id, incidentId: incident.id, details: { noteId: row.id, chars: clean.length } }, now);
      const note: NoteView = { id: row.id, incidentId: incident.id, text: row.text, author: { id: author.id, name: author.displayName }, createdAt: row.createdAt.toISOString() };
      recordChange(tx, { kind: 'event', event: { type: 'incident.note', agencyId: incident.agencyId, incidentId: incident.id, data: { note } } });
      return note;
    });
  }

  /** Everything that happened on the incident, oldest first. */
  async timeline(incidentId: string): Promise<TimelineEntry[]> {
    const db = this.db;
    const incident = await incidentRepo.findIncident(db, incidentId);
    if (!incident) throw notFound('that incident');
    const [changes, matches, requests, notes, alerts, incidentAudit] = await Promise.all([
      incidentRepo.changesOf(db, incidentId),
      incidentRepo.matchesOf(db, incidentId),
      requestsOfIncident(db, incidentId),
      repo.notesOf(db, incidentId),
      alertsOfIncident(db, incidentId),
      listAudit(db, { incidentId }, 5000),
    ]);
    // A fixed number of queries however many requests and files the incident has.
    const evidence = await evidenceOfRequests(db, requests.map((r) => r.id));
    const keys = requests.flatMap((r) => [`request:${r.id}`, `request-sms:${r.id}`, `reminder:${r.id}`]);
    const [messages, requestAudit, evidenceAudit] = await Promise.all([
      messagesByKeys(db, keys),
      listAudit(db, { targetType: 'footage_request', targetIds: requests.map((r) => r.id) }, 500 * Math.max(1, requests.length)),
      listAudit(db, { targetType: 'evidence', targetIds: evidence.map((e) => e.id) }, 2000 * Math.max(1, evidence.length)),
    ]);
    const audit: AuditRow[] = [...incidentAudit, ...requestAudit, ...evidenceAudit];
    const staffIds = [...new Set(audit.filter((a) => a.actorType === 'staff' && a.actorId && UUID.test(a.actorId)).map((a) => a.actorId!))];
    const staffNames = await repo.staffNames(db, staffIds);
    return buildTimeline({ incident, changes, matches, requests, messages, evidence, audit, notes, alerts, staffNames });
  }
}
