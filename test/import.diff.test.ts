// Diff and versions done right (issue 17 item 4), on every test database: features matched by key
// (--id-field, or the layer's key in the catalogue), geometry equal within the store's tolerance
// (1e-8°, about 1 mm), an import that changes nothing writes no version, and the diff names each
// changed attribute (old → new) and the area change in m² and 亩.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from './helpers/db.ts';
import type { Db } from '../src/db/index.ts';
import { importFile, importFromReader } from '../src/importers/pipeline.ts';
import { exportLayer } from '../src/exporters/index.ts';
import { diffVersions } from '../src/store/store.service.ts';
import { generateDemo } from '../src/demo/index.ts';
import { DEFAULT_LAYER_CODES } from '../src/catalogue/catalogue.service.ts';
import { memoryReader, rect } from './helpers/memory-reader.ts';
import { multipart } from './helpers/multipart.ts';
import { authHeaders } from './helpers/auth.ts';
import { buildApp } from '../src/server/app.ts';

// EPSG:4549 (CGCS2000 3° GK, central meridian 120°E, no zone prefix): x = 500 000 is the central
// meridian, where the scale factor is 1, so a 100 m × 100 m square there is 10 000 m² on the
// ellipsoid too (the GK scale grows as 1 + x²/2R²: 1 + 3e-9 at 500 m off the meridian, 6e-5 m² on 11 000 m²).
const E = 500_000;
const N = 3_350_000;
const square = (x: number, w: number, h = w) => ({ type: 'Polygon' as const, coordinates: [rect(E + x, N, w, h)] });

/** A GeoJSON file in EPSG:4549 whose features carry no "id": without a key they match by position. */
function geojson(path: string, features: { geometry: ReturnType<typeof square>; props: Record<string, unknown> }[]): string {
  writeFileSync(
    path,
    JSON.stringify({
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'EPSG:4549' } },
      features: features.map((f) => ({ type: 'Feature', properties: f.props, geometry: f.geometry })),
    }),
  );
  return path;
}

for (const tdb of testDatabases()) {
  describe(`diff and versions on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let tmp: string;
    before(async () => {
      h = await tdb.open();
      tmp = mkdtempSync(join(tmpdir(), 'onemap-diff-'));
    });
    after(async () => {
      await h.close();
      rmSync(tmp, { recursive: true, force: true });
    });

    const versionCount = async (db: Db, code: string) =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM layer_version v JOIN layer l ON l.id = v.layer_id WHERE l.code = $1`,
          [code],
        )
      ).rows[0].n;

    // Three 100 m × 100 m parcels 200 m apart, keyed by BSM.
    const v1 = [
      { geometry: square(0, 100), props: { BSM: 'T001', DLBM: '0101', DLMC: '水田' } },
      { geometry: square(200, 100), props: { BSM: 'T002', DLBM: '0103', DLMC: '旱地' } },
      { geometry: square(400, 100), props: { BSM: 'T003', DLBM: '0301', DLMC: '乔木林地' } },
    ];

    test('a file reordered, imported with --id-field, changes nothing and writes no version', async () => {
      const r1 = await importFile(h.db, h.config, geojson(join(tmp, 'k1.geojson'), v1), { layer: 'KEYED', idField: 'BSM' });
      assert.deepEqual([r1.version, r1.added, r1.unchanged, r1.matchedBy.kind, r1.matchedBy.field], [1, 3, false, 'key', 'BSM']);
      const reordered = [v1[2], v1[0], v1[1]];
      const r2 = await importFile(h.db, h.config, geojson(join(tmp, 'k2.geojson'), reordered), { layer: 'KEYED', idField: 'BSM' });
      assert.deepEqual([r2.added, r2.removed, r2.changed, r2.unchanged, r2.version], [0, 0, 0, true, 1]);
      assert.match(r2.message ?? '', /与现行版本（第 1 版）一致，未生成新版本/);
      assert.equal(await versionCount(h.db, 'KEYED'), 1);
      // Without the key the same file matches by position, and the summary says so.
      const r3 = await importFile(h.db, h.config, join(tmp, 'k2.geojson'), { layer: 'KEYED_POS' });
      assert.equal(r3.matchedBy.kind, 'position');
      assert.match(r3.matchedBy.note, /3 个要素没有编号，按其在文件中的位置/);
      // A key no feature fills is refused, naming the field and the first feature.
      await assert.rejects(
        importFile(h.db, h.config, join(tmp, 'k2.geojson'), { layer: 'KEYED', idField: 'ZDDM' }),
        /匹配键 ZDDM（--id-field）：3 个要素没有该字段的值，第一个在 feature 1/,
      );
    });

    test("a file without ids into DLTB matches by the catalogue's key BSM: reordered, nothing changes", async () => {
      // Matching is under test, not 成果质检: these 图斑 carry no TBMJ.
      const r1 = await importFile(h.db, h.config, geojson(join(tmp, 'd1.geojson'), v1), { layer: 'DLTB', qc: false });
      assert.deepEqual([r1.version, r1.matchedBy.kind, r1.matchedBy.field], [1, 'key', 'BSM']);
      assert.match(r1.matchedBy.note, /资源目录中图层 DLTB 的标识字段 BSM/);
      const r2 = await importFile(h.db, h.config, geojson(join(tmp, 'd2.geojson'), [v1[1], v1[2], v1[0]]), { layer: 'DLTB', qc: false });
      assert.deepEqual([r2.added, r2.removed, r2.changed, r2.unchanged, r2.version], [0, 0, 0, true, 1]);
      // A feature without BSM: the key is not used, and the summary says why.
      const partial = [v1[0], { geometry: v1[1].geometry, props: { DLBM: '0103' } }];
      const r3 = await importFile(h.db, h.config, geojson(join(tmp, 'd3.geojson'), partial), { layer: 'DLTB', dryRun: true, qc: false });
      assert.equal(r3.matchedBy.kind, 'position');
      assert.match(r3.matchedBy.note, /标识字段 BSM 在 1 个要素中没有值/);
    });

    test('over HTTP: the idField field matches by key; the same parcels again answer unchanged, no version', async () => {
      const app = await buildApp({ db: h.db, config: h.config });
      try {
        const admin = await authHeaders(h.db, 'admin');
        const send = (features: typeof v1) => {
          const path = geojson(join(tmp, 'http.geojson'), features);
          const m = multipart([{ name: 'parcels.geojson', content: readFileSync(path) }], { idField: 'BSM' });
          return app.inject({
            method: 'POST',
            url: '/api/layers/KEYED_HTTP/import',
            payload: m.payload,
            headers: { ...m.headers, ...admin },
          });
        };
        const first = await send(v1);
        assert.equal(first.statusCode, 201, first.body);
        assert.deepEqual([first.json().version, first.json().unchanged, first.json().matchedBy.field], [1, false, 'BSM']);
        const again = await send([v1[1], v1[2], v1[0]]);
        assert.equal(again.statusCode, 201, again.body);
        assert.deepEqual([again.json().version, again.json().unchanged, again.json().changed], [1, true, 0]);
        assert.match(again.json().message, /未生成新版本/);
        assert.equal(await versionCount(h.db, 'KEYED_HTTP'), 1);
      } finally {
        await app.close();
      }
    });

    test('key-matched import: one attribute and one geometry change, reported with names and area', async () => {
      await importFile(h.db, h.config, geojson(join(tmp, 'c1.geojson'), v1), { layer: 'KEYED_C', idField: 'BSM' });
      // v2, in another order: T002's 地类 changes 0103 旱地 → 0101 水田; T003 grows to 100 m × 110 m
      // (+10 m northwards: +1000 m² = +1.5 亩, 1 亩 = 10000/15 m²); T001 is the same.
      const v2 = [
        { geometry: square(400, 100, 110), props: v1[2].props },
        v1[0],
        { geometry: square(200, 100), props: { BSM: 'T002', DLBM: '0101', DLMC: '水田' } },
      ];
      const r2 = await importFile(h.db, h.config, geojson(join(tmp, 'c2.geojson'), v2), { layer: 'KEYED_C', idField: 'BSM' });
      assert.deepEqual([r2.version, r2.added, r2.removed, r2.changed, r2.unchanged], [2, 0, 0, 2, false]);
      const d = await diffVersions(h.db, 'KEYED_C', 1, 2);
      assert.deepEqual([d.added.length, d.removed.length], [0, 0]);
      assert.deepEqual(
        d.changed.map((c) => [c.fid, c.geometryChanged, c.attributeChanges]),
        [
          [
            'T002',
            false,
            [
              { name: 'DLBM', before: '0103', after: '0101' },
              { name: 'DLMC', before: '旱地', after: '水田' },
            ],
          ],
          ['T003', true, []],
        ],
      );
      const t2 = d.changed[0];
      const t3 = d.changed[1];
      assert.ok(Math.abs(t2.areaChangeM2) < 1e-6, `T002 area change ${t2.areaChangeM2}`);
      // Ellipsoidal areas (as the store keeps them) at the central meridian: 11 000 − 10 000 m².
      assert.ok(Math.abs(t3.areaChangeM2 - 1000) < 0.01, `T003 area change ${t3.areaChangeM2}`);
      assert.ok(Math.abs(t3.areaChangeMu - 1.5) < 1e-4, `T003 area change ${t3.areaChangeMu} 亩`);
      assert.ok(Math.abs(d.summary.areaChangeM2 - 1000) < 0.01);
    });

    test('a vertex moved by a fraction of a millimetre across a grid line is not a change; 5 mm is', async () => {
      // EPSG:4490 directly: 120.0000000049° and 120.0000000051° snap to different 1e-8° grid nodes
      // (the hashes differ) but lie 2e-10° (0.02 mm) apart, under the tolerance; 5e-8° is 4.8 mm.
      const pt = (lon: number, fid: string) => ({
        fid,
        geometry: { type: 'Point' as const, coordinates: [lon, 30.25] },
        props: { N: fid },
      });
      const load = (lons: number[]) =>
        importFromReader(
          h.db,
          h.config,
          memoryReader(
            lons.map((l, i) => pt(l, `P${i + 1}`)),
            { srid: 4490 },
          ),
          { layer: 'GRIDPT' },
        );
      await load([120.0000000049, 120.1]);
      const same = await load([120.0000000051, 120.1]);
      assert.deepEqual([same.changed, same.unchanged, same.version], [0, true, 1]);
      const moved = await load([120.0000000049, 120.10000005]);
      assert.deepEqual([moved.changed, moved.unchanged, moved.version], [1, false, 2]);
      const d = await diffVersions(h.db, 'GRIDPT', 1, 2);
      assert.deepEqual(
        d.changed.map((c) => [c.fid, c.geometryChanged]),
        [['P2', true]],
      );
    });

    test('export → import of every demo layer, as GeoJSON and as Shapefile, with the quality check on: 0 changes, no new version', async () => {
      // A database of its own: the demo city fills only an empty one.
      const c = await tdb.open();
      try {
        await generateDemo(c.db, c.config, { scale: 'small' });
        const formats = ['geojson', 'shp'] as const;
        const tally: string[] = [];
        for (const code of DEFAULT_LAYER_CODES) {
          const versions = await versionCount(c.db, code);
          assert.equal(versions, 1, `${code}: one demo version`);
          for (const format of formats) {
            const dir = join(tmp, `${code}-${format}`);
            mkdirSync(dir);
            const out = join(dir, `${code}.${format}`);
            const ex = await exportLayer(c.db, code, format, out);
            // With the quality check on, as `onemap import` runs it (its default; --no-qc skips it).
            const r = await importFile(c.db, c.config, out, { layer: code, qc: true });
            assert.deepEqual(
              [r.added, r.removed, r.changed, r.unchanged, r.featureCount],
              [0, 0, 0, true, ex.featureCount],
              `${code} via ${format}: ${JSON.stringify({ added: r.added, removed: r.removed, changed: r.changed, matchedBy: r.matchedBy })}`,
            );
            assert.notEqual(r.matchedBy.kind, 'position', `${code} via ${format}: matched by position`);
            tally.push(`${code}/${format}:${ex.featureCount}`);
          }
          assert.equal(await versionCount(c.db, code), 1, `${code}: no new version`);
        }
        assert.equal(tally.length, DEFAULT_LAYER_CODES.length * formats.length);
      } finally {
        await c.close();
      }
    });
  });
}
