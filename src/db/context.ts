// The deadline of the HTTP request a query runs for. The server enters a context per request
// (src/server/limits.ts); the database layer reads it so a request that times out stops its work:
// on PostgreSQL the running statement is cancelled (pg_cancel_backend); on embedded PGlite, which
// runs on the JavaScript thread and cannot be interrupted mid-statement, the next statement of
// the request is refused instead (decision 0005).
import { AsyncLocalStorage } from 'node:async_hooks';
import { Timeout } from '../errors.ts';

export interface QueryContext {
  signal: AbortSignal;
  timeoutMs: number;
  /** Date.now() past which the request is out of time (the abort timer cannot fire while PGlite blocks the thread). */
  deadline: number;
}

export const queryContext = new AsyncLocalStorage<QueryContext>();

/** The request ran out of time and its database work was cancelled: code `timeout` (HTTP 504). */
export class QueryTimeoutError extends Timeout {
  constructor(ms: number) {
    super(
      `请求超时：超过 ${Math.round(ms / 1000)} 秒，数据库查询已取消 (request timed out after ${ms} ms; the database query was cancelled)`,
    );
  }
}

/** Throws when the current request has run out of time. */
export function checkDeadline(): void {
  const ctx = queryContext.getStore();
  if (ctx && (ctx.signal.aborted || Date.now() > ctx.deadline)) throw new QueryTimeoutError(ctx.timeoutMs);
}

/** PostgreSQL's "canceling statement due to user request" (SQLSTATE 57014) after our own cancel. */
export function asTimeout(e: unknown): unknown {
  const ctx = queryContext.getStore();
  if (ctx?.signal.aborted && (e as { code?: string }).code === '57014') return new QueryTimeoutError(ctx.timeoutMs);
  return e;
}
