// Embedded PostgreSQL (PGlite, WASM) with PostGIS: the zero-install default (`npm start`).
// PGlite is a single connection; its own mutex serialises queries, and transaction() holds it.
// Two ways to run it, one guard (below) for both:
//  - in a worker thread (pglite-worker.ts, the default since issue 22): the WASM runs off the
//    HTTP event loop, so a long statement no longer freezes every other request;
//  - in this thread (`openPglite`, here): one-shot commands (restore) and the benchmark baseline.
//
// Fail closed (issue 22): when GEOS fails inside PostGIS on WASM (pglite-postgis 0.2.8), the
// statement returns no error and no result at all — not even the backend's CommandComplete — and
// PGlite hands back an empty result, indistinguishable from "no rows" (electric-sql/pglite issue
// 916). A check that reads "no rows" as "nothing wrong" then passes, and a transaction commits the
// statements around the lost one. This adapter is the one guard for every statement: a query whose
// answer carries no command tag, a script that stops before its last statement, or a COPY without
// its tag raises `LostResult` — an error, as PostgreSQL raises "GEOS Error: TopologyException" — so
// transaction() rolls back and every caller's existing GEOS error handling applies unchanged.
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { mkdirSync } from 'node:fs';
import type { Db, Queryable, QueryResult } from './types.ts';
import { DbEvents } from './events.ts';
import { checkDeadline } from './context.ts';
import { LostResult } from './geos.ts';
import { lockDataDir } from './lock.ts';

/** What the guard needs of a PGlite connection or transaction, here or across the thread boundary. */
export interface Runner {
  query<T>(
    sql: string,
    params?: unknown[],
    opts?: { blob?: Blob | string },
  ): Promise<{ rows: T[]; command?: string; affectedRows?: number }>;
  exec(sql: string): Promise<Array<{ fields: Array<{ name: string }> }>>;
}

// Appended to every script: a script that stops early (a lost statement ends the batch) lacks it.
const SENTINEL = 'onemap_script_complete';

/** PGlite reads COPY input from a virtual file fed by the `blob` option. */
export const copySql = (table: string, columns: string[]) => `COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`;

/** The LostResult guard (decision 0008) over a runner; `enter` runs before each statement. */
export function guarded(r: Runner, enter: () => void = checkDeadline): Queryable {
  return {
    async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
      enter();
      const res = await r.query<T>(sql, params);
      // Every statement PostgreSQL completes ends with a command tag (SELECT 0, UPDATE 3, …);
      // PGlite leaves `command` unset only when none came back.
      if (res.command === undefined) throw new LostResult(sql);
      // Like pg: a SELECT counts its rows (PGlite reports affectedRows = 0 for SELECT).
      return { rows: res.rows, rowCount: res.rows.length > 0 ? res.rows.length : (res.affectedRows ?? 0) };
    },
    async exec(sql: string): Promise<void> {
      enter();
      // A newline first, so a trailing line comment cannot swallow the sentinel.
      const results = await r.exec(`${sql}\n;SELECT 1 AS ${SENTINEL}`);
      const last = results[results.length - 1];
      if (!last || !last.fields.some((f) => f.name === SENTINEL)) throw new LostResult(sql);
    },
    async copyText(table: string, columns: string[], text: string): Promise<void> {
      enter();
      const sql = copySql(table, columns);
      const res = await r.query(sql, [], { blob: text });
      if (res.command === undefined) throw new LostResult(sql);
    },
  };
}

/** PGlite itself as a runner: COPY text becomes the Blob PGlite reads. */
export function runnerOf(pg: Pick<PGlite, 'query' | 'exec'>): Runner {
  return {
    query: (sql, params, opts) =>
      pg.query(
        sql,
        params,
        opts?.blob === undefined ? undefined : { blob: typeof opts.blob === 'string' ? new Blob([opts.blob]) : opts.blob },
      ),
    exec: (sql) => pg.exec(sql),
  };
}

/** PGlite with PostGIS, loaded the one way both modes share. */
export function createPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<PGlite> {
  return PGlite.create({ dataDir: dataDir ?? 'memory://', loadDataDir, extensions: { postgis } });
}

/** Creates a data folder from a dump (onemap restore); the folder must not hold a database yet. */
export async function restorePglite(dataDir: string, dump: Blob): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const release = lockDataDir(dataDir);
  try {
    const pg = await createPglite(dataDir, dump);
    await pg.close();
  } finally {
    release();
  }
}

/** PGlite on this thread: every statement blocks the event loop while it runs. */
export async function openPglite(dataDir: string | undefined): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // One process per data folder (lock.ts): taken before PGlite reads the folder.
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  let pg: PGlite;
  try {
    pg = await createPglite(dataDir);
  } catch (e) {
    release();
    throw e;
  }
  return {
    kind: 'pglite',
    events: new DbEvents(),
    ...guarded(runnerOf(pg)),
    transaction: (fn) => pg.transaction((tx) => fn(guarded(runnerOf(tx)))),
    dumpDataDir: () => pg.dumpDataDir('gzip'),
    close: async () => {
      try {
        await pg.close();
      } finally {
        release();
      }
    },
  };
}
