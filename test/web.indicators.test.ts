// The indicator pages in a real browser on the `small` demo city (whose demo data includes the
// indicator statistics and one compute run per year): the dashboard for the city and a district with
// ECharts trend and ranking charts, a planner computing the year again, the map of an indicator by
// district, the alert list with acknowledgement and notes, the report page with its downloads, and
// the registry. Screenshots under test-artifacts/browser/indicators/.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startWebApp, type WebApp } from './helpers/web.ts';

const WAIT = { timeout: 30_000 };

describe('indicator pages (browser, pglite)', () => {
  let w: WebApp;
  before(async () => {
    w = await startWebApp('indicators', { clock: '2026-06-30' });
  });
  after(async () => {
    await w?.close();
  });

  test('dashboard: cards by dimension, trend and ranking charts, a district, computing the year', async () => {
    const { page } = await w.newPage({ width: 1440, height: 960 });
    await w.login(page, 'planner');
    await page.goto('/indicators/dashboard');
    await page.waitForSelector('[data-test=indicator-card-GDBYL]', WAIT);
    assert.match((await page.textContent('[data-test=menu]')) ?? '', /监测监管|指标监测看板/);
    assert.match((await page.textContent('[data-test=indicators-dashboard] h1')) ?? '', /指标监测看板/);
    for (const dim of ['安全', '创新', '协调', '绿色', '共享']) assert.ok(await page.isVisible(`.ind-group h2:text-is("${dim}")`), dim);
    assert.match((await page.textContent('[data-test=indicator-card-GDBYL]')) ?? '', /耕地保有量[\s\S]*万亩/);
    await page.click('[data-test=indicator-card-GDBYL]');
    await page.waitForSelector('[data-test=indicator-trend] canvas', WAIT);
    await page.waitForSelector('[data-test=indicator-ranking] canvas', WAIT);
    assert.match((await page.textContent('[data-test=indicator-detail]')) ?? '', /底线|174\.40/);
    await page.waitForTimeout(600); // ECharts animates in
    await w.shot(page, 'dashboard-city');

    await page.click('[data-test=indicator-card-PHCLJSYD]');
    await page.waitForFunction(
      () => /盘活存量建设用地/.test(document.querySelector('[data-test=indicator-detail] h2')?.textContent ?? ''),
      null,
      WAIT,
    );
    await page.waitForTimeout(600);
    await w.shot(page, 'dashboard-progress-indicator');

    await page.selectOption('[data-test=indicators-region]', '330106');
    await page.waitForFunction(() => /region=330106/.test(location.search), null, WAIT);
    await page.waitForSelector('[data-test=indicator-card-DTTHL]', WAIT);
    await page.waitForTimeout(600);
    await w.shot(page, 'dashboard-xihu');

    await page.selectOption('[data-test=indicators-region]', '');
    await page.waitForSelector('[data-test=indicators-compute]', WAIT);
    await page.click('[data-test=indicators-compute]');
    await page.waitForSelector('[data-test=indicators-computed]', { timeout: 120_000 });
    assert.match((await page.textContent('[data-test=indicators-computed]')) ?? '', /已计算/);
  });

  test('map: an indicator by district as a choropleth over the base map, by level and by value', async () => {
    const { page } = await w.newPage({ width: 1440, height: 900 });
    await w.login(page, 'reviewer');
    await page.goto('/indicators/map?indicator=PHCLJSYD');
    await page.waitForSelector('[data-test=indicators-map-table] tbody tr', WAIT);
    const rows = await page.$$eval('[data-test=indicators-map-table] tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    assert.equal(rows.length, 13, 'the 13 districts of the demo city');
    assert.match(rows[0], /^\s*1/);
    await page.waitForFunction(
      () => ((document.querySelector('[data-test=map] canvas') as HTMLCanvasElement | null)?.width ?? 0) > 0,
      null,
      WAIT,
    );
    await page.waitForTimeout(2500); // tiles of the district outlines
    await w.shot(page, 'map-by-level');
    await page.click('[data-test=indicators-map-value]');
    await page.waitForTimeout(1200);
    assert.match((await page.textContent('[data-test=indicators-map-legend]')) ?? '', /亩/);
    await w.shot(page, 'map-by-value');
  });

  test('alerts: red first with the responsible department; acknowledge with a note, add another', async () => {
    const { page } = await w.newPage({ width: 1440, height: 900 });
    await w.login(page, 'planner');
    await page.goto('/indicators/alerts');
    await page.waitForSelector('[data-test=alerts-table] tbody tr', WAIT);
    assert.match((await page.textContent('[data-test=alerts-table] tbody tr')) ?? '', /告警/);
    await page.waitForSelector('[data-test=alert-detail]', WAIT);
    assert.match((await page.textContent('[data-test=alert-detail]')) ?? '', /责任部门[\s\S]*市规划和自然资源局/);
    await w.shot(page, 'alerts');
    await page.fill('[data-test=alert-ack-note]', '已报分管领导，列入季度督办');
    await page.click('[data-test=alert-ack]');
    await page.waitForFunction(() => /已确认/.test(document.querySelector('[data-test=alert-detail]')?.textContent ?? ''), null, WAIT);
    await page.fill('[data-test=alert-note]', '6 月底前完成整改方案');
    await page.click('[data-test=alert-add-note]');
    await page.waitForFunction(
      () => /6 月底前完成整改方案/.test(document.querySelector('[data-test=alert-notes]')?.textContent ?? ''),
      null,
      WAIT,
    );
    assert.match((await page.textContent('[data-test=alert-notes]')) ?? '', /已报分管领导/);
    await w.shot(page, 'alert-acknowledged');
  });

  test('report: five-year evaluation, preview, PDF and Excel downloads', async () => {
    const { page } = await w.newPage({ width: 1440, height: 1000 });
    await w.login(page, 'inspector');
    await page.goto('/indicators/report');
    await page.waitForSelector('[data-test=report-evaluation] tbody tr', WAIT);
    assert.match((await page.textContent('[data-test=report-evaluation]')) ?? '', /五年评估（2022–2026 年）[\s\S]*耕地保有量/);
    const frame = page.frameLocator('[data-test=report-preview]');
    await frame.locator('h1').waitFor(WAIT);
    assert.match((await frame.locator('h1').textContent()) ?? '', /杭州市2026年度国土空间规划实施体检评估报告/);
    await page.waitForTimeout(500);
    await w.shot(page, 'report');
    const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('[data-test=report-pdf]')]);
    assert.match(pdf.suggestedFilename(), /体检评估报告-2026\.pdf$/);
    assert.equal(
      readFileSync((await pdf.path())!)
        .subarray(0, 5)
        .toString(),
      '%PDF-',
    );
    const [xlsx] = await Promise.all([page.waitForEvent('download', WAIT), page.click('[data-test=report-xlsx]')]);
    assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
    assert.equal(
      readFileSync((await xlsx.path())!)
        .subarray(0, 2)
        .toString(),
      'PK',
    );
  });

  test('the report as a page, and the registry with its targets', async () => {
    const { page } = await w.newPage({ width: 1280, height: 1000 });
    await w.login(page, 'admin');
    await page.goto('/api/indicators/reports/2026/html');
    await page.waitForSelector('svg', WAIT);
    await w.shot(page, 'report-html');
    await page.goto('/indicators/registry');
    await page.waitForSelector('[data-test=registry-definitions] tbody tr', WAIT);
    assert.equal((await page.$$('[data-test=registry-definitions] tbody tr')).length, 15);
    // The page lists definitions before its targets arrive: wait for the targets themselves.
    await page.waitForSelector('[data-test=registry-targets] tbody tr', WAIT);
    assert.match((await page.textContent('[data-test=registry-targets]')) ?? '', /47,000/);
    await w.shot(page, 'registry');
  });
});
