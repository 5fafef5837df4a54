// The 15-minute life circle as a page of the application (web/src/pages/access/LifeCirclePage.vue)
// in a real browser, over the demo city's streets, facilities and residential land: no
// computation yet, a planner computes one (a progress indicator while it runs), the coverage by
// facility type and district as the stored run says, and a "what if" facility clicked on the map.
// Screenshots: test-artifacts/browser/access/.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWebApp, type WebApp } from './helpers/web.ts';

const WAIT = { timeout: 60_000 };

describe('15-minute life circle page (browser, pglite)', () => {
  let w: WebApp;
  before(async () => {
    w = await startWebApp('access');
  });
  after(async () => {
    await w?.close();
  });

  test('a planner opens the page from the menu, computes, reads the coverage and tries a facility', async () => {
    const { page } = await w.newPage({ width: 1440, height: 900 });
    await w.login(page, 'planner');
    // The menu entry (a router link: the page is the app's, not the server's old HTML page).
    await page.$eval('[data-test=menu] a[href="/access"]', (a) => (a as HTMLAnchorElement).click());
    await page.waitForSelector('[data-test=access-page]', WAIT);
    await page.waitForSelector('[data-test=access-compute]', WAIT);
    await page.waitForFunction(() => !document.querySelector('[data-test=access-page]')?.textContent?.includes('正在读取'), null, WAIT);
    assert.match((await page.textContent('[data-test=access-page]')) ?? '', /尚无计算结果/);

    await page.click('[data-test=access-compute]');
    await page.waitForSelector('[data-test=access-computing]', WAIT);
    await w.shot(page, 'computing');
    await page.waitForSelector('[data-test=access-run]', WAIT);
    // The run is told by its time and network version, not by a row id (issue 19 item 1).
    const stored = (await w.db.query<{ net: number }>('SELECT network_id::int AS net FROM access_run ORDER BY id DESC LIMIT 1')).rows[0]
      .net;
    const runText = (await page.textContent('[data-test=access-run]')) ?? '';
    assert.match(runText, new RegExp(`计算，步行网络第 ${stored} 版`));
    assert.ok(!runText.includes('#'), runText);
    const types = await page.locator('[data-test=access-types] tbody tr').count();
    assert.ok(types >= 2, `one row per facility type and the total (${types} rows)`);
    assert.match((await page.textContent('[data-test=access-types]')) ?? '', /全部类型[\s\S]*%/);
    assert.ok((await page.locator('[data-test=access-districts] tbody tr').count()) >= 1, 'a row per district');
    await w.shot(page, 'run');

    await page.click('[data-test=access-whatif]');
    const box = (await page.locator('[data-test=access-map]').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('[data-test=access-whatif-result]', WAIT);
    assert.match((await page.textContent('[data-test=access-whatif-result]')) ?? '', /拟建 1 处[\s\S]*覆盖率/);
    await w.shot(page, 'what-if');
    await page.close();
  });
});
