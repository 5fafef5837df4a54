// The review workbench in a real browser on the `small` demo city: a planner uploads a project
// boundary (fixtures/web/project-farmland.txt, coordinate TXT) and sees the findings on the map and
// in the table; a reviewer finds the case by title, judges every finding with a reason, decides,
// signs and downloads the review opinion PDF. Also: a boundary drawn on the map, and a bad file
// refused with the reader's message. Screenshots under test-artifacts/browser/review/.
//
// The fixture's two 200 m × 200 m parcels (EPSG:4528, zone 40, next to the 120°E central meridian)
// were placed on the demo city by hand: DK-01 inside permanent farmland patch 330110JB000002,
// DK-02 east of it, outside any permanent farmland. The test checks that placement on the
// database first, so a changed demo generator fails here with a clear message rather than with
// odd numbers. Expected figures by hand: project 2 × 40,000 = 80,000 m² = 120 亩; the farmland
// overlap is DK-01, 40,000 m² = 60 亩 = 50% of the project. Near the central meridian planar and
// ellipsoidal areas agree to about 1e-6, so the page's ellipsoidal figures match within 0.01%.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWebApp, DEMO_PASSWORD, type WebApp } from './helpers/web.ts';
import { pdfText } from './helpers/pdf-text.ts';
import { setLayerCoverage } from '../src/catalogue/catalogue.service.ts';

const FIXTURE = join(process.cwd(), 'fixtures', 'web', 'project-farmland.txt');
// Parcels of the fixture in EPSG:4549 (the TXT's eastings less the zone prefix 40 000 000).
const DK01 = [496300, 3375200, 496500, 3375400];
const DK02 = [497100, 3375200, 497300, 3375400];
const TITLE = '余杭区仓储物流园项目';
const WAIT = { timeout: 30_000 };

/** "39,999.99" → 39999.99 */
const numberIn = (s: string | null) => Number((s ?? '').replace(/[^0-9.-]/g, ''));
const near = (actual: number, expected: number, rel: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * rel, `${what}: expected ≈ ${expected}, got ${actual}`);

describe('review workbench (browser, pglite)', () => {
  let w: WebApp;
  let caseId: number;
  before(async () => {
    w = await startWebApp('review');
  });
  after(async () => {
    await w?.close();
  });

  test('the fixture lies where the expected figures assume', async () => {
    const txt = readFileSync(FIXTURE, 'utf8');
    for (const [e, n] of [
      [DK01[0], DK01[1]],
      [DK02[2], DK02[3]],
    ])
      assert.ok(txt.includes(`${n}.000,40${e}.000`), `fixture has corner ${n},${e}`);
    const q = async (b: number[]) =>
      (
        await w.db.query<{ inside: boolean; touches: boolean }>(
          `WITH p AS (SELECT ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4549), 4490) AS g)
       SELECT bool_or(ST_Within(p.g, f.geom)) AS inside, bool_or(ST_Intersects(p.g, f.geom)) AS touches
         FROM p, feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'YJJBNT' AND f.v_to IS NULL`,
          b,
        )
      ).rows[0];
    assert.deepEqual(await q(DK01), { inside: true, touches: true }, 'DK-01 lies inside a permanent-farmland patch of the small demo city');
    assert.equal((await q(DK02)).touches, false, 'DK-02 touches no permanent farmland');
  });

  test('the GeoJSON fixture is the same boundary as the coordinate TXT', async () => {
    // Machine review of both files through the upload API: the same frozen boundary (hash) and area.
    const login = await fetch(`${w.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'planner', password: DEMO_PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const run = async (file: string) => {
      const form = new FormData();
      form.set('type', 'urban-construction');
      form.set('file', new Blob([readFileSync(join(process.cwd(), 'fixtures', 'web', file))]), file);
      const r = await fetch(`${w.base}/api/review/runs/file`, { method: 'POST', headers: { cookie, origin: w.base }, body: form });
      assert.equal(r.status, 201, await r.clone().text());
      return (await r.json()) as { project: { hash: string; areaM2: number; parcelCount: number } };
    };
    const [txt, geojson] = [await run('project-farmland.txt'), await run('project-farmland.geojson')];
    assert.equal(geojson.project.hash, txt.project.hash);
    assert.equal(geojson.project.parcelCount, 2);
    near(geojson.project.areaM2, 80000, 1e-4, 'project area');
  });

  test('a planner uploads the boundary and sees the findings on the map and in the table', async () => {
    // 紫线 data is declared complete only in a square 10 km away: for this project ZX has no data,
    // which the page must show apart from "no conflict".
    const away = (
      await w.db.query<{ g: string }>(
        `SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(506000, 3385000, 507000, 3386000, 4549), 4490)) AS g`,
      )
    ).rows[0].g;
    await setLayerCoverage(w.db, 'ZX', JSON.parse(away), 'test');
    const { page } = await w.newPage({ width: 1440, height: 900 });
    await w.login(page, 'planner');
    await page.goto('/review/cases');
    await page.waitForSelector('[data-test=review-cases-empty]', WAIT);
    await w.shot(page, 'cases-empty');

    await page.click('[data-test=review-new]');
    await page.waitForSelector('[data-test=review-new-form]');
    await page.fill('[data-test=review-title]', TITLE);
    await page.fill('[data-test=review-applicant]', '杭州余杭物流集团有限公司');
    await page.selectOption('[data-test=review-type]', 'urban-construction');
    // The file field speaks the page's language: the native "Choose Files" control is hidden.
    assert.equal(await page.locator('[data-test=review-file]').isVisible(), false);
    assert.equal(await page.textContent('[data-test=review-file-choose]'), '选择文件');
    await page.setInputFiles('[data-test=review-file]', FIXTURE);
    await w.shot(page, 'new-upload');
    // Hold the upload back a moment so the progress display can be seen and photographed.
    await page.route('**/api/review/cases/file', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await page.click('[data-test=review-submit]');
    const progress = await page.waitForSelector('[data-test=review-progress]', WAIT);
    assert.match((await progress.textContent()) ?? '', /上传|机审/);
    await w.shot(page, 'new-progress');
    await page.waitForURL(/\/review\/cases\/\d+$/, WAIT);
    caseId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.waitForSelector('[data-test=review-findings]', WAIT);
    await page.waitForSelector('[data-test=review-map][data-loaded=true]', WAIT);
    await page.waitForTimeout(1500); // tiles of the hit layers
    await w.shot(page, 'case-findings');

    assert.equal(await page.textContent('[data-test=review-case-title]'), TITLE);
    assert.match((await page.textContent('[data-test=review-case-verdict]')) ?? '', /不通过/);
    const areaText = (await page.textContent('[data-test=review-case-area]')) ?? '';
    near(numberIn(areaText.split('m²')[0]), 80000, 1e-4, 'project area m²');
    assert.match(areaText, /120\.00 亩/);

    const row = page.locator('[data-test="review-finding-yjjbnt:YJJBNT"]');
    assert.match((await row.textContent()) ?? '', /占用永久基本农田/);
    assert.match((await row.textContent()) ?? '', /不通过/);
    near(numberIn(await row.locator('[data-test=review-f-m2]').textContent()), 40000, 1e-4, 'farmland overlap m²');
    assert.equal(await row.locator('[data-test=review-f-mu]').textContent(), '60.00');
    assert.equal(await row.locator('[data-test=review-f-pct]').textContent(), '50.00%');
    assert.match((await row.textContent()) ?? '', /土地管理法/);
    assert.match((await row.textContent()) ?? '', /待人审/);
    // The overlap is drawn in the farmland's colour and listed in the legend.
    assert.equal(await page.locator('[data-test=review-legend-YJJBNT]').count(), 1);
    // 城镇开发边界: the whole project lies outside it.
    const bj = page.locator('[data-test="review-finding-czkfbj:CZKFBJ"]');
    assert.equal(await bj.locator('[data-test=review-f-pct]').textContent(), '100.00%');
    // No data is its own group, never among the passes, and shows no area.
    const zx = page.locator('[data-test=review-group-no-data] [data-test="review-finding-zx:ZX"]');
    assert.match((await zx.textContent()) ?? '', /无数据/);
    assert.equal(await zx.locator('[data-test=review-f-m2]').textContent(), '—');
    assert.equal(await page.locator('[data-test=review-group-pass] [data-test="review-finding-zx:ZX"]').count(), 0);

    // Planners see the findings but do not judge them.
    await row.click();
    await page.waitForSelector('[data-test="review-detail-yjjbnt:YJJBNT"]');
    assert.equal(await page.locator('[data-test="review-judge-yjjbnt:YJJBNT"]').count(), 0);
    await w.shot(page, 'case-finding-detail-planner');
  });

  test('a reviewer judges each finding with a reason, decides, signs and downloads the opinion PDF', async () => {
    const { page } = await w.newPage({ width: 1440, height: 900 });
    await w.login(page, 'reviewer');
    await page.goto('/review/cases');
    await page.fill('[data-test=review-search]', '物流园');
    await page.press('[data-test=review-search]', 'Enter');
    await page.waitForURL(/q=/);
    await page.waitForSelector(`[data-test=review-case-row-${caseId}]`, WAIT);
    assert.equal(await page.locator('[data-test=review-cases] tbody tr').count(), 1);
    await w.shot(page, 'cases-search');
    await page.click(`[data-test=review-case-row-${caseId}] a`);
    await page.waitForSelector('[data-test=review-findings]', WAIT);

    const pending = await page
      .locator(
        '[data-test=review-group-attention] tr[data-test^=review-finding-], [data-test=review-group-no-data] tr[data-test^=review-finding-]',
      )
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-test')!.replace('review-finding-', '')));
    assert.ok(
      pending.includes('yjjbnt:YJJBNT') && pending.includes('czkfbj:CZKFBJ') && pending.includes('zx:ZX'),
      `findings to judge: ${pending.join(', ')}`,
    );

    const judge = async (key: string, action: 'confirm' | 'override' | 'false-positive', reason: string, verdict?: string) => {
      const detail = page.locator(`[data-test="review-detail-${key}"]`);
      if (!(await detail.count())) await page.click(`[data-test="review-finding-${key}"]`);
      const form = page.locator(`[data-test="review-judge-${key}"]`);
      await form.waitFor(WAIT);
      await form.locator(`[data-test=review-action-${action}]`).check();
      if (verdict) await form.locator('[data-test=review-override-verdict]').selectOption(verdict);
      await form.locator('[data-test=review-reason]').fill(reason);
      await form.locator('[data-test=review-judge-submit]').click();
      await page.waitForSelector(`[data-test="review-final-${key}"]`, WAIT);
    };

    // A judgement without a reason is refused on the page.
    await page.click('[data-test="review-finding-yjjbnt:YJJBNT"]');
    const form = page.locator('[data-test="review-judge-yjjbnt:YJJBNT"]');
    await form.locator('[data-test=review-judge-submit]').click();
    assert.match((await form.locator('[data-test=review-judge-error]').textContent()) ?? '', /理由/);
    await w.shot(page, 'judge-needs-reason');

    await judge('yjjbnt:YJJBNT', 'confirm', '经核实，DK-01 地块位于永久基本农田内，未取得国务院批准文件');
    assert.match((await page.textContent('[data-test="review-final-yjjbnt:YJJBNT"]')) ?? '', /不通过/);
    await w.shot(page, 'judged-farmland');
    for (const key of pending.filter((k) => k !== 'yjjbnt:YJJBNT')) {
      if (key.startsWith('ghyd-use')) await judge(key, 'override', '用途调整已纳入在编详细规划，改判为通过', 'pass');
      else if (key.startsWith('xxghdy')) await judge(key, 'false-positive', '项目为仓储用地，不适用居住类强度指标');
      else if (key === 'zx:ZX') await judge(key, 'override', '已调阅历史文化名城保护规划，项目不涉及紫线', 'pass');
      else await judge(key, 'confirm', '核实无误');
    }
    if (pending.some((k) => k.startsWith('ghyd-use')))
      assert.match((await page.textContent('[data-test="review-final-ghyd-use:GHYD"]')) ?? '', /通过/);
    await w.shot(page, 'all-judged');

    await page.click('[data-test=review-tab-decision]');
    await page.waitForSelector('[data-test=review-decision-form]');
    // 通过 while a finding stands as 不通过 is refused by the server, with its reason shown.
    await page.check('[data-test=review-decision-通过]');
    await page.click('[data-test=review-decide]');
    assert.match((await page.textContent('[data-test=review-decision-error]')) ?? '', /不通过/);
    await page.check('[data-test=review-decision-不通过]');
    await page.fill(
      '[data-test=review-opinion]',
      '项目 DK-01 地块占用永久基本农田 60 亩，且项目位于城镇开发边界外，依据《土地管理法》第三十五条，不予通过。',
    );
    await w.shot(page, 'decision-form');
    await page.click('[data-test=review-decide]');
    await page.waitForSelector('[data-test=review-current-decision]', WAIT);
    assert.match((await page.textContent('[data-test=review-case-status]')) ?? '', /已决定/);
    // 签发 is irreversible: the app's own dialog asks first; cancelling leaves the case unsigned.
    await page.click('[data-test=review-sign]');
    await page.waitForSelector('[data-test=confirm-dialog]', WAIT);
    assert.match((await page.textContent('[data-test=confirm-message]')) ?? '', /不通过[\s\S]*签发后案卷冻结/);
    await w.shot(page, 'sign-confirm');
    await page.click('[data-test=confirm-cancel]');
    await page.waitForSelector('[data-test=confirm-dialog]', { state: 'detached', ...WAIT });
    assert.match((await page.textContent('[data-test=review-case-status]')) ?? '', /已决定/);
    assert.equal(await page.locator('[data-test=review-signed]').count(), 0);
    const unsigned = await page.request.get(`/api/review/cases/${caseId}`);
    assert.equal(((await unsigned.json()) as { status: string; signedBy: string | null }).status, 'decided', 'cancel signs nothing');
    await page.click('[data-test=review-sign]');
    await page.click('[data-test=confirm-ok]');
    await page.waitForSelector('[data-test=review-signed]', WAIT);
    assert.match((await page.textContent('[data-test=review-case-status]')) ?? '', /已签发/);
    // The signer by name and role, not the login; the machine verdict no longer red beside 已签发.
    assert.match((await page.textContent('[data-test=review-signed]')) ?? '', /李明华（审查员）/);
    const badge = page.locator('[data-test=review-case-verdict]');
    assert.match((await badge.getAttribute('class')) ?? '', /rv-v-settled/);
    assert.doesNotMatch((await badge.getAttribute('class')) ?? '', /rv-v-fail/);
    await w.shot(page, 'signed');

    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.click('[data-test=review-pdf]')]);
    assert.match(download.suggestedFilename(), /\.pdf$/);
    const pdf = readFileSync(await download.path());
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.length > 20_000, `the opinion PDF has ${pdf.length} bytes`);
    const text = (await pdfText(pdf)).pages.join('\n');
    assert.ok(text.includes(TITLE), 'the PDF names the project');
    assert.ok(text.includes('不通过'), 'the PDF carries the decision');
    // People and fields by name (issue 19 items 3, 4): the signer, the farmland patch's attributes
    // under the catalogue's names, and none of the field codes of the layers the project touches.
    assert.ok(text.includes('签发人：李明华（审查员）'), 'the PDF names the signer and role');
    assert.ok(text.includes('杭州市规划和自然资源局'), 'the bureau heads the PDF');
    assert.match(text, /保护图斑编号：330110JB000002/);
    for (const code of ['BHTBBH', 'DLBM', 'ZLDWDM', 'BJBH', 'YDYHFLDM', 'DYBH', 'JZXG', 'HCJL', 'XXGHDY', '（YJJBNT）'])
      assert.ok(!text.includes(code), `the PDF shows no field or layer code ${code}`);
    assert.doesNotMatch(text, /图层 [A-Z]{2,}/, 'layers by name, not 图层 JC');
    assert.ok(!/\breviewer\b|onemap/.test(text), 'no login, no product name');

    const html = await page.request.get((await page.getAttribute('[data-test=review-opinion-html]', 'href')) ?? '');
    assert.equal(html.status(), 200);
    assert.ok((await html.text()).includes(TITLE));

    await page.click('[data-test=review-tab-trail]');
    await page.waitForSelector('[data-test=review-trail] li');
    const steps = await page.locator('[data-test=review-trail] li').count();
    assert.ok(
      steps >= 2 + pending.length + 2,
      `trail has ${steps} steps: submit, machine review, ${pending.length} judgements, decision, signature`,
    );
    assert.match((await page.textContent('[data-test=review-trail]')) ?? '', /签发/);
    await w.shot(page, 'trail');

    // The same case in English: labels switch, figures keep their units.
    await page.click('[data-test=review-tab-findings]');
    await page.click('[data-test=lang]');
    assert.match((await page.textContent('[data-test=review-case-status]')) ?? '', /Signed/);
    assert.match((await page.textContent('[data-test=review-case-area]')) ?? '', /120\.00 mu/);
    await w.shot(page, 'case-english');
    await page.click('[data-test=lang]');
  });

  test('a boundary drawn on the map is submitted and reviewed', async () => {
    const { page } = await w.newPage({ width: 1440, height: 900 });
    await w.login(page, 'planner');
    await page.goto('/review/new');
    await page.fill('[data-test=review-title]', '地图绘制测试项目');
    await page.click('[data-test=review-source-draw]');
    const map = page.locator('[data-test=review-draw-map] canvas');
    await map.waitFor(WAIT);
    // Find a detailed-plan unit by its code first, so the drawn boundary is a few hundred metres
    // across rather than half the city.
    const unit = (
      await w.db.query<{ fid: string }>(
        `SELECT f.fid FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'XXGHDY' WHERE f.v_to IS NULL ORDER BY f.fid LIMIT 1`,
      )
    ).rows[0].fid;
    await page.fill('[data-test=review-draw-search]', unit);
    await page.press('[data-test=review-draw-search]', 'Enter');
    await page.waitForTimeout(1500);
    const box = (await map.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    for (const [dx, dy] of [
      [-60, -40],
      [60, -45],
      [70, 40],
      [-50, 50],
    ])
      await page.mouse.click(cx + dx, cy + dy);
    await page.click('[data-test=review-draw-finish]');
    assert.match((await page.textContent('[data-test=review-draw-state]')) ?? '', /4/);
    assert.match((await page.textContent('[data-test=review-draw-note]')) ?? '', /4/);
    await w.shot(page, 'new-draw');
    await page.click('[data-test=review-submit]');
    await page.waitForURL(/\/review\/cases\/\d+$/, WAIT);
    await page.waitForSelector('[data-test=review-findings]', WAIT);
    await page.waitForSelector('[data-test=review-map][data-loaded=true]', WAIT);
    assert.equal(await page.textContent('[data-test=review-case-title]'), '地图绘制测试项目');
    assert.match((await page.textContent('[data-test=review-case-area]')) ?? '', /亩/);
    await w.shot(page, 'case-drawn');
  });

  test('a file the reader refuses shows the reason on the page and creates no case', async () => {
    const { page } = await w.newPage();
    await w.login(page, 'planner');
    const before = (await w.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM review_case`)).rows[0].n;
    await page.goto('/review/new');
    await page.fill('[data-test=review-title]', '坐标轴颠倒的文件');
    await page.setInputFiles('[data-test=review-file]', join(process.cwd(), 'fixtures', 'import', 'coordtxt', 'swapped_axes.txt'));
    await page.click('[data-test=review-submit]');
    const err = await page.waitForSelector('[data-test=review-new-error]', WAIT);
    assert.match((await err.textContent()) ?? '', /line 14|第 ?14 ?行/);
    await w.shot(page, 'new-refused');
    assert.equal((await w.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM review_case`)).rows[0].n, before);
  });

  test('坐标来源 GCJ-02 converts the uploaded boundary; the importer warnings show with the result', async () => {
    const { page } = await w.newPage({ width: 1440, height: 900 });
    await w.login(page, 'planner');
    await page.goto('/review/new');
    await page.waitForSelector('[data-test=review-new-form]');
    const from = page.locator('[data-test=review-from]');
    assert.deepEqual(await from.locator('option').allTextContents(), ['CGCS2000', '高德·DataV（GCJ-02）', '百度（BD-09）']);
    // DK-02's square as a web map would give it: the page sends from=gcj02 and the server converts.
    const g = (
      await w.db.query<{ g: string }>(`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4549), 4490), 9) AS g`, DK02)
    ).rows[0].g;
    const feature = JSON.stringify({ type: 'Feature', properties: {}, geometry: JSON.parse(g) });
    await page.fill('[data-test=review-title]', '高德坐标红线');
    await page.setInputFiles('[data-test=review-file]', {
      name: 'gaode.geojson',
      mimeType: 'application/json',
      buffer: Buffer.from(feature),
    });
    await from.selectOption('gcj02');
    await w.shot(page, 'new-from-gcj02');
    await page.click('[data-test=review-submit]');
    await page.waitForURL(/\/review\/cases\/\d+$/, WAIT);
    await page.waitForSelector('[data-test=review-findings]', WAIT);
    assert.match((await page.textContent('[data-test=review-case-crs]')) ?? '', /坐标：.*GCJ-02.*CGCS2000/);
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const run = (
      await w.db.query<{ from: string | null }>(
        `SELECT r.result->'project'->'source'->>'from' AS from FROM review_case c JOIN review_run r ON r.id = c.run_id WHERE c.id = $1`,
        [id],
      )
    ).rows[0];
    assert.equal(run.from, 'gcj02');

    // A TXT whose 地块面积 says 9 公顷 for a 200 m × 200 m (4 公顷) parcel and whose ring is not closed.
    const txt = [
      '[属性描述]',
      '坐标系=2000国家大地坐标系',
      '几度分带=3',
      '带号=40',
      '[地块坐标]',
      '4,9.0000,DK-09,面积填错的地块,面,,,,@',
      `J1,1,${DK02[1]}.000,40${DK02[0]}.000`,
      `J2,1,${DK02[3]}.000,40${DK02[0]}.000`,
      `J3,1,${DK02[3]}.000,40${DK02[2]}.000`,
      `J4,1,${DK02[1]}.000,40${DK02[2]}.000`,
    ].join('\r\n');
    await page.goto('/review/new');
    await page.waitForSelector('[data-test=review-new-form]');
    await page.fill('[data-test=review-title]', '面积填错的报批文件');
    await page.setInputFiles('[data-test=review-file]', { name: '报批坐标.txt', mimeType: 'text/plain', buffer: Buffer.from(txt) });
    await page.click('[data-test=review-submit]');
    await page.waitForURL(/\/review\/cases\/\d+$/, WAIT);
    const box = await page.waitForSelector('[data-test=review-case-warnings]', WAIT);
    const text = (await box.textContent()) ?? '';
    assert.match(text, /红线文件提示（2 条）/);
    assert.match(text, /地块 DK-09 的圈号 1 未以首点 J1 结束（环未闭合）/);
    assert.match(text, /地块 DK-09 申报面积 90000\.00 m² 与按界址点计算的 40000\.00 m²/);
    assert.equal(await page.locator('[data-test=review-case-crs]').count(), 0, 'no conversion: no coordinate note');
    await w.shot(page, 'case-file-warnings');
  });
});
