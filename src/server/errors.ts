// One JSON shape for every error the API returns, so clients (the web app, other bureau
// systems, QGIS plug-ins) can rely on it:
//   { statusCode: 404, code: "not_found", error: "human-readable message", problems?: [...] }
// `code` is stable and machine-readable; `error` names the file, feature, parameter or rule at
// fault. Internal errors never leak stack traces or SQL.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnknownLayerError } from '../catalogue/catalogue.service.ts';
import { VersionError } from '../store/store.service.ts';
import { ImportRejected } from '../importers/pipeline.ts';
import { ImportError } from '../importers/types.ts';
import { QueryTimeoutError } from '../db/context.ts';
import { DomainError, type ErrorKind } from '../errors.ts';

/** The HTTP status of each kind of domain error: the only place the two meet (decision 0007). */
export const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  illegal_transition: 409,
  too_large: 413,
  unsupported: 415,
  rate_limited: 429,
  unavailable: 503,
  timeout: 504,
};

export interface ApiError {
  statusCode: number;
  code: string;
  error: string;
  problems?: unknown[];
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  500: 'internal',
  503: 'unavailable',
  504: 'timeout',
};

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code = CODES[statusCode] ?? 'error',
    readonly problems?: unknown[],
  ) {
    super(message);
  }
}

export const errorSchema = {
  type: 'object',
  required: ['statusCode', 'code', 'error'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string' },
    error: { type: 'string' },
    problems: { type: 'array', items: {} },
  },
} as const;

export function apiError(err: FastifyError & { problems?: unknown[]; code?: string }): ApiError {
  if (err instanceof DomainError) {
    return {
      statusCode: STATUS[err.kind],
      code: err.code,
      error: err.message,
      ...(err.problems?.length ? { problems: err.problems } : {}),
    };
  }
  if (err instanceof UnknownLayerError || err instanceof VersionError) return { statusCode: 404, code: 'not_found', error: err.message };
  if (err instanceof ImportRejected) return { statusCode: 400, code: 'import_rejected', error: err.message, problems: err.problems };
  if (err instanceof ImportError) return { statusCode: 400, code: 'import_error', error: err.message };
  if (err instanceof QueryTimeoutError) return { statusCode: 504, code: 'timeout', error: err.message };
  if (err.validation) {
    // Fastify's schema validation: say which parameter and why.
    return { statusCode: 400, code: 'validation', error: `请求参数无效 (invalid request): ${err.message}`, problems: err.validation };
  }
  const fst = err.code ?? '';
  if (fst === 'FST_ERR_CTP_BODY_TOO_LARGE' || fst === 'FST_REQ_FILE_TOO_LARGE' || fst === 'FST_FILES_LIMIT' || fst === 'FST_PARTS_LIMIT') {
    return { statusCode: 413, code: 'payload_too_large', error: `上传内容过大 (request too large): ${err.message}` };
  }
  if (fst === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { statusCode: 415, code: 'unsupported_media_type', error: err.message };
  if (fst === 'FST_ERR_CTP_INVALID_JSON_BODY' || fst === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
    return { statusCode: 400, code: 'malformed_body', error: `请求体不是有效的 JSON (the body is not valid JSON): ${err.message}` };
  }
  if (fst === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    return { statusCode: 415, code: 'unsupported_media_type', error: 'the upload must be multipart/form-data with the file in a field' };
  const status = err.statusCode;
  if (status && status >= 400 && status < 500) {
    const code = err instanceof HttpError ? err.code : (CODES[status] ?? 'bad_request');
    return { statusCode: status, code, error: err.message, ...(err.problems?.length ? { problems: err.problems } : {}) };
  }
  return { statusCode: 500, code: 'internal', error: '服务器内部错误 (internal error); the details are in the server log' };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError & { problems?: unknown[] }, req: FastifyRequest, reply: FastifyReply) => {
    const e = apiError(err);
    if (e.statusCode >= 500 && e.code === 'internal') req.log.error(err);
    if (e.statusCode === 429 && (err as { retryAfter?: number }).retryAfter)
      reply.header('retry-after', String((err as { retryAfter?: number }).retryAfter));
    return reply.code(e.statusCode).type('application/json; charset=utf-8').send(e);
  });
  app.setNotFoundHandler((req, reply) => {
    const e: ApiError = {
      statusCode: 404,
      code: 'not_found',
      error: `没有这个地址 (no such route): ${req.method} ${req.url.split('?')[0]}`,
    };
    return reply.code(404).send(e);
  });
}
