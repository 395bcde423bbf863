// One catalogue of errors with stable codes. Every error a client sees is an RFC 9457 problem document:
// { type, title, status, detail, code, requestId, errors? }.

export interface ProblemField {
  /** JSON pointer into the request, e.g. "/body/cameras/0/bearingDeg". */
  pointer: string;
  message: string;
}

export const ERRORS = {
  VALIDATION: { status: 400, title: 'The request is not valid' },
  BAD_JSON: { status: 400, title: 'The request body is not valid JSON' },
  UNAUTHENTICATED: { status: 401, title: 'Sign-in required' },
  BAD_CREDENTIALS: { status: 401, title: 'Wrong username or password' },
  BAD_TOTP: { status: 401, title: 'Wrong or expired code' },
  SESSION_EXPIRED: { status: 401, title: 'The session has ended' },
  MFA_REQUIRED: { status: 401, title: 'Second factor required' },
  ACCOUNT_LOCKED: { status: 423, title: 'The account is locked' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  CSRF: { status: 403, title: 'Missing or wrong CSRF token' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  CONFLICT: { status: 409, title: 'Conflict' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  UNAVAILABLE: { status: 503, title: 'Not ready' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly title: string;
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { errors?: ProblemField[]; headers?: Record<string, string>; [k: string]: unknown } = {},
  ) {
    super(detail);
    this.status = ERRORS[code].status;
    this.title = ERRORS[code].title;
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} does not exist`);
export const forbidden = (detail: string) => new AppError('FORBIDDEN', detail);
export const conflict = (detail: string) => new AppError('CONFLICT', detail);
export const invalid = (detail: string, errors?: ProblemField[]) => new AppError('VALIDATION', detail, errors ? { errors } : {});

export function problemType(code: ErrorCode): string {
  return `/docs/errors#${code.toLowerCase().replaceAll('_', '-')}`;
}
