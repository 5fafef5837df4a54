// Output encoding (issue 22 item 3) proved in a real browser: markup is planted in every text field
// a user can import or type — district names (XZQ XZQMC), unit names (XXGHDY DYMC), facility names
// (GGFWSS SSMC), a parcel attribute (ZD), layer names, lifecycle and farmland case titles and notes,
// consultation titles and an approved comment, indicator region names, a review case title, a
// staff display name — each value as `<own text>[<field tag>]<img src=x onerror="window.__xss=1">
// <script>window.__xss=2</script>`. Every page of the application is visited in one browser
// (viewer with identify and search, review, portal with a place and a consultation, admin,
// farmland with a case opened, lifecycle lists and case pages, indicators with a map popup, the
// life circle). On each page the planted text must show as text (the field's `[tag]<img …` is in
// the page's text where the field is shown) and never run: `window.__xss` stays undefined and no
// planted <img>/<script> element exists. The context bypasses the server's CSP on purpose: a page
// that turned data into HTML would run it here, where the CSP would block it and hide the bug.
// The HTML the server writes (OGC API pages, review opinion, indicator report) is checked the same
// way. XSS_DEBUG=1 prints the field tags each page shows. Screenshots: test-artifacts/browser/xss/.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startWebApp, DEMO_PASSWORD, type WebApp } from './helpers/web.ts';

const IMG = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '<script>window.__xss=2</script>';
const P = IMG + SCRIPT;
/** The planted value of a field: its own text, the field's tag in brackets, then the markup. */
const tagged = (tag: string) => `[${tag}]${IMG}`;
const WAIT = { timeout: 30_000 };

/** Text columns users fill (by import, form or API), each planted with P. */
const COLUMNS: [table: string, column: string][] = [
  ['approval_batch', 'name'],
  ['consultation', 'title'],
  ['consultation', 'summary'],
  ['consultation', 'organiser'],
  ['farmland_agreement', 'note'],
  ['farmland_alert', 'description'],
  ['farmland_case', 'outcome_note'],
  ['farmland_case_event', 'note'],
  ['farmland_inout', 'note'],
  ['farmland_lot', 'note'],
  ['farmland_occupation', 'project'],
  ['farmland_project', 'name'],
  ['farmland_project_area', 'name'],
  ['idle_case', 'note'],
  ['inefficient_case', 'project_name'],
  ['inefficient_case', 'survey_note'],
  ['land_parcel', 'name'],
  ['lifecycle_warning', 'title'],
  ['lifecycle_warning', 'message'],
  ['resettlement_project', 'name'],
  ['resettlement_project', 'plot_name'],
  ['indicator_alert', 'reason'],
  ['indicator_alert', 'region_name'],
  ['indicator_target', 'region_name'],
  ['indicator_value', 'note'],
  ['layer', 'name_zh'],
  ['layer', 'description'],
  ['app_user', 'display_name'],
];
/** Name attributes of the imported layers (XZQMC of 西湖区 becomes `西湖区<img …><script>…`). */
const NAME_KEYS = ['XZQMC', 'DYMC', 'SSMC', 'GYMC', 'HXMC', 'STMC', 'LDMC', 'BHMC', 'XMMC', 'GNQMC', 'JCMC'];

interface Seen {
  xss: unknown;
  imgs: number;
  scripts: number;
  text: string;
}

describe('output encoding: planted markup shows as text on every page (browser, pglite)', () => {
  let w: WebApp;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  const seen = (p: Page = page) =>
    p.evaluate((): Seen => ({
      xss: (window as unknown as { __xss?: unknown }).__xss,
      imgs: document.querySelectorAll('img[src="x"]').length,
      scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('__xss')).length,
      text: document.body.innerText + ' ' + document.body.textContent,
    }));

  /**
   * No planted markup ran or became an element; each of `shown` (field tags such as
   * 'land_parcel.name' or 'XZQMC') is on the page as text, markup included.
   */
  async function clean(where: string, shown: string[], p: Page = page) {
    const s = await seen(p);
    if (process.env.XSS_DEBUG) {
      const tags = [...s.text.matchAll(/\[([\w.]+)\]<img src=x onerror=/g)].map((m) => m[1]);
      console.log(`[xss] ${where}: ${[...new Set(tags)].join(' ')}`);
    }
    assert.equal(s.xss, undefined, `${where}: planted script ran (window.__xss = ${String(s.xss)})`);
    assert.equal(s.imgs, 0, `${where}: planted <img> became an element`);
    assert.equal(s.scripts, 0, `${where}: planted <script> became an element`);
    for (const tag of shown) assert.ok(s.text.includes(tagged(tag)), `${where}: ${tag} is shown as text, markup included`);
  }

  async function visit(path: string, ready: string | null, shown: string[]) {
    await page.goto(path);
    if (ready) await page.waitForSelector(ready, WAIT);
    await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
    await clean(path, shown);
  }

  before(async () => {
    w = await startWebApp('xss');
    for (const [t, c] of COLUMNS) await w.db.query(`UPDATE ${t} SET ${c} = coalesce(${c}, '') || $1`, [`[${t}.${c}]${P}`]);
    for (const k of NAME_KEYS)
      await w.db.query(`UPDATE feature SET props = jsonb_set(props, ARRAY[$2], to_jsonb((props->>$2) || $1)) WHERE props ? $2`, [
        `[${k}]${P}`,
        k,
      ]);
    // A parcel attribute: the right holder (权利人) as imported with the 宗地 layer.
    await w.db.query(
      `UPDATE feature SET props = props || jsonb_build_object('QLR', '杭州某公司[QLR]' || $1::text) WHERE layer_id = (SELECT id FROM layer WHERE code = 'ZD')`,
      [P],
    );
    // An approved comment on every consultation (author and text are the citizen's).
    await w.db.query(
      `INSERT INTO consultation_comment (consultation_id, author_name, body, status, submitted_on)
       SELECT id, $1, $2, 'approved', '2026-06-20' FROM consultation`,
      [`市民${tagged('author')}`, `建议增加绿地${tagged('comment')}${SCRIPT}`],
    );
    context = await w.browser.newContext({
      baseURL: w.base,
      viewport: { width: 1400, height: 860 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      bypassCSP: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.dismiss());
    // A review case titled with markup, through the upload API as a planner would.
    const login = await fetch(`${w.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'planner', password: DEMO_PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const form = new FormData();
    form.set('type', 'urban-construction');
    form.set('title', `滨江地块${tagged('review.title')}${SCRIPT}`);
    form.set('applicant', `开发公司${tagged('review.applicant')}`);
    form.set('file', new Blob([readFileSync(join(process.cwd(), 'fixtures', 'web', 'project-farmland.geojson'))]), 'project.geojson');
    const r = await fetch(`${w.base}/api/review/cases/file`, { method: 'POST', headers: { cookie, origin: w.base }, body: form });
    assert.equal(r.status, 201, await r.clone().text());
  });
  after(async () => {
    await context?.close();
    await w?.close();
  });

  test('the viewer: identify lists the planted district name and parcel holder as text; search hits too', async () => {
    await page.goto('/login');
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', DEMO_PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type=submit]')]);
    await clean('after sign-in (the display name)', ['app_user.display_name']);

    await page.goto('/map');
    await page.waitForSelector('[data-test=map][data-ready="1"]', WAIT);
    await clean('/map', ['layer.name_zh']);
    // A point inside a 宗地 parcel (and so inside a district).
    const p = (
      await w.db.query<{ fid: string; lon: number; lat: number; xzq: string }>(
        `SELECT f.fid, ST_X(pt) AS lon, ST_Y(pt) AS lat, x.fid AS xzq
           FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'ZD', LATERAL ST_PointOnSurface(f.geom) AS pt,
                feature x JOIN layer lx ON lx.id = x.layer_id AND lx.code = 'XZQ'
          WHERE f.v_to IS NULL AND x.v_to IS NULL AND ST_Intersects(x.geom, pt) ORDER BY f.area_m2 DESC LIMIT 1`,
      )
    ).rows[0];
    await page.evaluate(
      ([lon, lat]) =>
        (window as unknown as { __onemap: { map: { jumpTo(o: object): void } } }).__onemap.map.jumpTo({ center: [lon, lat], zoom: 14 }),
      [p.lon, p.lat],
    );
    await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
    const xy = await page.evaluate(
      ([lon, lat]) => {
        const q = (window as unknown as { __onemap: { map: { project(c: number[]): { x: number; y: number } } } }).__onemap.map.project([
          lon,
          lat,
        ]);
        return [q.x, q.y];
      },
      [p.lon, p.lat],
    );
    const box = (await page.locator('[data-test=map]').boundingBox())!;
    await page.mouse.click(box.x + xy[0], box.y + xy[1]);
    const panel = page.locator('[data-test=identify-panel]');
    await panel.locator(`[data-test="identify-feature-XZQ-${p.xzq}"]`).click();
    assert.ok(((await panel.textContent()) ?? '').includes(`区${tagged('XZQMC')}${SCRIPT}`), 'the district name with its markup, as text');
    await clean('/map identify XZQ', ['XZQMC']);
    await panel.locator(`[data-test="identify-feature-ZD-${p.fid}"]`).click();
    assert.ok(((await panel.textContent()) ?? '').includes(`杭州某公司${tagged('QLR')}`), 'the parcel holder with its markup, as text');
    await clean('/map identify ZD', ['QLR']);
    await w.shot(page, 'identify');

    await page.fill('[data-test=search-input]', '乡村01单元');
    await page.waitForSelector('[data-test=search-hit]', WAIT);
    assert.ok(((await page.locator('[data-test=search-hit]').first().textContent()) ?? '').includes('<img src=x'), 'search hit as text');
    await clean('/map search', ['DYMC']);
    await page.locator('[data-test=search-hit]').first().click();
    await clean('/map search fly-to', []);
    await w.shot(page, 'search');
  });

  test('review: the case list and the case page show the planted title as text', async () => {
    await visit('/review/cases', null, ['review.title', 'review.applicant']);
    const id = (await w.db.query<{ id: number }>('SELECT max(id)::int AS id FROM review_case')).rows[0].id;
    await visit(`/review/cases/${id}`, null, ['review.title', 'review.applicant']);
    await w.shot(page, 'review-case');
    await visit('/review/new', null, []);
  });

  test('portal: the consultation and its approved comment as text; the manage page too', async () => {
    await visit('/portal', null, []);
    // A place: the unit found by name, its indicators and the facilities nearby (附近规划).
    await page.fill('[data-test=portal-search-input]', '上城区-01');
    const hit = page.locator('[data-test=portal-search-hit][data-layer=XXGHDY]').first();
    await hit.waitFor();
    await clean('/portal search', ['DYMC']);
    await hit.click();
    await page.waitForSelector('[data-test=portal-indicators]', WAIT);
    await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
    await clean('/portal place', ['DYMC', 'XZQMC', 'SSMC']);
    await w.shot(page, 'portal-place');
    await page.click('[data-test=portal-tab-consult]');
    await clean('/portal consultations', ['consultation.title']);
    await page.click('[data-test=portal-consultation-item][data-state=open]');
    await page.waitForSelector('[data-test=portal-comment-form]', WAIT);
    await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
    await clean('/portal consultation', ['consultation.title', 'consultation.summary', 'consultation.organiser', 'author', 'comment']);
    await w.shot(page, 'portal-consultation');
    await visit('/portal/manage', null, ['consultation.title', 'consultation.organiser']);
  });

  test('admin: users, layers, rule sets, audit', async () => {
    await visit('/admin/users', null, ['app_user.display_name']);
    await visit('/admin/layers', null, ['layer.name_zh']);
    await visit('/admin/rulesets', null, []);
    await visit('/admin/audit', null, []);
    await w.shot(page, 'admin-audit');
  });

  test('farmland: accounts, 套合 (taohe), ledger, cases (one opened), projects', async () => {
    for (const p of ['accounts', 'taohe', 'ledger', 'cases', 'projects']) await visit(`/farmland/${p}`, null, ['XZQMC']);
    await visit('/farmland/projects', null, ['farmland_project.name']);
    // A case opened: its alert's description and the notes of its steps.
    await visit('/farmland/cases', '[data-test=farmland-case-list] tbody tr', ['XZQMC']);
    await page.locator('[data-test=farmland-case-list] tbody tr').first().click();
    await page.waitForSelector('[data-test=farmland-case-detail]', WAIT);
    await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
    await clean('/farmland/cases (a case)', ['farmland_alert.description', 'farmland_case_event.note']);
    await w.shot(page, 'farmland-projects');
  });

  test('lifecycle: parcels, a parcel, warnings, idle, unsupplied, inefficient, resettlement, ledgers', async () => {
    await visit('/lifecycle/parcels', null, ['land_parcel.name', 'XZQMC']);
    const code = (await w.db.query<{ c: string }>('SELECT min(land_code) AS c FROM land_parcel')).rows[0].c;
    await visit(`/lifecycle/parcels/${encodeURIComponent(code)}`, null, ['land_parcel.name']);
    await visit('/lifecycle/warnings', null, ['lifecycle_warning.title']);
    await visit('/lifecycle/idle', null, ['land_parcel.name']);
    const idle = (await w.db.query<{ id: number }>('SELECT min(id)::int AS id FROM idle_case')).rows[0].id;
    await visit(`/lifecycle/idle/${idle}`, null, ['land_parcel.name', 'idle_case.note']);
    await visit('/lifecycle/unsupplied', null, ['XZQMC']);
    await visit('/lifecycle/inefficient', null, ['land_parcel.name']);
    const ineff = (await w.db.query<{ id: number }>('SELECT min(id)::int AS id FROM inefficient_case')).rows[0].id;
    await visit(`/lifecycle/inefficient/${ineff}`, null, ['inefficient_case.project_name', 'inefficient_case.survey_note']);
    await visit('/lifecycle/resettlement', null, ['resettlement_project.name']);
    const rp = (await w.db.query<{ id: number }>('SELECT min(id)::int AS id FROM resettlement_project')).rows[0].id;
    await visit(`/lifecycle/resettlement/${rp}`, null, ['resettlement_project.name', 'resettlement_project.plot_name']);
    await visit('/lifecycle/ledgers', null, ['XZQMC']);
    await w.shot(page, 'lifecycle-ledgers');
  });

  test('indicators: dashboard, map (with a region popup), alerts, report, registry; the life circle page', async () => {
    await visit('/indicators/dashboard', null, ['XZQMC']);
    await visit('/indicators/map', null, ['XZQMC']);
    // Hover over the map until a district's popup opens (built from DOM nodes, web/src/html.ts).
    const box = (await page.locator('canvas.maplibregl-canvas').first().boundingBox())!;
    let popup = false;
    for (let i = 1; i < 6 && !popup; i++)
      for (let j = 1; j < 6 && !popup; j++) {
        await page.mouse.move(box.x + (box.width * i) / 6, box.y + (box.height * j) / 6);
        popup = await page
          .waitForSelector('.maplibregl-popup', { timeout: 300 })
          .then(() => true)
          .catch(() => false);
      }
    assert.ok(popup, 'a district popup opened on hover');
    await clean('/indicators/map popup', ['XZQMC']);
    assert.ok(((await page.textContent('.maplibregl-popup')) ?? '').includes(tagged('XZQMC')), 'the popup names the district as text');
    await w.shot(page, 'indicators-map');
    await visit('/indicators/alerts', null, ['indicator_alert.region_name', 'indicator_alert.reason']);
    await visit('/indicators/report', null, []);
    await visit('/indicators/registry', null, ['indicator_target.region_name']);
    await visit('/access', '[data-test=access-page]', []);
  });

  test('the HTML pages the server writes (OGC API, review opinion, indicator report) escape data', async () => {
    const xzq = (
      await w.db.query<{ fid: string }>(
        `SELECT min(f.fid) AS fid FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'XZQ' WHERE f.v_to IS NULL`,
      )
    ).rows[0].fid;
    for (const [path, shown] of [
      ['/ogcapi/collections?f=html', ['layer.name_zh', 'layer.description']],
      ['/ogcapi/collections/XZQ?f=html', ['layer.name_zh', 'layer.description']],
      ['/ogcapi/collections/XZQ/items?f=html', ['layer.name_zh', 'XZQMC']],
      ['/ogcapi/collections/GGFWSS/items?f=html', ['SSMC']],
      ['/ogcapi/collections/XXGHDY/items?f=html&limit=5', ['DYMC']],
      [`/ogcapi/collections/XZQ/items/${encodeURIComponent(xzq)}?f=html`, ['XZQMC']],
    ] as const) {
      const r = await page.goto(path);
      assert.equal(r?.status(), 200, path);
      await clean(path, [...shown]);
    }
    await w.shot(page, 'ogcapi-items');
    // The other HTML the server writes: the review opinion and the yearly indicator report.
    const id = (await w.db.query<{ id: number }>('SELECT max(id)::int AS id FROM review_case')).rows[0].id;
    for (const [path, shown] of [
      [`/api/review/cases/${id}/opinion.html`, ['review.title']],
      ['/api/indicators/reports/2026/html', []],
    ] as const) {
      const r = await page.goto(path);
      assert.equal(r?.status(), 200, path);
      await clean(path, [...shown]);
    }
    assert.deepEqual(errors, [], 'no page error in the browser');
  });
});
