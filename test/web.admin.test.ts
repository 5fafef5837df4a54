// The administration pages in a real browser on the `small` demo city: users and roles (a user added
// through the page signs in; password reset; deactivation ends sign-in; an API token issued on the
// page works), layer metadata edited, a rule set edited as JSON with the server's problems shown and
// then saved as a new version, and the audit trail filtered and exported. Screenshots under
// test-artifacts/browser/admin/.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startWebApp, type WebApp } from './helpers/web.ts';

const WAIT = { timeout: 30_000 };
const NEW_USER = 'zhangsan';
const FIRST_PASSWORD = 'Zs-first-pass-2026';
const SECOND_PASSWORD = 'Zs-second-pass-2026';

/** Signs in on the sign-in page and says whether it got past it. */
async function tryLogin(w: WebApp, username: string, password: string): Promise<{ page: Page; ok: boolean }> {
  const { page } = await w.newPage();
  await page.goto('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  const ok = await Promise.race([
    page.waitForURL((u) => !u.pathname.startsWith('/login'), WAIT).then(() => true),
    page.waitForSelector('[data-test=login-error]', WAIT).then(() => false),
  ]);
  return { page, ok };
}

describe('administration pages (browser, pglite)', () => {
  let w: WebApp;
  let admin: Page;
  before(async () => {
    w = await startWebApp('admin');
    admin = (await w.newPage({ width: 1440, height: 900 })).page;
    await w.login(admin, 'admin');
  });
  after(async () => {
    await w?.close();
  });

  test('users and roles: the demo accounts are listed; a user added on the page signs in', async () => {
    await admin.goto('/admin/users');
    await admin.waitForSelector('[data-test=admin-user-row-reviewer]', WAIT);
    for (const u of ['admin', 'planner', 'reviewer', 'xihu', 'inspector'])
      assert.equal(await admin.locator(`[data-test=admin-user-row-${u}]`).count(), 1, u);
    assert.match((await admin.textContent('[data-test=admin-user-row-xihu]')) ?? '', /区县人员.*西湖区/);
    await w.shot(admin, 'users');

    await admin.click('[data-test=admin-user-add]');
    await admin.fill('[data-test=admin-user-username]', NEW_USER);
    await admin.fill('[data-test=admin-user-name]', '张三（西湖分局）');
    await admin.selectOption('[data-test=admin-user-role]', 'district');
    // No district chosen: refused on the page before anything is sent.
    await admin.fill('[data-test=admin-user-password]', FIRST_PASSWORD);
    await admin.fill('[data-test=admin-user-password2]', FIRST_PASSWORD);
    await admin.click('[data-test=admin-user-save]');
    assert.match((await admin.textContent('[data-test=admin-user-error]')) ?? '', /辖区/);
    await admin.locator('[data-test=admin-user-districts] label', { hasText: '西湖区' }).locator('input').check();
    await w.shot(admin, 'user-add');
    await admin.click('[data-test=admin-user-save]');
    await admin.waitForSelector(`[data-test=admin-user-row-${NEW_USER}]`, WAIT);
    assert.match((await admin.textContent('[data-test=admin-done]')) ?? '', new RegExp(NEW_USER));
    assert.match((await admin.textContent(`[data-test=admin-user-row-${NEW_USER}]`)) ?? '', /区县人员.*西湖区.*启用/);
    await w.shot(admin, 'user-added');

    const first = await tryLogin(w, NEW_USER, FIRST_PASSWORD);
    assert.ok(first.ok, 'the new user signs in with the password set on the page');
    assert.match((await first.page.textContent('[data-test=who]')) ?? '', /张三/);
    await w.shot(first.page, 'new-user-signed-in');
  });

  test('a reset password replaces the old one; a deactivated user cannot sign in', async () => {
    await admin.click(`[data-test=admin-user-reset-${NEW_USER}]`);
    await admin.fill('[data-test=admin-password-1]', SECOND_PASSWORD);
    await admin.fill('[data-test=admin-password-2]', SECOND_PASSWORD);
    await admin.click('[data-test=admin-password-save]');
    await admin.waitForFunction(() => document.querySelector('[data-test=admin-done]')?.textContent?.includes('重置'), null, WAIT);
    assert.equal((await tryLogin(w, NEW_USER, FIRST_PASSWORD)).ok, false, 'the old password no longer works');
    assert.equal((await tryLogin(w, NEW_USER, SECOND_PASSWORD)).ok, true, 'the new password works');

    admin.once('dialog', (d) => void d.accept());
    await admin.click(`[data-test=admin-user-deactivate-${NEW_USER}]`);
    await admin.waitForFunction(
      (u) =>
        document.querySelector(`[data-test=admin-user-row-${u}]`)?.textContent?.includes('停用') &&
        !document.querySelector(`[data-test=admin-user-deactivate-${u}]`),
      NEW_USER,
      WAIT,
    );
    assert.equal((await tryLogin(w, NEW_USER, SECOND_PASSWORD)).ok, false, 'a deactivated user is refused');
  });

  test('an API token issued on the page is shown once and works', async () => {
    await admin.selectOption('[data-test=admin-token-user]', 'planner');
    await admin.fill('[data-test=admin-token-name]', '不动产登记系统');
    await admin.click('[data-test=admin-token-issue]');
    const secret = (await admin.locator('[data-test=admin-token-secret] code').textContent({ timeout: 30_000 }))?.trim() ?? '';
    assert.match(secret, /^om_/);
    const me = await fetch(`${w.base}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal((await me.json()).username, 'planner');
    assert.match((await admin.textContent('[data-test=admin-tokens] table')) ?? '', /不动产登记系统/);
    await admin.locator('[data-test=admin-tokens]').scrollIntoViewIfNeeded();
    await w.shot(admin, 'token-issued');
  });

  test('layer catalogue: metadata edited on the page is stored and shown', async () => {
    await admin.goto('/admin/layers');
    await admin.waitForSelector('[data-test=admin-layer-row-YJJBNT]', WAIT);
    const layers = (await w.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM layer`)).rows[0].n;
    assert.equal(await admin.locator('[data-test=admin-layers] tbody tr').count(), layers);
    await w.shot(admin, 'layers');
    await admin.click('[data-test=admin-layer-edit-YJJBNT]');
    const basis = '《中华人民共和国土地管理法》第三十五条；《基本农田保护条例》第十七条';
    await admin.fill('[data-test=admin-layer-basis]', basis);
    await admin.fill('[data-test=admin-layer-owner]', '杭州市规划和自然资源局耕地保护处');
    await admin.fill('[data-test=admin-layer-date]', '2026-05-31');
    await w.shot(admin, 'layer-edit');
    await admin.click('[data-test=admin-layer-save]');
    await admin.waitForSelector('[data-test=admin-done]', WAIT);
    const row = admin.locator('[data-test=admin-layer-row-YJJBNT]');
    assert.equal(await row.locator('[data-test=admin-layer-basis-cell]').textContent(), basis);
    assert.match((await row.textContent()) ?? '', /2026年05月31日/);
    const stored = (
      await w.db.query<{ legal_basis: string; owner_dept: string; d: string }>(
        `SELECT legal_basis, owner_dept, data_date::text AS d FROM layer WHERE code = 'YJJBNT'`,
      )
    ).rows[0];
    assert.deepEqual(stored, { legal_basis: basis, owner_dept: '杭州市规划和自然资源局耕地保护处', d: '2026-05-31' });
  });

  test('layer import: 坐标来源 and encoding go with the file; the result lists what the import noticed', async () => {
    const versions = async () =>
      (
        await w.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM layer_version v JOIN layer l ON l.id = v.layer_id WHERE l.code = 'YJJBNT'`,
        )
      ).rows[0].n;
    const before = await versions();
    await admin.goto('/admin/layers');
    await admin.waitForSelector('[data-test=admin-layer-row-YJJBNT]', WAIT);
    await admin.click('[data-test=admin-layer-import-YJJBNT]');
    const from = admin.locator('[data-test=admin-import-from]');
    assert.deepEqual(await from.locator('option').allTextContents(), ['CGCS2000', '高德·DataV（GCJ-02）', '百度（BD-09）']);
    // A 200 m × 200 m parcel (4 公顷, east of the review fixture's DK-02) declared as 9 公顷, ring not closed.
    const txt = [
      '[属性描述]',
      '坐标系=2000国家大地坐标系',
      '几度分带=3',
      '带号=40',
      '[地块坐标]',
      '4,9.0000,DK-09,面积填错的地块,面,,,,@',
      'J1,1,3375200.000,40497100.000',
      'J2,1,3375400.000,40497100.000',
      'J3,1,3375400.000,40497300.000',
      'J4,1,3375200.000,40497300.000',
    ].join('\r\n');
    await admin.setInputFiles('[data-test=admin-import-file]', { name: '报批坐标.txt', mimeType: 'text/plain', buffer: Buffer.from(txt) });
    await admin.check('[data-test=admin-import-dry]');
    await admin.click('[data-test=admin-import-save]');
    const warned = await admin.waitForSelector('[data-test=admin-import-warnings]', WAIT);
    const text = (await warned.textContent()) ?? '';
    assert.match(text, /导入提示（2 条）/);
    assert.match(text, /地块 DK-09 的圈号 1 未以首点 J1 结束（环未闭合）/);
    assert.match(text, /地块 DK-09 申报面积 90000\.00 m² 与按界址点计算的 40000\.00 m²/);
    assert.match((await admin.textContent('[data-test=admin-import-summary]')) ?? '', /检查通过（未入库）：1 个要素/);
    assert.match((await admin.textContent('[data-test=admin-import-declared]')) ?? '', /DK-09/);
    await w.shot(admin, 'layer-import-warnings');
    await admin.click('[data-test=admin-import-close]');

    // The same square as 高德 lon/lat: the server converts it, and the result says so.
    const g = (
      await w.db.query<{ g: string }>(
        `SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(497100, 3375200, 497300, 3375400, 4549), 4490), 9) AS g`,
      )
    ).rows[0].g;
    const feature = JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', id: 'DK-09', properties: {}, geometry: JSON.parse(g) }],
    });
    await admin.click('[data-test=admin-layer-import-YJJBNT]');
    await admin.setInputFiles('[data-test=admin-import-file]', {
      name: 'gaode.geojson',
      mimeType: 'application/json',
      buffer: Buffer.from(feature),
    });
    await admin.selectOption('[data-test=admin-import-from]', 'gcj02');
    await admin.check('[data-test=admin-import-dry]');
    await admin.click('[data-test=admin-import-save]');
    await admin.waitForSelector('[data-test=admin-import-result]', WAIT);
    assert.match((await admin.textContent('[data-test=admin-import-crs]')) ?? '', /GCJ-02.*CGCS2000.*EPSG:4490/);
    await admin.click('[data-test=admin-import-close]');
    assert.equal(await versions(), before, 'a check writes no version');
  });

  test('rule sets: the current version and its rules; a bad edit shows every problem; a good one is the next version', async () => {
    await admin.goto('/admin/rulesets');
    await admin.waitForSelector('[data-test=admin-ruleset-rules]', WAIT);
    assert.match((await admin.textContent('[data-test=admin-ruleset-version]')) ?? '', /v1/);
    assert.match((await admin.textContent('[data-test=admin-ruleset-rules]')) ?? '', /占用永久基本农田/);
    await w.shot(admin, 'ruleset');

    await admin.click('[data-test=admin-ruleset-edit]');
    const def = JSON.parse(await admin.inputValue('[data-test=admin-ruleset-json]'));
    const rules = def.rules.length;
    // Two mistakes at once: both must be listed.
    const bad = structuredClone(def);
    bad.rules[0].verdict = 'maybe';
    bad.rules[1].kind = 'no-such-kind';
    await admin.fill('[data-test=admin-ruleset-json]', JSON.stringify(bad, null, 2));
    await admin.click('[data-test=admin-ruleset-save]');
    const problems = admin.locator('[data-test=admin-ruleset-problems] li');
    await problems.first().waitFor(WAIT);
    const text = (await admin.textContent('[data-test=admin-ruleset-problems]')) ?? '';
    assert.match(text, /rules\[0\].*verdict/);
    assert.match(text, /rules\[1\].*no-such-kind/);
    await w.shot(admin, 'ruleset-problems');

    def.tolerance.areaM2 = 2;
    await admin.fill('[data-test=admin-ruleset-json]', JSON.stringify(def, null, 2));
    await admin.fill('[data-test=admin-ruleset-note]', '容差调整为 2 m²');
    await admin.click('[data-test=admin-ruleset-save]');
    await admin.waitForSelector('[data-test=admin-done]', WAIT);
    assert.match((await admin.textContent('[data-test=admin-ruleset-version]')) ?? '', /v2/);
    assert.equal(await admin.locator('[data-test=admin-ruleset-rules] tbody tr').count(), rules);
    await admin.click('[data-test=admin-ruleset-history-tab]');
    assert.equal(await admin.locator('[data-test=admin-ruleset-history] tbody tr').count(), 2);
    assert.match((await admin.textContent('[data-test=admin-ruleset-history]')) ?? '', /容差调整为 2 m²/);
    await w.shot(admin, 'ruleset-history');
    await admin.click('[data-test=admin-ruleset-view-1]');
    await admin.waitForFunction(
      () => /v1/.test(document.querySelector('[data-test=admin-ruleset-version]')?.textContent ?? ''),
      null,
      WAIT,
    );
    assert.match((await admin.textContent('[data-test=admin-ruleset-version]')) ?? '', /v1 历史版本/);
  });

  test('audit trail: the writes above are there, filtered by action, and exported as CSV', async () => {
    await admin.goto('/admin/audit');
    await admin.waitForSelector('[data-test=admin-audit] tbody tr', WAIT);
    await w.shot(admin, 'audit');
    await admin.fill('[data-test=admin-audit-action]', 'user.*');
    await admin.click('[data-test=admin-audit-search]');
    await admin.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-test=admin-audit] tbody tr td:nth-child(4)')].every((td) =>
          td.textContent?.startsWith('user.'),
        ),
      null,
      WAIT,
    );
    const text = (await admin.textContent('[data-test=admin-audit]')) ?? '';
    for (const action of ['user.add', 'user.password', 'user.update']) assert.ok(text.includes(action), `${action} listed`);
    assert.ok(text.includes(NEW_USER));
    await w.shot(admin, 'audit-filtered');

    const [download] = await Promise.all([admin.waitForEvent('download', WAIT), admin.click('[data-test=admin-audit-export]')]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.ok(csv.startsWith('\ufeff编号,'), 'UTF-8 with BOM and a Chinese header, for Excel');
    const lines = csv.trim().split('\n').slice(1);
    assert.ok(lines.length >= 3 && lines.every((l) => l.includes('"user.')), `only user.* rows: ${lines.length}`);
  });
});
