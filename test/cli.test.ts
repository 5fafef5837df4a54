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
    const r = spawnSync(process.execPath, ['bin/onemap.js', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ONEMAP_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'onemap-cli-'));
  });
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

    const layers = JSON.parse(run('layers', '--json').out) as {
      code: string;
      name: string;
      class: string;
      version: number;
      featureCount: number;
      public: boolean;
    }[];
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
  test('review --json: the contract other tools read; consistency --json', () => {
    const FX = 'fixtures/forbidden-overlap/fail/square';
    assert.equal(run('import', `${FX}/layers/YJJBNT.geojson`, '--layer', 'YJJBNT').code, 0);
    const r = run('review', `${FX}/project.geojson`, '--type', 'urban-construction', '--far', '2.0', '--height', '30', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.verdict, 'fail');
    assert.ok(Number.isInteger(j.runId));
    assert.equal(j.versions.ruleset.name, 'default');
    assert.equal(j.versions.layers.YJJBNT, 1);
    assert.equal(j.versions.layers.STBHHX, null, 'a layer without data is named with version null');
    const f = j.findings.find((x: { layer: string; rule: string }) => x.layer === 'YJJBNT' && x.rule === 'forbidden-overlap');
    for (const k of ['layer', 'rule', 'verdict', 'overlapAreaM2', 'overlapAreaPlanarM2', 'overlapAreaMu', 'overlapPercent', 'features'])
      assert.ok(k in f, `finding has ${k}`);
    // The fixture: a 100 m × 100 m overlap = 10,000 m² = 15 亩, 25% of the 200 m square project.
    assert.ok(Math.abs(f.overlapAreaM2 - 10000) < 1, String(f.overlapAreaM2));
    assert.ok(Math.abs(f.overlapAreaMu - 15) < 0.0015);
    assert.ok(Math.abs(f.overlapPercent - 25) < 0.01);
    assert.equal(f.features[0].fid, 'YJ1');
    assert.equal(j.findings.find((x: { layer: string }) => x.layer === 'STBHHX').verdict, 'no-data');

    assert.equal(run('import', 'fixtures/must-be-within/fail/partly-outside/layers/CZKFBJ.geojson', '--layer', 'CZKFBJ').code, 0);
    const c = run('consistency', 'YJJBNT', 'CZKFBJ', '--json');
    assert.equal(c.code, 0, c.err);
    const cj = JSON.parse(c.out);
    // Farmland [0,200]² lies inside the boundary [0,500]²: 40,000 m² = 60 亩.
    assert.equal(cj.conflictCount, 1);
    assert.ok(Math.abs(cj.areaM2 - 40000) < 4, String(cj.areaM2));
    const missing = run('consistency', 'YJJBNT', 'ZX');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /ZX.*no data/);
  });
});
