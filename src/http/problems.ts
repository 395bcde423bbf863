// Turns every error into an RFC 9457 problem document. Unknown errors become a safe 500 naming the request id.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERRORS, problemType, type ErrorCode, type ProblemField } from '../errors.js';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function describeIssue(issue: ValidationIssue, part: string): ProblemField {
  const base = `/${part}${issue.instancePath ?? ''}`;
  if (issue.keyword === 'additionalProperties') {
    const name = String(issue.params?.additionalProperty);
    return { pointer: `${base}/${name}`, message: `unknown field "${name}"` };
  }
  if (issue.keyword === 'required') {
    const name = String(issue.params?.missingProperty);
    return { pointer: `${base}/${name}`, message: `"${name}" is required` };
  }
  return { pointer: base, message: issue.message ?? 'is not valid' };
}

/** Maps Fastify's own errors (body parsing, limits, validation) onto the catalogue. */
function classify(error: FastifyError): { code: ErrorCode; detail: string; errors?: ProblemField[] } | undefined {
  if (error.validation) {
    const part = error.validationContext ?? 'body';
    const errors = (error.validation as ValidationIssue[]).map((i) => describeIssue(i, part));
    const detail = errors.map((e) => `${e.pointer}: ${e.message}`).join('; ');
    return { code: 'VALIDATION', detail, errors };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'BAD_JSON', detail: error.message };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'PAYLOAD_TOO_LARGE', detail: error.message };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'UNSUPPORTED_MEDIA_TYPE', detail: `${error.message}; send application/json` };
  }
  if (error instanceof SyntaxError) return { code: 'BAD_JSON', detail: error.message };
  if (error.statusCode === 429) return { code: 'RATE_LIMITED', detail: error.message };
  return undefined;
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  const status = ERRORS[code].status;
  return reply
    .status(status)
    .type('application/problem+json')
    .send({ type: problemType(code), title: ERRORS[code].title, status, detail, code, requestId: request.id, ...extra });
}

export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      const { errors, headers, ...rest } = error.extra;
      if (headers) reply.headers(headers);
      return sendProblem(reply, request, error.code, error.detail, { ...rest, ...(errors ? { errors } : {}) });
    }
    const known = classify(error);
    if (known) {
      return sendProblem(reply, request, known.code, known.detail, known.errors ? { errors: known.errors } : {});
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Another 4xx from Fastify or a plugin: keep its status and say what it said.
      return reply
        .status(status)
        .type('application/problem+json')
        .send({ type: 'about:blank', title: error.code ?? 'Bad request', status, detail: error.message, requestId: request.id });
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, 'INTERNAL', `Something went wrong on the server; quote request id ${request.id} when reporting it.`);
  });
}
