// Regions the indicators report on: the city (settings.city, 330100 杭州市), its districts from the
// XZQ layer (XZQDM / XZQMC) and, for targets only, the other Zhejiang cities of seed 003.
import type { Queryable } from '../db/index.ts';
import * as layers from './layers.repository.ts';
import { DEFAULTS } from './registry.ts';
import { getSettings } from './settings.ts';
import type { Region } from './types.ts';

/** Districts of the XZQ version in force before `before` (null: the active one), else the active one. */
export async function districtsAt(
  q: Queryable,
  before: Date | null,
): Promise<{ regions: Region[]; xzq: { version: number; validFrom: string } | null }> {
  const xzq = (before ? await layers.layerAt(q, 'XZQ', before) : null) ?? (await layers.layerAt(q, 'XZQ', null));
  if (!xzq) return { regions: [], xzq: null };
  return {
    regions: (await layers.districts(q, xzq)).map((d) => ({ code: d.code, name: d.name, level: 'district' as const })),
    xzq: { version: xzq.version, validFrom: xzq.validFrom },
  };
}

/** Every region code the platform knows, with its name. */
export async function knownRegions(q: Queryable): Promise<Map<string, string>> {
  const s = await getSettings(q);
  const m = new Map<string, string>(Object.entries(DEFAULTS.regions));
  m.set(s.city.code, s.city.name);
  for (const d of (await districtsAt(q, null)).regions) m.set(d.code, d.name);
  return m;
}

export async function cityRegion(q: Queryable): Promise<Region> {
  const s = await getSettings(q);
  return { code: s.city.code, name: s.city.name, level: 'city' };
}
