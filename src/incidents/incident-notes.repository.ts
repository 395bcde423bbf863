// Staff notes on incidents: the only SQL for incident_notes (and the staff names the timeline shows).
import { asc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { incidentNotes, staffUsers } from '../db/schema.js';

export type IncidentNote = typeof incidentNotes.$inferSelect;
export type NoteWithAuthor = IncidentNote & { authorName: string };

export async function insertNote(q: Queryable, row: typeof incidentNotes.$inferInsert): Promise<IncidentNote> {
  const [note] = await q.insert(incidentNotes).values(row).returning();
  return note!;
}

export async function notesOf(q: Queryable, incidentId: string): Promise<NoteWithAuthor[]> {
  const rows = await q
    .select({ note: incidentNotes, authorName: staffUsers.displayName })
    .from(incidentNotes)
    .innerJoin(staffUsers, eq(staffUsers.id, incidentNotes.authorId))
    .where(eq(incidentNotes.incidentId, incidentId))
    .orderBy(asc(incidentNotes.createdAt), asc(incidentNotes.id));
  return rows.map((r) => ({ ...r.note, authorName: r.authorName }));
}

/** Display names of staff members by id. */
export async function staffNames(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await q.select({ id: staffUsers.id, name: staffUsers.displayName }).from(staffUsers).where(inArray(staffUsers.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r.name]));
}
