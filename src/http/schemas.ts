// Shared schema pieces for routes: problem documents and common shapes, described for the OpenAPI document.
import { Type } from 'typebox';

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String({ description: 'What exactly was wrong, in words a person can act on.' }),
    code: Type.Optional(Type.String({ description: 'Stable error code from the catalogue (docs/api.md).' })),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem document' },
);

/** The error responses every route may give, for the OpenAPI document. */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { $ref: 'Problem#', description: 'Problem document' }]));

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const RoleName = Type.Union(
  [Type.Literal('operator'), Type.Literal('supervisor'), Type.Literal('admin'), Type.Literal('auditor'), Type.Literal('partner')],
  { description: 'operator, supervisor, admin, auditor or partner' },
);
export const AgencyKindName = Type.Union([Type.Literal('local'), Type.Literal('regional'), Type.Literal('federal')]);
