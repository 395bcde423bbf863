// The alert queue (contract C): list with counts, acknowledge, assign, snooze, resolve; whom to assign to; and the
// camera health feed that raises and resolves camera_offline alerts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requirePrincipal } from '../http/access.js';
import { errorResponses, IdParams, Uuid } from '../http/schemas.js';
import { actorOf } from '../staff/staff.routes.js';
import type { AlertView as AlertViewData } from './alert.views.js';

const floor = { roles: ['operator', 'supervisor', 'admin'] as const };
const readers = { roles: ['operator', 'supervisor', 'admin', 'partner'] as const };
const healthFeed = { roles: ['operator', 'supervisor', 'admin'] as const, apiKey: true };

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const StaffRef = Type.Object({ id: Type.String(), name: Type.String() });
const Kind = Type.Union([Type.Literal('incident'), Type.Literal('undelivered'), Type.Literal('footage'), Type.Literal('camera_offline')]);

export const AlertView = Type.Object(
  {
    id: Type.String(),
    kind: Kind,
    title: Type.String(),
    detail: Nullable(Type.String()),
    priority: Type.Integer({ minimum: 1, maximum: 5, description: '1 (highest) … 5' }),
    incidentId: Nullable(Type.String()),
    requestId: Nullable(Type.String()),
    evidenceId: Nullable(Type.String()),
    cameraId: Nullable(Type.String()),
    status: Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('resolved')]),
    assignedTo: Nullable(StaffRef),
    snoozedUntil: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
    acknowledgedAt: Nullable(Type.String({ format: 'date-time' })),
    acknowledgedBy: Nullable(StaffRef),
    resolvedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { description: 'an alert (contract C)' },
);

const Counts = Type.Object(
  {
    open: Type.Integer({ description: 'alerts in the queue: not resolved and not snoozed' }),
    unassigned: Type.Integer({ description: 'of those, assigned to nobody' }),
    mine: Type.Integer({ description: 'of those, assigned to the caller' }),
    unacknowledged: Type.Integer({ description: 'of those, not yet acknowledged' }),
    byKind: Type.Object({ incident: Type.Integer(), undelivered: Type.Integer(), footage: Type.Integer(), camera_offline: Type.Integer() }),
  },
  { description: 'always over the whole queue the caller may see, whatever the filters' },
);

const NoBody = Type.Object({}, { additionalProperties: false });

export const alertRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { alerts } = app.ctx;
  // Inline, not app.addSchema: a schema added in this plugin would give it a validator that coerces bodies.
  const viewRef = AlertView;

  app.get(
    '/alerts',
    {
      config: { access: readers },
      schema: {
        tags: ['alerts'],
        summary: 'The alert queue, highest priority and newest first, with its counts',
        description:
          'status=open (default): alerts not resolved and not snoozed (a snoozed alert comes back when its time comes); status=all: every alert. mine=true: only those assigned to the caller. Partners see only their own agency’s alerts.',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('all')], { default: 'open' })),
            mine: Type.Optional(Type.Boolean({ default: false })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ alerts: Type.Array(viewRef), counts: Counts }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const q = request.query;
      return alerts.list({ id: p.id, roles: p.roles, agencyId: p.agency.id }, { status: q.status ?? 'open', mine: q.mine ?? false, limit: q.limit ?? 200 });
    },
  );

  const action = (path: string, summary: string, body: Parameters<typeof Type.Object>[0], run: (id: string, body: Record<string, unknown>, actor: ReturnType<typeof actorOf>) => Promise<AlertViewData>) =>
    app.post(
      `/alerts/:id/${path}`,
      {
        config: { access: floor },
        schema: {
          tags: ['alerts'],
          summary,
          params: IdParams,
          body: Type.Object(body, { additionalProperties: false }),
          response: { 200: viewRef, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => run(request.params.id, (request.body ?? {}) as Record<string, unknown>, actorOf(requirePrincipal(request), request.id)),
    );

  action('ack', 'Acknowledge an alert (someone is on it)', NoBody.properties, (id, _b, actor) => alerts.acknowledge(id, actor));
  action('assign', 'Assign an alert to a colleague on the floor', { staffId: Uuid }, (id, b, actor) => alerts.assign(id, b.staffId as string, actor));
  action(
    'snooze',
    'Hide an alert from the queue for a while; it comes back when the time is up',
    { minutes: Type.Integer({ minimum: 1, maximum: 1440, description: 'how long, 1 to 1440 minutes' }) },
    (id, b, actor) => alerts.snooze(id, b.minutes as number, actor),
  );
  action('resolve', 'Resolve an alert (nothing more to do)', NoBody.properties, (id, _b, actor) => alerts.resolve(id, actor));

  app.get(
    '/colleagues',
    {
      config: { access: floor },
      schema: {
        tags: ['alerts'],
        summary: 'Floor staff an alert can be assigned to (operators, supervisors, admins with an active account)',
        response: { 200: Type.Object({ colleagues: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), agency: Type.String() })) }), ...errorResponses(401, 403) },
      },
    },
    async () => ({ colleagues: await alerts.colleagues() }),
  );

  app.post(
    '/cameras/:id/status',
    {
      config: { access: healthFeed },
      schema: {
        tags: ['alerts'],
        summary: 'Camera health report (a VMS or camera feed): offline raises a camera_offline alert, online resolves it',
        description: 'One alert per offline spell: repeated offline reports update the camera’s health and raise nothing new.',
        params: IdParams,
        body: Type.Object(
          { online: Type.Boolean(), detail: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'what the feed saw, e.g. "no video since 14:02"' })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ cameraId: Type.String(), online: Type.Boolean(), since: Type.String({ format: 'date-time', description: 'in this state since' }), alert: Type.Union([viewRef, Type.Null()]) }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => alerts.cameraStatus(request.params.id, request.body.online, request.body.detail?.trim() || null, actorOf(requirePrincipal(request), request.id)),
  );
};
