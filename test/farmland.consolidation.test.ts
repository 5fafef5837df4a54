// Land consolidation checks (土地综合整治, seed 004 杭政办函〔2023〕21号, domain.md §7) through the
// review engine's registry (rule set "land-consolidation"), each rule at, just below and just above
// its threshold; no-data instead of a pass when figures are missing; figures computed from the
// layers (permanent farmland in the project area; original and new cultivated land from two
// versions of DLTB); progress against the 2027 targets and the yearly evaluation.
//
// Geometry (EPSG:4549 metres at the central meridian, 100 m × 100 m = 10,000 m² = 15 亩):
//   YJJBNT  Y = [0,100]²                      → 10,000 m² of permanent farmland in the project area
//   project area [-50,150]² = 40,000 m² = 60 亩; consolidation zone (整治区) [-10,110]²
//   DLTB v1: [0,100]² 水田 (10,000 m² cultivated) + [100,110]×[0,100] 林地
//   DLTB v2: [100,110]×[0,50] reclaimed as 旱地 → new cultivated 500 m² = 5 % of 10,000 (the threshold)
// Thresholds (all "at least"/"at most", the limit itself passes: 不少于 / 不高于 / 以内 / 以上):
//   zzq-gbznt  YJJBNT in the zone covered by GBZNT ≥ 100 %  (tolerance: shortfall < 1 m² is a sliver)
//   xzgd       new ÷ original cultivated ≥ 5 %
//   yjjbnt-tz  adjusted ÷ project permanent farmland ≤ 3 % pass; (3 %, 5 %] warn; > 5 % fail unless
//              provincial approval (warn)                 → 3 % of 10,000 m² = 300 m², 5 % = 500 m²
//   yjjbnt-xz  net new (added − adjusted) ÷ adjusted ≥ 5 %  → adjusted 300: net 15 m², added 315
//   ssnyd      facility land ÷ contiguous farmland ≤ 5 %    → 500 of 10,000
//   dxgy-ry    relocated into parks ÷ inefficient industrial ≥ 70 %  → 700 of 1,000
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from './helpers/db.ts';
import { sq, E0, N0, EAST, WEST } from './helpers/city.ts';
import { memoryReader } from './helpers/memory-reader.ts';
import { importFromReader } from '../src/importers/pipeline.ts';
import type { Db } from '../src/db/index.ts';
import type { Config } from '../src/config.ts';
import { fixedClock } from '../src/util/clock.ts';
import {
  CONSOLIDATION_RULESET,
  checkProject,
  createProject,
  evaluation,
  progress,
  updateProject,
  listProjects,
} from '../src/farmland/consolidation.ts';
import { saveRuleSet } from '../src/review/ruleset.ts';
import type { Finding } from '../src/review/types.ts';

type Feat = { fid: string; geometry: ReturnType<typeof sq>; props?: Record<string, unknown> };

for (const t of testDatabases()) {
  describe(`land consolidation checks (${t.name})`, () => {
    let db: Db;
    let config: Config;
    let close: () => Promise<void>;
    const clock = fixedClock('2026-06-30');
    let p1 = 0;
    const load = (layer: string, feats: Feat[]) =>
      importFromReader(db, config, memoryReader(feats, { srid: 4549 }), { layer, user: 'test' });
    const lonlat = async (x0: number, y0: number, x1: number, y1: number) =>
      JSON.parse(
        (
          await db.query<{ j: string }>(`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4549), 4490), 12) AS j`, [
            E0 + x0,
            N0 + y0,
            E0 + x1,
            N0 + y1,
          ])
        ).rows[0].j,
      );
    const check = async (figures?: Record<string, unknown>) => {
      if (figures) await updateProject(db, p1, { figures }, 'planner');
      const r = await checkProject(db, clock, p1, 'reviewer');
      return Object.assign((id: string) => r.findings.find((f: Finding) => f.ruleId === id)!, { facts: r.facts, sources: r.sources });
    };
    const verdict = async (id: string, figures: Record<string, unknown>) => (await check(figures))(id).verdict;

    before(async () => {
      const h = await t.open();
      ({ db, close } = h);
      config = { ...h.config, clock };
      await load('XZQ', [
        { fid: WEST, geometry: sq(-5000, -5000, 0, 5000), props: { XZQDM: WEST, XZQMC: '西湖区' } },
        { fid: EAST, geometry: sq(0, -5000, 5000, 5000), props: { XZQDM: EAST, XZQMC: '余杭区' } },
      ]);
      await load('YJJBNT', [{ fid: 'Y', geometry: sq(0, 0, 100, 100) }]);
      await load('GBZNT', [{ fid: 'G', geometry: sq(0, 0, 100, 100) }]);
      await load('DLTB', [
        { fid: 'T1', geometry: sq(0, 0, 100, 100), props: { DLBM: '0101', DLMC: '水田' } },
        { fid: 'T2', geometry: sq(100, 0, 110, 100), props: { DLBM: '0301', DLMC: '乔木林地' } },
      ]);
      await load('DLTB', [
        { fid: 'T1', geometry: sq(0, 0, 100, 100), props: { DLBM: '0101', DLMC: '水田' } },
        { fid: 'T2a', geometry: sq(100, 0, 110, 50), props: { DLBM: '0103', DLMC: '旱地' } },
        { fid: 'T2b', geometry: sq(100, 50, 110, 100), props: { DLBM: '0301', DLMC: '乔木林地' } },
      ]);
      const p = await createProject(
        db,
        {
          code: 'ZZ-001',
          name: '余杭区跨乡镇土地综合整治试点',
          district: EAST,
          pilot: true,
          startYear: 2024,
          areas: [
            { kind: 'project', name: '项目区', geometry: await lonlat(-50, -50, 150, 150) },
            { kind: 'consolidation', name: '整治区一', geometry: await lonlat(-10, -10, 110, 110) },
          ],
        },
        'planner',
      );
      p1 = p.id;
      assert.ok(Math.abs(p.projectAreaMu - 60) < 1e-4, `project area 40,000 m² = 60 亩, got ${p.projectAreaMu}`);
    });
    after(async () => close());

    test('without figures the ratio rules say no-data, never pass', async () => {
      const f = await check();
      for (const id of ['xzgd', 'yjjbnt-xz', 'ssnyd', 'dxgy-ry']) assert.equal(f(id).verdict, 'no-data', id);
      assert.ok(
        Math.abs((f.facts.projectYjjbntM2 as number) - 10000) < 0.01,
        'permanent farmland in the project area is measured: 10,000 m²',
      );
      assert.equal(f.sources.projectYjjbntM2, 'computed');
      assert.equal(f('yjjbnt-tz').verdict, 'no-data', 'the adjusted area is not declared');
      assert.equal(f('zzq-gbznt').verdict, 'pass');
    });

    test('zzq-gbznt: permanent farmland in the zone 100 % high-standard', async () => {
      let f = await check();
      assert.equal(f('zzq-gbznt').details.coveredPercent, 100);
      await load('GBZNT', [{ fid: 'G', geometry: sq(0, 0, 100, 99.9) }]); // 10 m² missing: 99.9 %
      f = await check();
      assert.equal(f('zzq-gbznt').verdict, 'fail');
      assert.ok(Math.abs(f('zzq-gbznt').overlapAreaM2 - 10) < 0.01, `10 m² not high-standard, got ${f('zzq-gbznt').overlapAreaM2}`);
      assert.ok(f('zzq-gbznt').geometry, 'the uncovered part is drawn');
      await load('GBZNT', [{ fid: 'G', geometry: sq(0, 0, 100, 99.995) }]); // 0.5 m²: a sliver below the 1 m² tolerance
      f = await check();
      assert.equal(f('zzq-gbznt').verdict, 'pass');
      assert.equal(f('zzq-gbznt').belowTolerance, true);
    });

    test('coverage rule kind at, just below and just above a 50 % minimum (rule set edited like any other)', async () => {
      const def = structuredClone(CONSOLIDATION_RULESET);
      def.rules.find((r) => r.id === 'zzq-gbznt')!.minPercent = 50;
      await saveRuleSet(db, def, 'admin', 'test: 50 %');
      const at = async (yTop: number) => {
        await load('GBZNT', [{ fid: 'G', geometry: sq(0, 0, 100, yTop) }]);
        return (await check())('zzq-gbznt');
      };
      assert.equal((await at(50)).verdict, 'pass', '50 % exactly');
      assert.equal((await at(49.9)).verdict, 'fail', '49.9 %: 10 m² short');
      assert.equal((await at(50.1)).verdict, 'pass', '50.1 %');
      await saveRuleSet(db, CONSOLIDATION_RULESET, 'admin', 'test: back to the shipped rules');
      await load('GBZNT', [{ fid: 'G', geometry: sq(0, 0, 100, 100) }]);
    });

    test('xzgd: new cultivated land ≥ 5 % of the original (declared)', async () => {
      assert.equal(await verdict('xzgd', { originalCultivatedMu: 1000, newCultivatedMu: 50 }), 'pass');
      assert.equal(await verdict('xzgd', { newCultivatedMu: 49.99 }), 'fail');
      assert.equal(await verdict('xzgd', { newCultivatedMu: 50.01 }), 'pass');
    });

    test('xzgd computed from the before/after land-use versions: 500 of 10,000 m² = 5 %', async () => {
      await updateProject(db, p1, { before: { layer: 'DLTB', version: 1 }, after: { layer: 'DLTB', version: 2 } }, 'planner');
      const r = await checkProject(db, clock, p1, 'reviewer');
      assert.equal(r.sources.originalCultivatedM2, 'computed');
      assert.ok(Math.abs((r.facts.originalCultivatedM2 as number) - 10000) < 0.01);
      assert.ok(Math.abs((r.facts.newCultivatedM2 as number) - 500) < 0.01);
      assert.equal(r.findings.find((f) => f.ruleId === 'xzgd')!.verdict, 'pass');
      await updateProject(db, p1, { before: null, after: null }, 'planner');
    });

    test('yjjbnt-tz: adjustment ≤ 3 % pass, up to the 5 % cap warn, above fail unless provincial approval', async () => {
      assert.equal(await verdict('yjjbnt-tz', { adjustedYjjbntM2: 299.99 }), 'pass');
      assert.equal(await verdict('yjjbnt-tz', { adjustedYjjbntM2: 300 }), 'pass', 'exactly 3 % (以内)');
      assert.equal(await verdict('yjjbnt-tz', { adjustedYjjbntM2: 300.01 }), 'warn');
      assert.equal(await verdict('yjjbnt-tz', { adjustedYjjbntM2: 500 }), 'warn', 'exactly the 5 % cap (最高不超过 5%)');
      assert.equal(await verdict('yjjbnt-tz', { adjustedYjjbntM2: 500.01 }), 'fail');
      assert.equal(
        await verdict('yjjbnt-tz', { adjustedYjjbntM2: 500.01, provincialApproval: true }),
        'warn',
        '报经省级以上自然资源部门批准',
      );
    });

    test('yjjbnt-xz: net new permanent farmland ≥ 5 % of the adjusted area', async () => {
      assert.equal(
        await verdict('yjjbnt-xz', { adjustedYjjbntM2: 300, addedYjjbntM2: 315, provincialApproval: false }),
        'pass',
        'net 15 = 5 % of 300',
      );
      assert.equal(await verdict('yjjbnt-xz', { addedYjjbntM2: 314.99 }), 'fail');
      assert.equal(await verdict('yjjbnt-xz', { addedYjjbntM2: 315.01 }), 'pass');
    });

    test('ssnyd: facility and agri-tourism land ≤ 5 % of contiguous farmland', async () => {
      assert.equal(await verdict('ssnyd', { contiguousFarmlandM2: 10000, facilityLandM2: 499.99 }), 'pass');
      assert.equal(await verdict('ssnyd', { facilityLandM2: 500 }), 'pass', 'exactly 5 % (不高于)');
      assert.equal(await verdict('ssnyd', { facilityLandM2: 500.01 }), 'fail');
    });

    test('dxgy-ry: inefficient industry relocated into parks ≥ 70 %', async () => {
      assert.equal(await verdict('dxgy-ry', { inefficientIndustrialM2: 1000, relocatedIntoParksM2: 699.99 }), 'fail');
      assert.equal(await verdict('dxgy-ry', { relocatedIntoParksM2: 700 }), 'pass', 'exactly 70 % (70%以上)');
      const f = (await check({ relocatedIntoParksM2: 700.01 }))('dxgy-ry');
      assert.equal(f.verdict, 'pass');
      assert.ok(Math.abs((f.details.percent as number) - 70.001) < 1e-9);
    });

    test('checks are stored and audited; unknown figures are refused', async () => {
      const n = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM farmland_project_check WHERE project_id = $1`, [p1])).rows[0]
        .n;
      const a = (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_log WHERE action = 'farmland.project.check' AND entity_id = $1`,
          [String(p1)],
        )
      ).rows[0].n;
      assert.ok(n >= 20);
      assert.equal(a, n);
      await assert.rejects(updateProject(db, p1, { figures: { newFarmland: 1 } }, 'planner'), /unknown figure/);
      await assert.rejects(updateProject(db, p1, { figures: { facilityLandM2: -1 } }, 'planner'), /≥ 0/);
    });

    test('progress against the 2027 targets and the yearly evaluation', async () => {
      // P1's figures back within every limit, checked once more: its latest verdict is pass.
      const last = await checkProject(
        db,
        clock,
        (
          await updateProject(
            db,
            p1,
            { figures: { facilityLandM2: 400, adjustedYjjbntM2: 200, addedYjjbntM2: 215, provincialApproval: false } },
            'planner',
          )
        ).id,
        'reviewer',
      );
      assert.equal(last.verdict, 'pass', JSON.stringify(last.findings.map((f) => [f.ruleId, f.verdict])));
      // A second project in WEST (not a pilot), 100 m × 100 m = 15 亩, started 2026, no check yet.
      await createProject(
        db,
        {
          code: 'ZZ-002',
          name: '西湖区土地综合整治',
          district: WEST,
          startYear: 2026,
          figures: { newCultivatedMu: 2 },
          areas: [{ kind: 'project', geometry: await lonlat(-300, 0, -200, 100) }],
        },
        'planner',
      );
      const pr = await progress(db);
      const item = (code: string) => pr.items.find((i) => i.code === code)!;
      assert.deepEqual([item('ZZXM').actual, item('ZZXM').target, item('ZZXM').met], [2, 60, false]);
      assert.deepEqual([item('ZZSD').actual, item('ZZSD').target], [1, 15]);
      assert.ok(
        Math.abs(item('ZZMJ').actual - (60 + 15) / 10000) < 1e-8,
        `project areas 60 + 15 亩 = 0.0075 万亩, got ${item('ZZMJ').actual}`,
      );
      assert.equal(item('ZZMJ').target, 300);
      // New cultivated land: P1 declares 50.01 亩 (its last xzgd figure), P2 2 亩.
      const p1Row = (await listProjects(db, null)).find((p) => p.id === p1)!;
      assert.ok(Math.abs((p1Row.figures.newCultivatedM2 as number) - (50.01 * 10000) / 15) < 1e-6);
      assert.ok(Math.abs(item('XZGD').actual - (50.01 + 2) / 10000) < 1e-8);
      assert.equal(item('XZGD').target, 4.7);

      const ev = await evaluation(db, 2026, null);
      const east = ev.districts.find((d) => d.district === EAST)!;
      const west = ev.districts.find((d) => d.district === WEST)!;
      assert.deepEqual([east.projects, east.pilots, east.checked, east.pass, east.score], [1, 1, 1, 1, 100], 'P1 passes its latest check');
      assert.deepEqual([west.projects, west.startedThisYear, west.checked, west.score], [1, 1, 0, null]);
      assert.deepEqual(
        (await evaluation(db, 2025, null)).districts.map((d) => d.district),
        [EAST],
        'P2 starts in 2026',
      );
    });
  });
}
