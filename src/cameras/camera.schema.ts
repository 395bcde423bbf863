// Request and response shapes of the camera registry; the public registration contract is fixed by PRODUCT.md:
// {"owner":{"name","email","phone","kind"},"cameras":[{"location":{"lat","lng"},"kind","bearingDeg","fovDeg",
//  "rangeM","retentionDays","tier"}],"consent":true}
import { Type, type Static } from 'typebox';
import { CAMERA_KINDS, CAMERA_STATUSES, CAMERA_TIERS, LANGUAGES, OWNER_KINDS } from '../db/schema.js';

const literalUnion = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)) as never, { description: `${description}: ${values.join(', ')}` });

/** Text a person typed: no control characters (tabs and newlines aside), trimmed length limits. */
const PlainText = (maxLength: number, opts: { minLength?: number; description?: string } = {}) =>
  Type.String({ maxLength, pattern: '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$', ...opts });

export const OwnerKindSchema = literalUnion(OWNER_KINDS, 'who registers');
export const CameraKindSchema = literalUnion(CAMERA_KINDS, 'kind of camera');
export const CameraTierSchema = literalUnion(CAMERA_TIERS, 'registered: police may ask for footage; integrated: live view while an incident is active nearby; city: city-owned');
export const CameraStatusSchema = literalUnion(CAMERA_STATUSES, 'review state');
export const LanguageSchema = literalUnion(LANGUAGES, 'preferred language');

export const LocationSchema = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false, description: 'WGS84 degrees' },
);

export const StreamSchema = Type.Object(
  {
    url: Type.String({ maxLength: 500, pattern: '^(rtsp|rtsps|https?)://', description: 'RTSP or HTTP(S) stream address' }),
    username: Type.Optional(Type.String({ maxLength: 200 })),
    password: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false, description: 'Integrated cameras only. Stored encrypted, never shown back.' },
);

const cameraFields = {
  location: LocationSchema,
  address: Type.Optional(PlainText(300)),
  label: Type.Optional(PlainText(100, { description: 'e.g. "Front door", "Parking lot"' })),
  kind: CameraKindSchema,
  bearingDeg: Type.Number({ minimum: 0, maximum: 360, description: 'direction the camera faces, degrees clockwise from north' }),
  fovDeg: Type.Number({ minimum: 1, maximum: 360, description: 'field-of-view angle; 360 for a PTZ or fisheye camera' }),
  rangeM: Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'how far it sees usefully, metres' }),
  indoor: Type.Optional(Type.Boolean()),
  retentionDays: Type.Integer({ minimum: 0, maximum: 3650, description: 'days of footage the camera keeps' }),
  tier: Type.Union([Type.Literal('registered'), Type.Literal('integrated')]),
  stream: Type.Optional(StreamSchema),
};

export const CameraInput = Type.Object(cameraFields, { additionalProperties: false });
export type CameraInput = Static<typeof CameraInput>;

export const RegistrationBody = Type.Object(
  {
    owner: Type.Object(
      {
        name: PlainText(200, { minLength: 1 }),
        email: Type.String({ format: 'email', maxLength: 320 }),
        phone: Type.Optional(Type.String({ maxLength: 40, pattern: '^[+0-9 ().-]{7,40}$' })),
        kind: OwnerKindSchema,
        organization: Type.Optional(PlainText(200)),
        language: Type.Optional(LanguageSchema),
        contactBySms: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    cameras: Type.Array(CameraInput, { minItems: 1, maxItems: 50 }),
    consent: Type.Literal(true, { description: 'agreement to the current program terms (GET /api/v1/public/terms)' }),
    website: Type.Optional(Type.String({ maxLength: 500, description: 'leave empty (a field only bots fill in)' })),
  },
  { additionalProperties: false },
);
export type RegistrationBody = Static<typeof RegistrationBody>;

export const CameraPatch = Type.Partial(Type.Object(cameraFields, { additionalProperties: false }), { additionalProperties: false, minProperties: 1 });
export type CameraPatch = Static<typeof CameraPatch>;

export const CameraView = Type.Object({
  id: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  location: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
  address: Type.Union([Type.String(), Type.Null()]),
  kind: Type.String(),
  bearingDeg: Type.Number(),
  fovDeg: Type.Number(),
  rangeM: Type.Number(),
  indoor: Type.Boolean(),
  retentionDays: Type.Integer(),
  tier: Type.String(),
  status: Type.String(),
  reviewNote: Type.Union([Type.String(), Type.Null()]),
  changesRequested: Type.Boolean(),
  hasStream: Type.Boolean({ description: 'a stream address is on file (it is never shown)' }),
  ownerId: Type.Union([Type.String(), Type.Null()]),
  agencyId: Type.Union([Type.String(), Type.Null()]),
  source: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  verifiedAt: Type.Union([Type.String(), Type.Null()]),
});
