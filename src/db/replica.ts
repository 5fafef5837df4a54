// Reads on a streaming replica (issue 22 item 10, DATABASE_READ_URL). Only reads of named layer
// versions go there (tiles, OGC API items and features, TileJSON extents): the caller resolves
// which version it needs on the primary, and the replica answers only once it has replayed that
// version — a version's row commits with all its features in one transaction (decision 0002) and
// never changes afterwards, so "the replica has the row" means "the replica has all of it".
// Otherwise, or when the replica is down or cancels the statement for a replication conflict,
// the primary answers: never a stale or missing version, at worst a slower answer.
import type { LayerVersionRef, Queryable, QueryResult } from './types.ts';
import { versionsPresent } from './db.repository.ts';

/** Connection-level failures and recovery conflicts, after which the primary is asked instead. */
function replicaTrouble(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  // No SQLSTATE (undefined, or Node's ECONNREFUSED…): the socket failed. 08: connection
  // exception; 57P01–57P03: shutdown or not accepting connections; 40001: canceled on conflict
  // with recovery (hot standby).
  if (!code || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith('08') || /^57P0[1-3]$/.test(code) || code === '40001';
}

export interface ReplicaRouter {
  readFor(versions: readonly LayerVersionRef[]): Promise<Queryable>;
  /** Reads answered by each side since the handle opened (logs, tests). */
  readonly stats: { replica: number; primary: number };
}

export function replicaRouter(primary: Queryable, replica: Queryable): ReplicaRouter {
  // Versions the replica is known to have: permanent (a version is never removed), bounded.
  const present = new Set<string>();
  const stats = { replica: 0, primary: 0 };
  const key = (v: LayerVersionRef) => `${v.layerId}:${v.version}`;

  const fallingBack: Queryable = {
    async query<T>(sql: string, params?: unknown[], opts?: { prepare?: boolean }): Promise<QueryResult<T>> {
      try {
        const r = await replica.query<T>(sql, params, opts);
        stats.replica++;
        return r;
      } catch (e) {
        if (!replicaTrouble(e)) throw e;
        stats.primary++;
        return primary.query<T>(sql, params, opts);
      }
    },
    exec: (sql) => primary.exec(sql),
    copyText: (t, c, text) => primary.copyText(t, c, text),
  };
  const onPrimary: Queryable = {
    query: <T>(sql: string, params?: unknown[], opts?: { prepare?: boolean }) => {
      stats.primary++;
      return primary.query<T>(sql, params, opts);
    },
    exec: (sql) => primary.exec(sql),
    copyText: (t, c, text) => primary.copyText(t, c, text),
  };

  return {
    stats,
    async readFor(versions) {
      // A read tied to no version cannot be checked: the primary.
      if (versions.length === 0) return onPrimary;
      const unknown = [...new Map(versions.filter((v) => !present.has(key(v))).map((v) => [key(v), v])).values()];
      if (unknown.length === 0) return fallingBack;
      let n: number;
      try {
        n = await versionsPresent(replica, unknown);
      } catch (e) {
        if (!replicaTrouble(e)) throw e;
        return onPrimary;
      }
      if (n !== unknown.length) return onPrimary;
      if (present.size >= 10000) present.clear();
      for (const v of unknown) present.add(key(v));
      return fallingBack;
    },
  };
}
