// Server log (issue 22 item 9): structured JSON lines (pino, Fastify's own logger), one per request
// and one per internal error with its stack, each carrying the request id that the 500 answer and
// the X-Request-Id header show the user — so "详情见服务器日志" leads somewhere. Credentials never
// reach the log: session cookies, bearer tokens and passwords are redacted wherever they appear.
import { randomBytes } from 'node:crypto';
import type { FastifyServerOptions } from 'fastify';

export const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.token',
  'err.config.headers.authorization',
];

/** Logger options for buildApp: level from ONEMAP_LOG_LEVEL (default info); `stream` for tests. */
export function loggerOptions(
  level = process.env.ONEMAP_LOG_LEVEL ?? 'info',
  stream?: NodeJS.WritableStream,
): FastifyServerOptions['logger'] {
  return { level, redact: { paths: REDACT, censor: '[已隐去]' }, ...(stream ? { stream } : {}) } as FastifyServerOptions['logger'];
}

/** A request id no client chooses and no restart repeats. */
export const genReqId = (): string => randomBytes(6).toString('hex');
