// 多田套合 and the farmland accounts on hand-made layers with known overlaps, in EPSG:4549 metres
// next to the 120°E central meridian (where ellipsoidal and planar areas agree to ~1e-8), so a
// 100 m × 100 m square is 10,000 m² = 15 亩. Expected figures are worked out below.
//
//   YJJBNT  Y1 = [0,100]×[0,100]   Y2 = [200,300]×[0,100]   (east, 330110)   Y3 = [-300,-200]×[0,100] (west, 330106)
//   GBZNT   G1 = [0,100]×[0,50]    G2 = [200,300]×[0,100]   G3 = [500,600]×[500,600]
//   LSSCGNQ L1 = [0,50]×[0,100]    L2 = [150,400]×[0,200]   L3 = [500,600]×[500,600]
// Coinciding: Y1 ∩ G1 ∩ L1 = [0,50]×[0,50] = 2,500; Y2 = 10,000; Y3 = 0 → 12,500 of 30,000 m² = 41.667 %.
// East: 12,500 / 20,000 = 62.5 %; west: 0 / 10,000 = 0 %.
// Missing: GBZNT (Y − G) = Y1's [0,100]×[50,100] 5,000 + Y3 10,000 = 15,000 in 2 patches;
// LSSCGNQ (Y − L) = Y1's [50,100]×[0,100] 5,000 + Y3 10,000 = 15,000; YJJBNT (G ∩ L − Y) = G3 ∩ L3 = 10,000.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from './helpers/db.ts';
import { sq, WEST, EAST } from './helpers/city.ts';
import { memoryReader } from './helpers/memory-reader.ts';
import { importFromReader } from '../src/importers/pipeline.ts';
import type { Db } from '../src/db/index.ts';
import type { Config } from '../src/config.ts';
import { computeTaohe, runTaohe, missingGeoJson, taoheLayers } from '../src/farmland/taohe.ts';
import { taoheNaive } from '../src/farmland/taohe.repository.ts';
import { accounts, cultivatedChange } from '../src/farmland/accounts.ts';

type G = ReturnType<typeof sq>;
const load = (db: Db, config: Config, layer: string, feats: { fid: string; geometry: G; props?: Record<string, unknown> }[]) =>
  importFromReader(db, config, memoryReader(feats, { srid: 4549 }), { layer, user: 'test' });
const near = (a: number, b: number, tol = 0.01, msg?: string) => assert.ok(Math.abs(a - b) <= tol, `${msg ?? ''} expected ${b}, got ${a}`);

for (const t of testDatabases()) {
  describe(`多田套合 and accounts (${t.name})`, () => {
    let db: Db;
    let config: Config;
    let close: () => Promise<void>;
    before(async () => {
      ({ db, config, close } = await t.open());
      await load(db, config, 'XZQ', [
        { fid: WEST, geometry: sq(-5000, -5000, 0, 5000), props: { XZQDM: WEST, XZQMC: '西湖区' } },
        { fid: EAST, geometry: sq(0, -5000, 5000, 5000), props: { XZQDM: EAST, XZQMC: '余杭区' } },
      ]);
      await load(db, config, 'YJJBNT', [
        { fid: 'Y1', geometry: sq(0, 0, 100, 100) },
        { fid: 'Y2', geometry: sq(200, 0, 300, 100) },
        { fid: 'Y3', geometry: sq(-300, 0, -200, 100) },
      ]);
      await load(db, config, 'GBZNT', [
        { fid: 'G1', geometry: sq(0, 0, 100, 50) },
        { fid: 'G2', geometry: sq(200, 0, 300, 100) },
        { fid: 'G3', geometry: sq(500, 500, 600, 600) },
      ]);
      await load(db, config, 'LSSCGNQ', [
        { fid: 'L1', geometry: sq(0, 0, 50, 100) },
        { fid: 'L2', geometry: sq(150, 0, 400, 200) },
        { fid: 'L3', geometry: sq(500, 500, 600, 600) },
      ]);
    });
    after(async () => close());

    test('rate and coinciding area city-wide and per district', async () => {
      const r = await computeTaohe(db, config.districts);
      near(r.city.yjjbntM2, 30000);
      near(r.city.coincideM2, 12500);
      near(r.city.ratePercent!, (12500 / 30000) * 100, 1e-4);
      near(r.city.coincideMu, (12500 * 15) / 10000, 1e-4);
      // permanent farmland that is high-standard: Y1 half (5,000) + Y2 (10,000); in a grain zone: Y1 half + Y2
      near(r.city.withGbzntM2, 15000);
      near(r.city.withLsscgnqM2, 15000);
      const east = r.byDistrict.find((d) => d.code === EAST)!;
      const west = r.byDistrict.find((d) => d.code === WEST)!;
      near(east.yjjbntM2, 20000);
      near(east.ratePercent!, 62.5, 1e-4);
      assert.equal(east.name, '余杭区');
      near(west.coincideM2, 0);
      assert.equal(west.ratePercent, 0);
    });

    test('the naive single-statement overlay gives the same areas', async () => {
      const { y, g, l } = await taoheLayers(db, config.districts);
      const n = await taoheNaive(db, y, g, l);
      near(n.yjjbnt_m2, 30000);
      near(n.coincide_m2, 12500);
    });

    test('stored run: missing patches per layer as a layer version and GeoJSON', async () => {
      const r = await runTaohe(db, config, 'tester');
      assert.ok(r.runId);
      assert.equal(r.resultLayer, 'DTTH_QS');
      assert.equal(r.resultVersion, 1);
      const m = Object.fromEntries(r.missing!.map((x) => [x.kind, x]));
      near(m.GBZNT.areaM2, 15000);
      assert.equal(m.GBZNT.count, 2);
      near(m.LSSCGNQ.areaM2, 15000);
      near(m.YJJBNT.areaM2, 10000);
      assert.equal(m.YJJBNT.count, 1);
      const fc = JSON.parse(await missingGeoJson(db, r.runId!, 'GBZNT', null));
      assert.equal(fc.type, 'FeatureCollection');
      assert.deepEqual(fc.features.map((f: { properties: { YTBBH: string } }) => f.properties.YTBBH).sort(), ['Y1', 'Y3']);
      const y1 = fc.features.find((f: { properties: { YTBBH: string } }) => f.properties.YTBBH === 'Y1');
      near(y1.properties.MJ, 5000);
      assert.equal(y1.properties.XZQDM, EAST);
      const westOnly = JSON.parse(await missingGeoJson(db, r.runId!, null, [WEST]));
      assert.equal(westOnly.features.length, 2, 'Y3 lacks both GBZNT and LSSCGNQ');
      const v = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'DTTH_QS'`,
      );
      assert.equal(v.rows[0].n, 5);
    });

    test('accounts by district and the change between two survey versions', async () => {
      // v1: A = [0,1000]×[1000,2000] 水田 (east, 1,000,000 m²); B = [-1000,0]×[1000,2000] 林地 (west)
      await load(db, config, 'DLTB', [
        { fid: 'A', geometry: sq(0, 1000, 1000, 2000), props: { DLBM: '0101', DLMC: '水田' } },
        { fid: 'B', geometry: sq(-1000, 1000, 0, 2000), props: { DLBM: '0301', DLMC: '乔木林地' } },
      ]);
      // v2: half of A built over (城镇住宅 0702, −500,000 m²); a fifth of B reclaimed as 旱地 (+200,000 m²)
      await load(db, config, 'DLTB', [
        { fid: 'A1', geometry: sq(0, 1000, 500, 2000), props: { DLBM: '0101', DLMC: '水田' } },
        { fid: 'A2', geometry: sq(500, 1000, 1000, 2000), props: { DLBM: '0702', DLMC: '城镇住宅用地' } },
        { fid: 'B1', geometry: sq(-1000, 1000, -800, 2000), props: { DLBM: '0103', DLMC: '旱地' } },
        { fid: 'B2', geometry: sq(-800, 1000, 0, 2000), props: { DLBM: '0301', DLMC: '乔木林地' } },
      ]);
      const acc = await accounts(db, config.districts);
      const cult = acc.city.find((c) => c.key === 'cultivated')!;
      near(cult.areaM2, 700000, 0.1);
      assert.equal(cult.version, 2);
      const yj = acc.city.find((c) => c.key === 'yjjbnt')!;
      near(yj.areaMu, (30000 * 15) / 10000, 1e-4);
      const east = acc.byDistrict.find((d) => d.code === EAST)!.categories.find((c) => c.key === 'cultivated')!;
      near(east.areaM2, 500000, 0.1);
      const gd = acc.targets.find((x) => x.code === 'GDBYL')!;
      assert.equal(gd.target, 174.4);
      assert.equal(gd.met, false, '70 万分之一 of the target is not met');
      assert.match(gd.source, /2023/);

      const c = await cultivatedChange(db, config.districts, 1, 2);
      near(c.lost.areaM2, 500000, 0.1);
      near(c.gained.areaM2, 200000, 0.1);
      near(c.netMu, (-300000 * 15) / 10000, 1e-3);
      assert.equal(c.byNewUse[0].class, '0702');
      const lost = c.patches.find((p) => p.direction === 'lost')!;
      assert.deepEqual([lost.oldFid, lost.newFid, lost.district], ['A', 'A2', EAST]);
      const gained = c.patches.find((p) => p.direction === 'gained')!;
      assert.deepEqual([gained.oldClass, gained.newClass, gained.district], ['0301', '0103', WEST]);
    });
  });
}
