// The real client: GDAL's OAPIF driver (ogrinfo, ogr2ogr) against /ogcapi served on an ephemeral
// port, on each test database. GDAL must list exactly the public layers and download a layer
// page by page with nothing lost or doubled: same count and same ellipsoidal area as the store.
// The server runs in this process, so GDAL is started with the asynchronous execFile (a
// synchronous call would block the event loop that has to answer GDAL).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { importOgcFixtures, ogcApp, featureCollection, square, GRID_FIDS } from './helpers/ogcapi-fixtures.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { readableLayers } from '../src/auth/layers.ts';
import { ANONYMOUS } from '../src/auth/types.ts';

const run = promisify(execFile);
// GDAL talks to 127.0.0.1 directly, whatever proxy the environment names.
const ENV = { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', CPL_DEBUG: 'OFF' };

/** Whether a command exists (cs2cs has no --version and exits non-zero: only ENOENT means absent). */
async function has(cmd: string): Promise<boolean> {
  try {
    await run(cmd, ['--version'], { env: ENV });
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** Runs a command with text on stdin (cs2cs reads coordinates there). */
function withInput(cmd: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: ENV });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err}`))));
    p.stdin.end(input);
  });
}

/**
 * XXGHDY for the download test: 60 units of 0.015° squares on a 0.02° grid; every third has a
 * 0.005° hole, every fifth is a MultiPolygon with a second 0.005° square beside it — holes and
 * parts must survive the trip through GDAL for the areas to agree.
 */
function unitsLayer(): string {
  const features = [];
  for (let k = 0; k < 60; k++) {
    const x = 119.5 + 0.02 * (k % 10);
    const y = 29.8 + 0.02 * Math.floor(k / 10);
    const outer = square(x, y, 0.015)[0];
    const rings = k % 3 === 0 ? [outer, square(x + 0.005, y + 0.005, 0.005)[0].reverse()] : [outer];
    features.push({
      id: `U${String(k).padStart(3, '0')}`,
      props: { DYBH: `U${k}`, DYMC: `单元${k}`, RJLSX: 1 + (k % 4) * 0.5 },
      rings: k % 5 === 0 ? [rings, square(x + 0.016, y, 0.003)] : rings,
    });
  }
  return featureCollection(features);
}

const ogrinfoPresent = await has('ogrinfo');
const cs2csPresent = await has('cs2cs');

for (const tdb of testDatabases()) {
  describe(`GDAL OAPIF client on ${tdb.name}`, { skip: ogrinfoPresent ? false : 'ogrinfo (gdal-bin) is not installed' }, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let tmp: string;
    let url: string;
    const itemRequests = new Map<string, number>();

    before(async () => {
      h = await tdb.open();
      tmp = mkdtempSync(join(tmpdir(), 'onemap-oapif-'));
      await importOgcFixtures(h.db, h.config, tmp);
      const units = join(tmp, 'units.geojson');
      writeFileSync(units, unitsLayer());
      await importFile(h.db, h.config, units, { layer: 'XXGHDY', user: 'test' });
      app = await ogcApp(h.db, h.config);
      app.addHook('onResponse', async (req) => {
        const m = /^\/ogcapi\/collections\/([^/?]+)\/items\?/.exec(req.url);
        if (m) itemRequests.set(m[1], (itemRequests.get(m[1]) ?? 0) + 1);
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const addr = app.server.address();
      assert.ok(addr && typeof addr === 'object');
      url = `OAPIF:http://127.0.0.1:${addr.port}/ogcapi`;
    });
    after(async () => {
      await app.close();
      await h.close();
      rmSync(tmp, { recursive: true, force: true });
    });

    test('ogrinfo lists every public layer and no restricted one', async () => {
      const { stdout } = await run('ogrinfo', ['-ro', '-so', '-q', url], { env: ENV, timeout: 120_000 });
      const listed = new Set([...stdout.matchAll(/^\d+: (\S+)/gm)].map((m) => m[1]));
      const expected = new Set((await readableLayers(h.db, ANONYMOUS)).map((s) => s.layer.code));
      assert.deepEqual([...listed].sort(), [...expected].sort());
      for (const hidden of ['DLTB', 'REFX', 'ZD']) assert.ok(!listed.has(hidden), hidden);
    });

    test('ogr2ogr downloads a layer page by page: same count, same ellipsoidal area', async () => {
      const out = join(tmp, 'xxghdy.geojson');
      itemRequests.clear();
      await run('ogr2ogr', ['-f', 'GeoJSON', out, url, 'XXGHDY', '-oo', 'PAGE_SIZE=7'], { env: ENV, timeout: 300_000 });
      // 60 features at 7 a page: 9 pages (GDAL may read the first page once more for the schema).
      assert.ok((itemRequests.get('XXGHDY') ?? 0) >= 9, `paged requests: ${itemRequests.get('XXGHDY')}`);
      const text = readFileSync(out, 'utf8');
      const gj = JSON.parse(text) as { features: { properties: Record<string, unknown> }[] };
      const store = (
        await h.db.query<{ n: number; area: number }>(
          `SELECT v.feature_count AS n, v.area_m2 AS area FROM layer l JOIN layer_version v ON v.layer_id = l.id AND v.version = l.active_version WHERE l.code = 'XXGHDY'`,
        )
      ).rows[0];
      assert.equal(gj.features.length, store.n);
      assert.equal(gj.features.length, 60);
      assert.equal(new Set(gj.features.map((f) => f.properties.DYBH)).size, 60, 'every feature exactly once');
      // The downloaded geometries measured by PostGIS on the ellipsoid, as the import measured them.
      const got = (
        await h.db.query<{ n: number; area: number }>(
          `SELECT count(*)::int AS n, sum(ST_Area(ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4490)::geography)) AS area
           FROM jsonb_array_elements(($1::text)::jsonb->'features') AS f`,
          [text],
        )
      ).rows[0];
      assert.equal(got.n, 60);
      assert.ok(Math.abs(got.area - store.area) / store.area < 1e-4, `downloaded ${got.area} m² vs stored ${store.area} m²`);
    });

    test('GDAL default paging and a bbox pushed to the server', async () => {
      const out = join(tmp, 'ghyd.geojson');
      await run('ogr2ogr', ['-f', 'GeoJSON', out, url, 'GHYD'], { env: ENV, timeout: 120_000 });
      const ids = (JSON.parse(readFileSync(out, 'utf8')) as { features: { properties: { id?: string } }[] }).features
        .map((f) => f.properties.id)
        .sort();
      assert.deepEqual(ids, GRID_FIDS, 'the current version, each feature once');
      // Squares i = 0, 1 of row j = 0 (see the fixtures).
      const { stdout } = await run('ogrinfo', ['-ro', '-q', '-spat', '120.1005', '30.2005', '120.1195', '30.2095', url, 'GHYD'], {
        env: ENV,
        timeout: 120_000,
      });
      assert.deepEqual([...stdout.matchAll(/id \(String\) = (\S+)/g)].map((m) => m[1]).sort(), ['G01', 'G02']);
    });

    test(
      'EPSG:4549 output is in the EPSG axis order PROJ uses (northing, easting)',
      { skip: cs2csPresent ? false : 'cs2cs (proj-bin) is not installed' },
      async () => {
        // cs2cs with EPSG codes follows the authority axis order: it reads lat lon and writes N E.
        const proj = (await withInput('cs2cs', ['-f', '%.3f', 'EPSG:4490', 'EPSG:4549'], '30.2 120.1\n')).trim().split(/\s+/).map(Number);
        const res = await fetch(
          `${url.slice('OAPIF:'.length)}/collections/GHYD/items/G01?crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/4549')}`,
        );
        assert.equal(res.headers.get('content-crs'), '<http://www.opengis.net/def/crs/EPSG/0/4549>');
        const first = ((await res.json()) as { geometry: { coordinates: number[][][] } }).geometry.coordinates[0][0];
        assert.ok(Math.abs(first[0] - proj[0]) < 0.002 && Math.abs(first[1] - proj[1]) < 0.002, `service ${first} vs PROJ ${proj}`);
      },
    );
  });
}
