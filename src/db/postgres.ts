// Server mode: PostgreSQL >= 15 with PostGIS >= 3.3 through a `pg` pool.
import pg from 'pg';
import { createHash, randomBytes } from 'node:crypto';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Db, Queryable, QueryResult } from './types.ts';
import { DbEvents, type Notice } from './events.ts';
import { cancelBackend, notify } from './db.repository.ts';
import { queryContext, checkDeadline, asTimeout } from './context.ts';
import { replicaRouter } from './replica.ts';

// Return int8 and numeric as JS numbers, as PGlite does, so callers see one set of types.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

type Client = pg.Pool | pg.PoolClient;

/**
 * Runs `run` on a connection; inside an HTTP request with a deadline, a timeout cancels the
 * running statement with pg_cancel_backend from another connection. A connection that was the
 * target of a cancel is closed rather than returned to the pool, so a late cancel can never hit
 * the next user's statement.
 */
async function onConnection<T>(pool: pg.Pool, c: Client, run: (client: pg.PoolClient | pg.Pool) => Promise<T>): Promise<T> {
  const ctx = queryContext.getStore();
  if (!ctx) return run(c);
  checkDeadline();
  const owned = c instanceof pg.Pool ? await c.connect() : null;
  const client = (owned ?? c) as pg.PoolClient & { processID?: number };
  let cancelled = false;
  const onAbort = () => {
    cancelled = true;
    if (client.processID) cancelBackend(pool, client.processID).catch(() => {});
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await run(client);
  } catch (e) {
    throw asTimeout(e);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    owned?.release(cancelled ? true : undefined);
    if (cancelled && !owned) (client as pg.PoolClient & { onemapCancelled?: boolean }).onemapCancelled = true;
  }
}

function wrap(c: Client, pool: pg.Pool): Queryable {
  return {
    async query<T>(sql: string, params: unknown[] = [], opts?: { prepare?: boolean }): Promise<QueryResult<T>> {
      // A named statement is parsed and planned once per connection; the name is the text's hash.
      const res = await onConnection(pool, c, (k) =>
        opts?.prepare
          ? k.query({ name: `om_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`, text: sql, values: params as unknown[] })
          : k.query(sql, params as unknown[]),
      );
      return { rows: res.rows as T[], rowCount: res.rowCount ?? res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await onConnection(pool, c, (k) => k.query(sql));
    },
    async copyText(table: string, columns: string[], text: string): Promise<void> {
      const run = async (client: pg.PoolClient) => {
        const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
        await pipeline(Readable.from([Buffer.from(text)]), stream);
      };
      if (c instanceof pg.Pool) {
        const client = await c.connect();
        try {
          await run(client);
        } finally {
          client.release();
        }
      } else {
        await run(c);
      }
    },
  };
}

export interface PostgresOptions {
  url: string;
  /** Schema placed first on the search_path (tests isolate themselves this way). */
  schema?: string;
  max?: number;
  /** A streaming replica of the same database for reads of committed layer versions (replica.ts). */
  readUrl?: string;
}

function newPool(url: string, opts: PostgresOptions, connectTimeoutMs?: number): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: connectTimeoutMs,
    // JIT off: overlay statements over many partitions get cost estimates in the millions (the
    // PostGIS functions are costed high), which triggers LLVM compilation of ~1.7 s for a query
    // that runs in ~10 ms (measured on the large demo city, bench:review). Nothing here is a
    // long analytic scan that JIT would repay.
    options: ['-c jit=off', opts.schema ? `-c search_path=${opts.schema},public` : ''].join(' ').trim(),
  });
}

export async function openPostgres(opts: PostgresOptions): Promise<Db> {
  const pool = newPool(opts.url, opts);
  // Fail fast with a readable message rather than on the first real query.
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => {});
    throw new Error(`cannot connect to PostgreSQL at ${redact(opts.url)}: ${(e as Error).message}`, { cause: e });
  }
  const base = wrap(pool, pool);
  // The replica is not checked here: while it is down, reads go to the primary (replica.ts).
  // An unreachable replica costs a read at most 2 s before the primary answers it.
  const replicaPool = opts.readUrl ? newPool(opts.readUrl, opts, 2000) : null;
  replicaPool?.on('error', () => {}); // an idle connection lost to a standby restart
  const router = replicaPool ? replicaRouter(base, wrap(replicaPool, replicaPool)) : null;
  const bus = await noticeBus(opts);
  const events = new DbEvents((n) => bus.publish(pool, n));
  bus.onNotice((n) => events.receive(n));
  return {
    kind: 'postgres',
    events,
    ...base,
    ...(router ? { readFor: router.readFor, readStats: router.stats } : {}),
    async transaction(fn) {
      checkDeadline();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client, pool));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw asTimeout(e);
      } finally {
        // A connection that received a cancel is closed, not pooled (see onConnection).
        client.release((client as pg.PoolClient & { onemapCancelled?: boolean }).onemapCancelled ? true : undefined);
      }
    },
    close: async () => {
      await bus.close();
      await pool.end();
      await replicaPool?.end();
    },
  };
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/**
 * Notices between processes on one database (issue 22 item 10): one LISTEN connection per handle
 * on a channel named after the schema, so tests isolated in schemas never hear each other. A
 * handle ignores its own notices (it has already heard them locally).
 */
async function noticeBus(opts: PostgresOptions) {
  const channel = `onemap_events_${(opts.schema ?? 'public').toLowerCase()}`.slice(0, 63);
  const me = randomBytes(8).toString('hex');
  const listener = new pg.Client({ connectionString: opts.url });
  let handler: ((n: Notice) => void) | null = null;
  let closed = false;
  listener.on('notification', (m) => {
    if (m.channel !== channel || !m.payload) return;
    try {
      const { from, notice } = JSON.parse(m.payload) as { from: string; notice: Notice };
      if (from !== me) handler?.(notice);
    } catch {
      // not ours
    }
  });
  // A lost LISTEN connection only delays other processes' notices to the caches' re-check.
  listener.on('error', () => {});
  await listener.connect();
  await listener.query(`LISTEN ${channel}`);
  return {
    onNotice: (fn: (n: Notice) => void) => (handler = fn),
    publish: (q: pg.Pool, n: Notice) => {
      if (!closed) notify(q, channel, JSON.stringify({ from: me, notice: n })).catch(() => {});
    },
    close: async () => {
      closed = true;
      await listener.end().catch(() => {});
    },
  };
}
