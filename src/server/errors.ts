// One JSON shape for every error the API returns, so clients (the web app, other bureau
// systems, QGIS plug-ins) can rely on it:
//   { statusCode: 404, code: "not_found", error: "human-readable message", problems?: [...] }
// `code` is stable and machine-readable; `error` names the file, feature, parameter or rule at
// fault. Internal errors never leak stack traces or SQL.
// Domain errors (src/errors.ts, and the module errors that extend them: ImportRejected,
// ImportError, UnknownLayerError, VersionError, QueryTimeoutError, …) carry their own code; this
// module knows only their kind, so it imports no domain module.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, RateLimited, type ErrorKind } from '../errors.ts';

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
  // A value PostgreSQL could not take (SQLSTATE class 22: data exception — out of range, invalid
  // text representation, untranslatable character, bad date): the request's fault, named as such.
  const sqlstate = (err as { code?: unknown }).code;
  if (typeof sqlstate === 'string' && /^22[0-9A-Z]{3}$/.test(sqlstate)) {
    return {
      statusCode: 400,
      code: 'bad_value',
      error: `参数值无效或超出范围 (a value in the request is invalid or out of range): ${err.message}`,
    };
  }
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
    if (e.statusCode >= 500 && e.code === 'internal') {
      req.log.error({ err }, 'internal error');
      e.error = `服务器内部错误，详情见服务器日志（请求编号 ${req.id}） (internal error; see the server log for request ${req.id})`;
    }
    if (err instanceof RateLimited) reply.header('retry-after', String(err.retryAfter));
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
