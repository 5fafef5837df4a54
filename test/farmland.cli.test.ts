// `onemap farmland …` as a user runs it, on the small demo city (embedded database in a temporary
// folder; the demo city comes with farmland demo data): the JSON outputs and their figures.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('onemap farmland CLI (embedded database)', () => {
  let dir: string;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['bin/onemap.js', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ONEMAP_DATA_DIR: join(dir, 'data'), DATABASE_URL: '', ONEMAP_CLOCK: '2026-06-30' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const json = (...args: string[]) => {
    const r = run(...args, '--json');
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out);
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'onemap-farmland-cli-'));
    const d = run('demo', '--scale', 'small');
    assert.equal(d.code, 0, d.err);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('accounts and 多田套合', () => {
    const a = json('farmland', 'accounts');
    const cult = a.city.find((c: { key: string }) => c.key === 'cultivated');
    assert.ok(cult.areaM2 > 0);
    const sum = a.byDistrict.reduce(
      (s: number, d: { categories: { key: string; areaM2: number }[] }) => s + d.categories.find((c) => c.key === 'cultivated')!.areaM2,
      0,
    );
    assert.ok(Math.abs(sum - cult.areaM2) < 1e-3 * cult.areaM2, 'districts add up to the city');
    assert.equal(a.targets.find((t: { code: string; region?: string }) => t.code === 'GDBYL').target, 174.4);

    const t = json('farmland', 'taohe');
    assert.ok(Math.abs(t.city.ratePercent - (t.city.coincideM2 / t.city.yjjbntM2) * 100) < 1e-9);
    // The demo designates every 20th permanent-farmland patch without high-standard works and
    // another every 20th outside a grain zone (src/demo/farmland.ts): about 90 %.
    assert.ok(t.city.ratePercent > 80 && t.city.ratePercent < 95, String(t.city.ratePercent));
    assert.deepEqual(json('farmland', 'taohe', 'runs'), [], 'the demo city has no stored run');
    const stored = json('farmland', 'taohe', 'run', '--note', 'CLI');
    assert.equal(stored.note, 'CLI');
    assert.equal(stored.city.coincideM2, t.city.coincideM2, 'the stored run has the figures computed just before');
    const runs = json('farmland', 'taohe', 'runs');
    assert.equal(runs.length, 1);
    const out = join(dir, 'missing.geojson');
    const m = json('farmland', 'taohe', 'missing', String(runs[0].runId), out, '--kind', 'GBZNT');
    const fc = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(fc.features.length, m.features);
    assert.equal(m.features, runs[0].missing.find((x: { kind: string }) => x.kind === 'GBZNT').count);
  });

  test('ledger: the agreements of seeds 000/001', () => {
    const l = json('farmland', 'ledger');
    const mu = l.agreements.map((x: { quotaType: string; areaMu: number }) => [x.quotaType, Math.round(x.areaMu)]).sort();
    assert.deepEqual(
      mu,
      [
        ['farmland', 1500],
        ['farmland', 1521],
        ['forest', 1200],
        ['grain', 1000],
      ],
      '3021 亩 farmland in two deals, 1200 亩 forest, 1000 亩 grain zone',
    );
    for (const b of l.balances)
      assert.ok(
        Math.abs(b.creditedM2 + b.receivedM2 - b.spentM2 - b.transferredM2 - b.remainingM2) < 1e-6,
        `${b.district} ${b.quotaType} balances`,
      );
  });

  test('cases, projects, progress, evaluation; the demo is generated once', () => {
    const cases = json('farmland', 'cases', '--status', 'new,assigned,verified,rectifying');
    assert.ok(cases.length > 0 && cases.every((c: { open: boolean }) => c.open));
    const overdue = json('farmland', 'cases', 'overdue');
    assert.ok(overdue.every((c: { overdue: boolean; daysLeft: number }) => c.overdue && c.daysLeft < 0));
    const projects = json('farmland', 'projects');
    const p = json('farmland', 'projects', 'progress');
    const item = (code: string) => p.items.find((i: { code: string }) => i.code === code);
    assert.deepEqual([item('ZZXM').actual, item('ZZXM').target], [projects.length, 60]);
    assert.equal(item('ZZSD').actual, projects.filter((x: { pilot: boolean }) => x.pilot).length);
    const e = json('farmland', 'projects', 'evaluation', '--year', '2026');
    assert.equal(
      e.districts.reduce((s: number, d: { projects: number }) => s + d.projects, 0),
      projects.filter((x: { startYear: number }) => x.startYear <= 2026).length,
    );
    const c = json('farmland', 'projects', 'check', String(projects[0].id));
    assert.equal(c.findings.length, 6);
    const again = run('farmland', 'demo', '--scale', 'small');
    assert.notEqual(again.code, 0);
    assert.match(again.err, /only generated once/);
  });
});
