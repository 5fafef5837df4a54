// 多田套合 (domain.md §7): the overlay of 永久基本农田, 高标准农田 and 粮食生产功能区, city-wide and per
// district. Rate (configurable) = area where all three coincide ÷ permanent-farmland area
// (Hangzhou 2025: 90.14%, seed 000 一（五）二). The patches missing from each layer are stored as a
// versioned layer (DTTH_QS by default) so the map's vector tiles draw them, and served as GeoJSON.
import type { Db, Queryable } from '../db/index.ts';
import type { Config } from '../config.ts';
import { getLayer } from '../catalogue/catalogue.service.ts';
import { importFromReader } from '../importers/pipeline.ts';
import type { SourceFeature, SourceReader } from '../importers/types.ts';
import { m2ToMu } from '../area/units.ts';
import { appendAudit } from '../audit/audit.ts';
import { HttpError } from '../server/errors.ts';
import * as repo from './farmland.repository.ts';
import { getSettings } from './settings.ts';

export const MISSING_KINDS = {
  GBZNT: '永久基本农田未建成高标准农田',
  LSSCGNQ: '永久基本农田未划入粮食生产功能区',
  YJJBNT: '高标准粮田未划入永久基本农田',
} as const;

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

export interface TaoheResult {
  runId: number | null;
  versions: Record<string, number>;
  city: TaoheFigures;
  byDistrict: TaoheFigures[];
  missing: { kind: string; label: string; count: number; areaM2: number; areaMu: number }[] | null;
  resultLayer: string | null;
  resultVersion: number | null;
  durationMs: number;
  createdAt: string | null;
  createdBy: string;
}

async function ref(q: Queryable, code: string): Promise<repo.LayerRef & { code: string }> {
  const l = await getLayer(q, code);
  if (l.active_version === null) throw new HttpError(409, `图层 ${l.code}（${l.name_zh}）还没有数据，无法计算多田套合 (layer ${l.code} has no data yet)`, 'no_data');
  return { id: l.id, version: l.active_version, code: l.code };
}

export async function xzqRef(q: Queryable): Promise<repo.LayerRef | null> {
  const r = await q.query<{ id: number; v: number | null }>(`SELECT id, active_version AS v FROM layer WHERE code = 'XZQ'`);
  return r.rows[0]?.v ? { id: r.rows[0].id, version: r.rows[0].v } : null;
}

function figures(code: string | null, name: string, y: number, c: number, g: number, l: number): TaoheFigures {
  return {
    code, name, yjjbntM2: y, yjjbntMu: m2ToMu(y), coincideM2: c, coincideMu: m2ToMu(c),
    ratePercent: y > 0 ? (c / y) * 100 : null, withGbzntM2: g, withLsscgnqM2: l,
  };
}

/** The three layers' active versions (and XZQ), as the overlay and the benchmark use them. */
export async function taoheLayers(q: Queryable) {
  const s = (await getSettings(q)).taohe;
  return { y: await ref(q, s.yjjbnt), g: await ref(q, s.gbznt), l: await ref(q, s.lsscgnq), xzq: await xzqRef(q), settings: s };
}

/** Rate and areas only (what the benchmark times); nothing is stored. */
export async function computeTaohe(q: Queryable): Promise<Omit<TaoheResult, 'runId' | 'missing' | 'resultLayer' | 'resultVersion' | 'createdAt' | 'createdBy'>> {
  const t0 = performance.now();
  const { y, g, l, xzq } = await taoheLayers(q);
  const rows = await repo.taoheAreas(q, y, g, l, xzq);
  const names = await repo.districtNames(q, xzq);
  const sum = (k: keyof repo.TaoheAreaRow) => rows.reduce((s, r) => s + Number(r[k]), 0);
  const byDistrict = rows.map((r) => figures(r.district, r.district ? names.get(r.district) ?? r.district : '（行政区外）', r.yjjbnt_m2, r.coincide_m2, r.gbznt_m2, r.lsscgnq_m2));
  return {
    versions: { [y.code]: y.version, [g.code]: g.version, [l.code]: l.version, ...(xzq ? { XZQ: xzq.version } : {}) },
    city: figures('3301', '杭州市', sum('yjjbnt_m2'), sum('coincide_m2'), sum('gbznt_m2'), sum('lsscgnq_m2')),
    byDistrict, durationMs: performance.now() - t0,
  };
}

function arrayReader(features: SourceFeature[], path: string): SourceReader {
  return { info: { path, format: 'geojson', srid: 4490, sridSource: '多田套合 (EPSG:4490)' }, async *features() { yield* features; }, bytesRead: () => 0, close: async () => {} };
}

/** A stored run: the figures, and the missing patches written as a new version of the result layer. */
export async function runTaohe(db: Db, config: Config, user: string): Promise<TaoheResult> {
  const t0 = performance.now();
  const fig = await computeTaohe(db);
  const { y, g, l, xzq, settings } = await taoheLayers(db);
  const rows = await repo.taoheMissing(db, y, g, l, xzq, settings.minPatchM2);
  const resultLayer = settings.resultLayer;
  await db.query(
    `INSERT INTO layer (code, name_zh, name_en, class, geometry_type, statutory, public, source, description, attr_schema)
     VALUES ($1, '多田套合缺失图斑', 'Farmland overlay: missing patches', '监测', 'Polygon', false, false, '多田套合分析', $2, $3) ON CONFLICT (code) DO NOTHING`,
    [resultLayer, '永久基本农田、高标准农田、粮食生产功能区三者未套合的部分：QSTC 为缺失的图层（每次计算生成一个新版本）',
      JSON.stringify([{ name: 'QSTC', type: 'text', label: '缺失图层' }, { name: 'QSMC', type: 'text', label: '缺失说明' }, { name: 'YTBBH', type: 'text', label: '所在图斑编号' }, { name: 'MJ', type: 'number', label: '面积（m²，椭球）' }, { name: 'MJ_MU', type: 'number', label: '面积（亩）' }, { name: 'XZQDM', type: 'text', label: '行政区代码' }])]);
  let resultVersion: number | null = null;
  if (rows.length) {
    const features: SourceFeature[] = rows.map((r, i) => ({
      fid: `${r.kind}:${r.fid}`, wkb: Buffer.from(r.wkb), location: `missing patch ${i + 1}`,
      props: { QSTC: r.kind, QSMC: MISSING_KINDS[r.kind], YTBBH: r.fid, MJ: Math.round(r.area_m2 * 100) / 100, MJ_MU: Math.round(m2ToMu(r.area_m2) * 10000) / 10000, XZQDM: r.district },
    }));
    const imp = await importFromReader(db, config, arrayReader(features, 'taohe:missing'), { layer: resultLayer, user, note: `多田套合 ${y.code}@v${y.version} × ${g.code}@v${g.version} × ${l.code}@v${l.version}`, allowOutside: true });
    resultVersion = imp.version;
  }
  const missing = (Object.keys(MISSING_KINDS) as (keyof typeof MISSING_KINDS)[]).map((k) => {
    const of = rows.filter((r) => r.kind === k);
    const a = of.reduce((s, r) => s + r.area_m2, 0);
    return { kind: k, label: MISSING_KINDS[k], count: of.length, areaM2: a, areaMu: m2ToMu(a) };
  });
  const durationMs = performance.now() - t0;
  return db.transaction(async (tx) => {
    const r = await repo.insertTaoheRun(tx, { versions: fig.versions, yjjbntM2: fig.city.yjjbntM2, coincideM2: fig.city.coincideM2, rate: fig.city.ratePercent, byDistrict: fig.byDistrict, missing, resultLayer, resultVersion, durationMs, user });
    await appendAudit(tx, { actor: user, action: 'farmland.taohe', entity: 'farmland_taohe_run', entityId: r.id, after: { versions: fig.versions, ratePercent: fig.city.ratePercent, coincideM2: fig.city.coincideM2, resultLayer, resultVersion } });
    return { runId: r.id, ...fig, missing, resultLayer, resultVersion, durationMs, createdAt: r.created_at, createdBy: user };
  });
}

export function runFromRow(r: repo.TaoheRunRow): TaoheResult {
  const by = r.by_district as TaoheFigures[];
  const g = by.reduce((s, d) => s + d.withGbzntM2, 0);
  const l = by.reduce((s, d) => s + d.withLsscgnqM2, 0);
  return {
    runId: r.id, versions: r.versions, city: figures('3301', '杭州市', r.yjjbnt_m2, r.coincide_m2, g, l), byDistrict: by,
    missing: r.missing as TaoheResult['missing'], resultLayer: r.result_layer, resultVersion: r.result_version, durationMs: r.duration_ms, createdAt: r.created_at, createdBy: r.created_by,
  };
}

export async function getTaoheRun(q: Queryable, id: number): Promise<TaoheResult> {
  const r = await repo.taoheRun(q, id);
  if (!r) throw new HttpError(404, `多田套合计算记录 ${id} 不存在 (taohe run ${id} does not exist)`);
  return runFromRow(r);
}

export async function missingGeoJson(q: Queryable, id: number, kind: string | null, districts: string[] | null): Promise<string> {
  const run = await getTaoheRun(q, id);
  if (kind !== null && !(kind in MISSING_KINDS)) throw new HttpError(400, `kind 必须是 ${Object.keys(MISSING_KINDS).join('、')} 之一 (unknown missing-layer kind "${kind}")`);
  if (!run.resultLayer || run.resultVersion === null) return JSON.stringify({ type: 'FeatureCollection', features: [] });
  return repo.missingGeoJson(q, run.resultLayer, run.resultVersion, kind, districts);
}
