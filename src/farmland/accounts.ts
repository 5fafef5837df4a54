// Farmland accounts (耕地保护台账, domain.md §7): cultivated land (三调 DLTB 耕地 0101/0102/0103),
// permanent basic farmland, high-standard farmland, grain zones and the reserve, by district and
// city, for a survey year, against the targets table; and the change of cultivated land between
// two survey versions (patches lost and gained, with their areas and new land use).
import type { Queryable } from '../db/index.ts';
import { getLayer } from '../catalogue/catalogue.service.ts';
import { resolveVersion } from '../store/store.service.ts';
import { m2ToMu } from '../area/units.ts';
import { Invalid } from '../errors.ts';
import type { DistrictLayer } from '../config.ts';
import * as repo from './farmland.repository.ts';
import { getSettings } from './settings.ts';
import { withFallback } from './robust.ts';

/** The account's categories and the layer each is read from (domain.md §3 default codes). */
export const CATEGORIES = [
  { key: 'cultivated', name: '耕地', layer: 'DLTB', cultivatedOnly: true, target: 'GDBYL' },
  { key: 'yjjbnt', name: '永久基本农田', layer: 'YJJBNT', cultivatedOnly: false, target: 'YJJBNT' },
  { key: 'gbznt', name: '高标准农田', layer: 'GBZNT', cultivatedOnly: false, target: null },
  { key: 'lsscgnq', name: '粮食生产功能区', layer: 'LSSCGNQ', cultivatedOnly: false, target: null },
  { key: 'yncbq', name: '永农储备区', layer: 'YNCBQ', cultivatedOnly: false, target: null },
] as const;

export interface CategoryFigures {
  key: string;
  name: string;
  layer: string;
  version: number | null;
  count: number;
  areaM2: number;
  areaMu: number;
  areaWanMu: number;
}

export interface TargetCheck {
  code: string;
  /** 3301 = the city, otherwise a GB/T 2260 district code */
  region: string;
  name: string;
  year: number;
  kind: string;
  unit: string;
  target: number;
  actual: number | null;
  met: boolean | null;
  source: string;
}

export interface Accounts {
  year: number | null;
  city: CategoryFigures[];
  byDistrict: { code: string | null; name: string; categories: CategoryFigures[] }[];
  targets: TargetCheck[];
}

const wan = (m2: number) => m2ToMu(m2) / 10000;

async function versionFor(q: Queryable, code: string, year: number | undefined): Promise<{ id: number; version: number } | null> {
  const l = await getLayer(q, code);
  if (l.active_version === null) return null;
  if (year === undefined) return { id: l.id, version: l.active_version };
  // The survey of year Y is the version in force at the end of Y (变更调查 reports 12-31 status).
  try {
    const v = await resolveVersion(q, code, { asOf: new Date(`${year}-12-31T23:59:59+08:00`) });
    return { id: v.layerId, version: v.version };
  } catch {
    return null;
  }
}

export async function accounts(
  q: Queryable,
  d: DistrictLayer,
  opts: { year?: number; districts?: string[] | null } = {},
): Promise<Accounts> {
  if (opts.year !== undefined && (!Number.isInteger(opts.year) || opts.year < 1990 || opts.year > 2100))
    throw new Invalid(`year 必须是 1990–2100 的年份 (year must be a year, got ${opts.year})`);
  const xzq = await repo.xzqRef(q, d);
  const names = await repo.districtNames(q, xzq);
  const codes = [...names.keys()];
  const per = new Map<string, CategoryFigures[]>();
  const city: CategoryFigures[] = [];
  for (const c of CATEGORIES) {
    const v = await versionFor(q, c.layer, opts.year);
    const rows = v ? await repo.areasByDistrict(q, v, xzq, codes, c.cultivatedOnly) : [];
    const make = (count: number, m2: number): CategoryFigures => ({
      key: c.key,
      name: c.name,
      layer: c.layer,
      version: v?.version ?? null,
      count,
      areaM2: m2,
      areaMu: m2ToMu(m2),
      areaWanMu: wan(m2),
    });
    city.push(
      make(
        rows.reduce((s, r) => s + r.count, 0),
        rows.reduce((s, r) => s + r.area_m2, 0),
      ),
    );
    for (const d of new Set([...codes, ...rows.map((r) => r.district ?? '')])) {
      const r = rows.find((x) => (x.district ?? '') === d);
      (per.get(d) ?? per.set(d, []).get(d)!).push(make(r?.count ?? 0, r?.area_m2 ?? 0));
    }
  }
  let byDistrict = [...per]
    .map(([code, categories]) => ({ code: code || null, name: code ? (names.get(code) ?? code) : '（行政区外）', categories }))
    .filter((d) => d.code !== null || d.categories.some((c) => c.count > 0))
    .sort((a, b) => (a.code ?? '~').localeCompare(b.code ?? '~'));
  if (opts.districts) byDistrict = byDistrict.filter((d) => d.code && opts.districts!.includes(d.code));

  const all = await repo.targets(q);
  const actualOf = (region: string, code: string): number | null => {
    const cat = CATEGORIES.find((c) => c.target === code);
    if (!cat) return null;
    const figs = region === '3301' ? city : byDistrict.find((d) => d.code === region)?.categories;
    const f = figs?.find((x) => x.key === cat.key);
    return f && f.version !== null ? f.areaWanMu : null;
  };
  const targets: TargetCheck[] = all
    .filter(
      (t) => CATEGORIES.some((c) => c.target === t.code) && (t.region === '3301' || !opts.districts || opts.districts.includes(t.region)),
    )
    .map((t) => {
      const actual = actualOf(t.region, t.code);
      return {
        code: t.code,
        region: t.region,
        name: t.name_zh,
        year: t.year,
        kind: t.kind,
        unit: t.unit,
        target: t.value,
        actual,
        met: actual === null ? null : t.bound === 'min' ? actual >= t.value : actual <= t.value,
        source: t.source,
      };
    });
  return { year: opts.year ?? null, city, byDistrict, targets };
}

export interface CultivatedChange {
  layer: string;
  from: number;
  to: number;
  lost: { areaM2: number; areaMu: number; count: number };
  gained: { areaM2: number; areaMu: number; count: number };
  netM2: number;
  netMu: number;
  byNewUse: { class: string | null; name: string | null; areaM2: number; areaMu: number }[];
  byDistrict: { code: string | null; lostM2: number; gainedM2: number; netM2: number }[];
  patches: {
    direction: 'lost' | 'gained';
    oldFid: string;
    newFid: string;
    oldClass: string | null;
    newClass: string | null;
    newName: string | null;
    district: string | null;
    areaM2: number;
    areaMu: number;
  }[];
}

/**
 * 耕地变化: cultivated land lost and gained between two versions of the land-use layer (DLTB). A
 * district officer (districts) sees the pieces of their districts only.
 */
export async function cultivatedChange(
  q: Queryable,
  d: DistrictLayer,
  from: number,
  to: number,
  layerCode = 'DLTB',
  districts: string[] | null = null,
): Promise<CultivatedChange> {
  if (from === to) throw new Invalid(`from 与 to 是同一版本 ${from}：请给出两个不同的调查版本 (from and to must differ)`);
  const a = await resolveVersion(q, layerCode, { version: from });
  await resolveVersion(q, layerCode, { version: to });
  const xzq = await repo.xzqRef(q, d);
  const codes = [...(await repo.districtNames(q, xzq)).keys()];
  const minM2 = (await getSettings(q)).taohe.minPatchM2;
  const rows = (await withFallback((grid) => repo.cultivatedChange(q, a.layerId, from, to, { xzq, codes, minM2, grid }))).value.filter(
    (r) => !districts || (r.district !== null && districts.includes(r.district)),
  );
  const tally = (d: 'lost' | 'gained') => {
    const of = rows.filter((r) => r.direction === d);
    const m2 = of.reduce((s, r) => s + r.area_m2, 0);
    return { areaM2: m2, areaMu: m2ToMu(m2), count: of.length };
  };
  const lost = tally('lost');
  const gained = tally('gained');
  const use = new Map<string, { class: string | null; name: string | null; areaM2: number }>();
  for (const r of rows.filter((x) => x.direction === 'lost')) {
    const k = r.new_class ?? '';
    const e = use.get(k) ?? { class: r.new_class, name: r.new_name, areaM2: 0 };
    e.areaM2 += r.area_m2;
    use.set(k, e);
  }
  const dist = new Map<string, { lostM2: number; gainedM2: number }>();
  for (const r of rows) {
    const e = dist.get(r.district ?? '') ?? { lostM2: 0, gainedM2: 0 };
    if (r.direction === 'lost') e.lostM2 += r.area_m2;
    else e.gainedM2 += r.area_m2;
    dist.set(r.district ?? '', e);
  }
  return {
    layer: layerCode,
    from,
    to,
    lost,
    gained,
    netM2: gained.areaM2 - lost.areaM2,
    netMu: m2ToMu(gained.areaM2 - lost.areaM2),
    byNewUse: [...use.values()].map((u) => ({ ...u, areaMu: m2ToMu(u.areaM2) })).sort((x, y) => y.areaM2 - x.areaM2),
    byDistrict: [...dist]
      .map(([code, v]) => ({ code: code || null, ...v, netM2: v.gainedM2 - v.lostM2 }))
      .sort((x, y) => (x.code ?? '~').localeCompare(y.code ?? '~')),
    patches: rows.map((r) => ({
      direction: r.direction,
      oldFid: r.old_fid,
      newFid: r.new_fid,
      oldClass: r.old_class,
      newClass: r.new_class,
      newName: r.new_name,
      district: r.district,
      areaM2: r.area_m2,
      areaMu: m2ToMu(r.area_m2),
    })),
  };
}

/** The city's districts (the district layer of config.districts), code and name, in code order. */
export async function districtList(q: Queryable, d: DistrictLayer): Promise<{ code: string; name: string }[]> {
  return [...(await repo.districtNames(q, await repo.xzqRef(q, d)))].map(([code, name]) => ({ code, name }));
}
