// SQL fragments every module composes its statements from, written once (decision 0007):
//  - which feature rows make up version v of a layer (the versioned store, decision 0001);
//  - the districts of the administrative-division layer (which layer and fields: configuration).
// They return SQL text to splice into a statement; values travel as $n parameters, and the only
// names spliced in are configuration identifiers checked at start (config.ts).
import type { DistrictLayer } from '../config.ts';

/** Row `alias` of feature / feature_piece is part of version `param` of its layer. */
export const aliveAt = (alias: string, param: string) =>
  `${alias}.v_from <= ${param} AND (${alias}.v_to IS NULL OR ${alias}.v_to > ${param})`;

/** Row `alias` belongs to layer `layerParam` and is part of its version `versionParam`. */
export const aliveIn = (alias: string, layerParam: string, versionParam: string) =>
  `${alias}.layer_id = ${layerParam} AND ${aliveAt(alias, versionParam)}`;

/**
 * The districts in force: one row per feature of the district layer's active version, with its
 * GB/T 2260 code, name and geometry (EPSG:4490). A sub-select to use as a table.
 */
export const activeDistricts = (d: DistrictLayer) =>
  `(SELECT f.props->>'${d.codeField}' AS code, f.props->>'${d.nameField}' AS name, f.geom, f.id AS feature_id
      FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = '${d.layer}'
     WHERE l.active_version IS NOT NULL AND ${aliveAt('f', 'l.active_version')})`;

/** The union of the districts whose codes are in the text[] parameter `codesParam` (NULL when none matches). */
export const districtUnion = (d: DistrictLayer, codesParam: string) =>
  `(SELECT ST_Union(ad.geom) AS geom FROM ${activeDistricts(d)} ad WHERE ad.code = ANY(${codesParam}::text[]))`;

/** m² / m: what a feature must share with the districts to be inside them (the review tolerance). */
export const SCOPE_TOLERANCE = 1;

/**
 * Geometry `geomExpr` lies in the districts whose codes are in the text[] parameter `$param`:
 * covered by them, or sharing more than the tolerance (1 m² of area, 1 m of line) — a parcel of the
 * neighbouring district that only touches the border, or overlaps it by a digitising sliver, is not
 * in (issue 22 item 5). Features wholly inside pass on ST_Covers; only those on the border pay for
 * the intersection.
 */
export function withinDistricts(geomExpr: string, param: number, d: DistrictLayer): string {
  const g = geomExpr;
  return `EXISTS (SELECT 1 FROM ${activeDistricts(d)} zq WHERE zq.code = ANY($${param}::text[]) AND ST_Intersects(zq.geom, ${g})
            AND (ST_Covers(zq.geom, ${g}) OR CASE ST_Dimension(${g})
                   WHEN 2 THEN onemap_area(ST_Intersection(zq.geom, ${g})) > ${SCOPE_TOLERANCE}
                   WHEN 1 THEN ST_Length(ST_Intersection(zq.geom, ${g})::geography) > ${SCOPE_TOLERANCE}
                   ELSE true END))`;
}

/**
 * The store's geometry tolerance, in degrees of EPSG:4490 (geographic CGCS2000): coordinates that
 * differ by less are the same survey point. Survey coordinates are stated to the millimetre (the
 * coordinate TXT writes 精度=0.001 m), so anything finer is representation noise — decimals cut by
 * an exporter, round-off of a reprojection. On the CGCS2000 ellipsoid (a = 6 378 137 m) one degree
 * of latitude is 110.57–111.69 km and one of longitude 111.32 km × cos φ, so 1e-8° is at most
 * 1.12 mm anywhere, and at Hangzhou (φ ≈ 30°N) 1.11 mm north–south and 0.96 mm east–west:
 * "about 1 mm". A distance in degrees of d ≤ 1e-8° is therefore never more than 1.12 mm on the ground.
 */
export const GEOM_TOLERANCE_DEG = 1e-8;

/**
 * Geometry `g` snapped to the tolerance grid, for the row hash. A snapped hash alone is not a test
 * of equality: two points 0.1 mm apart on either side of a grid line snap to different nodes. A hash
 * mismatch therefore only means "maybe changed", settled by sameGeometry.
 */
export const snapped = (g: string) => `ST_SnapToGrid(${g}, ${GEOM_TOLERANCE_DEG})`;

/**
 * Geometries `a` and `b` (EPSG:4490) are the same within the tolerance: same kind, same number of
 * vertices, and no vertex of either farther than GEOM_TOLERANCE_DEG from the other (Hausdorff
 * distance). A single part and a multi-part of that one part are the same kind: a Shapefile has one
 * shape type per file, so a point layer goes out as MultiPoint and comes back as one-point MULTIPOINTs.
 */
export const sameGeometry = (a: string, b: string) =>
  `(GeometryType(ST_Multi(${a})) = GeometryType(ST_Multi(${b})) AND ST_NPoints(${a}) = ST_NPoints(${b})
    AND ST_HausdorffDistance(${a}, ${b}) <= ${GEOM_TOLERANCE_DEG})`;
