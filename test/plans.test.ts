// Statements that were slow for want of the right plan (issue 22), checked by what the planner is
// given rather than by time (PostgreSQL at scale, item 7, and the measure request, defect 2):
// - a layer's first import leaves its new partitions ANALYZEd, so the second import's diff is not
//   planned for empty tables (it took 361 s instead of 4 s on the large city);
// - the district check computes the union of the officer's districts once per statement (a
//   MATERIALIZED CTE in the plan), not once per feature (581 features: about 11 minutes);
// - a measure request parses its GeoJSON once (inlined, every output column parsed it again and
//   re-ran the checks: 17 s for a 10,000-vertex polygon on the embedded database).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from './helpers/db.ts';
import { memoryReader, rect } from './helpers/memory-reader.ts';
import { importFromReader } from '../src/importers/pipeline.ts';
import { parcelsOutside } from '../src/auth/districts.repository.ts';
import { measure } from '../src/mapview/mapview.repository.ts';
import type { Queryable } from '../src/db/index.ts';

for (const t of testDatabases()) {
  test(`${t.name}: a layer's first import leaves its partitions with statistics`, async () => {
    const { db, config, close } = await t.open();
    try {
      // 30 squares of 0.001° in a row: the partition holds 30 rows, and ANALYZE says so.
      const features = Array.from({ length: 30 }, (_, i) => ({
        fid: `f${i}`,
        geometry: { type: 'Polygon' as const, coordinates: [rect(120.0 + i * 0.002, 30.2, 0.001)] },
        props: { DLBM: '0101' },
      }));
      await importFromReader(db, config, memoryReader(features), { layer: 'DLTB', user: 'test' });
      const [layer] = (await db.query<{ id: number }>(`SELECT id FROM layer WHERE code = 'DLTB'`)).rows;
      // reltuples is -1 for a table never vacuumed or analysed (PostgreSQL ≥ 14); ANALYZE sets it
      // to the row count it saw.
      const r = await db.query<{ relname: string; reltuples: number }>(
        `SELECT relname, reltuples::float8 AS reltuples FROM pg_class WHERE relname = ANY($1::text[]) AND relnamespace = current_schema()::regnamespace`,
        [[`feature_l${layer.id}`, `feature_part_l${layer.id}`]],
      );
      assert.equal(r.rows.length, 2, 'both partitions of the layer exist');
      const feature = r.rows.find((x) => x.relname === `feature_l${layer.id}`)!;
      const part = r.rows.find((x) => x.relname === `feature_part_l${layer.id}`)!;
      assert.equal(feature.reltuples, 30, 'the feature partition was analysed after the first import');
      assert.ok(part.reltuples >= 0, 'the part partition was analysed too (no row is big enough to be split: 0)');
    } finally {
      await close();
    }
  });

  test(`${t.name}: the district check unions the districts once per statement`, async () => {
    const { db, config, close } = await t.open();
    try {
      const reader = memoryReader([
        { fid: 'd1', geometry: { type: 'Polygon', coordinates: [rect(120.0, 30.2, 0.05)] }, props: { XZQDM: '330106', XZQMC: '西湖区' } },
        { fid: 'd2', geometry: { type: 'Polygon', coordinates: [rect(120.05, 30.2, 0.05)] }, props: { XZQDM: '330110', XZQMC: '余杭区' } },
      ]);
      await importFromReader(db, config, reader, { layer: config.districts.layer, user: 'test' });
      // Capture the statement the check runs, then ask the planner how it would run it.
      let sql = '';
      let params: unknown[] = [];
      const spy: Queryable = {
        query: (s, p, o) => {
          sql = s;
          params = p ?? [];
          return db.query(s, p, o);
        },
        exec: (s) => db.exec(s),
      } as Queryable;
      const parcel = (
        await db.query<{ ewkb: string }>(`SELECT encode(ST_AsEWKB(ST_MakeEnvelope(120.01, 30.21, 120.02, 30.22, 4490)), 'hex') AS ewkb`)
      ).rows[0].ewkb;
      const rows = await parcelsOutside(spy, config.districts, ['330106'], [{ fid: 'p', ewkb: parcel }], 1);
      assert.equal(rows.length, 1);
      assert.ok(rows[0].outside !== null && rows[0].outside < 1, 'the parcel lies inside 西湖区');
      const plan = JSON.stringify(
        (await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params)).rows[0]['QUERY PLAN'],
      );
      // A materialised CTE is planned once as an init plan named "CTE du" and read by a CTE Scan; an
      // inlined one is a subquery under each parcel and has no such node.
      assert.match(plan, /"Subplan Name":\s*"CTE du"/, 'the district union is computed once, as a CTE of its own');
      assert.match(plan, /"Node Type":\s*"CTE Scan"/);
    } finally {
      await close();
    }
  });

  test(`${t.name}: a measure request parses its geometry once`, async () => {
    const { db, close } = await t.open({ catalogue: false });
    try {
      let sql = '';
      let params: unknown[] = [];
      const spy = {
        query: (s: string, p?: unknown[]) => {
          sql = s;
          params = p ?? [];
          return db.query(s, p);
        },
        exec: (s: string) => db.exec(s),
      } as Queryable;
      // A 100 m × 100 m square at 120°E 30°N: 1 ha = 15 亩 (checked against its own measure).
      const dLon = 100 / (111_320 * Math.cos((30 * Math.PI) / 180));
      const dLat = 100 / 110_852;
      const square = { type: 'Polygon', coordinates: [rect(120, 30, dLon, dLat)] };
      const m = await measure(spy, JSON.stringify(square), 4490, 10_000);
      assert.equal(m.problem, null);
      assert.ok(Math.abs(m.area_m2! - 10_000) < 50, `about 10,000 m² (got ${m.area_m2})`);
      // A generic plan keeps $1 a parameter: with the value the planner folds the parse into a constant.
      assert.equal(params.length, 3);
      const plan = await db.transaction(async (tx) => {
        await tx.exec(`SET LOCAL plan_cache_mode = force_generic_plan; PREPARE measure_plan(text, int, int) AS ${sql}`);
        const r = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (VERBOSE, FORMAT TEXT) EXECUTE measure_plan('{}', 4490, 10)`);
        await tx.exec('DEALLOCATE measure_plan');
        return r.rows.map((x) => x['QUERY PLAN']).join('\n');
      });
      const parses = plan.match(/st_geomfromgeojson/gi)?.length ?? 0;
      assert.equal(parses, 1, `the GeoJSON is parsed once, not per output column (plan parses it ${parses} times)`);
    } finally {
      await close();
    }
  });
}
