// The deadline of the HTTP request a query runs for. The server enters a context per request
// (src/server/limits.ts); the database layer reads it so a request that times out, or whose
// client goes away, stops its work: on PostgreSQL the running statement is cancelled
// (pg_cancel_backend); on embedded PGlite, which cannot interrupt a statement running in WASM,
// the caller gets its answer at once, the running statement ends in the database thread and the
// next statement of the request is refused (decision 0005, pglite-worker.ts). Long work made of
// many statements (an import's batches, a review's rules) therefore stops at its next statement.
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
  constructor(ms: number, clientGone = false) {
    super(
      clientGone
        ? '请求已被客户端中断，数据库查询已取消 (the client closed the request; the database query was cancelled)'
        : `请求超时：超过 ${Math.round(ms / 1000)} 秒，数据库查询已取消 (request timed out after ${ms} ms; the database query was cancelled)`,
    );
  }
}

/** The abort reason limits.ts gives when the client closes the connection before its answer. */
export const CLIENT_GONE = 'client_gone';

/** The error for a request whose signal aborted (out of time or client gone). */
export function cancelled(ctx: QueryContext): QueryTimeoutError {
  return new QueryTimeoutError(ctx.timeoutMs, ctx.signal.reason === CLIENT_GONE);
}

/** Throws when the current request has run out of time or its client has gone. */
export function checkDeadline(): void {
  const ctx = queryContext.getStore();
  if (ctx && (ctx.signal.aborted || Date.now() > ctx.deadline)) throw cancelled(ctx);
}

/** PostgreSQL's "canceling statement due to user request" (SQLSTATE 57014) after our own cancel. */
export function asTimeout(e: unknown): unknown {
  const ctx = queryContext.getStore();
  if (ctx?.signal.aborted && (e as { code?: string }).code === '57014') return cancelled(ctx);
  return e;
}
