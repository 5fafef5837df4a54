// Consistency review (一致性审查, domain.md §4): the review overlay run layer against layer city-wide,
// e.g. permanent farmland inside the urban development boundary, special plans crossing control
// lines. Both sides are read as subdivided pieces (feature_piece), slivers below the rule-set
// tolerance are dropped, and the conflicts are stored as a versioned layer (YZX_<A>_<B>) through
// the import pipeline, with a summary by district.
import type { Db, Queryable } from '../db/index.ts';
import type { Config } from '../config.ts';
import { importFromReader } from '../importers/pipeline.ts';
import { memoryReader, type SourceFeature, type SourceReader } from '../importers/types.ts';
import { getLayer } from '../catalogue/catalogue.service.ts';
import { m2ToMu } from '../area/units.ts';
import { appendAudit } from '../audit/audit.ts';
import { currentRuleSet } from './ruleset.ts';
import { Conflict, Invalid, NotFound } from '../errors.ts';
import * as repo from './consistency.repository.ts';

export interface ConsistencyResult {
  id: number;
  layerA: { code: string; name: string; version: number };
  layerB: { code: string; name: string; version: number };
  resultLayer: string;
  resultVersion: number | null;
  conflictCount: number;
  areaM2: number;
  planarM2: number;
  areaMu: number;
  byDistrict: { code: string; name: string; count: number; areaM2: number; areaMu: number }[];
  tolerance: { areaM2: number };
  durationMs: number;
  createdBy: string;
}

/** Pairs a bureau checks every year; any two polygon layers can be compared. */
export const DEFAULT_PAIRS: [string, string][] = [
  ['YJJBNT', 'CZKFBJ'],
  ['STBHHX', 'CZKFBJ'],
  ['YJJBNT', 'STBHHX'],
  ['GYYDKZX', 'STBHHX'],
];

const arrayReader = (features: SourceFeature[], path: string): SourceReader =>
  memoryReader({ path, format: 'geojson', srid: 4490, sridSource: 'consistency review (EPSG:4490)' }, features);

export async function runConsistency(db: Db, config: Config, codeA: string, codeB: string, user = 'system'): Promise<ConsistencyResult> {
  const t0 = performance.now();
  const [la, lb] = [await getLayer(db, codeA), await getLayer(db, codeB)];
  for (const l of [la, lb]) {
    if (!l.active_version)
      throw new Conflict(`图层 ${l.code}（${l.name_zh}）尚无数据，无从比对 (layer has no data yet: nothing to compare)`, {
        code: 'layer_empty',
      });
    if (l.geometry_type !== 'Polygon' && l.geometry_type !== 'Geometry')
      throw new Invalid(`图层 ${l.code} 为${l.geometry_type}要素，一致性审查只比对面图层 (consistency review compares polygon layers)`, {
        code: 'not_polygon_layer',
      });
  }
  const names = await repo.districtNames(db, config.districts);
  const tolerance = (await currentRuleSet(db)).definition.tolerance;
  const rows = await repo.conflicts(
    db,
    config.districts,
    { id: la.id, v: la.active_version! },
    { id: lb.id, v: lb.active_version! },
    tolerance.areaM2,
  );

  const resultLayer = `YZX_${la.code}_${lb.code}`.slice(0, 40);
  await repo.ensureResultLayer(db, {
    code: resultLayer,
    nameZh: `一致性审查：${la.name_zh} × ${lb.name_zh}`,
    nameEn: `Consistency: ${la.code} × ${lb.code}`,
    description: `${la.name_zh}与${lb.name_zh}的重叠部分（一致性审查结果，每次审查生成一个新版本）`,
    attrSchema: [
      { name: 'A_FID', type: 'text', label: `${la.name_zh}要素` },
      { name: 'B_FID', type: 'text', label: `${lb.name_zh}要素` },
      { name: 'MJ', type: 'number', label: '重叠面积（m²，椭球）' },
      { name: 'MJ_MU', type: 'number', label: '重叠面积（亩）' },
      { name: config.districts.codeField, type: 'text', label: '行政区代码' },
    ],
  });
  let resultVersion: number | null = null;
  if (rows.length) {
    const features: SourceFeature[] = rows.map((r, i) => ({
      fid: `${r.a_fid}|${r.b_fid}`,
      wkb: Buffer.from(r.wkb),
      location: `conflict ${i + 1}`,
      props: {
        A_FID: r.a_fid,
        B_FID: r.b_fid,
        MJ: Math.round(r.area_m2 * 100) / 100,
        MJ_MU: Math.round(m2ToMu(r.area_m2) * 10000) / 10000,
        [config.districts.codeField]: r.district,
      },
    }));
    const imp = await importFromReader(db, config, arrayReader(features, `consistency:${la.code}×${lb.code}`), {
      layer: resultLayer,
      user,
      note: `一致性审查 ${la.code}@v${la.active_version} × ${lb.code}@v${lb.active_version}`,
      allowOutside: true,
    });
    resultVersion = imp.version;
  }
  const by = new Map<string, { count: number; areaM2: number }>();
  for (const r of rows) {
    const k = r.district ?? '';
    const e = by.get(k) ?? { count: 0, areaM2: 0 };
    e.count++;
    e.areaM2 += r.area_m2;
    by.set(k, e);
  }
  const byDistrict = [...by]
    .map(([code, v]) => ({
      code,
      name: code ? (names.get(code) ?? code) : '（行政区外）',
      count: v.count,
      areaM2: v.areaM2,
      areaMu: m2ToMu(v.areaM2),
    }))
    .sort((x, y) => x.code.localeCompare(y.code));
  const areaM2 = rows.reduce((s, r) => s + r.area_m2, 0);
  const planarM2 = rows.reduce((s, r) => s + r.planar_m2, 0);
  const durationMs = performance.now() - t0;
  const id = await db.transaction(async (tx) => {
    const runId = await repo.insertRun(tx, {
      layer_a: la.code,
      version_a: la.active_version!,
      layer_b: lb.code,
      version_b: lb.active_version!,
      result_layer: resultLayer,
      result_version: resultVersion,
      conflict_count: rows.length,
      area_m2: areaM2,
      planar_m2: planarM2,
      by_district: byDistrict,
      duration_ms: durationMs,
      created_by: user,
    });
    await appendAudit(tx, {
      actor: user,
      action: 'consistency.run',
      entity: 'consistency_run',
      entityId: runId,
      after: {
        a: `${la.code}@${la.active_version}`,
        b: `${lb.code}@${lb.active_version}`,
        conflicts: rows.length,
        areaM2,
        resultLayer,
        resultVersion,
      },
    });
    return runId;
  });
  return {
    id,
    layerA: { code: la.code, name: la.name_zh, version: la.active_version! },
    layerB: { code: lb.code, name: lb.name_zh, version: lb.active_version! },
    resultLayer,
    resultVersion,
    conflictCount: rows.length,
    areaM2,
    planarM2,
    areaMu: m2ToMu(areaM2),
    byDistrict,
    tolerance: { areaM2: tolerance.areaM2 },
    durationMs,
    createdBy: user,
  };
}

export async function getConsistency(q: Queryable, id: number) {
  const r = await repo.getRun(q, id);
  if (!r) throw new NotFound(`一致性审查记录 ${id} 不存在 (consistency run ${id} does not exist)`);
  return r;
}

export async function listConsistency(q: Queryable) {
  return repo.listRuns(q);
}
