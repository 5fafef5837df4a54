// The caller's name for attribution and the audit trail.
import type { FastifyRequest } from 'fastify';

/**
 * Who is calling. Until sessions and tokens arrive (issue 4) the caller names itself in the
 * X-Onemap-User header (percent-encoded UTF-8); every write is attributed and audited under it.
 */
export function requestUser(req: FastifyRequest): string {
  const h = req.headers['x-onemap-user'];
  let v = Array.isArray(h) ? h[0] : h;
  try {
    v = v ? decodeURIComponent(v) : v; // header values are Latin-1: Chinese names come percent-encoded
  } catch {
    return 'anonymous';
  }
  return v && /^[\p{L}\p{N}_.@-]{1,64}$/u.test(v) ? v : 'anonymous';
}

