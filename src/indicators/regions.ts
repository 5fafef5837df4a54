// Regions the indicators report on: the city (settings.city, 330100 杭州市), its districts from the
// district layer (config.districts: XZQ with XZQDM / XZQMC by default) and, for targets only, the
// other Zhejiang cities of seed 003.
import type { Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import * as layers from './layers.repository.ts';
import { DEFAULTS } from './registry.ts';
import { getSettings } from './settings.ts';
import type { Region } from './types.ts';

/** Districts of the district layer's version in force before `before` (null: the active one), else the active one. */
export async function districtsAt(
  q: Queryable,
  d: DistrictLayer,
  before: Date | null,
): Promise<{ regions: Region[]; xzq: { version: number; validFrom: string } | null }> {
  const xzq = (before ? await layers.layerAt(q, d.layer, before) : null) ?? (await layers.layerAt(q, d.layer, null));
  if (!xzq) return { regions: [], xzq: null };
  return {
    regions: (await layers.districts(q, d, xzq)).map((r) => ({ code: r.code, name: r.name, level: 'district' as const })),
    xzq: { version: xzq.version, validFrom: xzq.validFrom },
  };
}

/** Every region code the platform knows, with its name. */
export async function knownRegions(q: Queryable, d: DistrictLayer): Promise<Map<string, string>> {
  const s = await getSettings(q);
  const m = new Map<string, string>(Object.entries(DEFAULTS.regions));
  m.set(s.city.code, s.city.name);
  for (const r of (await districtsAt(q, d, null)).regions) m.set(r.code, r.name);
  return m;
}

export async function cityRegion(q: Queryable): Promise<Region> {
  const s = await getSettings(q);
  return { code: s.city.code, name: s.city.name, level: 'city' };
}
