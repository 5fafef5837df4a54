// Who is calling, and may they call this route. Runs before every handler:
//  1. the caller: `Authorization: Bearer om_…` (API token, for other systems), else the
//     `onemap_session` httpOnly cookie (staff in the browser), else the anonymous public;
//  2. the route's declared access (config.access) — a route that declares nothing is refused to
//     everyone but administrators, so a forgotten declaration fails closed;
//  3. anonymous callers are rate-limited per address;
//  4. cookie-authenticated writes must come from our own origin (no cross-site request forgery).
// Layer-level rules (restricted layers, district scope) are in layers.ts and districts.ts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import type { Db } from '../db/index.ts';
import type { Limits } from '../config.ts';
import { ANONYMOUS, ROLE_LABELS, type Access, type User } from './types.ts';
import { userForSession, userForToken } from './users.service.ts';
import type { CallerCache } from './callers.ts';
import { RateLimiter } from '../util/rate-limiter.ts';
import { Forbidden, RateLimited, Unauthenticated } from '../errors.ts';

export const SESSION_COOKIE = 'onemap_session';

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  const m = h && /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : undefined;
}

/** Whether `user` passes `access`; administrators pass everything. */
export function allowed(user: User, access: Access | undefined): boolean {
  if (access === 'public') return true;
  if (user.role === 'anonymous') return false;
  if (user.role === 'admin') return true;
  if (access === 'staff') return true;
  return Array.isArray(access) && (access as readonly string[]).includes(user.role);
}

function describe(access: Access | undefined): string {
  if (access === undefined) return ROLE_LABELS.admin;
  if (access === 'staff' || access === 'public') return '已登录用户';
  return ['admin', ...access].map((r) => ROLE_LABELS[r as keyof typeof ROLE_LABELS]).join('、');
}

/** Registers the guard; `callers` is the application's caller cache (AppContext.callers). */
export async function installAuth(app: FastifyInstance, db: Db, limits: Limits, callers: CallerCache): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('user', null as unknown as User);
  const limiter = new RateLimiter(limits.anonymousPerMinute);
  // Map tiles come in bursts (one view of a few layers ≈ 100 tiles) and an office behind one NAT
  // shares an address: tiles get their own bucket, ten times larger.
  const tileLimiter = new RateLimiter(limits.anonymousPerMinute * 10);

  app.addHook('onRequest', async (req, reply) => {
    req.user = ANONYMOUS;
    const token = bearer(req);
    if (token) {
      const u = await userForToken(db, callers, token);
      if (!u) throw new Unauthenticated('API 令牌无效、已过期或已吊销 (the API token is not valid, expired or revoked)');
      req.user = u;
    } else {
      const sid = req.cookies[SESSION_COOKIE];
      if (sid) {
        const u = await userForSession(db, callers, sid);
        if (u) req.user = u;
        else reply.clearCookie(SESSION_COOKIE, { path: '/' }); // expired or logged out elsewhere
      }
    }

    const access = req.routeOptions.config?.access;
    if (!req.routeOptions.url) return; // no such route: the not-found handler answers
    const user = req.user;
    if (user.role === 'anonymous') {
      const wait = (req.routeOptions.url.startsWith('/tiles') ? tileLimiter : limiter).take(req.ip);
      if (wait)
        throw new RateLimited(
          `请求过于频繁，请 ${wait} 秒后再试 (too many requests from this address; retry after ${wait} s, or sign in)`,
          wait,
        );
    }
    if (!allowed(user, access)) {
      if (user.role === 'anonymous')
        throw new Unauthenticated(`请先登录 (sign in first): ${req.method} ${req.routeOptions.url} is for ${describe(access)}`);
      throw new Forbidden(
        `无权限 (forbidden): ${ROLE_LABELS[user.role]} ${user.username} may not ${req.method} ${req.routeOptions.url}; it is for ${describe(access)}`,
      );
    }
    if (user.via === 'session' && !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      const origin = req.headers.origin ?? req.headers.referer;
      if (origin) {
        // Compare as URLs so default ports (:80, :443) do not make a same-origin request look foreign.
        let same: boolean;
        try {
          const o = new URL(origin);
          same = o.host === new URL(`${o.protocol}//${req.headers.host}`).host;
        } catch {
          same = false;
        }
        if (!same) throw new Forbidden(`跨站请求被拒绝 (cross-site request refused): origin ${origin} is not ${req.headers.host}`);
      }
    }
  });
}
