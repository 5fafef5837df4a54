// SQL of the consolidation-coverage rule kind: how much of a layer inside the subject is covered
// by another layer. Both layers are read as their subdivided pieces (feature_piece) through the
// GiST indexes; the result is ellipsoidal (domain.md §2).
import type { Queryable } from '../../db/index.ts';
import { aliveAt, aliveIn } from '../../store/fragments.repository.ts';

export interface CoverLayerRow {
  id: number;
  name_zh: string;
  version: number | null;
  features: number;
}

/** The cover layer's active version and feature count (null when the code is not in the catalogue). */
export async function coverLayer(q: Queryable, code: string): Promise<CoverLayerRow | null> {
  return (
    (
      await q.query<CoverLayerRow>(
        `SELECT l.id, l.name_zh, l.active_version AS version,
            (SELECT count(*)::int FROM feature f WHERE f.layer_id = l.id AND ${aliveAt('f', 'l.active_version')}) AS features
       FROM layer l WHERE upper(l.code) = upper($1)`,
        [code],
      )
    ).rows[0] ?? null
  );
}

export interface CoverageRow {
  base_m2: number | null;
  covered_m2: number | null;
  uncovered: string | null;
}

/** PostGIS refused (TopologyException) or, on WASM, silently lost the overlay. */
export class CoverageLost extends Error {}

/**
 * Inside the subject (hex EWKB): the base layer's area, the part of it the cover layer covers,
 * and the uncovered part as GeoJSON (EPSG:4490). grid (degrees): run the overlays in fixed
 * precision (snap-rounding), the robust retry when GEOS fails in floating precision.
 */
export async function coverage(
  q: Queryable,
  subject: string,
  base: { id: number; version: number },
  cover: { id: number; version: number },
  grid: number | null = null,
): Promise<CoverageRow> {
  const g = grid === null ? '' : `, ${Number(grid)}`;
  let r;
  try {
    r = await q.query<CoverageRow>(
      `WITH s AS (SELECT ST_GeomFromEWKB(decode($1, 'hex')) AS g),
            b AS (SELECT ST_Union(ST_Intersection(p.geom, s.g${g})${g}) AS g FROM feature_piece p, s
                   WHERE ${aliveIn('p', '$2', '$3')} AND p.geom && s.g AND ST_Intersects(p.geom, s.g)),
            k AS (SELECT ST_Union(ST_Intersection(p.geom, b.g${g})${g}) AS g FROM feature_piece p, b
                   WHERE b.g IS NOT NULL AND ${aliveIn('p', '$4', '$5')} AND p.geom && b.g AND ST_Intersects(p.geom, b.g))
       SELECT onemap_area(b.g) AS base_m2, coalesce(onemap_area(k.g), 0) AS covered_m2,
              ST_AsGeoJSON(ST_CollectionExtract(CASE WHEN k.g IS NULL THEN b.g ELSE ST_Difference(b.g, k.g${g}) END, 3), 7) AS uncovered
         FROM b, k`,
      [subject, base.id, base.version, cover.id, cover.version],
    );
  } catch (e) {
    if (/TopologyException|GEOS|side location conflict|non-noded/i.test((e as Error).message)) throw new CoverageLost((e as Error).message);
    throw e;
  }
  // One row always (aggregates); none means PostGIS on WASM lost the result to a GEOS failure.
  if (r.rows.length === 0) throw new CoverageLost('no result');
  return r.rows[0];
}
