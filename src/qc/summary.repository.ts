// SQL of 图数一致 (kinds/summary-table.ts) over the subject table (qc.repository.ts): the declared
// areas summed by the full district and class codes, in exact decimals; the rule then adds them up
// to whatever code lengths the summary table states. Kept apart from qc.repository.ts so the rule
// adds a file instead of touching the statements of the topology rules.
import type { Queryable } from '../db/index.ts';
import { SUBJECT } from './qc.repository.ts';

export interface AreaSum {
  district: string;
  cls: string;
  /** Sum in m², exact decimal text. */
  area: string;
  features: number;
  /** A point of the group's first feature (EPSG:4490), to show on the map. */
  lon: number | null;
  lat: number | null;
}

export interface Unattributed {
  fid: string;
  lon: number | null;
  lat: number | null;
  total: number;
}

// A figure is a JSON number, or text that is a plain decimal (a CSV or a text field read as such).
const num = (p: string) =>
  `CASE WHEN jsonb_typeof(props->${p}) = 'number' THEN (props->>${p})::numeric
        WHEN jsonb_typeof(props->${p}) = 'string' AND btrim(props->>${p}) ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN btrim(props->>${p})::numeric END`;
const code = (p: string) => `nullif(btrim(props->>${p}), '')`;

/**
 * Σ area by (district, class): each feature's `areaField` under its `classField`, plus, when given,
 * its deducted area (`deductArea`, e.g. KCMJ) under the deducted class (`deductClass`, e.g. KCDLBM):
 * in 三调 the 田坎 deducted from a 耕地 图斑 is counted as class 1203. Features without a district,
 * class or numeric area are left out here and listed by `unattributed`.
 */
export async function areaSums(
  q: Queryable,
  f: { district: string; cls: string; area: string; deductClass?: string; deductArea?: string },
): Promise<AreaSum[]> {
  const deduct =
    f.deductClass && f.deductArea
      ? `UNION ALL
         SELECT seq, ${code('$1')}, ${code('$4')}, ${num('$5')} FROM ${SUBJECT}`
      : '';
  const params = f.deductClass && f.deductArea ? [f.district, f.cls, f.area, f.deductClass, f.deductArea] : [f.district, f.cls, f.area];
  return (
    await q.query<AreaSum>(
      `WITH parts AS (
         SELECT seq, ${code('$1')} AS d, ${code('$2')} AS c, ${num('$3')} AS a FROM ${SUBJECT}
         ${deduct}
       ), g AS (
         SELECT d, c, sum(a) AS area, count(DISTINCT seq)::int AS features, min(seq) AS first
           FROM parts WHERE d IS NOT NULL AND c IS NOT NULL AND a IS NOT NULL AND a <> 0 GROUP BY d, c
       )
       SELECT g.d AS district, g.c AS cls, g.area::text AS area, g.features, ST_X(s.pt) AS lon, ST_Y(s.pt) AS lat
         FROM g JOIN ${SUBJECT} s ON s.seq = g.first ORDER BY g.d, g.c`,
      params,
    )
  ).rows;
}

/** Features that cannot be put in any (district, class): no district or class code, or no numeric area. */
export async function unattributed(
  q: Queryable,
  f: { district: string; cls: string; area: string },
  limit: number,
): Promise<Unattributed[]> {
  return (
    await q.query<Unattributed>(
      `SELECT fid, ST_X(pt) AS lon, ST_Y(pt) AS lat, count(*) OVER ()::int AS total
         FROM ${SUBJECT} WHERE ${code('$1')} IS NULL OR ${code('$2')} IS NULL OR ${num('$3')} IS NULL
        ORDER BY seq LIMIT $4`,
      [f.district, f.cls, f.area, limit],
    )
  ).rows;
}
