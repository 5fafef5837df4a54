// Which layers a caller may read, and how much of them. Public layers (layer.public) are read by
// everyone. Restricted layers are read whole by staff, by district officers only inside their own
// districts (domain.md §1: 区县 "see and edit only their own district"), and never by the public:
// for an anonymous caller a restricted layer does not exist — same 404 and same message as an
// unknown code, so not even its existence leaks through an error.
import type { Queryable } from '../db/index.ts';
import { findLayer, listLayers, UnknownLayerError, type LayerRow } from '../catalogue/catalogue.service.ts';
import type { User } from './types.ts';
import type { DistrictLayer } from '../config.ts';
import { activeDistricts } from '../store/fragments.repository.ts';

export interface LayerScope {
  layer: LayerRow;
  /**
   * null: the whole layer. Otherwise only features intersecting these districts (XZQDM codes) may
   * be returned; add `districtCondition(…)` to the WHERE clause of any feature query.
   */
  districts: string[] | null;
}

/** The read scope of a layer for this user, or null when the user may not read it at all. */
export function scopeOf(user: User, layer: LayerRow): LayerScope | null {
  if (layer.public) return { layer, districts: null };
  switch (user.role) {
    case 'anonymous':
      return null;
    case 'district':
      return user.districts.length ? { layer, districts: user.districts } : null;
    default:
      return { layer, districts: null };
  }
}

/** The layer by code if this user may read it; otherwise the same error as an unknown code. */
export async function readableLayer(db: Queryable, user: User, code: string): Promise<LayerScope> {
  const layer = await findLayer(db, code);
  const scope = layer && scopeOf(user, layer);
  if (!scope) throw new UnknownLayerError(code);
  return scope;
}

/** Every layer this user may read, in catalogue order. */
export async function readableLayers(db: Queryable, user: User): Promise<LayerScope[]> {
  return (await listLayers(db)).map((l) => scopeOf(user, l)).filter((s): s is LayerScope => s !== null);
}

/**
 * SQL condition limiting a feature query to the scope's districts: `geomExpr` is the EPSG:4490
 * geometry expression of the feature, `param` the $n placeholder that will carry
 * `scope.districts` as a text[], `d` the district layer (config.districts). Returns 'true' for a
 * whole-layer scope (pass the param anyway or not at all — the caller decides).
 *
 * `d` defaults to the configuration's default district layer only for the callers not yet given
 * the configuration (tiles, OGC API, map view): pass config.districts.
 */
/** m² / m: what a feature must share with the districts to be inside them (the review tolerance). */
const SCOPE_TOLERANCE = 1;

export function districtCondition(scope: LayerScope, geomExpr: string, param: number, d: DistrictLayer): string {
  if (!scope.districts) return 'true';
  // Inside the districts means sharing more than the tolerance with them (1 m² of area, 1 m of
  // line, as the district write check): a parcel of the neighbouring district that only touches the
  // border, or overlaps it by a digitising sliver, is not the officer's (issue 22 item 5). Features
  // wholly inside pass on ST_Covers; only those on the border pay for the intersection.
  const g = geomExpr;
  return `EXISTS (SELECT 1 FROM ${activeDistricts(d)} zq WHERE zq.code = ANY($${param}::text[]) AND ST_Intersects(zq.geom, ${g})
            AND (ST_Covers(zq.geom, ${g}) OR CASE ST_Dimension(${g})
                   WHEN 2 THEN ST_Area(ST_Intersection(zq.geom, ${g})::geography) > ${SCOPE_TOLERANCE}
                   WHEN 1 THEN ST_Length(ST_Intersection(zq.geom, ${g})::geography) > ${SCOPE_TOLERANCE}
                   ELSE true END))`;
}
