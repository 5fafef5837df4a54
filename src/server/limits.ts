// Request limits: a deadline per request that cancels its database work, as does a client that
// closes the connection before its answer. (The rate limit for
// anonymous callers is applied by the guard, auth/guard.ts, with util/rate-limiter.ts.)
import type { FastifyInstance } from 'fastify';
import { CLIENT_GONE, queryContext } from '../db/context.ts';
import type { Limits } from '../config.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A longer deadline for this route (file imports). */
    timeoutMs?: number;
  }
}

export function installRequestDeadline(app: FastifyInstance, limits: Limits): void {
  // Callback-style hook: the rest of the request (hooks, handler, the queries they run) executes
  // inside queryContext.run, so the database layer sees this request's signal.
  app.addHook('onRequest', (req, reply, done) => {
    const ms = req.routeOptions.config?.timeoutMs ?? limits.requestTimeoutMs;
    if (!ms) return done();
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), ms);
    timer.unref();
    // A client that goes away before its answer cancels the work too (issue 22 item 2): nobody
    // would read the result, and a long import or review would hold the database for nothing.
    reply.raw.once('close', () => {
      clearTimeout(timer);
      if (!reply.raw.writableFinished) ctl.abort(CLIENT_GONE);
    });
    queryContext.run({ signal: ctl.signal, timeoutMs: ms, deadline: Date.now() + ms }, done);
  });
}
