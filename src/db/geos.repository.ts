// Statements whose result GEOS may lose: PostgreSQL raises a TopologyException on nearly
// coincident boundaries, PostGIS on WASM (PGlite) silently drops the whole result (docs/decisions/
// 0004). allRows returns the rows as one JSON value, so no row at all means a lost result; both
// cases become LostOverlay, and the caller runs the statement again on a precision grid (the
// farmland overlay's withFallback, the indicators' area by district).
import type { Queryable } from './index.ts';

/** A result PostGIS lost (PGlite) or refused (TopologyException): run again on a precision grid. */
export class LostOverlay extends Error {
  constructor(what: string, cause?: unknown) {
    super(
      `${what}: PostGIS 几何运算失败（结果丢失），须以固定精度重算 (a GEOS failure lost the result${cause ? `: ${(cause as Error).message}` : ''})`,
    );
  }
}

/** The rows of a query, or LostOverlay when the database failed on it or returned none at all. */
export async function allRows<T>(q: Queryable, what: string, sql: string, params: unknown[]): Promise<T[]> {
  let r;
  try {
    r = await q.query<{ rows: T[] | string }>(`SELECT coalesce(json_agg(r), '[]'::json) AS rows FROM (${sql}) r`, params);
  } catch (e) {
    if (/TopologyException|GEOS|side location conflict|non-noded/i.test((e as Error).message)) throw new LostOverlay(what, e);
    throw e;
  }
  if (r.rows.length === 0) throw new LostOverlay(what);
  const rows = r.rows[0].rows;
  return typeof rows === 'string' ? JSON.parse(rows) : rows;
}
