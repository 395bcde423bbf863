// fetch for the Watchfloor API: JSON in and out, the session cookie (same origin), the CSRF token on writes,
// and every failure as an ApiError carrying the problem document's status, code and detail.

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    /** The catalogue code from the problem document (BAD_CREDENTIALS, SESSION_EXPIRED …), or NETWORK / HTTP_<status>. */
    readonly code: string,
    /** A sentence meant for people; shown as is. */
    readonly detail: string,
    /** Per-field problems of a 400 VALIDATION answer, each pointing into the request ("/body/cameras/0/location"). */
    readonly errors: readonly ProblemField[] = [],
  ) {
    super(detail);
  }
}

export interface ProblemField {
  pointer: string;
  message: string;
}

interface HttpHooks {
  /** The CSRF token of the current session, if any. */
  csrfToken(): string | undefined;
  /** Called on every 401, before the error is thrown to the caller. */
  onUnauthorized(error: ApiError): void;
}

let hooks: HttpHooks = { csrfToken: () => undefined, onUnauthorized: () => undefined };

/** The session store plugs itself in here; keeps this module free of any state of its own. */
export function configureHttp(next: HttpHooks): void {
  hooks = next;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function problemOf(res: Response): Promise<ApiError> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await res.json()) as { code?: unknown; detail?: unknown; title?: unknown; errors?: unknown };
      const detail = typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : undefined;
      const errors = Array.isArray(body.errors) ? body.errors.filter((e): e is ProblemField => typeof e?.pointer === 'string' && typeof e?.message === 'string') : [];
      if (detail) return new ApiError(res.status, typeof body.code === 'string' ? body.code : `HTTP_${res.status}`, detail, errors);
    } catch {
      // Not the JSON it claimed to be: fall through to the generic message.
    }
  }
  return new ApiError(res.status, `HTTP_${res.status}`, `The server answered ${res.status} ${res.statusText}`.trim() + '.');
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (WRITES.has(method)) {
    const token = hooks.csrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The Watchfloor server cannot be reached. Check the network connection and try again.');
  }
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
  const error = await problemOf(res);
  if (res.status === 401) hooks.onUnauthorized(error);
  throw error;
}

/** GET a file (a data export) as a Blob; failures are the same ApiErrors as from request(). */
export async function getBlob(path: string): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { accept: 'application/json, application/problem+json' }, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The Watchfloor server cannot be reached. Check the network connection and try again.');
  }
  if (res.ok) return res.blob();
  const error = await problemOf(res);
  if (res.status === 401) hooks.onUnauthorized(error);
  throw error;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
};
