// All SQL of place search.
import type { Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import { districtCondition, type LayerScope } from '../auth/layers.ts';
import { aliveIn } from '../store/fragments.repository.ts';

export interface HitRow {
  fid: string;
  label: string;
  bbox: [number, number, number, number];
}

/** Escapes LIKE wildcards so a search for "50%" finds "50%", not everything. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Features of one layer's active version whose id or one of `fields` contains `text`
 * (case-insensitive), exact id and prefix matches first.
 */
export async function searchLayer(
  q: Queryable,
  d: DistrictLayer,
  scope: LayerScope,
  version: number,
  fields: string[],
  text: string,
  limit: number,
): Promise<HitRow[]> {
  const labelExpr = fields.length ? `coalesce(${fields.map((_, i) => `f.props->>$${5 + i}`).join(', ')}, f.fid)` : 'f.fid';
  const match = ['f.fid', ...fields.map((_, i) => `f.props->>$${5 + i}`)].map((e) => `${e} ILIKE $3`).join(' OR ');
  const dParam = 5 + fields.length;
  const r = await q.query<HitRow & { rank: number }>(
    `SELECT f.fid, ${labelExpr} AS label,
            json_build_array(ST_XMin(f.geom), ST_YMin(f.geom), ST_XMax(f.geom), ST_YMax(f.geom)) AS bbox,
            CASE WHEN f.fid = $4 THEN 0 WHEN ${labelExpr} ILIKE $4 || '%' THEN 1 ELSE 2 END AS rank
       FROM feature f
      WHERE ${aliveIn('f', '$1', '$2')} AND (${match})
        AND ${districtCondition(scope, 'f.geom', dParam, d)}
      ORDER BY rank, length(${labelExpr}), f.fid LIMIT ${Math.max(1, Math.min(limit, 100))}`,
    [scope.layer.id, version, `%${likeEscape(text)}%`, text, ...fields, ...(scope.districts ? [scope.districts] : [])],
  );
  return r.rows.map(({ rank: _r, ...h }) => h);
}
