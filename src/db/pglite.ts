// Embedded PostgreSQL (PGlite, WASM) with PostGIS: the zero-install default (`npm start`).
// PGlite is a single connection; its own mutex serialises queries, and transaction() holds it.
//
// Fail closed (issue 22): when GEOS fails inside PostGIS on WASM (pglite-postgis 0.2.8), the
// statement returns no error and no result at all — not even the backend's CommandComplete — and
// PGlite hands back an empty result, indistinguishable from "no rows" (electric-sql/pglite issue
// 916). A check that reads "no rows" as "nothing wrong" then passes, and a transaction commits the
// statements around the lost one. This adapter is the one guard for every statement: a query whose
// answer carries no command tag, a script that stops before its last statement, or a COPY without
// its tag raises `LostResult` — an error, as PostgreSQL raises "GEOS Error: TopologyException" — so
// transaction() rolls back and every caller's existing GEOS error handling applies unchanged.
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { mkdirSync } from 'node:fs';
import type { Db, Queryable, QueryResult } from './types.ts';
import { DbEvents } from './events.ts';
import { checkDeadline } from './context.ts';
import { LostResult } from './geos.ts';
import { lockDataDir } from './lock.ts';

type Runner = Pick<PGlite, 'query' | 'exec'> | Transaction;

// Appended to every script: a script that stops early (a lost statement ends the batch) lacks it.
const SENTINEL = 'onemap_script_complete';

function wrap(r: Runner): Queryable {
  return {
    async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
      checkDeadline();
      const res = await r.query<T>(sql, params);
      // Every statement PostgreSQL completes ends with a command tag (SELECT 0, UPDATE 3, …);
      // PGlite leaves `command` unset only when none came back.
      if ((res as { command?: string }).command === undefined) throw new LostResult(sql);
      // Like pg: a SELECT counts its rows (PGlite reports affectedRows = 0 for SELECT).
      return { rows: res.rows, rowCount: res.rows.length > 0 ? res.rows.length : (res.affectedRows ?? 0) };
    },
    async exec(sql: string): Promise<void> {
      checkDeadline();
      // A newline first, so a trailing line comment cannot swallow the sentinel.
      const results = await r.exec(`${sql}\n;SELECT 1 AS ${SENTINEL}`);
      const last = results[results.length - 1];
      if (!last || !last.fields.some((f) => f.name === SENTINEL)) throw new LostResult(sql);
    },
    async copyText(table: string, columns: string[], text: string): Promise<void> {
      // PGlite reads COPY input from a virtual file fed by the `blob` option.
      const sql = `COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`;
      const res = await r.query(sql, [], { blob: new Blob([text]) });
      if ((res as { command?: string }).command === undefined) throw new LostResult(sql);
    },
  };
}

/** Creates a data folder from a dump (onemap restore); the folder must not hold a database yet. */
export async function restorePglite(dataDir: string, dump: Blob): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const release = lockDataDir(dataDir);
  try {
    const pg = await PGlite.create({ dataDir, loadDataDir: dump, extensions: { postgis } });
    await pg.close();
  } finally {
    release();
  }
}

export async function openPglite(dataDir: string | undefined): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // One process per data folder (lock.ts): taken before PGlite reads the folder.
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  let pg: PGlite;
  try {
    pg = await PGlite.create({ dataDir: dataDir ?? 'memory://', extensions: { postgis } });
  } catch (e) {
    release();
    throw e;
  }
  const base = wrap(pg);
  return {
    kind: 'pglite',
    events: new DbEvents(),
    ...base,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
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
