// Which layers a caller may read, and how much of them. Public layers (layer.public) are read by
// everyone. Restricted layers are read whole by staff, by district officers only inside their own
// districts (domain.md §1: 区县 "see and edit only their own district"), and never by the public:
// for an anonymous caller a restricted layer does not exist — same 404 and same message as an
// unknown code, so not even its existence leaks through an error.
import type { Queryable } from '../db/index.ts';
import { findLayer, listLayers, UnknownLayerError, type LayerRow } from '../catalogue/catalogue.service.ts';
import type { User } from './types.ts';
import type { DistrictLayer } from '../config.ts';
import { withinDistricts } from '../store/fragments.repository.ts';

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
 * The filter itself is `withinDistricts` in store/fragments.repository.ts.
 */
export function districtCondition(scope: LayerScope, geomExpr: string, param: number, d: DistrictLayer): string {
  return scope.districts ? withinDistricts(geomExpr, param, d) : 'true';
}
