// The land lifecycle pages in a real browser on the `small` demo city (clock 2026-06-30): a parcel's
// timeline — every step in order with the geometry at that step, a step recorded from the page and
// one refused by the server; the warning board — counts per district as the database holds them,
// a district and kind chosen, click-through to the project; an idle-land case walked 服务监管 →
// 调查认定 → 认定闲置 → 征缴闲置费 on its page (fee 20 % of the price) with the reclaim refused before
// two full years; a resettlement project that cannot start until its plot is drawn on the map.
// Our own parcel is a 200 m × 100 m rectangle in EPSG:4549 (20,000 m² = 30 亩) cut to 100 m × 100 m
// (15 亩) at supply. Screenshots: test-artifacts/browser/lifecycle/.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startWebApp, type WebApp } from './helpers/web.ts';
import { sq } from './helpers/city.ts';
import type { User } from '../src/auth/types.ts';
import { auditFor } from '../src/audit/audit.ts';
import { registerParcel, recordEvent } from '../src/lifecycle/landcode.ts';
import { runNightly } from '../src/lifecycle/rules.ts';
import { createProject } from '../src/lifecycle/resettlement.ts';

const TODAY = '2026-06-30';
const ADMIN: User = { id: null, username: 'setup', name: 'setup', role: 'admin', districts: [], via: 'cli' };
const WAIT = { timeout: 20_000 };
const muOf = (text: string) => Number(/([\d,]+\.\d+)\s*亩/.exec(text)?.[1].replace(/,/g, '') ?? NaN);

describe('land lifecycle pages (browser, pglite)', () => {
  let w: WebApp;
  let code = '';
  let projectId = 0;

  before(async () => {
    w = await startWebApp('lifecycle', { clock: TODAY });
    // Our parcel: approved, then supplied cut down to half; agreed start 2025-03-01, never started.
    w.clock.set('2025-01-10');
    const p = await registerParcel(
      w.db,
      w.clock,
      { name: '浏览器测试地块', district: '330106', geometry: sq(0, 0, 200, 100), srid: 4549 },
      ADMIN,
    );
    code = p.landCode;
    await recordEvent(
      w.db,
      w.clock,
      code,
      { kind: 'approval', date: '2024-12-01', docNo: '浙政土〔2024〕88号', details: { approvalType: '农转用' } },
      ADMIN,
    );
    await recordEvent(
      w.db,
      w.clock,
      code,
      {
        kind: 'supply',
        date: '2025-01-10',
        docNo: 'HT-330106-2025-01',
        geometry: sq(0, 0, 100, 100),
        srid: 4549,
        details: {
          method: '出让',
          priceYuan: 10_000_000,
          agreedStart: '2025-03-01',
          agreedCompletion: '2027-03-01',
          planningConditions: { far: 2.0 },
        },
      },
      ADMIN,
    );
    w.clock.set(TODAY);
    // A project on the land next to it, without its resettlement plot.
    projectId = (
      await createProject(
        w.db,
        w.clock,
        { code: 'ZS-WEB-1', name: '浏览器测试征收项目', district: '330106', households: 36, geometry: sq(300, 0, 500, 150), srid: 4549 },
        ADMIN,
      )
    ).id;
  });
  after(async () => {
    await w?.close();
  });

  const mapLoaded = (page: Page) => page.waitForSelector('[data-test=lifecycle-map][data-loaded=true]', WAIT);

  test("a parcel's timeline: the steps in order with their geometry; a step recorded, one refused", async () => {
    const { page } = await w.newPage();
    await w.login(page, 'planner');
    await page.goto('/lifecycle/parcels');
    await page.fill('[data-test=lifecycle-search]', code);
    await page.press('[data-test=lifecycle-search]', 'Enter');
    await page.waitForSelector(`[data-test=lifecycle-parcel-${code}]`, WAIT);
    assert.match((await page.textContent('[data-test=lifecycle-parcels-total]')) ?? '', /共 1 宗/);
    await w.shot(page, 'register-search');
    await page.click(`[data-test=lifecycle-parcel-${code}] a`);
    await page.waitForSelector('[data-test=lifecycle-timeline]', WAIT);
    await mapLoaded(page);
    const steps = await page.$$eval('[data-test=lifecycle-timeline] > li[data-test]', (ls) => ls.map((l) => l.getAttribute('data-test')));
    assert.deepEqual(steps, ['lifecycle-step-approval', 'lifecycle-step-supply']);
    const approval = (await page.textContent('[data-test=lifecycle-step-approval]')) ?? '';
    assert.match(approval, /2024年12月01日/);
    assert.match(approval, /浙政土〔2024〕88号/);
    assert.ok(Math.abs(muOf(approval) - 30) < 0.05, `approval step: 200 m × 100 m = 30 亩, page says ${muOf(approval)}`);
    const supply = (await page.textContent('[data-test=lifecycle-step-supply]')) ?? '';
    assert.ok(Math.abs(muOf(supply) - 15) < 0.05, `supply step: 100 m × 100 m = 15 亩, page says ${muOf(supply)}`);
    assert.match(supply, /范围有变化/);
    assert.match(supply, /1,000\.00 万元/, '10,000,000 yuan');
    assert.match(supply, /2025年03月01日/);
    assert.match(supply, /容积率 2\.00/);
    await w.shot(page, 'timeline');

    // The server refuses a step dated before the last one, and the page shows its words.
    await page.selectOption('[data-test=lifecycle-event-kind]', 'permits');
    await page.fill('[data-test=lifecycle-event-date]', '2025-01-05');
    await page.fill('[data-test=lifecycle-event-landPlanningPermit]', '地字第330106202500001号');
    await page.fill('[data-test=lifecycle-event-propertyCertificate]', '浙(2025)杭州市不动产权第0000001号');
    await page.fill('[data-test=lifecycle-event-engineeringPermit]', '建字第330106202500001号');
    await page.click('[data-test=lifecycle-event-save]');
    await page.waitForSelector('[data-test=lifecycle-event-error]', WAIT);
    assert.match((await page.textContent('[data-test=lifecycle-event-error]')) ?? '', /早于上一环节/);
    await w.shot(page, 'timeline-refused');
    await page.fill('[data-test=lifecycle-event-date]', '2025-02-20');
    await page.click('[data-test=lifecycle-event-save]');
    await page.waitForSelector('[data-test=lifecycle-event-saved]', WAIT);
    await page.waitForSelector('[data-test=lifecycle-step-permits]', WAIT);
    assert.match((await page.textContent('[data-test=lifecycle-stage]')) ?? '', /三证已发/);
    const trail = await auditFor(w.db, 'land_parcel', code);
    assert.deepEqual(trail.map((a) => [a.action, a.actor]).at(-1), ['landcode.permits', 'planner']);
    await w.shot(page, 'timeline-permits');
  });

  test('the warning board: open warnings by district as the database holds them; click-through', async () => {
    const { page } = await w.newPage({ height: 1000 });
    await w.login(page, 'planner');
    await page.goto('/lifecycle/warnings');
    await page.waitForSelector('[data-test=lifecycle-board] tbody tr', WAIT);
    await page.waitForSelector('[data-test=lifecycle-board-chart] canvas', WAIT);
    const open = (
      await w.db.query<{ district: string; kind: string; n: number }>(
        `SELECT district, kind, count(*)::int AS n FROM lifecycle_warning WHERE resolved_on IS NULL GROUP BY 1, 2`,
      )
    ).rows;
    const total = open.reduce((s, r) => s + r.n, 0);
    assert.ok(total > 0, 'the demo city has open warnings');
    assert.equal(await page.textContent('[data-test=lifecycle-board-total]'), String(total));
    for (const d of new Set(open.map((r) => r.district))) {
      const n = open.filter((r) => r.district === d).reduce((s, r) => s + r.n, 0);
      assert.equal((await page.textContent(`[data-test=lifecycle-board-sum-${d}]`))?.trim(), String(n), `district ${d}`);
      for (const k of open.filter((r) => r.district === d)) {
        assert.equal(
          (await page.textContent(`[data-test="lifecycle-board-cell-${d}-${k.kind}"]`))?.trim(),
          String(k.n),
          `district ${d}, ${k.kind}`,
        );
      }
    }
    await w.shot(page, 'board');

    // A district's resettlement warnings, then the project behind one of them.
    const r = open.find((x) => x.kind.startsWith('resettlement+'));
    assert.ok(r, 'the demo city has a resettlement warning');
    await page.click(`[data-test="lifecycle-board-cell-${r.district}-${r.kind}"]`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-test=lifecycle-warnings] tbody tr').length === n, r.n, WAIT);
    const kinds = await page.$$eval('[data-test=lifecycle-warnings] tbody tr td:first-child', (tds) =>
      tds.map((td) => td.textContent ?? ''),
    );
    assert.ok(
      kinds.every((k) => k.includes(r.kind.slice('resettlement'.length))),
      `every row is ${r.kind}: ${kinds.join(' | ')}`,
    );
    await w.shot(page, 'board-filtered');
    const link = page.locator('[data-test=lifecycle-warnings] tbody tr a').first();
    const title = (await link.textContent())?.trim() ?? '';
    await link.click();
    await page.waitForURL(/\/lifecycle\/resettlement\/\d+$/, WAIT);
    await page.waitForSelector('[data-test=lifecycle-project-title]', WAIT);
    assert.equal((await page.textContent('[data-test=lifecycle-project-title]'))?.trim(), title);
    await mapLoaded(page);
    await w.shot(page, 'board-project');
  });

  test('an idle-land case walked on its page: 服务监管 → 调查认定 → 认定闲置 → 征缴闲置费; reclaim refused before two years', async () => {
    // Agreed start 2025-03-01: one full year ends 2026-03-01, so the nightly run finds it idle.
    await runNightly(w.db, w.clock);
    const c = (
      await w.db.query<{ id: number; idle_from: string }>(`SELECT id, idle_from::text FROM idle_case WHERE land_code = $1`, [code])
    ).rows[0];
    assert.equal(c.idle_from, '2026-03-02');
    const { page } = await w.newPage({ height: 1000 });
    await w.login(page, 'inspector');
    await page.goto(`/lifecycle/idle/${c.id}`);
    await page.waitForSelector('[data-test=lifecycle-idle-status]', WAIT);
    assert.match((await page.textContent('[data-test=lifecycle-idle-status]')) ?? '', /服务监管/);
    assert.match((await page.textContent('[data-test=lifecycle-idle-fee]')) ?? '', /200\.00 万元/, '20 % of 10,000,000 yuan');
    await mapLoaded(page);
    await w.shot(page, 'idle-supervision');

    const step = async (to: string, fill: Record<string, string>, status: RegExp) => {
      await page.click(`[data-test=lifecycle-idle-to-${to}]`);
      for (const [k, v] of Object.entries(fill)) await page.fill(`[data-test=lifecycle-idle-${k}]`, v);
      await page.click('[data-test=lifecycle-idle-submit]');
      await page.waitForFunction(
        (re) => new RegExp(re).test(document.querySelector('[data-test=lifecycle-idle-status]')?.textContent ?? ''),
        status.source,
        WAIT,
      );
    };
    await step('investigation', { noticeNo: '闲调〔2026〕12号' }, /调查认定/);
    await w.shot(page, 'idle-investigation');
    await step('determined', { determinationNo: '闲认〔2026〕12号' }, /已认定闲置/);
    await page.click('[data-test=lifecycle-idle-to-fee-levied]');
    assert.match((await page.textContent('[data-test=lifecycle-idle-fee-preview]')) ?? '', /200\.00 万元.*1,000\.00 万元 × 20%/);
    await w.shot(page, 'idle-fee-preview');
    await page.fill('[data-test=lifecycle-idle-decisionNo]', '闲费〔2026〕12号');
    await page.click('[data-test=lifecycle-idle-submit]');
    await page.waitForFunction(
      () => /征缴土地闲置费/.test(document.querySelector('[data-test=lifecycle-idle-status]')?.textContent ?? ''),
      null,
      WAIT,
    );
    const row = (
      await w.db.query<{ status: string; fee_yuan: number; deadline: string }>(
        `SELECT status, fee_yuan, deadline::text FROM idle_case WHERE id = $1`,
        [c.id],
      )
    ).rows[0];
    assert.deepEqual(row, { status: 'fee-levied', fee_yuan: 2_000_000, deadline: '2026-07-30' }, '第十七条: 30 days to pay');

    // 第十四条(二): reclaim only once not started for two full years, from 2027-03-02.
    await page.click('[data-test=lifecycle-idle-to-reclaimed]');
    await page.fill('[data-test=lifecycle-idle-decisionNo]', '收〔2026〕1号');
    await page.click('[data-test=lifecycle-idle-submit]');
    await page.waitForSelector('[data-test=lifecycle-idle-error]', WAIT);
    assert.match((await page.textContent('[data-test=lifecycle-idle-error]')) ?? '', /未满两年.*2027-03-02/);
    assert.match((await page.textContent('[data-test=lifecycle-idle-status]')) ?? '', /征缴土地闲置费/, 'refused: the status stays');
    await w.shot(page, 'idle-reclaim-refused');
    const trail = (await auditFor(w.db, 'idle_case', c.id)).map((a) => [a.action, a.actor]);
    assert.deepEqual(trail.slice(1), [
      ['idle.investigation', 'inspector'],
      ['idle.determined', 'inspector'],
      ['idle.fee-levied', 'inspector'],
    ]);
  });

  test('a resettlement project cannot start until its plot is drawn on the map', async () => {
    const { page } = await w.newPage({ height: 1000 });
    await w.login(page, 'planner');
    await page.goto(`/lifecycle/resettlement/${projectId}`);
    await page.waitForSelector('[data-test=lifecycle-plot-missing]', WAIT);
    await mapLoaded(page);
    assert.equal(await page.isDisabled('[data-test=lifecycle-project-next]'), true, 'the page does not offer the start');
    // Nor does the server accept it from anyone who bypasses the page.
    const refused = await page.evaluate(async (id) => {
      const r = await fetch(`/api/lifecycle/resettlement/projects/${id}/transition`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: 'started' }),
      });
      return { status: r.status, body: await r.json() };
    }, projectId);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'no_resettlement_plot');
    await w.shot(page, 'project-no-plot');

    await page.click('[data-test=lifecycle-plot-draw]');
    const box = (await page.locator('[data-test=lifecycle-map] canvas').boundingBox())!;
    const cx = box.x + box.width * 0.75;
    const cy = box.y + box.height * 0.5;
    for (const [dx, dy] of [
      [-40, -40],
      [40, -40],
      [40, 40],
      [-40, 40],
    ])
      await page.mouse.click(cx + dx, cy + dy);
    await page.click('[data-test=lifecycle-plot-finish]');
    await page.waitForSelector('[data-test=lifecycle-plot-save]', WAIT);
    await w.shot(page, 'project-plot-drawn');
    await page.click('[data-test=lifecycle-plot-save]');
    await page.waitForSelector('[data-test=lifecycle-plot-missing]', { state: 'detached', ...WAIT });
    await page.waitForFunction(
      () => !(document.querySelector('[data-test=lifecycle-project-next]') as HTMLButtonElement | null)?.disabled,
      null,
      WAIT,
    );
    await page.click('[data-test=lifecycle-project-next]');
    await page.waitForFunction(
      () => /征收启动/.test(document.querySelector('[data-test=lifecycle-project-status]')?.textContent ?? ''),
      null,
      WAIT,
    );
    const p = (
      await w.db.query<{ status: string; expropriated_on: string; located: boolean; area: number }>(
        `SELECT status, expropriated_on::text, plot_geom IS NOT NULL AS located, ST_Area(plot_geom::geography) AS area FROM resettlement_project WHERE id = $1`,
        [projectId],
      )
    ).rows[0];
    assert.equal(p.status, 'started');
    assert.equal(p.expropriated_on, TODAY);
    assert.ok(p.located && p.area > 0);
    assert.deepEqual(
      (await auditFor(w.db, 'resettlement_project', projectId)).map((a) => [a.action, a.actor]),
      [
        ['resettlement.create', 'setup'],
        ['resettlement.locate-plot', 'planner'],
        ['resettlement.started', 'planner'],
      ],
    );
    await w.shot(page, 'project-started');
  });
});
