// The web application's shell in a real browser: sign-in, role-aware menus, the language switch,
// deep links served by the platform, and the API's JSON 404 kept apart from the app's pages.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWebApp, type WebApp } from './helpers/web.ts';

describe('web shell (browser, pglite)', () => {
  let w: WebApp;
  before(async () => {
    w = await startWebApp('shell');
  });
  after(async () => {
    await w?.close();
  });

  test('a wrong password is refused on the page; a planner signs in and lands on the map', async () => {
    const { page } = await w.newPage();
    await page.goto('/map');
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/map');
    await page.fill('input[name=username]', 'planner');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-test=login-error]');
    assert.match((await page.textContent('[data-test=login-error]')) ?? '', /登录失败/);
    await w.shot(page, 'login-refused');
    await w.login(page, 'planner');
    assert.equal(new URL(page.url()).pathname, '/map');
    assert.match((await page.textContent('[data-test=who]')) ?? '', /陈晓婷/);
    await w.shot(page, 'signed-in');
  });

  test('the language switch turns the shell English and back', async () => {
    const { page } = await w.newPage();
    await w.login(page, 'admin');
    await page.click('[data-test=lang]');
    assert.equal(await page.textContent('[data-test=lang]'), '中文');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    // Every menu group an administrator has, in English: the switch must still take the click.
    await w.shot(page, 'english-admin');
    await page.click('[data-test=lang]');
    assert.equal(await page.textContent('[data-test=lang]'), 'English');
  });

  test('deep links get the app; unknown API paths keep the JSON 404', async () => {
    const html = await fetch(`${w.base}/review/cases`);
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await html.text(), /<div id="app">/);
    const api = await fetch(`${w.base}/api/no-such-thing`);
    assert.equal(api.status, 404);
    assert.equal((await api.json()).code, 'not_found');
    const asset = await fetch(`${w.base}/assets/missing-file.js`);
    assert.equal(asset.status, 404);
  });
});
