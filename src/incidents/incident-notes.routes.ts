// Notes on an incident and its timeline (contract D).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requirePrincipal } from '../http/access.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { actorOf } from '../staff/staff.routes.js';
import { visibleIncident } from './incident-access.js';
import { NOTE_MAX_CHARS } from './incident-notes.service.js';
import { TIMELINE_KINDS } from './incident-timeline.js';

const floor = { roles: ['operator', 'supervisor', 'admin'] as const };
const readers = { roles: ['operator', 'supervisor', 'admin', 'partner'] as const };

const Person = Type.Object({ id: Type.String(), name: Type.String() });
const NoteView = Type.Object({ id: Type.String(), incidentId: Type.String(), text: Type.String(), author: Person, createdAt: Type.String({ format: 'date-time' }) });
const Entry = Type.Object({
  at: Type.String({ format: 'date-time' }),
  kind: Type.String({ description: TIMELINE_KINDS.join(', ') }),
  summary: Type.String({ description: 'one line an analyst can read' }),
  actor: Type.Union([Type.Object({ type: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  refs: Type.Object({ requestId: Type.Optional(Type.String()), evidenceId: Type.Optional(Type.String()), alertId: Type.Optional(Type.String()) }),
});

export const incidentNoteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { notes, database } = app.ctx;

  app.post(
    '/incidents/:id/notes',
    {
      config: { access: floor },
      schema: {
        tags: ['incidents'],
        summary: 'Add a note to an incident (audited; shown on its timeline and to the floor at once)',
        params: IdParams,
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: NOTE_MAX_CHARS }) }, { additionalProperties: false }),
        response: { 201: NoteView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const note = await notes.add(request.params.id, request.body.text, { id: p.id, displayName: p.displayName }, actorOf(p, request.id));
      return reply.status(201).send(note);
    },
  );

  app.get(
    '/incidents/:id/timeline',
    {
      config: { access: readers },
      schema: {
        tags: ['incidents'],
        summary: 'Everything that happened on an incident, oldest first, one line each',
        description:
          'Assembled from the incident’s change history and matches, its footage requests and their messages, evidence and its custody entries in the audit trail, staff notes and alerts. Partners: their own agency’s incidents only.',
        params: IdParams,
        response: { 200: Type.Object({ entries: Type.Array(Entry) }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const incident = await visibleIncident(database.db, requirePrincipal(request), request.params.id);
      return { entries: await notes.timeline(incident.id) };
    },
  );
};
