// Versioned store: areas and units, version history, "as of", diff, and rejected imports that
// leave the database untouched. Runs on every test database (see helpers/db.ts).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases, storeSnapshot } from './helpers/db.ts';
import { memoryReader, rect } from './helpers/memory-reader.ts';
import { importFromReader, ImportRejected } from '../src/importers/pipeline.ts';
import { listVersions, diffVersions, resolveVersion } from '../src/store/store.service.ts';
import { m2ToMu } from '../src/area/units.ts';

for (const tdb of testDatabases()) {
  describe(`feature store on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    before(async () => {
      h = await tdb.open();
    });
    after(async () => {
      await h.close();
    });

    test('a 100 m × 100 m square in GK zone 40 is 10000 m² = 15 亩 planar, ellipsoidal within 0.1%', async () => {
      // EPSG:4528: zone-prefixed eastings; 40 500 000 lies on the central meridian 120°E.
      const r = await importFromReader(
        h.db,
        h.config,
        memoryReader([{ fid: 'sq', geometry: { type: 'Polygon', coordinates: [rect(40_512_300, 3_345_600, 100)] } }], { srid: 4528 }),
        { layer: 'TEST_SQ' },
      );
      assert.equal(r.featureCount, 1);
      assert.ok(Math.abs(r.areaM2.planar - 10000) < 0.01, `planar ${r.areaM2.planar}`);
      assert.ok(Math.abs(m2ToMu(r.areaM2.planar) - 15) < 1e-5);
      assert.ok(Math.abs(r.areaM2.ellipsoidal - 10000) / 10000 < 0.001, `ellipsoidal ${r.areaM2.ellipsoidal}`);
    });

    test('versions, as-of and diff with area change', async () => {
      const base = 40_512_000;
      const v1 = [
        { fid: 'A', geometry: { type: 'Polygon' as const, coordinates: [rect(base, 3_345_000, 100)] }, props: { DLMC: '水田' } },
        { fid: 'B', geometry: { type: 'Polygon' as const, coordinates: [rect(base + 200, 3_345_000, 100)] }, props: { DLMC: '旱地' } },
        { fid: 'C', geometry: { type: 'Polygon' as const, coordinates: [rect(base + 400, 3_345_000, 100)] }, props: { DLMC: '林地' } },
      ];
      const r1 = await importFromReader(h.db, h.config, memoryReader(v1, { srid: 4528 }), {
        layer: 'TEST_V',
        validFrom: '2024-01-01T00:00:00Z',
      });
      assert.equal(r1.version, 1);
      // v2: A unchanged, B grows to 100 × 200 m (+10000 m²), C removed, D added (50 × 50 m = 2500 m²), attribute change on A? no.
      const v2 = [
        v1[0],
        { fid: 'B', geometry: { type: 'Polygon' as const, coordinates: [rect(base + 200, 3_345_000, 100, 200)] }, props: { DLMC: '旱地' } },
        { fid: 'D', geometry: { type: 'Polygon' as const, coordinates: [rect(base + 600, 3_345_000, 50)] }, props: { DLMC: '建设用地' } },
      ];
      const r2 = await importFromReader(h.db, h.config, memoryReader(v2, { srid: 4528 }), {
        layer: 'TEST_V',
        validFrom: '2025-01-01T00:00:00Z',
      });
      assert.deepEqual([r2.version, r2.added, r2.removed, r2.changed, r2.featureCount], [2, 1, 1, 1, 3]);
      assert.ok(Math.abs(r2.areaM2.planar - (10000 + 20000 + 2500)) < 0.05);

      const versions = await listVersions(h.db, 'TEST_V');
      assert.deepEqual(
        versions.map((v) => [v.version, v.featureCount, v.active]),
        [
          [1, 3, false],
          [2, 3, true],
        ],
      );
      assert.equal((await resolveVersion(h.db, 'TEST_V', { asOf: new Date('2024-06-01') })).version, 1);
      assert.equal((await resolveVersion(h.db, 'TEST_V', { asOf: new Date('2025-06-01') })).version, 2);
      await assert.rejects(resolveVersion(h.db, 'TEST_V', { asOf: new Date('2023-01-01') }), /no version yet/);

      const d = await diffVersions(h.db, 'TEST_V', 1, 2);
      assert.deepEqual(
        d.added.map((e) => e.fid),
        ['D'],
      );
      assert.deepEqual(
        d.removed.map((e) => e.fid),
        ['C'],
      );
      assert.deepEqual(
        d.changed.map((e) => e.fid),
        ['B'],
      );
      assert.equal(d.changed[0].geometryChanged, true);
      // Ellipsoidal areas: +2500 (D) −10000 (C) +10000 (B grew): net +2500 m² within 0.1%.
      assert.ok(Math.abs(d.summary.areaChangeM2 - 2500) < 2.5, `area change ${d.summary.areaChangeM2}`);
      assert.ok(Math.abs(d.summary.areaChangeMu - 3.75) < 0.004);
      // Unchanged A is stored once, shared by both versions.
      const rows = await h.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM feature f JOIN layer l ON l.id = f.layer_id WHERE l.code = 'TEST_V' AND f.fid = 'A'`,
      );
      assert.equal(rows.rows[0].n, 1);
    });

    test('big polygons are also stored subdivided', async () => {
      // A 2000-vertex polygon: a circle of radius 1 km around (40 512 000, 3 346 000).
      const ring: number[][] = [];
      for (let i = 0; i < 2000; i++) {
        const a = (2 * Math.PI * i) / 2000;
        ring.push([40_512_000 + 1000 * Math.cos(a), 3_346_000 + 1000 * Math.sin(a)]);
      }
      ring.push(ring[0]);
      await importFromReader(
        h.db,
        h.config,
        memoryReader([{ fid: 'big', geometry: { type: 'Polygon', coordinates: [ring] } }], { srid: 4528 }),
        { layer: 'TEST_BIG' },
      );
      const r = await h.db.query<{ parts: number; maxpts: number; area_equal: boolean }>(
        `SELECT count(*)::int AS parts, max(ST_NPoints(p.geom))::int AS maxpts,
                abs(sum(ST_Area(p.geom::geography)) - max(f.area_m2)) < 0.01 AS area_equal
           FROM feature_part p JOIN feature f ON f.id = p.feature_id AND f.layer_id = p.layer_id
           JOIN layer l ON l.id = f.layer_id WHERE l.code = 'TEST_BIG'`,
      );
      assert.ok(r.rows[0].parts > 1);
      assert.ok(r.rows[0].maxpts <= 256);
      assert.equal(r.rows[0].area_equal, true);
    });

    test('a rejected import leaves the database as it was', async () => {
      const before = await storeSnapshot(h.db);
      const bowtie = {
        type: 'Polygon' as const,
        coordinates: [
          [
            [40_512_000, 3_345_000],
            [40_512_100, 3_345_100],
            [40_512_100, 3_345_000],
            [40_512_000, 3_345_100],
            [40_512_000, 3_345_000],
          ],
        ],
      };
      await assert.rejects(
        importFromReader(
          h.db,
          h.config,
          memoryReader(
            [
              { fid: 'ok', geometry: { type: 'Polygon', coordinates: [rect(40_512_000, 3_345_000, 10)] } },
              { fid: 'bow', geometry: bowtie },
            ],
            { srid: 4528 },
          ),
          { layer: 'TEST_NEW' },
        ),
        (e: unknown) => {
          assert.ok(e instanceof ImportRejected);
          assert.equal(e.problems.length, 1);
          assert.equal(e.problems[0].fid, 'bow');
          assert.match(e.problems[0].reason, /Self-intersection/);
          assert.match(e.message, /memory\.geojson.*feature bow/);
          return true;
        },
      );
      assert.equal(await storeSnapshot(h.db), before);
    });

    test('--make-valid repairs and reports', async () => {
      const bowtie = {
        type: 'Polygon' as const,
        coordinates: [
          [
            [40_512_000, 3_345_000],
            [40_512_100, 3_345_100],
            [40_512_100, 3_345_000],
            [40_512_000, 3_345_100],
            [40_512_000, 3_345_000],
          ],
        ],
      };
      const r = await importFromReader(h.db, h.config, memoryReader([{ fid: 'bow', geometry: bowtie }], { srid: 4528 }), {
        layer: 'TEST_MV',
        makeValid: true,
      });
      assert.equal(r.invalid.length, 1);
      // Two triangles of base 100 m and height 50 m: 2 × 2500 = 5000 m².
      assert.ok(Math.abs(r.areaM2.planar - 5000) < 0.01, `planar ${r.areaM2.planar}`);
    });
  });
}
