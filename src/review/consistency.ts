// Consistency review (一致性审查, domain.md §4): the review overlay run layer against layer city-wide,
// e.g. permanent farmland inside the urban development boundary, special plans crossing control
// lines. Both sides are read as subdivided pieces (feature_piece), slivers below the rule-set
// tolerance are dropped, and the conflicts are stored as a versioned layer (YZX_<A>_<B>) through
// the import pipeline, with a summary by district.
import type { Db, Queryable } from '../db/index.ts';
import type { Config } from '../config.ts';
import { importFromReader } from '../importers/pipeline.ts';
import type { SourceFeature, SourceReader } from '../importers/types.ts';
import { getLayer } from '../catalogue/catalogue.service.ts';
import { m2ToMu } from '../area/units.ts';
import { appendAudit } from '../audit/audit.ts';
import { currentRuleSet } from './ruleset.ts';

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

interface ConflictRow {
  a_fid: string;
  b_fid: string;
  wkb: Buffer | Uint8Array;
  area_m2: number;
  planar_m2: number;
  xzqdm: string | null;
}

async function conflicts(
  q: Queryable,
  a: { id: number; v: number },
  b: { id: number; v: number },
  xzq: { id: number; v: number } | null,
  minArea: number,
): Promise<ConflictRow[]> {
  return (
    await q.query<ConflictRow>(
      `WITH pa AS (SELECT feature_id, geom FROM feature_piece WHERE layer_id = $1 AND v_from <= $2 AND (v_to IS NULL OR v_to > $2)),
            pb AS (SELECT feature_id, geom FROM feature_piece WHERE layer_id = $3 AND v_from <= $4 AND (v_to IS NULL OR v_to > $4)),
            x AS (SELECT pa.feature_id AS fa, pb.feature_id AS fb, ST_CollectionExtract(ST_Intersection(pa.geom, pb.geom), 3) AS g
                    FROM pa JOIN pb ON pa.geom && pb.geom WHERE ST_Intersects(pa.geom, pb.geom)),
            pair AS (SELECT fa, fb, ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(g)), 3)) AS g
                       FROM x WHERE NOT ST_IsEmpty(g) GROUP BY fa, fb),
            m AS (SELECT fa, fb, g, ST_Area(g::geography) AS area_m2, onemap_planar_area(g) AS planar_m2 FROM pair)
       SELECT a.fid AS a_fid, b.fid AS b_fid, ST_AsBinary(m.g) AS wkb, m.area_m2, m.planar_m2,
              (SELECT d.props->>'XZQDM' FROM feature d
                WHERE $5::int IS NOT NULL AND d.layer_id = $5 AND d.v_from <= $6 AND (d.v_to IS NULL OR d.v_to > $6)
                  AND ST_Intersects(d.geom, ST_PointOnSurface(m.g)) LIMIT 1) AS xzqdm
         FROM m JOIN feature a ON a.layer_id = $1 AND a.id = m.fa JOIN feature b ON b.layer_id = $3 AND b.id = m.fb
        WHERE m.area_m2 >= $7
        ORDER BY a.fid, b.fid`,
      [a.id, a.v, b.id, b.v, xzq?.id ?? null, xzq?.v ?? null, minArea],
    )
  ).rows;
}

function arrayReader(features: SourceFeature[], path: string): SourceReader {
  return {
    info: { path, format: 'geojson', srid: 4490, sridSource: 'consistency review (EPSG:4490)' },
    async *features() {
      yield* features;
    },
    bytesRead: () => 0,
    close: async () => {},
  };
}

export async function runConsistency(db: Db, config: Config, codeA: string, codeB: string, user = 'system'): Promise<ConsistencyResult> {
  const t0 = performance.now();
  const [la, lb] = [await getLayer(db, codeA), await getLayer(db, codeB)];
  for (const l of [la, lb]) {
    if (!l.active_version)
      throw Object.assign(new Error(`layer ${l.code} (${l.name_zh}) has no data yet: nothing to compare`), { statusCode: 409 });
    if (l.geometry_type !== 'Polygon' && l.geometry_type !== 'Geometry')
      throw Object.assign(new Error(`layer ${l.code} holds ${l.geometry_type} features: consistency review compares polygon layers`), {
        statusCode: 400,
      });
  }
  const xzq = await db.query<{ id: number; v: number }>(
    `SELECT id, active_version AS v FROM layer WHERE code = 'XZQ' AND active_version IS NOT NULL`,
  );
  const names = new Map(
    (
      await db.query<{ code: string; name: string }>(
        `SELECT f.props->>'XZQDM' AS code, f.props->>'XZQMC' AS name FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'XZQ' AND f.v_to IS NULL`,
      )
    ).rows.map((r) => [r.code, r.name]),
  );
  const tolerance = (await currentRuleSet(db)).definition.tolerance;
  const rows = await conflicts(
    db,
    { id: la.id, v: la.active_version! },
    { id: lb.id, v: lb.active_version! },
    xzq.rows[0] ?? null,
    tolerance.areaM2,
  );

  const resultLayer = `YZX_${la.code}_${lb.code}`.slice(0, 40);
  await db.query(
    `INSERT INTO layer (code, name_zh, name_en, class, geometry_type, statutory, public, source, description, attr_schema)
     VALUES ($1, $2, $3, '监测', 'Polygon', false, false, '一致性审查', $4, $5) ON CONFLICT (code) DO NOTHING`,
    [
      resultLayer,
      `一致性审查：${la.name_zh} × ${lb.name_zh}`,
      `Consistency: ${la.code} × ${lb.code}`,
      `${la.name_zh}与${lb.name_zh}的重叠部分（一致性审查结果，每次审查生成一个新版本）`,
      JSON.stringify([
        { name: 'A_FID', type: 'text', label: `${la.name_zh}要素` },
        { name: 'B_FID', type: 'text', label: `${lb.name_zh}要素` },
        { name: 'MJ', type: 'number', label: '重叠面积（m²，椭球）' },
        { name: 'MJ_MU', type: 'number', label: '重叠面积（亩）' },
        { name: 'XZQDM', type: 'text', label: '行政区代码' },
      ]),
    ],
  );
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
        XZQDM: r.xzqdm,
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
    const k = r.xzqdm ?? '';
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
    const r = await tx.query<{ id: number }>(
      `INSERT INTO consistency_run (layer_a, version_a, layer_b, version_b, result_layer, result_version, conflict_count, area_m2, planar_m2, by_district, duration_ms, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        la.code,
        la.active_version,
        lb.code,
        lb.active_version,
        resultLayer,
        resultVersion,
        rows.length,
        areaM2,
        planarM2,
        JSON.stringify(byDistrict),
        durationMs,
        user,
      ],
    );
    await appendAudit(tx, {
      actor: user,
      action: 'consistency.run',
      entity: 'consistency_run',
      entityId: r.rows[0].id,
      after: {
        a: `${la.code}@${la.active_version}`,
        b: `${lb.code}@${lb.active_version}`,
        conflicts: rows.length,
        areaM2,
        resultLayer,
        resultVersion,
      },
    });
    return r.rows[0].id;
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
  const r = await q.query(
    `SELECT id, layer_a, version_a, layer_b, version_b, result_layer, result_version, conflict_count, area_m2, planar_m2, by_district, duration_ms, created_by, created_at::text FROM consistency_run WHERE id = $1`,
    [id],
  );
  if (!r.rows.length) throw Object.assign(new Error(`consistency run ${id} does not exist`), { statusCode: 404 });
  return r.rows[0];
}

export async function listConsistency(q: Queryable) {
  return (
    await q.query(
      `SELECT id, layer_a, version_a, layer_b, version_b, result_layer, result_version, conflict_count, area_m2, created_by, created_at::text FROM consistency_run ORDER BY id DESC LIMIT 100`,
    )
  ).rows;
}
