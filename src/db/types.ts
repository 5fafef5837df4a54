// The only database surface the rest of the code sees: parameterised queries, multi-statement
// scripts (migrations), bulk COPY and transactions. Two implementations: embedded PGlite+PostGIS
// and PostgreSQL+PostGIS through `pg`. Queries must be written to run unchanged on both.
import type { DbEvents } from './events.ts';

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  /**
   * `prepare`: keep the statement prepared on the server connection and reuse its plan (hot
   * queries whose planning costs as much as their execution). Ignored by PGlite.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: { prepare?: boolean }): Promise<QueryResult<T>>;
  /** Several statements, no parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk-load rows in PostgreSQL COPY text format (tab-separated, `\N` = NULL, newline-terminated)
   * into `table (columns)`. The caller escapes values with `copyValue`.
   */
  copyText(table: string, columns: string[], text: string): Promise<void>;
}

/** One version of one layer (layer_version's key). */
export interface LayerVersionRef {
  layerId: number;
  version: number;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** What was committed through this handle, for the caches built over it (events.ts). */
  readonly events: DbEvents;
  /** Runs fn in one transaction; any throw rolls everything back. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL with DATABASE_READ_URL only (replica.ts): where to read these layer versions — the
   * streaming replica once it has replayed every one of them, otherwise this handle (the primary).
   */
  readFor?(versions: readonly LayerVersionRef[]): Promise<Queryable>;
  /** With a replica: reads answered by the replica and by the primary since the handle opened. */
  readonly readStats?: { replica: number; primary: number };
  /** Embedded only: the whole data folder as a gzipped tar, consistent (taken between statements). */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

/**
 * An open transaction seen as a Db, so that code written against a Db (the import pipeline, the
 * services' steps) runs inside it instead of opening its own; a nested transaction is the same one.
 */
export const within = (db: Db, tx: Queryable): Db => ({
  kind: db.kind,
  events: db.events,
  query: tx.query.bind(tx),
  exec: tx.exec.bind(tx),
  copyText: tx.copyText.bind(tx),
  transaction: (fn) => fn(tx),
  close: async () => {},
});

/** Escape one value for COPY text format. */
export function copyValue(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '\\N';
  // Only these characters are special in COPY text format.
  return /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;
}

/**
 * Where a read of these layer versions runs: the replica when the handle has one and it has
 * replayed them all, else the handle itself. Versions are immutable once committed, and a version
 * is committed in one transaction with its features (decision 0002), so a replica that has the
 * version's row has all of it. A transaction (`within`) always reads its own writes.
 */
export async function readerFor(db: Queryable, versions: readonly (LayerVersionRef | null)[]): Promise<Queryable> {
  const route = (db as Partial<Pick<Db, 'readFor'>>).readFor;
  if (!route) return db;
  return route(versions.filter((v): v is LayerVersionRef => v !== null));
}
