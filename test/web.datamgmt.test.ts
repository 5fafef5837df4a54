// 数据管理 in a real browser on the `small` demo city (issue 17 item 5): a planner hands in the
// layer GHYD as GeoJSON with one feature recoded to 0305 (三调's 灌木林地, not a 2023 用地用海
// code) → 质检未通过 with the error listed and drawn on the map; then the fixed file, where that
// feature is recoded 0801 机关团体用地 and renamed → the diff shows exactly that one change; an
// administrator accepts it (入库) → the new version is live in the vector tiles and in the viewer's
// identify. Screenshots under test-artifacts/browser/datamgmt/.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { Page } from 'playwright-core';
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import { startWebApp, type WebApp } from './helpers/web.ts';

const WAIT = { timeout: 60_000 };
const MARK = '提交测试机关用地';

function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const phi = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n)];
}

const mapIdle = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const m = window.__onemap!.map;
        const timer = setTimeout(() => reject(new Error('map not idle after 20 s')), 20_000);
        m.once('idle', () => {
          clearTimeout(timer);
          resolve();
        });
        m.triggerRepaint();
      }),
  );

/** How many geometries each GeoJSON source of the submission map holds, as MapLibre has them. */
const sourceSizes = (page: Page, ids: string[]) =>
  page.evaluate((ids) => {
    const m = (document.querySelector('[data-test=data-map]') as HTMLElement & { __map: MlMap }).__map;
    return ids.map((id) => {
      const d = (m.getSource(id) as GeoJSONSource).serialize().data as GeoJSON.GeoJSON;
      if (d.type === 'FeatureCollection') return d.features.length;
      return d.type === 'Feature' ? (d.geometry ? 1 : 0) : 1;
    });
  }, ids);

describe('数据管理 (browser, pglite)', () => {
  let w: WebApp;
  let planner: Page;
  let admin: Page;
  /** The GHYD feature recoded by the submissions, and a point inside it. */
  let target: { fid: string; code: string; lon: number; lat: number };
  let layerFile: (code: string, name: string) => string;

  before(async () => {
    w = await startWebApp('datamgmt');
    planner = (await w.newPage({ width: 1400, height: 900 })).page;
    admin = (await w.newPage({ width: 1400, height: 900 })).page;
    await w.login(planner, 'planner');
    await w.login(admin, 'admin');
    // The layer in force as GeoJSON with its feature ids: the file a bureau would hand back.
    const rows = (
      await w.db.query<{ fid: string; props: Record<string, unknown>; g: string; lon: number; lat: number; area: number }>(
        `SELECT f.fid, f.props, ST_AsGeoJSON(f.geom) AS g, ST_X(ST_PointOnSurface(f.geom)) AS lon, ST_Y(ST_PointOnSurface(f.geom)) AS lat, f.area_m2 AS area
           FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'GHYD'
          WHERE f.v_from <= l.active_version AND (f.v_to IS NULL OR f.v_to > l.active_version) ORDER BY f.fid`,
      )
    ).rows;
    assert.ok(rows.length > 10, 'the demo has GHYD parcels');
    const big = rows.filter((r) => String(r.props.YDYHFLDM ?? '').startsWith('07')).sort((a, b) => b.area - a.area)[0];
    target = { fid: big.fid, code: String(big.props.YDYHFLDM), lon: big.lon, lat: big.lat };
    layerFile = (code, name) =>
      JSON.stringify({
        type: 'FeatureCollection',
        features: rows.map((r) => ({
          type: 'Feature',
          id: r.fid,
          properties: r.fid === target.fid ? { ...r.props, YDYHFLDM: code, YDYHFLMC: name } : r.props,
          geometry: JSON.parse(r.g),
        })),
      });
  });
  after(async () => {
    await w?.close();
  });

  /**
   * Uploads a file on the page. `slow`: the upload is throttled (DevTools network emulation) and the
   * percentages the progress bar showed are returned, to prove it follows the bytes sent.
   */
  async function submit(content: string, slow = false): Promise<{ id: number; seen: number[] }> {
    await planner.goto('/data/submissions');
    await planner.click('[data-test=data-submit]');
    await planner.selectOption('[data-test=data-upload-layer]', 'GHYD');
    await planner.setInputFiles('[data-test=data-upload-file]', {
      name: 'GHYD.geojson',
      mimeType: 'application/json',
      buffer: Buffer.from(content),
    });
    const cdp = slow ? await planner.context().newCDPSession(planner) : null;
    const bytesPerSecond = Math.max(64 * 1024, Math.round(content.length / 3));
    await cdp?.send('Network.enable');
    await cdp?.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: bytesPerSecond,
    });
    const seen: number[] = [];
    const done = planner.waitForURL(/\/data\/submissions\/\d+$/, WAIT);
    await planner.click('[data-test=data-upload-save]');
    if (slow) {
      while (!/\/data\/submissions\/\d+$/.test(planner.url())) {
        const p = await planner.getAttribute('[data-test=data-upload-progress]', 'data-percent', { timeout: 200 }).catch(() => null);
        if (p !== null && !seen.includes(Number(p))) seen.push(Number(p));
        await planner.waitForTimeout(50);
      }
      await cdp!.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    }
    await done;
    return { id: Number(new URL(planner.url()).pathname.split('/').pop()), seen };
  }

  test('a file with a QC error: 质检未通过, the error listed and drawn on the map', async () => {
    const { seen } = await submit(layerFile('0305', '灌木林地'), true);
    // The bar followed the upload: some percentage strictly between 0 and 100 was on screen.
    assert.ok(
      seen.some((p) => p > 0 && p < 100),
      `progress seen: ${seen.join(', ')}`,
    );
    await planner.waitForSelector('[data-test=data-qc-verdict]', WAIT);
    assert.match((await planner.textContent('[data-test=data-qc-verdict]')) ?? '', /质检未通过：1 个阻断入库的错误/);
    assert.equal(await planner.getAttribute('.ui-badge[data-status]', 'data-status'), 'qc_failed');
    const errors = (await planner.textContent('[data-test=data-qc-errors]')) ?? '';
    assert.match(errors, /GHYD\.YDYHFLDM/);
    assert.match(errors, new RegExp(target.fid));
    assert.match(errors, /0305/);
    // Every listed error is drawn: the blocking one and the layer's warnings (GHYD.no-overlap of the demo).
    await planner.waitForSelector('[data-test=data-map][data-loaded=true]', WAIT);
    const listed = await planner.locator('[data-test=data-qc-errors] tbody tr').count();
    assert.equal(await planner.locator('[data-test=data-qc-errors] tbody tr.blocking').count(), 1);
    assert.equal(await planner.getAttribute('[data-test=data-map]', 'data-shapes'), String(listed));
    assert.deepEqual(await sourceSizes(planner, ['data-qc-errors']), [listed]);
    // Nobody may accept it; the planner (its submitter) is not offered the decision at all.
    assert.equal(await planner.locator('[data-test=data-accept]').count(), 0);
    await w.shot(planner, 'qc-errors');
  });

  test('the fixed file: the diff lists the one recoded parcel on the map and by class; 入库 by an administrator', async () => {
    const before = (await w.db.query<{ v: number }>(`SELECT active_version AS v FROM layer WHERE code = 'GHYD'`)).rows[0].v;
    const { id } = await submit(layerFile('0801', MARK));
    await planner.waitForSelector('[data-test=data-diff-summary]', WAIT);
    assert.equal(await planner.getAttribute('.ui-badge[data-status]', 'data-status'), 'pending');
    assert.match((await planner.textContent('[data-test=data-diff-summary]')) ?? '', /新增 0 · 删除 0 · 修改 1/);
    const row = planner.locator(`[data-test=data-diff-features] tr[data-fid="${target.fid}"]`);
    assert.match((await row.textContent()) ?? '', new RegExp(`YDYHFLDM: ${target.code} → 0801`));
    // By class: the parcel's area leaves class 07 and joins 08, in m² and 亩.
    assert.match((await planner.textContent('[data-test=data-diff-classes] tr[data-class="08"]')) ?? '', /m²（[\d,.]+ 亩）/);
    await planner.waitForSelector('[data-test=data-map][data-loaded=true]', WAIT);
    assert.equal(await planner.getAttribute('[data-test=data-map]', 'data-shapes'), '1');
    assert.deepEqual(await sourceSizes(planner, ['data-diff-added', 'data-diff-removed', 'data-diff-changed']), [0, 0, 1]);
    await w.shot(planner, 'diff');

    await admin.goto(`/data/submissions/${id}`);
    await admin.click('[data-test=data-accept]', WAIT);
    assert.match((await admin.textContent('[data-test=data-confirm-text]')) ?? '', /修改 1 个要素/);
    await admin.click('[data-test=data-confirm-save]');
    await admin.waitForSelector('[data-test=data-accepted]', WAIT);
    assert.match((await admin.textContent('[data-test=data-accepted]')) ?? '', new RegExp(`已入库为第 ${before + 1} 版`));
    await w.shot(admin, 'accepted');

    // The version history names the submitter and who accepted it.
    await admin.goto('/data/versions?layer=GHYD');
    const v = admin.locator(`[data-test=data-version-${before + 1}]`);
    await v.waitFor(WAIT);
    assert.match((await v.textContent()) ?? '', /planner.*admin.*GHYD\.geojson/);
  });

  test('the new version is live: in the vector tiles and in the viewer’s identify', async () => {
    const [x, y] = tileOf(target.lon, target.lat, 14);
    const r = await fetch(`${w.base}/tiles/GHYD/14/${x}/${y}.mvt`);
    assert.equal(r.status, 200);
    const vt = new VectorTile(new PbfReader(Buffer.from(await r.arrayBuffer())));
    const l = vt.layers.GHYD;
    const names: unknown[] = [];
    for (let i = 0; i < l.length; i++) names.push(l.feature(i).properties.YDYHFLMC);
    assert.ok(names.includes(MARK), `the tile holds the recoded parcel (${names.length} features)`);

    await planner.goto('/map');
    await planner.waitForFunction(() => window.__onemap?.map !== undefined, null, WAIT);
    await planner.evaluate(([lon, lat]) => window.__onemap!.map.jumpTo({ center: [lon, lat], zoom: 14 }), [target.lon, target.lat]);
    await mapIdle(planner);
    const xy = await planner.evaluate(
      ([lon, lat]) => {
        const q = window.__onemap!.map.project([lon, lat]);
        return [q.x, q.y];
      },
      [target.lon, target.lat],
    );
    const box = (await planner.locator('[data-test=map]').boundingBox())!;
    await planner.mouse.click(box.x + xy[0], box.y + xy[1]);
    const panel = planner.locator('[data-test=identify-panel]');
    await panel.locator(`[data-test="identify-feature-GHYD-${target.fid}"]`).waitFor(WAIT);
    assert.match((await panel.textContent()) ?? '', new RegExp(MARK));
    await w.shot(planner, 'viewer');
  });
});
