// npm run bench:web — first map paint of the One Map viewer on the `demo` city, in one run:
//   VIEWER    /map, the built web application, signed in as a planner;
//   BASELINE  a bare HTML page (served by the same server, added by this script) with MapLibre
//             from /vendor/maplibre-gl/ and nothing else: the same default layers' tiles from the
//             same server, a map of the same size fitted to the same city bounds.
// The ratio VIEWER / BASELINE is the application's own overhead (Vue, the shell, the session
// check, the catalogue request, the layer tree) over what drawing those tiles costs anyway.
//
// First map paint, defined: from the navigation start of the page (performance.timeOrigin) to
// the first MapLibre 'idle' event after the default visible layers were added — every tile of
// the view loaded and drawn. The viewer records it in window.__onemap.firstPaintMs
// (web/src/pages/viewer/ViewerPage.vue), the baseline page the same way.
//
// Cold load: a fresh browser context each time (empty HTTP cache, no service worker), the
// session cookie set directly. Each round loads the viewer and the baseline once, alternating;
// ONEMAP_BENCH_RUNS rounds (default 5), medians printed.
//   server warm  the platform's tile cache filled by one untimed load first (how a bureau's
//                server runs all day);
//   server cold  a second server on the same database with no tile-cache room
//                (ONEMAP_TILE_CACHE_MB=0): every tile is built by the database on every load.
// Goal: viewer, server warm, under 2 s.
//
// Database: DATABASE_URL (PostgreSQL; the demo city is generated when GHYD is empty); otherwise
// embedded PGlite in ONEMAP_BENCH_DATA_DIR (default /tmp/onemap-bench-web-demo), generated once
// and reused. Browser: Debian's Chromium (ONEMAP_CHROMIUM), driven by playwright-core.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { openDb, type Db } from '../src/db/index.ts';
import { configFromEnv, type Config } from '../src/config.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { generateDemo } from '../src/demo/index.ts';
import { buildApp } from '../src/server/app.ts';
import { addUser, login, updateUser, getUserRow } from '../src/auth/users.service.ts';
import { SESSION_COOKIE } from '../src/auth/guard.ts';
import { viewerCatalogue } from '../src/mapview/mapview.service.ts';
import { ANONYMOUS } from '../src/auth/types.ts';
import { launchBrowser } from '../test/helpers/web.ts';
// @ts-expect-error plain ES module without types
import { ensureWeb } from '../scripts/ensure-web.mjs';

const RUNS = Math.max(1, Number(process.env.ONEMAP_BENCH_RUNS ?? 5));
const GOAL_MS = 2000;
const VIEWPORT = { width: 1280, height: 800 };
const USER = 'bench_web';

const url = process.env.DATABASE_URL || undefined;
const dataDir = process.env.ONEMAP_BENCH_DATA_DIR || '/tmp/onemap-bench-web-demo';
const base = configFromEnv();
const config: Config = { ...base, db: url ? { databaseUrl: url } : { dataDir }, limits: { ...base.limits, anonymousPerMinute: 0 } };

async function demoDb(): Promise<Db> {
  const db = await openDb(config.db);
  await ensureDefaultCatalogue(db);
  const has = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM layer_version v JOIN layer l ON l.id = v.layer_id WHERE l.code = 'GHYD'`,
  );
  if (has.rows[0].n === 0) {
    console.log(`generating the demo city into ${url ? 'DATABASE_URL' : dataDir} (once) …`);
    const r = await generateDemo(db, config, { scale: 'demo' });
    console.log(`  ${r.layers.reduce((s, l) => s + l.featureCount, 0).toLocaleString('en')} features in ${r.seconds} s`);
  }
  return db;
}

/** A planner for the bench with a fresh random password; returns a session token. */
async function session(db: Db): Promise<string> {
  const password = `Bench-${randomBytes(12).toString('base64url')}`;
  const exists = await getUserRow(db, USER).then(
    () => true,
    () => false,
  );
  if (exists) await updateUser(db, config.districts, USER, { password, active: true, role: 'planner' }, 'bench');
  else await addUser(db, config.districts, { username: USER, role: 'planner', password, displayName: '基准测试' }, 'bench');
  return (await login(db, USER, password, { ip: '127.0.0.1', userAgent: 'bench:web' })).token;
}

/** The baseline page: MapLibre and the same layers' tiles, nothing else. */
function baselineHtml(
  layers: { code: string; kind: 'fill' | 'outline' | 'line'; color: string; opacity: number }[],
  size: { width: number; height: number },
): string {
  const add = layers
    .map((l) => {
      const src = `map.addSource('${l.code}', { type: 'vector', tiles: [location.origin + '/tiles/${l.code}/{z}/{x}/{y}.mvt'], minzoom: 0, maxzoom: 16 });`;
      const fill =
        l.kind === 'fill'
          ? `map.addLayer({ id: '${l.code}-fill', type: 'fill', source: '${l.code}', 'source-layer': '${l.code}', paint: { 'fill-color': '${l.color}', 'fill-opacity': ${l.opacity} } });`
          : '';
      const line = `map.addLayer({ id: '${l.code}-line', type: 'line', source: '${l.code}', 'source-layer': '${l.code}', paint: { 'line-color': '${l.color}', 'line-width': 1.2 } });`;
      return src + fill + line;
    })
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>baseline</title>
<link rel="stylesheet" href="/vendor/maplibre-gl/maplibre-gl.css">
<style>html,body{margin:0}#map{width:${size.width}px;height:${size.height}px}</style></head>
<body><div id="map"></div><script type="module">
import * as maplibregl from '/vendor/maplibre-gl/maplibre-gl.mjs';
window.__bench = { firstPaintMs: null };
const map = new maplibregl.Map({ container: 'map', bounds: [[118.34, 29.18], [120.72, 30.57]], fitBoundsOptions: { padding: 20 }, attributionControl: false,
  style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f2f1ed' } }] } });
map.on('load', () => {
  if (location.search === '?empty') { window.__bench.firstPaintMs = performance.now(); return; }
${add}
  map.once('idle', () => { window.__bench.firstPaintMs = performance.now(); });
});
</script></body></html>`;
}

interface Load {
  ms: number;
  requests: number;
  tiles: number;
  kb: number;
}

async function measure(browser: Browser, origin: string, path: string, token: string | null, probe: string): Promise<Load> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  try {
    if (token) await context.addCookies([{ name: SESSION_COOKIE, value: token, url: origin }]);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`  page error on ${path}: ${e.message}`));
    // Every response, the tile worker's included (its requests are not in the page's resource timing).
    const sizes: Promise<{ tile: boolean; bytes: number }>[] = [];
    page.on('requestfinished', (r) =>
      sizes.push(
        r.sizes().then(
          (z) => ({ tile: r.url().includes('/tiles/'), bytes: z.responseBodySize + z.responseHeadersSize }),
          () => ({ tile: false, bytes: 0 }),
        ),
      ),
    );
    await page.goto(origin + path);
    await page.waitForFunction(`(${probe}) !== null && (${probe}) !== undefined`, null, { timeout: 60_000, polling: 50 });
    const ms = Number(await page.evaluate(probe));
    const done = await Promise.all(sizes);
    return { ms, requests: done.length, tiles: done.filter((d) => d.tile).length, kb: done.reduce((a, d) => a + d.bytes, 0) / 1024 };
  } finally {
    await context.close();
  }
}

const show = (l: Load) => `${fmt(l.ms)} (${l.requests} requests, ${l.tiles} tiles, ${Math.round(l.kb).toLocaleString('en')} KB)`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms: number) => `${Math.round(ms).toLocaleString('en')} ms`;

async function startServer(db: Db, html: string, tileCacheMb: string | undefined): Promise<{ app: FastifyInstance; origin: string }> {
  const before = process.env.ONEMAP_TILE_CACHE_MB;
  if (tileCacheMb !== undefined) process.env.ONEMAP_TILE_CACHE_MB = tileCacheMb;
  const app = await buildApp({ db, config });
  if (tileCacheMb !== undefined) process.env.ONEMAP_TILE_CACHE_MB = before;
  if (before === undefined) delete process.env.ONEMAP_TILE_CACHE_MB;
  // The baseline page, on this server only (a bench fixture, not part of the platform).
  app.get('/bench/baseline.html', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, origin: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

async function rounds(browser: Browser, origin: string, token: string, label: string): Promise<{ viewer: Load[]; baseline: Load[] }> {
  const viewer: Load[] = [];
  const baseline: Load[] = [];
  for (let i = 0; i < RUNS; i++) {
    viewer.push(await measure(browser, origin, '/map', token, 'window.__onemap && window.__onemap.firstPaintMs'));
    baseline.push(await measure(browser, origin, '/bench/baseline.html', null, 'window.__bench && window.__bench.firstPaintMs'));
    console.log(`  ${label} round ${i + 1}: viewer ${show(viewer[i])}  baseline ${show(baseline[i])}`);
  }
  return { viewer, baseline };
}

function report(label: string, r: { viewer: Load[]; baseline: Load[] }, goal: boolean): void {
  const v = median(r.viewer.map((x) => x.ms));
  const b = median(r.baseline.map((x) => x.ms));
  const range = (xs: Load[]) => `${fmt(Math.min(...xs.map((x) => x.ms)))}–${fmt(Math.max(...xs.map((x) => x.ms)))}`;
  console.log(`\n${label}`);
  console.log(`  VIEWER   /map first map paint, median of ${RUNS} cold loads: ${fmt(v)} (range ${range(r.viewer)})`);
  console.log(`  BASELINE bare MapLibre page, same layers and server:      ${fmt(b)} (range ${range(r.baseline)})`);
  console.log(`  ratio viewer / baseline: ${(v / b).toFixed(2)}× (the application's own overhead: ${fmt(v - b)})`);
  if (goal)
    console.log(`  goal < ${fmt(GOAL_MS)}: ${v < GOAL_MS ? 'met' : 'NOT met'} (${((v / GOAL_MS) * 100).toFixed(0)} % of the budget)`);
}

const db = await demoDb();
await ensureWeb({ quiet: true });
const cat = await viewerCatalogue(db, ANONYMOUS);
const defaults = cat.layers
  .filter((l) => l.visible)
  .map((l) => ({
    code: l.code,
    color: l.style.color,
    opacity: l.style.opacity ?? 0.45,
    kind: (/Line/i.test(l.geometryType) ? 'line' : l.style.fill === false ? 'outline' : 'fill') as 'fill' | 'outline' | 'line',
  }));
const token = await session(db);
const browser = await launchBrowser();
// The viewer's map is the window minus the header (48 px) and the layer panel (272 px + border).
const html = baselineHtml(defaults, { width: VIEWPORT.width - 273, height: VIEWPORT.height - 48 });
console.log(
  `bench:web — ${db.kind}, demo city, default layers ${defaults.map((l) => l.code).join(', ')}, viewport ${VIEWPORT.width}×${VIEWPORT.height}, ${RUNS} rounds`,
);

try {
  const warm = await startServer(db, html, undefined);
  // A map page without layers first, so the browser's own start (GPU process, shader and
  // script compilation) is not counted as the server's first load.
  await measure(browser, warm.origin, '/bench/baseline.html?empty', null, 'window.__bench && window.__bench.firstPaintMs');
  // The first load after the server started fills the tile cache: reported alone, not in the medians.
  const first = await measure(browser, warm.origin, '/map', token, 'window.__onemap && window.__onemap.firstPaintMs');
  console.log(`  first viewer load after the server started (tile cache empty, statements not yet prepared): ${show(first)}`);
  const w = await rounds(browser, warm.origin, token, 'server warm');
  await warm.app.close();
  const cold = await startServer(db, html, '0');
  const c = await rounds(browser, cold.origin, token, 'server cold');
  await cold.app.close();
  report('SERVER WARM (tile cache filled once; browser cold every load)', w, true);
  report('SERVER COLD (no tile cache: the database builds every tile on every load)', c, false);
  console.log(`\nfirst viewer load after the server started: ${fmt(first.ms)} (one sample)`);
} finally {
  await browser.close();
  await db.close();
}
