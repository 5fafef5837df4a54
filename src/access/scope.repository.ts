// SQL for a reader's view of a coverage run cut to their districts (scope.ts): the run's parcels
// and facilities whose features lie inside (store/fragments.repository.ts withinDistricts, the
// same rule as every other scoped read), and the coverage of several runs at once for the list.
import type { Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import { withinDistricts } from '../store/fragments.repository.ts';
import type { RunParcelRow } from './access.repository.ts';

/** The run's residential parcels inside the districts (their feature in the run's layer version). */
export async function runParcelsWithin(
  db: Queryable,
  runId: number,
  layerId: number,
  codes: string[],
  d: DistrictLayer,
): Promise<RunParcelRow[]> {
  return (
    await db.query<RunParcelRow>(
      `SELECT p.feature_id, p.fid, p.district_code, p.area_m2, p.population, p.edge_id, p.offset_m, p.leg_m, p.covered_mask
         FROM access_run_parcel p JOIN feature f ON f.layer_id = $2 AND f.id = p.feature_id
        WHERE p.run_id = $1 AND ${withinDistricts('f.geom', 3, d)}
        ORDER BY p.feature_id`,
      [runId, layerId, codes],
    )
  ).rows;
}

/** Facilities of one type of a run inside the districts, and how many of them met the network. */
export async function runFacilitiesWithin(
  db: Queryable,
  runId: number,
  typeIdx: number,
  layerId: number,
  codes: string[],
  d: DistrictLayer,
): Promise<{ facilities: number; snapped: number }> {
  const r = await db.query<{ facilities: number; snapped: number }>(
    `SELECT count(*)::int AS facilities, count(*) FILTER (WHERE s.snapped)::int AS snapped
       FROM (SELECT feature_id, bool_or(edge_id IS NOT NULL OR node_id IS NOT NULL) AS snapped
               FROM access_run_facility WHERE run_id = $1 AND type_idx = $2 GROUP BY feature_id) s
       JOIN feature f ON f.layer_id = $3 AND f.id = s.feature_id
      WHERE ${withinDistricts('f.geom', 4, d)}`,
    [runId, typeIdx, layerId, codes],
  );
  // An aggregate: one row always; none is a lost result, not "no facilities".
  if (r.rows.length !== 1) throw new Error(`runFacilitiesWithin: expected one row, got ${r.rows.length}`);
  return r.rows[0];
}

/**
 * Residential area and the area every type reaches, inside the districts, for each run asked
 * about: one row per run (a run with no parcel inside has 0), so a short answer is refused.
 */
export async function runCoverageWithin(
  db: Queryable,
  runIds: number[],
  codes: string[],
  d: DistrictLayer,
): Promise<Map<number, { area: number; covered: number }>> {
  if (runIds.length === 0) return new Map();
  const r = await db.query<{ run_id: number; area: number; covered: number }>(
    `SELECT x.id AS run_id, coalesce(c.area, 0) AS area, coalesce(c.covered, 0) AS covered
       FROM unnest($1::int[]) AS x(id)
       CROSS JOIN LATERAL (SELECT CASE WHEN count(*) >= 31 THEN -1 ELSE (1 << count(*)::int) - 1 END AS full
                             FROM access_run_type t WHERE t.run_id = x.id) m
       CROSS JOIN LATERAL (
         SELECT sum(p.area_m2) AS area, sum(p.area_m2) FILTER (WHERE (p.covered_mask & m.full) = m.full) AS covered
           FROM access_run_parcel p JOIN access_run ar ON ar.id = p.run_id
           JOIN feature f ON f.layer_id = ar.residential_layer_id AND f.id = p.feature_id
          WHERE p.run_id = x.id AND ${withinDistricts('f.geom', 2, d)}) c`,
    [runIds, codes],
  );
  if (r.rows.length !== runIds.length) throw new Error(`runCoverageWithin: expected ${runIds.length} rows, got ${r.rows.length}`);
  return new Map(r.rows.map((x) => [x.run_id, { area: x.area, covered: x.covered }]));
}
