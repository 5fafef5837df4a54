// The One Map viewer (一张图) in a real browser against the built app on the embedded database
// (small demo city, GHYD given a second version here): sign in; the default layers draw; toggling
// a layer fetches its tiles (200) and renders its features; identify lists the features under a
// clicked point with attributes and legal basis; measure an area and a distance (the figures the
// page shows equal PostGIS's for the same clicked coordinates); download the drawings; compare two
// versions (tiles of each version, the diff list); a thematic map; search with fly-to; export to
// PNG. Screenshots of each step under test-artifacts/browser/viewer/.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page, Response } from 'playwright-core';
import { join } from 'node:path';
import { startWebApp, ARTIFACTS, type WebApp } from './helpers/web.ts';
import { memoryReader } from './helpers/memory-reader.ts';
import { importFromReader } from '../src/importers/pipeline.ts';
import type { Map as MapLibreMap } from 'maplibre-gl';

declare global {
  interface Window {
    __onemap?: {
      map: MapLibreMap;
      firstPaintMs: number | null;
      compare: () => readonly [MapLibreMap, MapLibreMap] | null;
    };
  }
}

const T = 30_000;

/** Resolves at the map's next 'idle' (a repaint is asked for, so it comes even when nothing moves). */
const idle = (page: Page, which: 'main' | 'a' | 'b' = 'main') =>
  page.evaluate(
    (w) =>
      new Promise<void>((resolve, reject) => {
        const o = window.__onemap!;
        const m = w === 'main' ? o.map : o.compare()![w === 'a' ? 0 : 1];
        const timer = setTimeout(() => reject(new Error('map not idle after 20 s')), 20_000);
        m.once('idle', () => {
          clearTimeout(timer);
          resolve();
        });
        m.triggerRepaint();
      }),
    which,
  );

/** Numbers in a text like "10,000.00 m²（15.00 亩）" → [10000, 15]. */
const numbers = (s: string) => [...s.matchAll(/-?[\d,]+(?:\.\d+)?/g)].map((m) => Number(m[0].replace(/,/g, '')));

describe('One Map viewer (browser, pglite)', () => {
  let w: WebApp;
  let page: Page;
  const tiles: { url: string; status: number }[] = [];
  // GHYD version 2: three parcels re-classed to 公园绿地, two removed, one added.
  let changedFids: string[] = [];

  before(async () => {
    w = await startWebApp('viewer');
    const v1 = await w.db.query<{ fid: string; props: Record<string, unknown>; g: string }>(
      `SELECT f.fid, f.props, ST_AsGeoJSON(f.geom, 15) AS g FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'GHYD'
        WHERE f.v_to IS NULL ORDER BY f.fid`,
    );
    const rows = v1.rows;
    changedFids = rows.slice(0, 3).map((r) => r.fid);
    const removed = new Set(rows.slice(3, 5).map((r) => r.fid));
    const feats = rows
      .filter((r) => !removed.has(r.fid))
      .map((r) => ({
        fid: r.fid,
        geometry: JSON.parse(r.g),
        props: changedFids.includes(r.fid) ? { ...r.props, YDYHFLDM: '1401', YDYHFLMC: '公园绿地' } : r.props,
      }));
    feats.push({
      fid: 'GHYD-NEW-1',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [120.1, 30.24],
            [120.11, 30.24],
            [120.11, 30.25],
            [120.1, 30.25],
            [120.1, 30.24],
          ],
        ],
      },
      props: { YDYHFLDM: '0804', YDYHFLMC: '教育用地', DYBH: 'NEW' },
    });
    await importFromReader(w.db, w.config, memoryReader(feats as never, { srid: 4490 }), {
      layer: 'GHYD',
      user: 'planner',
      note: '规划修改',
    });
    ({ page } = await w.newPage({ width: 1400, height: 860 }));
    page.setDefaultTimeout(T);
    page.on('response', (r: Response) => {
      if (r.url().includes('/tiles/')) tiles.push({ url: r.url(), status: r.status() });
    });
  });
  after(async () => {
    await w?.close();
  });

  test('a planner signs in; the map draws the default layers (三条控制线, districts) from our own tiles', async () => {
    await w.login(page, 'planner');
    await page.goto('/map');
    await page.waitForSelector('[data-test=map][data-ready="1"]');
    await idle(page);
    for (const code of ['XZQ', 'STBHHX', 'YJJBNT', 'CZKFBJ']) {
      const got = tiles.filter((x) => x.url.includes(`/tiles/${code}/`));
      assert.ok(
        got.length > 0 && got.every((x) => x.status === 200 || x.status === 204),
        `${code} tiles: ${JSON.stringify(got.slice(0, 3))}`,
      );
    }
    assert.ok(!tiles.some((x) => !x.url.startsWith(w.base)), 'no tile from anywhere but the platform');
    const drawn = await page.evaluate(
      () => window.__onemap!.map.queryRenderedFeatures(undefined, { layers: ['YJJBNT-fill', 'XZQ-line'] }).length,
    );
    assert.ok(drawn > 0, 'default layers rendered');
    assert.match((await page.textContent('[data-test=layer-panel]')) ?? '', /管控[\s\S]*永久基本农田/);
    assert.ok(await page.evaluate(() => (window.__onemap!.firstPaintMs ?? 0) > 0));
    await w.shot(page, 'map-default-layers');
  });

  test('ticking a layer fetches its tiles (200) and draws its features; unticking hides them', async () => {
    const before = tiles.length;
    const rendered = () => page.evaluate(() => window.__onemap!.map.queryRenderedFeatures(undefined, { layers: ['GHYD-fill'] }).length);
    await page.click('[data-test=layer-toggle-GHYD]');
    await idle(page);
    const ghyd = tiles.slice(before).filter((x) => x.url.includes('/tiles/GHYD/'));
    assert.ok(
      ghyd.some((x) => x.status === 200),
      `GHYD tiles answered 200: ${JSON.stringify(ghyd)}`,
    );
    const n = await rendered();
    assert.ok(n > 0, 'GHYD features rendered');
    // The rendered features carry the attributes the land-use colours are drawn from.
    const codes = await page.evaluate(() =>
      window
        .__onemap!.map.queryRenderedFeatures(undefined, { layers: ['GHYD-fill'] })
        .slice(0, 50)
        .map((f) => f.properties.YDYHFLDM),
    );
    assert.ok(
      codes.every((c) => typeof c === 'string' && /^\d{2}/.test(c)),
      JSON.stringify(codes.slice(0, 5)),
    );
    // Opacity follows the slider.
    await page.locator('[data-test=layer-opacity-GHYD]').fill('0.3');
    const op = await page.evaluate(() => window.__onemap!.map.getPaintProperty('GHYD-fill', 'fill-opacity'));
    assert.ok(Math.abs(Number(op) - 0.65 * 0.3) < 1e-6, `fill-opacity ${op}`);
    await page.locator('[data-test=layer-opacity-GHYD]').fill('1');
    await w.shot(page, 'layer-ghyd-on');
    await page.click('[data-test=layer-toggle-GHYD]');
    await idle(page);
    assert.equal(await rendered(), 0);
    await page.click('[data-test=layer-toggle-GHYD]');
    await idle(page);
    // The layer search narrows the tree.
    await page.fill('[data-test=layer-search]', '宗地');
    assert.equal(await page.locator('[data-test=layer-tree] li').count(), 1);
    await page.fill('[data-test=layer-search]', '');
  });

  test('identify: clicking a parcel lists every layer there with attributes and legal basis', async () => {
    // A point inside a GHYD parcel (PostGIS picks it), shown on the map at zoom 13.
    const p = (
      await w.db.query<{ fid: string; lon: number; lat: number }>(
        `SELECT f.fid, ST_X(p) AS lon, ST_Y(p) AS lat FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'GHYD',
              LATERAL ST_PointOnSurface(f.geom) AS p
        WHERE f.v_to IS NULL AND f.props->>'YDYHFLDM' LIKE '07%' ORDER BY f.area_m2 DESC LIMIT 1`,
      )
    ).rows[0];
    const expected = (
      await w.db.query<{ code: string; fid: string }>(
        `SELECT l.code, f.fid FROM feature f JOIN layer l ON l.id = f.layer_id
        WHERE f.v_to IS NULL AND ST_Dimension(f.geom) = 2 AND ST_Intersects(f.geom, ST_SetSRID(ST_MakePoint($1, $2), 4490))`,
        [p.lon, p.lat],
      )
    ).rows;
    await page.evaluate(([lon, lat]) => window.__onemap!.map.jumpTo({ center: [lon, lat], zoom: 13 }), [p.lon, p.lat]);
    await idle(page);
    const xy = await page.evaluate(
      ([lon, lat]) => {
        const q = window.__onemap!.map.project([lon, lat]);
        return [q.x, q.y];
      },
      [p.lon, p.lat],
    );
    const box = (await page.locator('[data-test=map]').boundingBox())!;
    await page.mouse.click(box.x + xy[0], box.y + xy[1]);
    await page.waitForSelector('[data-test=identify-summary]');
    const panel = page.locator('[data-test=identify-panel]');
    await panel.locator(`[data-test="identify-feature-GHYD-${p.fid}"]`).waitFor();
    const text = (await panel.textContent()) ?? '';
    assert.match(text, /规划用地（用地用海分类）/);
    assert.match(text, /法律依据\s*《国土空间调查、规划、用途管制用地用海分类指南》（2023）/);
    assert.match(text, /用地用海分类代码\s*07/);
    assert.match(text, /椭球面积[\d,.]+ m²（[\d,.]+ 亩）/);
    // Every polygon under the point (PostGIS's answer) is listed, restricted ones included for a planner.
    for (const e of expected)
      assert.equal(await panel.locator(`[data-test="identify-feature-${e.code}-${e.fid}"]`).count(), 1, `${e.code} ${e.fid} listed`);
    assert.ok(
      expected.some((e) => e.code === 'ZD' || e.code === 'DLTB'),
      'the point has restricted layers too',
    );
    await panel.locator(`[data-test="identify-feature-GHYD-${p.fid}"]`).click();
    await idle(page);
    await w.shot(page, 'identify');
  });

  test('measure: an area and a distance, as PostGIS computes them for the clicked points', async () => {
    await page.click('[data-test=tool-measure]');
    const box = (await page.locator('[data-test=map]').boundingBox())!;
    // Map pixels clear of the search bar (top) and the legend (bottom right).
    const pts = [
      [150, 140],
      [350, 140],
      [350, 300],
      [150, 300],
    ];
    await page.click('[data-test=measure-area]');
    for (const [x, y] of pts) await page.mouse.click(box.x + x, box.y + y);
    await page.waitForSelector('[data-test=measure-current]');
    await page.click('[data-test=draw-finish]');
    const areaText = (await page.locator('[data-test=shape-1] [data-test=shape-area]').textContent()) ?? '';
    // The same corners, unprojected by the map, measured by PostGIS here.
    const ring = await page.evaluate(
      (ps) =>
        ps.map(([x, y]) => {
          const l = window.__onemap!.map.unproject([x, y]);
          return [l.lng, l.lat];
        }),
      pts,
    );
    const wkt = `POLYGON((${[...ring, ring[0]].map((c) => c.join(' ')).join(',')}))`;
    // The platform's one area measure (onemap_area, decision 0011).
    const m2 = (await w.db.query<{ a: number }>(`SELECT onemap_area(ST_GeomFromText($1, 4490)) AS a`, [wkt])).rows[0].a;
    const [shownM2, shownMu] = numbers(areaText);
    assert.ok(Math.abs(shownM2 - m2) < 0.01, `shown ${areaText}, PostGIS ${m2}`);
    assert.ok(Math.abs(shownMu - (m2 * 15) / 10000) < 0.01, `亩: ${areaText}`);
    assert.match(areaText, / m²（[\d,.]+ 亩）$/);

    await page.click('[data-test=measure-line]');
    await page.mouse.click(box.x + 120, box.y + 420);
    await page.mouse.click(box.x + 420, box.y + 460);
    await page.click('[data-test=draw-finish]');
    const lenText = (await page.locator('[data-test=shape-2] [data-test=shape-length]').textContent()) ?? '';
    const line = await page.evaluate(() =>
      [
        [120, 420],
        [420, 460],
      ].map(([x, y]) => {
        const l = window.__onemap!.map.unproject([x, y]);
        return [l.lng, l.lat];
      }),
    );
    const len = (
      await w.db.query<{ l: number }>(
        `SELECT ST_Length(ST_MakeLine(ST_SetSRID(ST_MakePoint($1, $2), 4490), ST_SetSRID(ST_MakePoint($3, $4), 4490))::geography) AS l`,
        line.flat(),
      )
    ).rows[0].l;
    const shownLen = numbers(lenText)[0] * (/千米/.test(lenText) ? 1000 : 1);
    assert.ok(Math.abs(shownLen - len) < (/千米/.test(lenText) ? 0.5 : 0.01), `shown ${lenText}, PostGIS ${len}`);
    await page.click('[data-test=measure-line]'); // tool off
    await w.shot(page, 'measure');

    // The drawings as GeoJSON (EPSG:4490), figures included.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=draw-download]')]);
    const fc = JSON.parse(readFileSync(await dl.path(), 'utf8'));
    assert.equal(dl.suggestedFilename(), 'drawings.geojson');
    assert.equal(fc.crs.properties.name, 'EPSG:4490');
    assert.deepEqual(
      fc.features.map((f: { geometry: { type: string } }) => f.geometry.type),
      ['Polygon', 'LineString'],
    );
    assert.ok(Math.abs(fc.features[0].properties.areaM2 - m2) < 1e-6);
  });

  test("compare two versions: each map shows its version's tiles; the diff list has what changed", async () => {
    await page.click('[data-test=tool-compare]');
    await page.selectOption('[data-test=compare-layer]', 'GHYD');
    await page.waitForSelector('[data-test=compare-from] option', { state: 'attached' });
    assert.equal(await page.inputValue('[data-test=compare-from]'), '1');
    assert.equal(await page.inputValue('[data-test=compare-to]'), '2');
    const before = tiles.length;
    await page.click('[data-test=compare-start]');
    await page.waitForSelector('[data-test=compare-summary]');
    assert.equal((await page.textContent('[data-test=compare-summary]'))?.trim(), '新增 1 · 删除 2 · 变更 3');
    for (const fid of changedFids) assert.equal(await page.locator(`[data-test="change-${fid}"]`).count(), 1);
    await page.waitForFunction(() => window.__onemap!.compare() !== null);
    await idle(page, 'a');
    await idle(page, 'b');
    const seen = tiles.slice(before);
    assert.ok(
      seen.some((x) => /\/tiles\/GHYD\/.*\?version=1$/.test(x.url) && x.status === 200),
      'version 1 tiles',
    );
    assert.ok(
      seen.some((x) => /\/tiles\/GHYD\/\d+\/\d+\/\d+\.mvt$/.test(x.url) || /version=2/.test(x.url)),
      'version 2 tiles',
    );
    // The new parcel exists in version 2 only.
    await page.click('[data-test="change-GHYD-NEW-1"]');
    await idle(page, 'b');
    await idle(page, 'a');
    const has = (i: number) =>
      page.evaluate(
        (k) =>
          window.__onemap!.compare()![k].querySourceFeatures('GHYD', { sourceLayer: 'GHYD', filter: ['==', ['get', 'fid'], 'GHYD-NEW-1'] })
            .length,
        i,
      );
    assert.ok((await has(1)) > 0, 'version 2 map has GHYD-NEW-1');
    assert.equal(await has(0), 0, 'version 1 map has not');
    // A re-classed parcel: the old class left of the divider, 公园绿地 right of it.
    await page.click(`[data-test="change-${changedFids[0]}"]`);
    await idle(page, 'b');
    await idle(page, 'a');
    await w.shot(page, 'compare-swipe');
    await page.click('[data-test=compare-side]');
    await idle(page, 'b');
    await w.shot(page, 'compare-side-by-side');
    await page.click('[data-test=compare-stop]');
    assert.equal(await page.locator('[data-test=compare-view]').count(), 0);
  });

  test('thematic map: FAR caps of the detailed-plan units in classes, on the map and in the legend', async () => {
    await page.click('[data-test=tool-thematic]');
    await page.selectOption('[data-test=thematic-layer]', 'XXGHDY');
    await page.waitForSelector('[data-test=thematic-field] option', { state: 'attached' });
    await page.selectOption('[data-test=thematic-field]', 'RJLSX');
    await page.selectOption('[data-test=thematic-method]', 'equal');
    await page.selectOption('[data-test=thematic-classes]', '4');
    await page.click('[data-test=thematic-apply]');
    await page.waitForSelector('[data-test=thematic-result]');
    const rows = await page.locator('[data-test=thematic-class]').count();
    assert.ok(rows >= 2 && rows <= 4, `${rows} classes`);
    // The class counts add up to the units with a FAR cap.
    const total = (
      await w.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'XXGHDY' WHERE f.v_to IS NULL AND jsonb_typeof(f.props->'RJLSX') = 'number'`,
      )
    ).rows[0].n;
    const counts = await page.locator('[data-test=thematic-count]').allTextContents();
    assert.equal(
      counts.reduce((s, c) => s + numbers(c)[0], 0),
      total,
    );
    assert.match((await page.textContent('[data-test=legend]')) ?? '', /专题图：详细规划单元 · 容积率上限/);
    await page.evaluate(() => window.__onemap!.map.jumpTo({ center: [119.9, 30.0], zoom: 8.4 }));
    await idle(page);
    const fill = await page.evaluate(() => JSON.stringify(window.__onemap!.map.getPaintProperty('XXGHDY-fill', 'fill-color')));
    assert.match(fill, /"step"/);
    await w.shot(page, 'thematic');
  });

  test('search a unit by name and fly there', async () => {
    const unit = (
      await w.db.query<{ name: string; lon: number; lat: number }>(
        `SELECT f.props->>'DYMC' AS name, ST_X(ST_Centroid(f.geom)) AS lon, ST_Y(ST_Centroid(f.geom)) AS lat FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'XXGHDY'
        WHERE f.v_to IS NULL ORDER BY f.fid LIMIT 1`,
      )
    ).rows[0];
    await page.fill('[data-test=search-input]', unit.name);
    await page.waitForSelector('[data-test=search-hit]');
    await page.locator('[data-test=search-hit]').first().click();
    await idle(page);
    const b = await page.evaluate(() => window.__onemap!.map.getBounds().toArray());
    assert.ok(unit.lon > b[0][0] && unit.lon < b[1][0] && unit.lat > b[0][1] && unit.lat < b[1][1], `the map shows ${unit.name}`);
    await w.shot(page, 'search');
  });

  test('export the view as PNG: a download arrives with the map, title and legend', async () => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=tool-export]')]);
    assert.match(dl.suggestedFilename(), /^一张图_\d{8}_\d{4}\.png$/);
    await dl.saveAs(join(ARTIFACTS, 'viewer', 'exported-view.png'));
    const png = readFileSync(await dl.path());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    const canvas = await page.evaluate(() => {
      const c = window.__onemap!.map.getCanvas();
      return [c.width, c.height];
    });
    assert.equal(width, canvas[0]);
    assert.ok(height > canvas[1], 'the title band is added above the map');
    assert.ok(png.length > 20_000, `an image with content (${png.length} bytes)`);
    await w.shot(page, 'exported');
  });

  test('a district officer sees restricted layers marked as limited to the district; English switch', async () => {
    const { page: p2 } = await w.newPage({ width: 1400, height: 860 });
    await w.login(p2, 'xihu');
    await p2.goto('/map');
    await p2.waitForSelector('[data-test=map][data-ready="1"]');
    assert.match((await p2.textContent('[data-test=layer-ZD]')) ?? '', /辖区/);
    await p2.click('[data-test=lang]');
    assert.match((await p2.textContent('[data-test=layer-panel]')) ?? '', /Layers/);
    assert.match((await p2.textContent('[data-test=tools]')) ?? '', /Identify/);
    await w.shot(p2, 'district-officer-english');
    await p2.click('[data-test=lang]');
  });
});
