// 多田套合 (domain.md §7): the overlay of 永久基本农田, 高标准农田 and 粮食生产功能区, city-wide and per
// district. Rate (configurable layers) = area where all three coincide ÷ permanent-farmland area
// (Hangzhou 2025: 90.14%, seed 000 一（五）二). A stored run also writes the patches missing from
// each layer as a new version of a result layer (DTTH_QS by default), so the map's vector tiles draw
// them and GET …/runs/{id}/missing serves them as GeoJSON — all in one transaction.
import { within, type Db, type Queryable } from '../db/index.ts';
import { DEFAULT_DISTRICT_LAYER, type Config, type DistrictLayer } from '../config.ts';
import { getLayer } from '../catalogue/catalogue.service.ts';
import { insertIfMissing } from '../catalogue/catalogue.repository.ts';
import { importFromReader } from '../importers/pipeline.ts';
import { memoryReader, type SourceFeature, type SourceReader } from '../importers/types.ts';
import { m2ToMu } from '../area/units.ts';
import { appendAudit } from '../audit/audit.ts';
import { Conflict, Invalid, NotFound } from '../errors.ts';
import * as repo from './taohe.repository.ts';
import { districtNames, xzqRef } from './farmland.repository.ts';
import { getSettings } from './settings.ts';
import { withFallback } from './robust.ts';

/** The three kinds of missing patch; the key is the layer the patch is missing from. */
export const MISSING_KINDS = {
  GBZNT: '永久基本农田未建成高标准农田',
  LSSCGNQ: '永久基本农田未划入粮食生产功能区',
  YJJBNT: '高标准农田与粮食生产功能区重合但未划入永久基本农田',
} as const;
export type MissingKind = keyof typeof MISSING_KINDS;

export interface TaoheFigures {
  code: string | null;
  name: string;
  yjjbntM2: number;
  yjjbntMu: number;
  coincideM2: number;
  coincideMu: number;
  /** % of permanent farmland where all three coincide; null when there is no permanent farmland. */
  ratePercent: number | null;
  /** Permanent farmland that is also high-standard / in a grain zone. */
  withGbzntM2: number;
  withLsscgnqM2: number;
}

export interface MissingSummary {
  kind: MissingKind;
  label: string;
  count: number;
  areaM2: number;
  areaMu: number;
}

export interface TaoheResult {
  runId: number | null;
  versions: Record<string, number>;
  city: TaoheFigures;
  byDistrict: TaoheFigures[];
  missing: MissingSummary[] | null;
  resultLayer: string | null;
  resultVersion: number | null;
  durationMs: number;
  createdAt: string | null;
  createdBy: string;
  note: string | null;
}

export type TaoheFiguresResult = Pick<TaoheResult, 'versions' | 'city' | 'byDistrict' | 'durationMs'>;

async function ref(q: Queryable, code: string): Promise<repo.LayerRef & { code: string }> {
  const l = await getLayer(q, code);
  if (l.active_version === null)
    throw new Conflict(`图层 ${l.code}（${l.name_zh}）还没有数据，无法计算多田套合 (layer ${l.code} has no data yet)`, { code: 'no_data' });
  return { id: l.id, version: l.active_version, code: l.code };
}

function figures(code: string | null, name: string, y: number, c: number, g: number, l: number): TaoheFigures {
  return {
    code,
    name,
    yjjbntM2: y,
    yjjbntMu: m2ToMu(y),
    coincideM2: c,
    coincideMu: m2ToMu(c),
    ratePercent: y > 0 ? (c / y) * 100 : null,
    withGbzntM2: g,
    withLsscgnqM2: l,
  };
}

/** The three layers' active versions (from the settings), the district layer (config.districts) and its codes. */
export async function taoheLayers(q: Queryable, d: DistrictLayer) {
  const s = (await getSettings(q)).taohe;
  const xzq = await xzqRef(q, d);
  const names = await districtNames(q, xzq);
  return { y: await ref(q, s.yjjbnt), g: await ref(q, s.gbznt), l: await ref(q, s.lsscgnq), xzq, names, settings: s };
}

type Layers = Awaited<ReturnType<typeof taoheLayers>>;

async function figuresOf(q: Queryable, t: Layers): Promise<TaoheFiguresResult> {
  const t0 = performance.now();
  const { y, g, l, xzq, names } = t;
  const { value: rows } = await withFallback((grid) => repo.taoheAreas(q, y, g, l, xzq, [...names.keys()], grid));
  const sum = (k: keyof repo.TaoheAreaRow) => rows.reduce((s, r) => s + Number(r[k]), 0);
  const byDistrict = rows.map((r) =>
    figures(
      r.district,
      r.district ? (names.get(r.district) ?? r.district) : '（行政区外）',
      r.yjjbnt_m2,
      r.coincide_m2,
      r.gbznt_m2,
      r.lsscgnq_m2,
    ),
  );
  return {
    versions: { [y.code]: y.version, [g.code]: g.version, [l.code]: l.version, ...(xzq ? { [xzq.code]: xzq.version } : {}) },
    city: figures('3301', '杭州市', sum('yjjbnt_m2'), sum('coincide_m2'), sum('gbznt_m2'), sum('lsscgnq_m2')),
    byDistrict,
    durationMs: performance.now() - t0,
  };
}

/**
 * Rate and areas city-wide and by district over the active versions; nothing is stored. The
 * district layer defaults to the shipped one for callers without the configuration at hand (the
 * indicators' taohe kind); the farmland routes and CLI pass config.districts.
 */
export async function computeTaohe(q: Queryable, d: DistrictLayer = DEFAULT_DISTRICT_LAYER): Promise<TaoheFiguresResult> {
  return figuresOf(q, await taoheLayers(q, d));
}

const arrayReader = (features: SourceFeature[], path: string): SourceReader =>
  memoryReader({ path, format: 'geojson', srid: 4490, sridSource: '多田套合 (EPSG:4490)' }, features);

const RESULT_ATTRS = [
  { name: 'QSTC', type: 'text' as const, label: '缺失图层' },
  { name: 'QSMC', type: 'text' as const, label: '缺失说明' },
  { name: 'YTBBH', type: 'text' as const, label: '所在图斑编号' },
  { name: 'MJ', type: 'number' as const, label: '面积（m²，椭球）' },
  { name: 'MJ_MU', type: 'number' as const, label: '面积（亩）' },
  { name: 'XZQDM', type: 'text' as const, label: '行政区代码' },
];

/**
 * A stored run: the figures, the missing patches as a new version of the result layer (restricted,
 * class 监测; no version when nothing is missing), the run row and its audit entry — one transaction.
 */
export async function runTaohe(db: Db, config: Config, user: string, note: string | null = null): Promise<TaoheResult> {
  const t0 = performance.now();
  // The overlays only read: they run before the transaction, so a GEOS failure on PostgreSQL
  // (which aborts a transaction) can be retried on the grid; the writes then go in one transaction.
  const layers = await taoheLayers(db, config.districts);
  const { y, g, l, xzq, names, settings } = layers;
  const fig = await figuresOf(db, layers);
  const at = { xzq, codes: [...names.keys()], minM2: settings.minPatchM2 };
  const rows = [
    ...(await withFallback((grid) => repo.missingFromY(db, 'GBZNT', y, g, { ...at, grid }))).value,
    ...(await withFallback((grid) => repo.missingFromY(db, 'LSSCGNQ', y, l, { ...at, grid }))).value,
    ...(await withFallback((grid) => repo.missingOutsideY(db, y, g, l, { ...at, grid }))).value,
  ];
  const missing = (Object.keys(MISSING_KINDS) as MissingKind[]).map((k) => {
    const of = rows.filter((r) => r.kind === k);
    const a = of.reduce((s, r) => s + r.area_m2, 0);
    return { kind: k, label: MISSING_KINDS[k], count: of.length, areaM2: a, areaMu: m2ToMu(a) };
  });
  const resultLayer = settings.resultLayer;
  return db.transaction(async (tx) => {
    await insertIfMissing(tx, {
      code: resultLayer,
      name_zh: '多田套合缺失图斑',
      name_en: 'Farmland overlay: missing patches',
      class: '监测',
      geometry_type: 'Polygon',
      statutory: false,
      public: false,
      source: '多田套合分析（onemap）',
      attr_schema: RESULT_ATTRS,
      description: '永久基本农田、高标准农田、粮食生产功能区三者未套合的部分；QSTC 为缺失的图层（每次保存的计算生成一个新版本）',
    });
    let resultVersion: number | null = null;
    if (rows.length) {
      const features: SourceFeature[] = rows.map((r, i) => ({
        fid: `${r.kind}:${r.fid}`,
        wkb: Buffer.from(r.wkb, 'hex'),
        location: `missing patch ${i + 1}`,
        props: {
          QSTC: r.kind,
          QSMC: MISSING_KINDS[r.kind],
          YTBBH: r.fid,
          MJ: Math.round(r.area_m2 * 100) / 100,
          MJ_MU: Math.round(m2ToMu(r.area_m2) * 10000) / 10000,
          XZQDM: r.district,
        },
      }));
      const importNote = `多田套合 ${y.code}@v${y.version} × ${g.code}@v${g.version} × ${l.code}@v${l.version}`;
      resultVersion = (
        await importFromReader(within(db, tx), config, arrayReader(features, 'taohe:missing'), {
          layer: resultLayer,
          user,
          note: importNote,
          allowOutside: true,
        })
      ).version;
    }
    const durationMs = performance.now() - t0;
    const r = await repo.insertTaoheRun(tx, {
      versions: fig.versions,
      yjjbntM2: fig.city.yjjbntM2,
      coincideM2: fig.city.coincideM2,
      rate: fig.city.ratePercent,
      byDistrict: fig.byDistrict,
      missing,
      resultLayer,
      resultVersion,
      durationMs,
      note,
      user,
    });
    await appendAudit(tx, {
      actor: user,
      action: 'farmland.taohe',
      entity: 'farmland_taohe_run',
      entityId: r.id,
      after: {
        versions: fig.versions,
        ratePercent: fig.city.ratePercent,
        coincideM2: fig.city.coincideM2,
        resultLayer,
        resultVersion,
        note,
      },
    });
    return { runId: r.id, ...fig, missing, resultLayer, resultVersion, durationMs, createdAt: r.created_at, createdBy: user, note };
  });
}

export function runFromRow(r: repo.TaoheRunRow): TaoheResult {
  const by = r.by_district as TaoheFigures[];
  const g = by.reduce((s, d) => s + d.withGbzntM2, 0);
  const l = by.reduce((s, d) => s + d.withLsscgnqM2, 0);
  return {
    runId: r.id,
    versions: r.versions,
    city: figures('3301', '杭州市', r.yjjbnt_m2, r.coincide_m2, g, l),
    byDistrict: by,
    missing: r.missing as TaoheResult['missing'],
    resultLayer: r.result_layer,
    resultVersion: r.result_version,
    durationMs: r.duration_ms,
    createdAt: r.created_at,
    createdBy: r.created_by,
    note: r.note,
  };
}

/** A stored run; a district officer sees only their districts' rows (the city figures stay). */
export async function getTaoheRun(q: Queryable, id: number, districts: string[] | null = null): Promise<TaoheResult> {
  const r = await repo.taoheRun(q, id);
  if (!r) throw new NotFound(`多田套合计算记录 ${id} 不存在 (taohe run ${id} does not exist)`);
  const run = runFromRow(r);
  return districts ? { ...run, byDistrict: run.byDistrict.filter((d) => d.code !== null && districts.includes(d.code)) } : run;
}

export async function listTaoheRuns(q: Queryable, districts: string[] | null = null, limit = 50): Promise<TaoheResult[]> {
  return (await repo.taoheRuns(q, limit))
    .map(runFromRow)
    .map((run) => (districts ? { ...run, byDistrict: run.byDistrict.filter((d) => d.code !== null && districts.includes(d.code)) } : run));
}

export async function missingGeoJson(q: Queryable, id: number, kind: string | null, districts: string[] | null): Promise<string> {
  if (kind !== null && !(kind in MISSING_KINDS))
    throw new Invalid(`kind 必须是 ${Object.keys(MISSING_KINDS).join('、')} 之一 (unknown missing-layer kind "${kind}")`);
  const run = await getTaoheRun(q, id);
  if (!run.resultLayer || run.resultVersion === null) return JSON.stringify({ type: 'FeatureCollection', features: [] });
  return repo.missingGeoJson(q, run.resultLayer, run.resultVersion, kind, districts);
}
