// SQL of the farmland accounts (domain.md §7): areas by district of a layer version, the change
// of cultivated land between two survey versions, the districts, and the targets and settings.
// 多田套合 has its own file (taohe.repository.ts). Layer ids and versions are catalogue integers
// written as literals so the planner prunes the feature partitions at plan time.
import type { Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import { allRows } from '../db/geos.repository.ts';
import { alive, districtOf, overlay, type DistrictRef, type LayerRef, type PatchQuery } from './taohe.repository.ts';
import { aliveAt } from '../store/fragments.repository.ts';

export type { LayerRef, DistrictRef } from './taohe.repository.ts';

/** 三调 cultivated land (耕地): 0101 水田, 0102 水浇地, 0103 旱地 (GB/T 21010-2017 / 三调工作分类). */
export const CULTIVATED_CODES = ['0101', '0102', '0103'];
const CULT = `('0101', '0102', '0103')`;

/** The active version of the district layer (config.districts), or null when it has no data. */
export async function xzqRef(q: Queryable, d: DistrictLayer): Promise<DistrictRef | null> {
  const r = await q.query<{ id: number; v: number | null }>(`SELECT id, active_version AS v FROM layer WHERE code = $1`, [d.layer]);
  return r.rows[0]?.v ? { id: r.rows[0].id, version: r.rows[0].v, code: d.layer, codeField: d.codeField, nameField: d.nameField } : null;
}

export async function districtNames(q: Queryable, xzq: DistrictRef | null): Promise<Map<string, string>> {
  if (!xzq) return new Map();
  const { codeField: c, nameField: n } = xzq;
  const r = await q.query<{ code: string; name: string }>(
    `SELECT f.props->>'${c}' AS code, coalesce(f.props->>'${n}', f.props->>'${c}') AS name FROM feature f WHERE ${alive('f', xzq)} ORDER BY 1`,
  );
  return new Map(r.rows.filter((x) => x.code).map((x) => [x.code, x.name]));
}

export interface AreaRow {
  district: string | null;
  count: number;
  area_m2: number;
}

/** Feature count and ellipsoidal area by district of one layer version (optionally cultivated 图斑 only). */
export async function areasByDistrict(
  q: Queryable,
  layer: LayerRef,
  xzq: DistrictRef | null,
  codes: string[],
  cultivatedOnly: boolean,
): Promise<AreaRow[]> {
  return (
    await q.query<AreaRow>(
      `SELECT ${districtOf('f.props', 'f.geom', xzq, '$1')} AS district, count(*)::int AS count, sum(coalesce(f.area_m2, onemap_area(f.geom))) AS area_m2
       FROM feature f
      WHERE ${alive('f', layer)} ${cultivatedOnly ? `AND f.props->>'DLBM' IN ${CULT}` : ''}
      GROUP BY 1 ORDER BY 1`,
      [codes],
    )
  ).rows;
}

export interface ChangeRow {
  direction: 'lost' | 'gained';
  old_fid: string;
  new_fid: string;
  old_class: string | null;
  new_class: string | null;
  new_name: string | null;
  district: string | null;
  area_m2: number;
}

/**
 * Cultivated land lost and gained from version a to version b of the land-use layer: patches that
 * exist only in a are intersected with patches that exist only in b (unchanged patches cannot
 * overlap either side), and each piece keeps both land-use codes.
 *
 * The overlay is done in the patches' Gauss-Krüger zone, the plane the survey is drawn in, and the
 * piece is measured on the ellipsoid (domain.md §2). Survey boundaries are straight in that plane;
 * stored in EPSG:4490 they are straight in lon/lat instead, and a vertex a later survey adds on an
 * existing boundary lies off the old lon/lat chord (≈ 11 mm at the middle of a 1 km edge at 30°N).
 * Overlaid in lon/lat, every split patch would lose a sliver of that width (2.87 m² on a 500 m ×
 * 1000 m patch); in the plane the split lands exactly on the old boundary.
 */
export async function cultivatedChange(q: Queryable, layerId: number, a: number, b: number, p: PatchQuery): Promise<ChangeRow[]> {
  const A = { id: layerId, version: a };
  const B = { id: layerId, version: b };
  const notAlive = (t: string, l: LayerRef) => `NOT (${aliveAt(t, String(Number(l.version)))})`;
  return allRows<ChangeRow>(
    q,
    '耕地变化',
    `WITH o AS MATERIALIZED (SELECT f.fid, f.props, f.geom, onemap_planar_srid(f.geom) AS srid FROM feature f WHERE ${alive('f', A)} AND ${notAlive('f', B)}),
          x AS (SELECT CASE WHEN o.props->>'DLBM' IN ${CULT} THEN 'lost' ELSE 'gained' END AS direction,
                       o.fid AS old_fid, n.fid AS new_fid, o.props->>'DLBM' AS old_class, n.props->>'DLBM' AS new_class, n.props->>'DLMC' AS new_name, n.props,
                       ST_Transform(ST_CollectionExtract(${overlay(p.grid).inter('ST_Transform(o.geom, o.srid)', 'ST_Transform(n.geom, o.srid)')}, 3), 4490) AS g
                  FROM o JOIN feature n ON n.geom && o.geom AND ${alive('n', B)} AND ${notAlive('n', A)}
                 WHERE ((o.props->>'DLBM' IN ${CULT}) <> (coalesce(n.props->>'DLBM', '') IN ${CULT})) AND ST_Intersects(o.geom, n.geom)),
          m AS (SELECT x.*, onemap_area(g) AS area_m2 FROM x WHERE NOT ST_IsEmpty(g))
     SELECT direction, old_fid, new_fid, old_class, new_class, new_name, ${districtOf('m.props', 'm.g', p.xzq, '$1')} AS district, area_m2
       FROM m WHERE area_m2 >= $2 ORDER BY direction, area_m2 DESC, old_fid, new_fid`,
    [p.codes, p.minM2],
  );
}

export interface TargetRow {
  code: string;
  region: string;
  year: number;
  kind: 'target' | 'baseline';
  name_zh: string;
  value: number;
  unit: string;
  bound: 'min' | 'max';
  source: string;
}

export async function targets(q: Queryable): Promise<TargetRow[]> {
  return (
    await q.query<TargetRow>(
      `SELECT code, region, year, kind, name_zh, value, unit, bound, source FROM farmland_target ORDER BY region, code, year`,
    )
  ).rows;
}

export async function upsertTarget(q: Queryable, t: TargetRow): Promise<TargetRow | null> {
  const before =
    (
      await q.query<TargetRow>(
        `SELECT code, region, year, kind, name_zh, value, unit, bound, source FROM farmland_target WHERE code = $1 AND region = $2 AND year = $3`,
        [t.code, t.region, t.year],
      )
    ).rows[0] ?? null;
  await q.query(
    `INSERT INTO farmland_target (code, region, year, kind, name_zh, value, unit, bound, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (code, region, year) DO UPDATE SET kind = EXCLUDED.kind, name_zh = EXCLUDED.name_zh, value = EXCLUDED.value, unit = EXCLUDED.unit, bound = EXCLUDED.bound, source = EXCLUDED.source`,
    [t.code, t.region, t.year, t.kind, t.name_zh, t.value, t.unit, t.bound, t.source],
  );
  return before;
}

export async function settingRows(q: Queryable): Promise<{ key: string; value: unknown }[]> {
  return (await q.query<{ key: string; value: unknown }>(`SELECT key, value FROM farmland_setting ORDER BY key`)).rows;
}

export async function putSetting(q: Queryable, key: string, value: unknown, user: string): Promise<void> {
  await q.query(
    `INSERT INTO farmland_setting (key, value, updated_by) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [key, JSON.stringify(value), user],
  );
}
