// The farmland pages in a real browser on the small demo city with its farmland demo data (clock
// 2026-06-30): the accounts dashboard (district table, chart, targets), the 多田套合 map (rate, the
// missing patches of the stored run drawn from the API's GeoJSON), the patrol case board (overdue
// rows highlighted, filters, a transition with its reason), the ledgers and the project checks.
// The 多田套合 run is computed from the page (the demo city has none stored).
// Screenshots under test-artifacts/browser/farmland/.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWebApp, type WebApp } from './helpers/web.ts';

const WAIT = { timeout: 30_000 };
const numberIn = (s: string | null) => Number((s ?? '').replace(/[^0-9.-]/g, ''));

describe('farmland pages (browser, pglite)', () => {
  let w: WebApp;
  before(async () => {
    w = await startWebApp('farmland');
  });
  after(async () => {
    await w?.close();
  });

  test('accounts dashboard: districts against their targets, with the chart', async () => {
    const { page } = await w.newPage({ width: 1440, height: 1000 });
    await w.login(page, 'planner');
    await page.goto('/farmland/accounts');
    await page.waitForSelector('[data-test=farmland-accounts-table] tbody tr', WAIT);
    await page.waitForSelector('[data-test=farmland-chart] canvas', WAIT);
    const rows = await page.locator('[data-test=farmland-accounts-table] tbody tr').count();
    const districts = (
      await w.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'XZQ' WHERE f.v_to IS NULL`,
      )
    ).rows[0].n;
    assert.equal(rows, districts + 1, 'one row per district and the city total');
    const targets = await page.textContent('[data-test=farmland-targets]');
    assert.match(targets ?? '', /耕地保有量/);
    assert.match(targets ?? '', /174\.40/, 'the city target of seed 002');
    const cultivated = numberIn(await page.textContent('[data-test=farmland-city-cultivated] .v'));
    const expected = (
      await w.db.query<{ wan: number }>(
        `SELECT sum(area_m2) * 15 / 10000 / 10000 AS wan FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'DLTB' WHERE f.v_to IS NULL AND f.props->>'DLBM' IN ('0101', '0102', '0103')`,
      )
    ).rows[0].wan;
    assert.ok(Math.abs(cultivated - expected) < 0.01, `cultivated land ${cultivated} 万亩 shown, ${expected} in the layer`);
    await w.shot(page, 'accounts');
    await page.close();
  });

  test('多田套合 map: the rate, and the missing patches of the stored run on the map', async () => {
    const { page } = await w.newPage({ width: 1440, height: 1000 });
    await w.login(page, 'planner');
    await page.goto('/farmland/taohe');
    await page.waitForSelector('[data-test=farmland-taohe-rate]', WAIT);
    // The demo city has no stored run: the planner computes and saves one (progress bar meanwhile).
    assert.equal(await page.locator('[data-test=farmland-taohe-runsel]').count(), 0);
    await page.click('[data-test=farmland-taohe-run]');
    await page.waitForSelector('[data-test=farmland-taohe-runsel]', WAIT);
    await page.waitForSelector('[data-test=farmland-taohe-map][data-loaded=true]', WAIT);
    const rate = numberIn(await page.textContent('[data-test=farmland-taohe-rate] .v'));
    const run = (
      await w.db.query<{ rate: number; missing: { kind: string; count: number }[] }>(
        `SELECT rate, missing FROM farmland_taohe_run ORDER BY id DESC LIMIT 1`,
      )
    ).rows[0];
    assert.ok(Math.abs(rate - run.rate) < 0.01, `rate ${rate} on the page, ${run.rate} stored`);
    for (const m of run.missing) {
      assert.match(
        (await page.textContent(`[data-test=farmland-kind-${m.kind}]`)) ?? '',
        new RegExp(`${m.count} 块`),
        `${m.kind}: ${m.count} patches`,
      );
    }
    const drawn = await page.evaluate(
      () => (document.querySelector('[data-test=farmland-taohe-map] canvas') as HTMLCanvasElement | null)?.width ?? 0,
    );
    assert.ok(drawn > 0);
    await page.waitForTimeout(1500); // tiles and overlays settle before the screenshot
    await w.shot(page, 'taohe-map');
    await page.close();
  });

  test('case board: overdue cases highlighted, filters, a transition with its reason', async () => {
    const { page } = await w.newPage({ width: 1440, height: 1000 });
    await w.login(page, 'inspector');
    await page.goto('/farmland/cases');
    await page.waitForSelector('[data-test=farmland-case-list] tbody tr', WAIT);
    const overdue = (
      await w.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM farmland_case WHERE status IN ('new', 'assigned', 'verified', 'rectifying') AND deadline < '2026-06-30'`,
      )
    ).rows[0].n;
    assert.ok(overdue > 0, 'the demo data has overdue cases');
    assert.equal(numberIn(await page.textContent('[data-test=farmland-overdue-count]')), overdue);
    assert.equal(
      await page.locator('[data-test=farmland-case-list] tr[data-overdue=true]').count(),
      overdue,
      'every overdue open case is highlighted',
    );
    await w.shot(page, 'cases');

    await page.check('[data-test=farmland-overdue-only]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-test=farmland-case-list] tbody tr').length === n, overdue, WAIT);
    assert.match(page.url(), /overdue=1/);
    await page.uncheck('[data-test=farmland-overdue-only]');

    // A new case: assign it, then verify it with the findings.
    const id = (await w.db.query<{ id: number }>(`SELECT id FROM farmland_case WHERE status = 'new' ORDER BY id LIMIT 1`)).rows[0].id;
    await page.click(`[data-test=farmland-case-${id}]`);
    await page.waitForSelector('[data-test=farmland-case-map][data-loaded=true]', WAIT);
    assert.equal(await page.isDisabled('[data-test=farmland-action-assign]'), true, 'no assignee yet');
    await page.fill('[data-test=farmland-assignee]', '张田长');
    await page.click('[data-test=farmland-action-assign]');
    await page.waitForSelector('[data-test=farmland-action-verify]', WAIT);
    assert.equal(await page.isDisabled('[data-test=farmland-action-verify]'), true, 'a reason is required');
    await page.fill('[data-test=farmland-note]', '现场核查：耕地上新堆土约 200 平方米');
    await page.click('[data-test=farmland-action-verify]');
    await page.waitForSelector('[data-test=farmland-action-rectify]', WAIT);
    const c = (await w.db.query<{ status: string; assignee: string }>(`SELECT status, assignee FROM farmland_case WHERE id = $1`, [id]))
      .rows[0];
    assert.deepEqual(c, { status: 'verified', assignee: '张田长' });
    assert.match((await page.textContent('[data-test=farmland-case-detail]')) ?? '', /现场核查：耕地上新堆土/);
    await page.waitForTimeout(1000);
    await w.shot(page, 'case-verified');
    await page.close();
  });

  test('ledgers and consolidation project checks', async () => {
    const { page } = await w.newPage({ width: 1440, height: 1000 });
    await w.login(page, 'reviewer');
    await page.goto('/farmland/ledger');
    await page.waitForSelector('[data-test=farmland-agreements] tbody tr', WAIT);
    assert.equal(await page.locator('[data-test=farmland-agreements] tbody tr').count(), 4, 'the four agreements of seeds 000/001');
    assert.match((await page.textContent('[data-test=farmland-agreements]')) ?? '', /淳安县 → 萧山区/);
    // An occupation the balance cannot cover is refused with the server's words.
    await page.fill('input[maxlength="200"]', '超额占用测试项目');
    await page.fill('input[type=number][step="0.01"]', '999999');
    await page.click('[data-test=farmland-approve]');
    await page.waitForSelector('[data-test=farmland-approve-error]', WAIT);
    assert.match((await page.textContent('[data-test=farmland-approve-error]')) ?? '', /可用指标不足/);
    await w.shot(page, 'ledger');

    await page.goto('/farmland/projects');
    await page.waitForSelector('[data-test=farmland-project-checks] [data-test^=farmland-finding-]', WAIT);
    assert.equal(
      await page.locator('[data-test=farmland-project-checks] [data-test^=farmland-finding-]').count(),
      6,
      'six rules of the land-consolidation rule set',
    );
    assert.match((await page.textContent('[data-test=farmland-progress]')) ?? '', /60/, 'the 2027 target of 60 projects');
    await w.shot(page, 'projects');
    await page.close();
  });
});
