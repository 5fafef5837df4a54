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
                   WHEN 2 THEN ST_Area(ST_Intersection(zq.geom, ${g})::geography) > ${SCOPE_TOLERANCE}
                   WHEN 1 THEN ST_Length(ST_Intersection(zq.geom, ${g})::geography) > ${SCOPE_TOLERANCE}
                   ELSE true END))`;
}
