// SQL of the consistency review (一致性审查): the city-wide overlay of two layers' pieces, the
// district of each conflict (the district layer named by the configuration), the result layer's
// catalogue row and the stored runs (consistency_run).
import type { Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import { activeDistricts, aliveIn } from '../store/fragments.repository.ts';

export interface ConflictRow {
  a_fid: string;
  b_fid: string;
  wkb: Buffer | Uint8Array;
  area_m2: number;
  planar_m2: number;
  /** GB/T 2260 code of the district holding the conflict's point on surface, or null. */
  district: string | null;
}

/** Overlaps of layer a (version v) with layer b at or above minArea m², each with its district. */
export async function conflicts(
  q: Queryable,
  districts: DistrictLayer,
  a: { id: number; v: number },
  b: { id: number; v: number },
  minArea: number,
): Promise<ConflictRow[]> {
  return (
    await q.query<ConflictRow>(
      `WITH pa AS (SELECT p.feature_id, p.geom FROM feature_piece p WHERE ${aliveIn('p', '$1', '$2')}),
            pb AS (SELECT p.feature_id, p.geom FROM feature_piece p WHERE ${aliveIn('p', '$3', '$4')}),
            x AS (SELECT pa.feature_id AS fa, pb.feature_id AS fb, ST_CollectionExtract(ST_Intersection(pa.geom, pb.geom), 3) AS g
                    FROM pa JOIN pb ON pa.geom && pb.geom WHERE ST_Intersects(pa.geom, pb.geom)),
            pair AS (SELECT fa, fb, ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(g)), 3)) AS g
                       FROM x WHERE NOT ST_IsEmpty(g) GROUP BY fa, fb),
            m AS (SELECT fa, fb, g, onemap_area(g) AS area_m2, onemap_planar_area(g) AS planar_m2 FROM pair)
       SELECT a.fid AS a_fid, b.fid AS b_fid, ST_AsBinary(m.g) AS wkb, m.area_m2, m.planar_m2,
              (SELECT d.code FROM ${activeDistricts(districts)} d WHERE ST_Intersects(d.geom, ST_PointOnSurface(m.g)) LIMIT 1) AS district
         FROM m JOIN feature a ON a.layer_id = $1 AND a.id = m.fa JOIN feature b ON b.layer_id = $3 AND b.id = m.fb
        WHERE m.area_m2 >= $5
        ORDER BY a.fid, b.fid`,
      [a.id, a.v, b.id, b.v, minArea],
    )
  ).rows;
}

/** Code → name of the districts in force. */
export async function districtNames(q: Queryable, districts: DistrictLayer): Promise<Map<string, string>> {
  const r = await q.query<{ code: string; name: string }>(`SELECT d.code, d.name FROM ${activeDistricts(districts)} d`);
  return new Map(r.rows.map((x) => [x.code, x.name]));
}

/** The catalogue row of a result layer (restricted, class 监测), unless it exists. */
export async function ensureResultLayer(
  q: Queryable,
  l: { code: string; nameZh: string; nameEn: string; description: string; attrSchema: unknown[] },
): Promise<void> {
  await q.query(
    `INSERT INTO layer (code, name_zh, name_en, class, geometry_type, statutory, public, source, description, attr_schema)
     VALUES ($1, $2, $3, '监测', 'Polygon', false, false, '一致性审查', $4, $5) ON CONFLICT (code) DO NOTHING`,
    [l.code, l.nameZh, l.nameEn, l.description, JSON.stringify(l.attrSchema)],
  );
}

export interface ConsistencyRow {
  id: number;
  layer_a: string;
  version_a: number;
  layer_b: string;
  version_b: number;
  result_layer: string;
  result_version: number | null;
  conflict_count: number;
  area_m2: number;
  planar_m2: number;
  by_district: { code: string; name: string; count: number; areaM2: number; areaMu: number }[];
  duration_ms: number | null;
  created_by: string;
  created_at: string;
}

export async function insertRun(q: Queryable, r: Omit<ConsistencyRow, 'id' | 'created_at'>): Promise<number> {
  return (
    await q.query<{ id: number }>(
      `INSERT INTO consistency_run (layer_a, version_a, layer_b, version_b, result_layer, result_version, conflict_count, area_m2, planar_m2, by_district, duration_ms, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        r.layer_a,
        r.version_a,
        r.layer_b,
        r.version_b,
        r.result_layer,
        r.result_version,
        r.conflict_count,
        r.area_m2,
        r.planar_m2,
        JSON.stringify(r.by_district),
        r.duration_ms,
        r.created_by,
      ],
    )
  ).rows[0].id;
}

export async function getRun(q: Queryable, id: number): Promise<ConsistencyRow | undefined> {
  return (
    await q.query<ConsistencyRow>(
      `SELECT id, layer_a, version_a, layer_b, version_b, result_layer, result_version, conflict_count, area_m2, planar_m2, by_district, duration_ms, created_by, created_at::text
         FROM consistency_run WHERE id = $1`,
      [id],
    )
  ).rows[0];
}

/** The latest 100 runs (without the by-district figures). */
export async function listRuns(q: Queryable) {
  return (
    await q.query<Omit<ConsistencyRow, 'planar_m2' | 'by_district' | 'duration_ms'>>(
      `SELECT id, layer_a, version_a, layer_b, version_b, result_layer, result_version, conflict_count, area_m2, created_by, created_at::text
         FROM consistency_run ORDER BY id DESC LIMIT 100`,
    )
  ).rows;
}
