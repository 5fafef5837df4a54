// 规划一点通 in a real browser, never signed in: search a unit and click the map → the unit's
// indicator limits (checked against the OGC API's copy of the feature), 附近规划 in 米, a comment on
// the open consultation → "awaiting moderation"; a planner approves it on the staff page and the
// public sees it; a planner publishes a consultation from a unit's boundary; the phone layout (map
// fills the screen, answer in a bottom sheet). Every response the anonymous pages receive — JSON and
// vector tiles, decoded — is checked for restricted layers, their attributes and their features.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { Page, Response, BrowserContext } from 'playwright-core';
import { startWebApp, type WebApp } from './helpers/web.ts';
import { authHeaders } from './helpers/auth.ts';

interface Seen {
  url: string;
  status: number;
  type: string;
  body: Buffer | null;
}

/** What counts as a leak: restricted layer codes, names, attribute names, and feature ids near the points asked. */
interface Restricted {
  codes: Set<string>;
  names: string[];
  attrs: Set<string>;
  fids: Set<string>;
  publicCodes: Set<string>;
}

/** Every response (and request URL) a browser context sees, bodies included. */
function record(context: BrowserContext): { responses: Seen[]; requests: string[]; settle(): Promise<void> } {
  const responses: Seen[] = [];
  const requests: string[] = [];
  const pending: Promise<void>[] = [];
  context.on('request', (r) => requests.push(r.url()));
  context.on('response', (r: Response) => {
    pending.push(
      (async () => {
        const type = r.headers()['content-type'] ?? '';
        // Redirects and bodiless answers have nothing to read.
        const body = r.status() >= 300 && r.status() < 400 ? null : await r.body().catch(() => null);
        responses.push({ url: r.url(), status: r.status(), type, body });
      })(),
    );
  });
  return {
    responses,
    requests,
    settle: async () => {
      await Promise.all(pending);
    },
  };
}

/** The code a URL asks for, when it names a layer (tiles, TileJSON, catalogue entries, OGC collections). */
function layerOfUrl(u: string): string | null {
  const p = new URL(u).pathname;
  const m = /^\/tiles\/([^/.]+)/.exec(p) ?? /^\/api\/layers\/([^/]+)/.exec(p) ?? /^\/ogcapi\/collections\/([^/]+)/.exec(p);
  return m ? decodeURIComponent(m[1]) : null;
}

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      strings(x, out);
    }
  return out;
}

/** Problems found in the recorded traffic; counts say how much was actually inspected. */
function leaks(
  seen: Seen[],
  requests: string[],
  r: Restricted,
): { problems: string[]; json: number; tiles: number; tileLayers: Set<string> } {
  const problems: string[] = [];
  let json = 0;
  let tiles = 0;
  const tileLayers = new Set<string>();
  const checkString = (where: string, s: string) => {
    if (r.codes.has(s)) problems.push(`${where}: restricted layer code "${s}"`);
    if (r.attrs.has(s)) problems.push(`${where}: restricted attribute "${s}"`);
    if (r.fids.has(s)) problems.push(`${where}: restricted feature "${s}"`);
    for (const n of r.names) if (s.includes(n)) problems.push(`${where}: restricted layer name "${n}" in "${s.slice(0, 80)}"`);
  };
  for (const u of requests) {
    const code = layerOfUrl(u);
    if (code && !r.publicCodes.has(code)) problems.push(`request for layer ${code}: ${u}`);
  }
  for (const s of seen) {
    if (!s.body) continue;
    if (/json/.test(s.type)) {
      json++;
      let v: unknown;
      try {
        v = JSON.parse(s.body.toString('utf8'));
      } catch {
        problems.push(`${s.url}: unreadable JSON`);
        continue;
      }
      for (const x of strings(v)) checkString(s.url, x);
    } else if (/vnd\.mapbox-vector-tile/.test(s.type) || /\.mvt(\?|$)/.test(s.url)) {
      if (s.status !== 200 || !s.body.length) continue;
      tiles++;
      const vt = new VectorTile(new PbfReader(s.body));
      for (const [name, layer] of Object.entries(vt.layers)) {
        tileLayers.add(name);
        if (!r.publicCodes.has(name)) problems.push(`${s.url}: tile layer "${name}" is not public`);
        for (let i = 0; i < layer.length; i++) {
          const props = layer.feature(i).properties;
          for (const [k, val] of Object.entries(props)) {
            checkString(`${s.url} (${name})`, k);
            if (typeof val === 'string') checkString(`${s.url} (${name}.${k})`, val);
          }
        }
      }
    }
  }
  return { problems, json, tiles, tileLayers };
}

describe('public portal 规划一点通 (browser, pglite)', () => {
  let w: WebApp;
  let admin: Record<string, string>;
  let restricted: Restricted;
  const asked: [number, number][] = [];
  const traffic: ReturnType<typeof record>[] = [];
  // Unique per run, so the moderation queue and the public page can be searched for it.
  const COMMENT = `建议在幼儿园周边设置接送车辆临时停靠点（测试 ${Date.now().toString(36)}）`;

  const get = async (url: string, headers: Record<string, string> = {}) => {
    const r = await w.app.inject({ url, headers });
    assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
    return r.json();
  };
  /** The detailed-plan unit at a point, read through the OGC API (another code path than the portal's). */
  const unitAt = async (lon: number, lat: number) => {
    const e = 1e-6;
    const fc = await get(`/ogcapi/collections/XXGHDY/items?bbox=${lon - e},${lat - e},${lon + e},${lat + e}&f=json`);
    return fc.features as { id: string; properties: Record<string, unknown> }[];
  };
  const indicatorsShown = async (page: Page) =>
    Object.fromEntries(
      await page.$$eval('[data-test=portal-indicator]', (els) =>
        els.map((e) => [e.getAttribute('data-field'), Number(e.getAttribute('data-value'))]),
      ),
    );
  const settleMap = async (page: Page) => {
    await page.waitForLoadState('networkidle', { timeout: 20_000 }).catch(() => undefined);
    await page.waitForTimeout(600);
  };
  const pointShown = async (page: Page): Promise<[number, number]> => {
    const p = (await page.getAttribute('[data-test=portal-point]', 'data-point'))!.split(',').map(Number) as [number, number];
    asked.push(p);
    return p;
  };

  before(async () => {
    w = await startWebApp('portal');
    admin = await authHeaders(w.db, 'admin', { username: 'portal_test_admin' });
    const all = (await get('/api/layers', admin)) as { code: string; name: string; public: boolean }[];
    const pub = (await get('/api/layers')) as { code: string }[];
    const attrsOf = async (code: string) =>
      ((await get(`/api/layers/${code}`, admin)).attr_schema as { name: string }[]).map((a) => a.name);
    const publicAttrs = new Set((await Promise.all(all.filter((l) => l.public).map((l) => attrsOf(l.code)))).flat());
    const hidden = all.filter((l) => !l.public);
    const attrs = new Set((await Promise.all(hidden.map((l) => attrsOf(l.code)))).flat().filter((a) => !publicAttrs.has(a)));
    restricted = {
      codes: new Set(hidden.map((l) => l.code)),
      names: hidden.map((l) => l.name),
      attrs,
      fids: new Set(),
      publicCodes: new Set(pub.map((l) => l.code)),
    };
    // The brief's examples are restricted in this catalogue, and the anonymous catalogue lists none of them.
    for (const c of ['DLTB', 'ZD', 'CX', 'JCJK', 'GBZNT', 'LSSCGNQ', 'YNCBQ']) {
      assert.ok(restricted.codes.has(c), `${c} should be restricted`);
      assert.ok(!restricted.publicCodes.has(c));
    }
    assert.ok(restricted.attrs.has('ZDDM') && restricted.attrs.has('HCJL'), `restricted-only attributes: ${[...restricted.attrs]}`);
  });
  after(async () => {
    await w?.close();
  });

  test('anonymous: search a unit, click the map → indicators, control lines, 附近规划 in 米', async () => {
    const { context, page } = await w.newPage();
    traffic.push(record(context));
    page.setDefaultTimeout(20_000);
    const ghyd = page.waitForResponse((r) => /\/tiles\/GHYD\/\d+\/\d+\/\d+\.mvt/.test(r.url()) && r.status() === 200);
    await page.goto('/portal');
    await page.waitForSelector('[data-test=portal-intro]');
    await ghyd;
    await settleMap(page);
    await w.shot(page, 'portal-start');
    // The layer switch and legend; switching the control lines off and on again.
    await page.click('[data-test=portal-layers]');
    await page.waitForSelector('[data-test=portal-legend]');
    await page.uncheck('[data-test=portal-toggle-controls]');
    await page.check('[data-test=portal-toggle-controls]');
    await w.shot(page, 'legend');
    await page.click('[data-test=portal-layers]');

    await page.fill('[data-test=portal-search-input]', '上城区-01');
    const hit = page.locator('[data-test=portal-search-hit][data-layer=XXGHDY]').first();
    await hit.waitFor();
    await w.shot(page, 'search-suggestions');
    const label = (await hit.locator('.label').textContent())!.trim();
    const answered = page.waitForResponse((r) => r.url().includes('/api/portal/at?'));
    await hit.click();
    assert.equal((await answered).status(), 200);
    await page.waitForSelector('[data-test=portal-indicators]');
    assert.equal((await page.textContent('[data-test=portal-unit-name]'))!.trim(), label);
    const [lon, lat] = await pointShown(page);
    const units = await unitAt(lon, lat);
    assert.equal(units.length, 1, `one unit at ${lon},${lat}`);
    assert.equal(units[0].properties.DYMC, label);
    // The limits on screen are the unit's attributes (the land-use cell has none of its own in the demo).
    const u = units[0].properties;
    assert.deepEqual(await indicatorsShown(page), { RJLSX: u.RJLSX, JZMDSX: u.JZMDSX, LDLXX: u.LDLXX, JZXG: u.JZXG });
    const tiles = await page.locator('[data-test=portal-indicator]').allTextContents();
    assert.match(
      tiles.find((x) => x.includes('建筑限高'))!,
      new RegExp(`≤\\s*${u.JZXG}\\s*米`),
    );
    assert.match(
      tiles.find((x) => x.includes('绿地率'))!,
      new RegExp(`≥\\s*${u.LDLXX}\\s*%`),
    );
    assert.match(
      tiles.find((x) => x.includes('容积率'))!,
      new RegExp(`≤\\s*${u.RJLSX}`),
    );
    // The open demo consultation covers this unit: it is offered right here.
    assert.equal(await page.locator('[data-test=portal-here-consultation]').count(), 1);
    await settleMap(page);
    await w.shot(page, 'unit-indicators');

    // Click the map a little east of the pin: whatever unit is there, the page shows that one.
    const box = (await page.locator('[data-test=portal-pin]').boundingBox())!;
    const clicked = page.waitForResponse((r) => r.url().includes('/api/portal/at?'));
    await page.mouse.click(box.x + box.width / 2 + 70, box.y + box.height + 30);
    assert.equal((await clicked).status(), 200);
    await page.waitForFunction(
      (prev) => document.querySelector('[data-test=portal-point]')?.getAttribute('data-point') !== prev,
      `${lon},${lat}`,
    );
    const [lon2, lat2] = await pointShown(page);
    assert.ok(lon2 > lon, 'the click was east of the pin');
    const there = await unitAt(lon2, lat2);
    assert.equal(there.length, 1, `a unit at the clicked point ${lon2},${lat2}`);
    await page.waitForSelector('[data-test=portal-indicators]');
    assert.equal((await page.textContent('[data-test=portal-unit-name]'))!.trim(), there[0].properties.DYMC);
    const p = there[0].properties;
    assert.deepEqual(await indicatorsShown(page), { RJLSX: p.RJLSX, JZMDSX: p.JZMDSX, LDLXX: p.LDLXX, JZXG: p.JZXG });
    // Control lines name their meaning; every one shown is a public layer.
    const controls = await page.$$eval('[data-test=portal-control]', (els) => els.map((e) => e.getAttribute('data-layer')!));
    for (const c of controls) assert.ok(restricted.publicCodes.has(c), `control ${c} is public`);
    // 附近规划: distances in 米, nearest first, all within the 1 km default radius.
    const dists = (await page.locator('[data-test=portal-facility] [data-test=portal-distance]').allTextContents()).map((s) => s.trim());
    assert.ok(dists.length > 0, 'facilities near the point');
    for (const d of dists) assert.match(d, /^[\d,]+ 米$/);
    const metres = dists.map((d) => Number(d.replace(/[^\d]/g, '')));
    assert.deepEqual(
      metres,
      [...metres].sort((a, b) => a - b),
    );
    assert.ok(metres.every((m) => m <= 1000));
    await settleMap(page);
    await w.shot(page, 'click-query');
    await page.locator('[data-test=portal-nearby]').scrollIntoViewIfNeeded();
    await w.shot(page, 'nearby');
    // A wider radius asks again and finds at least as many.
    const wider = page.waitForResponse((r) => r.url().includes('/api/portal/at?') && r.url().includes('radius=2000'));
    await page.click('[data-test=portal-radius-2000]');
    await wider;
    await page.waitForFunction((n) => document.querySelectorAll('[data-test=portal-facility]').length >= Math.min(n, 6), dists.length);
    await context.close();
  });

  test('anonymous comment → awaiting moderation; a planner approves it; the public then sees it', async () => {
    const { context, page } = await w.newPage();
    traffic.push(record(context));
    page.setDefaultTimeout(20_000);
    await page.goto('/portal');
    await page.click('[data-test=portal-tab-consult]');
    await page.click('[data-test=portal-consultation-item][data-state=open]');
    await page.waitForSelector('[data-test=portal-comment-form]');
    // Demo consultation: 30 days from ten days before "today" (2026-06-30): 20 June to 19 July, so
    // 20 days are left counting today (城乡规划法 第二十六条: no less than 30 days).
    assert.match((await page.textContent('[data-test=portal-days-left]'))!, /还剩 20 天/);
    assert.match((await page.textContent('[data-test=portal-consultation]'))!, /2026年06月20日 至 2026年07月19日/);
    await settleMap(page);
    await w.shot(page, 'consultation');
    const id = Number(new URL(page.url()).searchParams.get('c'));
    assert.ok(id > 0, 'the address keeps the consultation');

    await page.fill('[data-test=portal-comment-form] textarea[name=text]', COMMENT);
    await page.fill('[data-test=portal-comment-form] input[name=name]', '王女士');
    await page.fill('[data-test=portal-comment-form] input[name=contact]', '13700001111');
    const sent = page.waitForResponse(
      (r) => r.url().endsWith(`/api/portal/consultations/${id}/comments`) && r.request().method() === 'POST',
    );
    await page.click('[data-test=portal-comment-submit]');
    assert.equal((await sent).status(), 201);
    await page.waitForSelector('[data-test=portal-comment-done]');
    const done = (await page.textContent('[data-test=portal-comment-done]'))!;
    assert.match(done, /审核通过后将在本页公开显示/);
    assert.equal((await page.textContent('[data-test=portal-comment-status]'))!.trim(), '待审核');
    await w.shot(page, 'comment-awaiting-moderation');
    // Not public yet.
    await page.reload();
    await page.waitForSelector('[data-test=portal-comments]');
    assert.ok(!(await page.textContent('[data-test=portal-comments]'))!.includes(COMMENT), 'a pending comment is not shown');

    // The planner moderates on the staff page.
    const staff = await w.newPage();
    staff.page.setDefaultTimeout(20_000);
    await w.login(staff.page, 'planner');
    await staff.page.goto('/portal/manage');
    await staff.page.click('[data-test=portal-manage-tab-moderation]');
    const item = staff.page.locator('[data-test=portal-mod-item]', { hasText: COMMENT });
    await item.waitFor();
    assert.match((await item.textContent())!, /13700001111/, 'staff see the contact');
    await w.shot(staff.page, 'moderation-queue');
    await item.locator('[data-test=portal-mod-approve]').click();
    await staff.page.locator('[data-test=portal-mod-item][data-status=approved]', { hasText: COMMENT }).waitFor();
    await w.shot(staff.page, 'moderation-approved');

    await page.reload();
    const shown = page.locator('[data-test=portal-public-comment]', { hasText: COMMENT });
    await shown.waitFor();
    assert.match((await shown.textContent())!, /王女士/);
    assert.ok(!(await page.textContent('[data-test=portal-consultation]'))!.includes('13700001111'), 'the contact is never public');
    await page.locator('[data-test=portal-comments]').scrollIntoViewIfNeeded();
    await w.shot(page, 'comment-published');
    await staff.context.close();
    await context.close();
  });

  test('a planner publishes a consultation over a unit; the public lists it as open', async () => {
    const { context, page } = await w.newPage();
    page.setDefaultTimeout(20_000);
    await w.login(page, 'planner');
    await page.goto('/portal/manage');
    await page.click('[data-test=portal-manage-new]');
    await page.fill('input[name=unit]', '西湖区-02');
    await page.click('[data-test=portal-manage-unit-find]');
    const hit = page.locator('[data-test=portal-manage-unit-hit]').first();
    await hit.waitFor();
    const unitFid = (await hit.locator('small').textContent())!.trim();
    await hit.click();
    await page.waitForFunction(() => (document.querySelector('input[name=title]') as HTMLInputElement | null)?.value.includes('西湖区-02'));
    await page.fill('input[name=startDate]', '2026-06-25');
    await page.fill('input[name=endDate]', '2026-07-24');
    await page.fill('textarea[name=summary]', '优化单元内社区服务设施布局。');
    await page.waitForTimeout(800);
    await w.shot(page, 'manage-new-consultation');
    await page.click('[data-test=portal-manage-save]');
    await page.waitForSelector('[data-test=portal-manage-notice]');
    await w.shot(page, 'manage-published');
    await context.close();

    const list = (await get('/api/portal/consultations')) as {
      id: number;
      title: string;
      state: string;
      daysLeft: number;
      areaM2: number;
    }[];
    const mine = list.find((c) => c.title.includes('西湖区-02'));
    assert.ok(mine, 'published');
    // 25 June – 24 July with "today" 30 June: open, 24 days to go after today plus today = 25.
    assert.deepEqual([mine.state, mine.daysLeft], ['open', 25]);
    // Its area is the unit's (the same boundary, the same ellipsoidal area within 0.1%).
    const feat = await get(`/ogcapi/collections/XXGHDY/items/${encodeURIComponent(unitFid)}?f=json`);
    const pt = await w.db.query<{ m2: number }>(`SELECT ST_Area(ST_SetSRID(ST_GeomFromGeoJSON($1), 4490)::geography) AS m2`, [
      JSON.stringify(feat.geometry),
    ]);
    assert.ok(Math.abs(mine.areaM2 - pt.rows[0].m2) / pt.rows[0].m2 < 1e-3, `${mine.areaM2} vs ${pt.rows[0].m2}`);
  });

  test('phone (390×844): the map fills the screen and the answer is a bottom sheet', async () => {
    const { context, page } = await w.newPage({ width: 390, height: 844, isMobile: true });
    traffic.push(record(context));
    page.setDefaultTimeout(20_000);
    await page.goto('/portal');
    await page.waitForSelector('[data-test=portal-intro]');
    await settleMap(page);
    const map = (await page.locator('[data-test=portal-map]').boundingBox())!;
    assert.deepEqual([map.x, map.y, map.width, map.height], [0, 0, 390, 844], 'the map fills the screen');
    const sheet = () => page.locator('[data-test=portal-panel]');
    assert.equal(await sheet().getAttribute('data-snap'), 'peek');
    let b = (await sheet().boundingBox())!;
    assert.equal(Math.round(b.y + b.height), 844, 'the sheet sits on the bottom edge');
    assert.ok(b.height < 844 * 0.3, `peeking sheet ${b.height}px`);
    await w.shot(page, 'phone-start');

    await page.fill('[data-test=portal-search-input]', '上城区-01');
    await page.locator('[data-test=portal-search-hit]').first().waitFor();
    const answered = page.waitForResponse((r) => r.url().includes('/api/portal/at?'));
    await page.press('[data-test=portal-search-input]', 'Enter');
    await answered;
    await page.waitForSelector('[data-test=portal-indicators]');
    await page.waitForFunction(() => document.querySelector('[data-test=portal-panel]')?.getAttribute('data-snap') === 'half');
    await page.waitForTimeout(400);
    b = (await sheet().boundingBox())!;
    assert.ok(b.height > 844 * 0.4 && b.height < 844 * 0.6, `half sheet ${b.height}px`);
    await pointShown(page);
    await settleMap(page);
    await w.shot(page, 'phone-result');

    await page.click('[data-test=portal-sheet-handle]');
    await page.waitForFunction(() => document.querySelector('[data-test=portal-panel]')?.getAttribute('data-snap') === 'full');
    await page.waitForTimeout(400);
    await w.shot(page, 'phone-full');
    await page.locator('[data-test=portal-nearby]').scrollIntoViewIfNeeded();
    await w.shot(page, 'phone-nearby');

    await page.click('[data-test=portal-tab-consult]');
    await page.click('[data-test=portal-consultation-item][data-state=open]');
    await page.waitForSelector('[data-test=portal-comment-form]');
    await page.fill('[data-test=portal-comment-form] textarea[name=text]', '手机上提交的意见：建议保留现有行道树。');
    await page.locator('[data-test=portal-comment-submit]').scrollIntoViewIfNeeded();
    await w.shot(page, 'phone-comment-form');
    await page.click('[data-test=portal-comment-submit]');
    await page.waitForSelector('[data-test=portal-comment-done]');
    await w.shot(page, 'phone-comment-done');
    // Stepping the sheet down shows the consultation area on the map.
    await page.click('[data-test=portal-sheet-handle]');
    await page.waitForFunction(() => document.querySelector('[data-test=portal-panel]')?.getAttribute('data-snap') === 'peek');
    await settleMap(page);
    await w.shot(page, 'phone-map-again');
    await context.close();
  });

  test('no anonymous page received a restricted layer, attribute or feature (JSON and decoded tiles)', async (t) => {
    for (const t of traffic) await t.settle();
    // Restricted features around every point the public asked about, read as an administrator.
    for (const [lon, lat] of asked) {
      for (const code of restricted.codes) {
        const fc = await get(
          `/ogcapi/collections/${code}/items?bbox=${lon - 0.02},${lat - 0.02},${lon + 0.02},${lat + 0.02}&limit=500&f=json`,
          admin,
        );
        for (const f of fc.features as { id: string | number }[]) restricted.fids.add(String(f.id));
      }
    }
    assert.ok(restricted.fids.size > 0, 'restricted features lie around the points asked (else the fid check proves nothing)');
    const seen = traffic.flatMap((t) => t.responses);
    const requests = traffic.flatMap((t) => t.requests);
    const r = leaks(seen, requests, restricted);
    assert.deepEqual(r.problems, []);
    t.diagnostic(
      `checked ${seen.length} responses: ${r.json} JSON, ${r.tiles} tiles (layers ${[...r.tileLayers].join(' ')}); ${restricted.fids.size} restricted features near ${asked.length} points`,
    );
    // The check had something to look at: portal answers, consultations and the public tiles drawn.
    assert.ok(r.json >= 10, `${r.json} JSON responses checked`);
    assert.ok(r.tiles >= 5, `${r.tiles} vector tiles decoded`);
    for (const code of ['GHYD', 'XXGHDY', 'XZQ']) assert.ok(r.tileLayers.has(code), `${code} tiles drawn (${[...r.tileLayers]})`);
    assert.ok(seen.some((s) => s.url.includes('/api/portal/at?') && s.status === 200));

    // And the checker does catch a leak: what an administrator receives for the same kind of requests.
    const [lon, lat] = asked[0];
    const z = 12;
    const x = Math.floor(((lon + 180) / 360) * 2 ** z);
    const y = Math.floor(((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z);
    const tile = await w.app.inject({ url: `/tiles/DLTB/${z}/${x}/${y}.mvt`, headers: admin });
    const layers = await w.app.inject({ url: '/api/layers', headers: admin });
    const zd = await w.app.inject({
      url: `/ogcapi/collections/ZD/items?bbox=${lon - 0.02},${lat - 0.02},${lon + 0.02},${lat + 0.02}&f=json`,
      headers: admin,
    });
    const control = leaks(
      [
        {
          url: `/tiles/DLTB/${z}/${x}/${y}.mvt`,
          status: tile.statusCode,
          type: String(tile.headers['content-type']),
          body: tile.rawPayload,
        },
        { url: '/api/layers', status: 200, type: 'application/json', body: layers.rawPayload },
        { url: '/ogcapi/collections/ZD/items', status: 200, type: 'application/geo+json', body: zd.rawPayload },
      ],
      [`${w.base}/tiles/CX/1/1/1.mvt`],
      restricted,
    );
    for (const want of [
      /tile layer "DLTB" is not public/,
      /restricted layer code "ZD"/,
      /restricted attribute "ZDDM"/,
      /restricted feature/,
      /request for layer CX/,
    ]) {
      assert.ok(
        control.problems.some((p) => want.test(p)),
        `the checker reports ${want}: ${control.problems.slice(0, 5).join('; ')}`,
      );
    }
  });
});
