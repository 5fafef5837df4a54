// The onemap command as a user runs it (embedded database in a temporary data folder): JSON
// outputs other tools rely on, exit codes and readable errors.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('onemap CLI (embedded database)', () => {
  let dir: string;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['bin/onemap.js', ...args], { encoding: 'utf8', env: { ...process.env, ONEMAP_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  before(() => { dir = mkdtempSync(join(tmpdir(), 'onemap-cli-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('import, layers, versions, diff and export', () => {
    const imp = run('import', 'fixtures/import/coordtxt/two_parcels_gbk.txt', '--layer', 'ZD', '--json');
    assert.equal(imp.code, 0, imp.err);
    const r = JSON.parse(imp.out);
    assert.equal(r.layer, 'ZD');
    assert.equal(r.version, 1);
    assert.equal(r.featureCount, 2);
    assert.ok(Math.abs(r.areaM2.planar - 11600) < 0.02); // 9600 + 2000 m² (fixture README)
    assert.ok(Array.isArray(r.invalid));

    const again = run('import', 'fixtures/import/coordtxt/multipart_utf8_bom.txt', '--layer', 'ZD', '--json');
    assert.equal(again.code, 0, again.err);

    const layers = JSON.parse(run('layers', '--json').out) as { code: string; name: string; class: string; version: number; featureCount: number; public: boolean }[];
    assert.ok(layers.length >= 24);
    assert.deepEqual(Object.keys(layers[0]).sort(), ['class', 'code', 'featureCount', 'name', 'public', 'version']);
    assert.equal(layers.find((l) => l.code === 'ZD')!.version, 2);

    const d = JSON.parse(run('diff', 'ZD', '1', '2', '--json').out);
    assert.deepEqual([d.summary.added, d.summary.removed], [1, 2]);
    // v1 had 9600 + 2000 m²; v2 has the 1300 m² multipart parcel: −10300 m² (ellipsoidal, ±0.1%).
    assert.ok(Math.abs(d.summary.areaChangeM2 + 10300) < 10.3, String(d.summary.areaChangeM2));

    assert.match(run('versions', 'ZD').out, /v1 .*\n.*v2\*/);
    const out = join(dir, 'zd.geojson');
    assert.equal(run('export', '--layer', 'ZD', '--format', 'geojson', out, '--version', '1').code, 0);
    assert.ok(existsSync(out));
  });

  test('a broken file exits non-zero with a readable message', () => {
    const r = run('import', 'fixtures/import/coordtxt/malformed_point.txt', '--layer', 'ZD');
    assert.notEqual(r.code, 0);
    assert.match(r.err, /malformed_point\.txt.*line 16/);
    const bad = run('import', 'nowhere.shp', '--layer', 'ZD');
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /nowhere\.shp.*not found/);
    assert.equal(run('frobnicate').code, 2);
  });
});
