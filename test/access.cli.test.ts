// `onemap access …` as a user runs it (embedded database in a temporary data folder): the stable
// JSON of network and coverage, what-if, the uncovered-parcel export, and usage errors.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/db/index.ts';
import { configFromEnv } from '../src/config.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { importFile } from '../src/importers/pipeline.ts';

describe('onemap access (embedded database)', () => {
  let dir: string;
  let firstRun = 0;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['bin/onemap.js', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ONEMAP_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onemap-access-'));
    // The town is loaded in-process (the import command has its own tests); the commands under test are spawned.
    const db = await openDb({ dataDir: join(dir, 'data') });
    try {
      await ensureDefaultCatalogue(db);
      const config = { ...configFromEnv({}), db: {} };
      for (const [file, layer] of [
        ['bxwl', 'BXWL'],
        ['ggfwss', 'GGFWSS'],
        ['zd', 'ZD'],
        ['lanx', 'LANX'],
        ['xzq', 'XZQ'],
      ]) {
        await importFile(db, config, `fixtures/access/town/${file}.geojson`, { layer });
      }
    } finally {
      await db.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('network and coverage --json', () => {
    const n = run('access', 'network', '--json');
    assert.equal(n.code, 0, n.err);
    const net = JSON.parse(n.out);
    assert.deepEqual([net.layer, net.walkableEdges, net.components, net.islands.count], ['BXWL', 28, 2, 1]);

    const c = run(
      'access',
      'coverage',
      '--type',
      '小学,幼儿园,菜市场',
      '--budget',
      '小学=4.5,幼儿园=2.5,菜市场=2',
      '--speed-kmh',
      '6',
      '--max-snap',
      '50',
      '--json',
    );
    assert.equal(c.code, 0, c.err);
    const s = JSON.parse(c.out);
    for (const k of ['runId', 'networkVersion', 'versions', 'city', 'byType', 'byDistrict', 'uncoveredCount']) assert.ok(k in s, k);
    assert.equal(s.networkVersion, net.networkVersion);
    assert.deepEqual(s.versions, { BXWL: 1, GGFWSS: 1, ZD: 1, XZQ: 1, LANX: 1 });
    assert.deepEqual([s.city.residentialAreaM2, s.city.coveredAreaM2, s.city.coveragePercent], [9700, 3600, 37.11]);
    const school = s.byType.find((t: { type: string }) => t.type === '小学');
    assert.deepEqual([school.budgetMinutes, school.budgetM, school.coveredAreaM2, school.coveragePercent], [4.5, 450, 6900, 71.13]);
    assert.equal(s.uncoveredCount, 4);
    firstRun = s.runId;

    const text = run('access', 'coverage', '--type', '小学', '--speed-kmh', '6', '--max-snap', '50');
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /小学/);
    assert.match(text.out, /亩/);
  });

  test('what-if, runs and the uncovered export', () => {
    const w = run('access', 'what-if', '--type', '小学', '--at', '120.0003,30.1801', '--run', String(firstRun), '--json');
    assert.equal(w.code, 0, w.err);
    assert.equal(JSON.parse(w.out).runId, firstRun);
    const runs = JSON.parse(run('access', 'runs', '--json').out);
    assert.equal(runs.length, 2);
    assert.equal(runs[1].runId, firstRun, 'newest first');
    const out = join(dir, 'uncovered.geojson');
    assert.equal(run('access', 'uncovered', out, '--run', String(firstRun)).code, 0);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).features.length, 4);
  });

  test('usage errors exit 2, data errors exit 1 with a message', () => {
    assert.equal(run('access').code, 2);
    assert.equal(run('access', 'what-if', '--type', '小学').code, 2);
    const bad = run('access', 'coverage', '--type', '学校', '--json');
    assert.equal(bad.code, 1);
    assert.match(JSON.parse(bad.out).error, /unknown facility type "学校"/);
  });
});
