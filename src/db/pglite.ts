// Embedded PostgreSQL (PGlite, WASM) with PostGIS: the zero-install default (`npm start`).
// PGlite is a single connection; its own mutex serialises queries, and transaction() holds it.
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { mkdirSync } from 'node:fs';
import type { Db, Queryable, QueryResult } from './types.ts';
import { DbEvents } from './events.ts';
import { checkDeadline } from './context.ts';

type Runner = Pick<PGlite, 'query' | 'exec'> | Transaction;

function wrap(r: Runner): Queryable {
  return {
    async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
      checkDeadline();
      const res = await r.query<T>(sql, params);
      // Like pg: a SELECT counts its rows (PGlite reports affectedRows = 0 for SELECT).
      return { rows: res.rows, rowCount: res.rows.length > 0 ? res.rows.length : (res.affectedRows ?? 0) };
    },
    async exec(sql: string): Promise<void> {
      checkDeadline();
      await r.exec(sql);
    },
    async copyText(table: string, columns: string[], text: string): Promise<void> {
      // PGlite reads COPY input from a virtual file fed by the `blob` option.
      await r.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([text]) });
    },
  };
}

export async function openPglite(dataDir: string | undefined): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create({ dataDir: dataDir ?? 'memory://', extensions: { postgis } });
  const base = wrap(pg);
  return {
    kind: 'pglite',
    events: new DbEvents(),
    ...base,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    close: () => pg.close(),
  };
}
