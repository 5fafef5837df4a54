// Request limits: a deadline per request that cancels its database work, and a rate limit for
// anonymous callers (the public portal must not be able to starve the bureau's own staff).
import type { FastifyInstance } from 'fastify';
import { queryContext } from '../db/context.ts';
import type { Limits } from '../config.ts';
import { HttpError } from './errors.ts';

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
    reply.raw.once('close', () => clearTimeout(timer));
    queryContext.run({ signal: ctl.signal, timeoutMs: ms, deadline: Date.now() + ms }, done);
  });
}

/** Token bucket per client address: `perMinute` requests, refilled continuously. */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly perMinute: number) {}

  /** Seconds to wait, or 0 when the request may pass. */
  take(key: string, now = Date.now()): number {
    if (!this.perMinute) return 0;
    const rate = this.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    if (this.buckets.size > 50_000) this.buckets.clear(); // a flood of addresses: start over rather than grow
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / rate / 1000);
  }
}

export function rateLimited(retryAfter: number): HttpError {
  const e = new HttpError(
    429,
    `请求过于频繁，请 ${retryAfter} 秒后再试 (too many requests from this address; retry after ${retryAfter} s, or sign in)`,
  );
  (e as HttpError & { retryAfter: number }).retryAfter = retryAfter;
  return e;
}
