// The synthetic demo city (src/demo): every default layer filled through the import pipeline,
// deterministic per seed, plausible farmland and boundaries, and refusal to overwrite data.
// Small scale (4.5 km cells) on every test database.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases, storeSnapshot } from './helpers/db.ts';
import { generateDemo, DemoDataExistsError, type DemoResult } from '../src/demo/index.ts';
import { DEFAULT_LAYER_CODES } from '../src/catalogue/catalogue.service.ts';
import { qcLayer } from '../src/qc/qc.service.ts';
import type { Db } from '../src/db/index.ts';

const HANGZHOU_CODES = [
  '330102',
  '330105',
  '330106',
  '330108',
  '330109',
  '330110',
  '330111',
  '330112',
  '330113',
  '330114',
  '330122',
  '330127',
  '330182',
];

const live = (code: string) => `(SELECT f.* FROM feature f JOIN layer l ON l.id = f.layer_id WHERE l.code = '${code}' AND f.v_to IS NULL)`;

/** Per layer: feature count and md5 over the row hashes in fid order. */
async function fingerprint(db: Db, codes: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const code of codes) {
    const r = await db.query<{ n: number; h: string }>(
      `SELECT count(*)::int AS n, md5(string_agg(row_hash, ',' ORDER BY fid)) AS h FROM ${live(code)} x`,
    );
    out[code] = `${r.rows[0].n}:${r.rows[0].h}`;
  }
  return out;
}

const FINGERPRINTED = ['XZQ', 'DLTB', 'CZKFBJ', 'YJJBNT', 'GBZNT', 'BXWL', 'GGFWSS', 'JCJK'];

for (const tdb of testDatabases()) {
  describe(`demo city (small) on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let result: DemoResult;
    const progress: [string, number, number][] = [];
    before(async () => {
      h = await tdb.open();
      result = await generateDemo(h.db, h.config, { scale: 'small', onProgress: (m, d, t) => progress.push([m, d, t]) });
    });
    after(async () => {
      await h?.close();
    });

    test('fills all 24 default layers, each as version 1 written by user demo', async () => {
      assert.deepEqual(result.layers.map((l) => l.code).sort(), [...DEFAULT_LAYER_CODES].sort());
      for (const l of result.layers) assert.ok(l.featureCount > 0, `${l.code} has no features`);
      const v = await h.db.query<{ code: string; version: number; created_by: string; note: string; feature_count: number }>(
        `SELECT l.code, v.version, v.created_by, v.note, v.feature_count FROM layer_version v JOIN layer l ON l.id = v.layer_id ORDER BY l.code`,
      );
      assert.equal(v.rows.length, 24);
      for (const row of v.rows) {
        assert.equal(row.version, 1);
        assert.equal(row.created_by, 'demo');
        assert.equal(row.note, '演示数据 scale=small seed=2035');
        assert.equal(row.feature_count, result.layers.find((l) => l.code === row.code)!.featureCount);
      }
      const last = progress[progress.length - 1];
      assert.equal(last[1], last[2]);
    });

    test('passes its own quality check (成果质检) for every layer with a rule family: no error, no skipped rule but 图数一致', async () => {
      for (const code of ['XZQ', 'DLTB', 'CZKFBJ', 'GHYD', 'YJJBNT']) {
        const r = await qcLayer(h.db, h.config, code);
        const featureCount = result.layers.find((l) => l.code === code)!.featureCount;
        // The demo is a layer, not a package: it has no 汇总表, so 图数一致 is not executed, and says so.
        assert.deepEqual(
          [r.passed, r.featureCount, r.counts.bySeverity, r.skipped.map((s) => s.rule)],
          [true, featureCount, { blocking: 0, warning: 0 }, code === 'DLTB' ? ['DLTB.summary-table'] : []],
          `${code}: ${JSON.stringify(r.counts.byRule)} ${r.errors
            .slice(0, 3)
            .map((e) => e.message)
            .join('; ')}`,
        );
      }
    });

    test('图斑 areas: TBMJ is the ellipsoidal area to 0.01 m², TBDLMJ = TBMJ − KCMJ (no 田坎 deducted)', async () => {
      // Each 图斑 is stated to the cent and matches ST_Area within half a cent; the 图斑 tile the
      // districts (they are the cells the districts are unions of), so their TBMJ add up to the
      // districts' ellipsoidal area within half a cent per 图斑.
      const r = await h.db.query<{ n: number; off: number; cents: number; balance: number; kc: number; sum: string; xzq: string }>(
        `SELECT count(*)::int AS n,
                count(*) FILTER (WHERE abs((props->>'TBMJ')::numeric - onemap_area(geom)::numeric) > 0.005)::int AS off,
                count(*) FILTER (WHERE (props->>'TBMJ')::numeric * 100 <> round((props->>'TBMJ')::numeric * 100))::int AS cents,
                count(*) FILTER (WHERE (props->>'TBDLMJ')::numeric <> (props->>'TBMJ')::numeric - (props->>'KCMJ')::numeric)::int AS balance,
                count(*) FILTER (WHERE (props->>'KCMJ')::numeric <> 0)::int AS kc,
                sum((props->>'TBMJ')::numeric)::text AS sum,
                (SELECT sum(onemap_area(geom)) FROM ${live('XZQ')} z)::text AS xzq
           FROM ${live('DLTB')} x`,
      );
      const row = r.rows[0];
      assert.deepEqual([row.off, row.cents, row.balance, row.kc], [0, 0, 0, 0]);
      assert.equal(row.n, result.layers.find((l) => l.code === 'DLTB')!.featureCount);
      assert.ok(Math.abs(Number(row.sum) - Number(row.xzq)) <= row.n * 0.005 + 0.01, `ΣTBMJ ${row.sum} m², XZQ ${row.xzq} m²`);
    });

    test('attributes use the names of the catalogue schemas', async () => {
      const r = await h.db.query<{ code: string; key: string }>(
        `SELECT DISTINCT l.code, k.key FROM feature f JOIN layer l ON l.id = f.layer_id, jsonb_object_keys(f.props) AS k(key)
          WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(l.attr_schema) a WHERE a->>'name' = k.key)`,
      );
      assert.deepEqual(r.rows, []);
    });

    test('districts are exactly the 13 real GB/T 2260 codes with their names, without overlaps', async () => {
      const r = await h.db.query<{ code: string; name: string }>(
        `SELECT props->>'XZQDM' AS code, props->>'XZQMC' AS name FROM ${live('XZQ')} x ORDER BY 1`,
      );
      assert.deepEqual(
        r.rows.map((x) => x.code),
        HANGZHOU_CODES,
      );
      assert.equal(r.rows.find((x) => x.code === '330106')!.name, '西湖区');
      assert.equal(r.rows.find((x) => x.code === '330127')!.name, '淳安县');
      const o = await h.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${live('XZQ')} a JOIN ${live('XZQ')} b ON a.id < b.id AND ST_Relate(a.geom, b.geom, '2********')`,
      );
      assert.equal(o.rows[0].n, 0);
    });

    test('多田套合 rate (YJJBNT ∩ GBZNT ∩ LSSCGNQ ÷ YJJBNT) lies between 0.8 and 0.97', async () => {
      const r = await h.db.query<{ rate: number }>(
        `WITH y AS (SELECT ST_Union(geom) AS g FROM ${live('YJJBNT')} a), gb AS (SELECT ST_Union(geom) AS g FROM ${live('GBZNT')} b),
              ls AS (SELECT ST_Union(geom) AS g FROM ${live('LSSCGNQ')} c)
         SELECT ST_Area(ST_Intersection(ST_Intersection(y.g, gb.g), ls.g)::geography) / ST_Area(y.g::geography) AS rate FROM y, gb, ls`,
      );
      const rate = r.rows[0].rate;
      assert.ok(rate >= 0.8 && rate <= 0.97, `多田套合 rate ${rate}`);
    });

    test('farmland red line covers all permanent farmland; a few permanent-farmland patches conflict with the boundary at most', async () => {
      const r = await h.db.query<{ outside: number; total: number; conflicts: number }>(
        `SELECT ST_Area(ST_Difference((SELECT ST_Union(geom) FROM ${live('YJJBNT')} a), (SELECT ST_Union(geom) FROM ${live('GDBHHX')} b))::geography) AS outside,
                (SELECT count(*)::int FROM ${live('YJJBNT')} c) AS total,
                (SELECT count(DISTINCT y.id)::int FROM ${live('YJJBNT')} y JOIN ${live('CZKFBJ')} z ON ST_Relate(y.geom, z.geom, '2********')) AS conflicts`,
      );
      assert.ok(r.rows[0].outside < 1, `YJJBNT outside GDBHHX: ${r.rows[0].outside} m²`);
      assert.ok(
        r.rows[0].conflicts < r.rows[0].total * 0.1,
        `${r.rows[0].conflicts} of ${r.rows[0].total} permanent-farmland patches inside the boundary`,
      );
    });

    test('the urban development boundary has a polygon with more than 1000 vertices', async () => {
      const r = await h.db.query<{ n: number }>(`SELECT max(ST_NPoints(geom))::int AS n FROM ${live('CZKFBJ')} x`);
      assert.ok(r.rows[0].n > 1000, `largest CZKFBJ polygon has ${r.rows[0].n} vertices`);
    });

    test('every feature lies inside the city extent', async () => {
      const r = await h.db.query<{ xmin: number; ymin: number; xmax: number; ymax: number }>(
        `SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax FROM (SELECT ST_Extent(geom)::geometry AS e FROM feature) s`,
      );
      const e = r.rows[0];
      assert.ok(e.xmin >= 118.34 && e.ymin >= 29.18 && e.xmax <= 120.72 && e.ymax <= 30.57, JSON.stringify(e));
    });

    test('the runway and the clearance surfaces sit at Xiaoshan airport', async () => {
      const r = await h.db.query<{ len: number; x: number; y: number; inner: number }>(
        `SELECT ST_Length(geom::geography) AS len, ST_X(ST_Centroid(geom)) AS x, ST_Y(ST_Centroid(geom)) AS y,
                (SELECT (props->>'XZGC')::float FROM ${live('JCJK')} j WHERE props->>'XZMLX' = '内水平面') AS inner FROM ${live('JC')} x`,
      );
      const row = r.rows[0];
      assert.ok(Math.abs(row.len - 3600) < 5, `runway ${row.len} m`);
      assert.ok(Math.abs(row.x - 120.434) < 0.002 && Math.abs(row.y - 30.236) < 0.002);
      assert.equal(row.inner, 7 + 45);
    });

    test('a second run on the same database is refused and changes nothing', async () => {
      const before = await storeSnapshot(h.db);
      await assert.rejects(generateDemo(h.db, h.config, { scale: 'small' }), (e: unknown) => {
        assert.ok(e instanceof DemoDataExistsError);
        assert.match(e.message, /already holds data in layers XZQ.*fresh data directory/);
        return true;
      });
      assert.equal(await storeSnapshot(h.db), before);
    });

    test('same seed ⇒ identical data, another seed ⇒ different data', async () => {
      const mine = await fingerprint(h.db, FINGERPRINTED);
      const again = await tdb.open();
      const other = await tdb.open();
      try {
        await generateDemo(again.db, again.config, { scale: 'small', seed: 2035 });
        await generateDemo(other.db, other.config, { scale: 'small', seed: 7 });
        assert.deepEqual(await fingerprint(again.db, FINGERPRINTED), mine);
        const theirs = await fingerprint(other.db, FINGERPRINTED);
        for (const code of ['DLTB', 'CZKFBJ', 'BXWL']) assert.notEqual(theirs[code], mine[code], `${code} did not change with the seed`);
        const codes = await other.db.query<{ code: string }>(`SELECT props->>'XZQDM' AS code FROM ${live('XZQ')} x ORDER BY 1`);
        assert.deepEqual(
          codes.rows.map((x) => x.code),
          HANGZHOU_CODES,
        );
      } finally {
        await again.close();
        await other.close();
      }
    });
  });
}
