// The load of bench:soak: concurrent loops of vector tiles, OGC API Features pages, review runs
// (POST a boundary), imports of new layer versions (multipart upload as the demo planner) and
// /health polling, against a server that is killed and restarted under them. Every answer is
// timed; a connection lost to a kill is counted apart from an answer, and every write the
// server acknowledged (201) is remembered with what it sent, for the check afterwards.
import { tileAt } from '../../src/tiles/tile-math.ts';
import type { SoakServer } from './server.ts';

export const KINDS = ['tile', 'ogc', 'review', 'import', 'health'] as const;
export type Kind = (typeof KINDS)[number];

export interface KindStats {
  /** Latencies of answered requests (2xx/304), ms. */
  ok: number[];
  /** Requests whose connection the kill cut (no answer). */
  cut: number;
  /** 4xx answers (refused input). */
  refused: number;
  /** 5xx answers and timeouts while the server ran. */
  failed: number;
}

export interface SentImport {
  layer: string;
  nonce: string;
  /** Features in the file, and how many of them carry the nonce. */
  total: number;
  tagged: number;
  /** Parts of the answer: the version on 201, the status otherwise (0 = cut by a kill). */
  version?: number;
  status: number;
  startedAt: number;
}

export interface LoadState {
  stats: Record<Kind, KindStats>;
  /** First few 5xx answers, for the report. */
  failures: string[];
  imports: SentImport[];
  /** Review runs acknowledged with 201: run id and the name sent. */
  reviews: { runId: number; name: string }[];
  inflightImports: Set<SentImport>;
  stopped: boolean;
  /** Resolves when the load is told to stop, releasing loops that wait for a server that stays down. */
  stop: Promise<void>;
  end: () => void;
}

export function newLoadState(): LoadState {
  const stats = Object.fromEntries(KINDS.map((k) => [k, { ok: [], cut: 0, refused: 0, failed: 0 }])) as unknown as Record<Kind, KindStats>;
  let end = () => {};
  const stop = new Promise<void>((r) => (end = r));
  const state: LoadState = { stats, failures: [], imports: [], reviews: [], inflightImports: new Set(), stopped: false, stop, end };
  state.end = () => {
    state.stopped = true;
    end();
  };
  return state;
}

export interface LoadContext {
  server: SoakServer;
  state: LoadState;
  rand: () => number;
  /** Where the demo city has data, [minLon, minLat, maxLon, maxLat]. */
  bounds: [number, number, number, number];
  /** Session cookie of the demo planner. */
  cookie: string;
}

const TILE_LAYERS = ['GHYD', 'YJJBNT', 'CZKFBJ', 'XXGHDY', 'STBHHX', 'XZQ', 'GYLD'];
const OGC_LAYERS = ['GHYD', 'YJJBNT', 'XZQ', 'GGFWSS', 'GYLD'];
const REQUEST_TIMEOUT_MS = 120_000;

interface Answer {
  status: number;
  body: string;
}

/** One timed request: waits while the server is down; a cut connection returns null. */
async function timed(ctx: LoadContext, kind: Kind, url: string, init: RequestInit = {}): Promise<Answer | null> {
  await Promise.race([ctx.server.whenUp(), ctx.state.stop]);
  if (ctx.state.stopped) return null;
  const s = ctx.state.stats[kind];
  const t0 = performance.now();
  let res: Response;
  let body: string;
  try {
    res = await fetch(ctx.server.base + url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    body = await res.text();
  } catch (e) {
    if ((e as Error).name === 'TimeoutError' && ctx.server.running) {
      s.failed++;
      note(ctx, `${kind} ${url.slice(0, 80)}: no answer in ${REQUEST_TIMEOUT_MS / 1000} s`);
    } else s.cut++;
    return null;
  }
  const ms = performance.now() - t0;
  if (res.status < 400) s.ok.push(ms);
  else if (res.status < 500) s.refused++;
  else {
    s.failed++;
    note(ctx, `${kind} ${url.slice(0, 80)}: ${res.status} ${body.slice(0, 200)}`);
  }
  return { status: res.status, body };
}

function note(ctx: LoadContext, msg: string) {
  if (ctx.state.failures.length < 20) ctx.state.failures.push(msg);
}

const pick = <T>(ctx: LoadContext, xs: readonly T[]): T => xs[Math.floor(ctx.rand() * xs.length)];
const between = (ctx: LoadContext, a: number, b: number) => a + ctx.rand() * (b - a);

function randomPoint(ctx: LoadContext): [number, number] {
  const [x0, y0, x1, y1] = ctx.bounds;
  return [between(ctx, x0, x1), between(ctx, y0, y1)];
}

async function tileLoop(ctx: LoadContext) {
  while (!ctx.state.stopped) {
    const [lon, lat] = randomPoint(ctx);
    const t = tileAt(lon, lat, 10 + Math.floor(ctx.rand() * 7));
    await timed(ctx, 'tile', `/tiles/${pick(ctx, TILE_LAYERS)}/${t.z}/${t.x}/${t.y}.mvt`);
  }
}

async function ogcLoop(ctx: LoadContext) {
  while (!ctx.state.stopped) {
    const offset = Math.floor(ctx.rand() * 20) * 50;
    await timed(ctx, 'ogc', `/ogcapi/collections/${pick(ctx, OGC_LAYERS)}/items?f=json&limit=50&offset=${offset}`);
  }
}

function square(lon: number, lat: number, d: number): number[][][] {
  return [
    [
      [lon, lat],
      [lon + d, lat],
      [lon + d, lat + d],
      [lon, lat + d],
      [lon, lat],
    ],
  ];
}

async function reviewLoop(ctx: LoadContext, worker: number) {
  let n = 0;
  while (!ctx.state.stopped) {
    const [lon, lat] = randomPoint(ctx);
    const name = `soak-review-${worker}-${n++}-${Math.floor(ctx.rand() * 1e9)}`;
    const body = {
      type: 'urban-construction',
      name,
      geometry: false,
      geojson: { type: 'Polygon', coordinates: square(lon, lat, between(ctx, 0.001, 0.004)) },
    };
    const a = await timed(ctx, 'review', '/api/review/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: ctx.cookie },
      body: JSON.stringify(body),
    });
    if (a?.status === 201) ctx.state.reviews.push({ runId: Number((JSON.parse(a.body) as { runId: number }).runId), name });
  }
}

// Import files: a stable set of base features (unchanged rows are shared between versions), some
// of them left out each time (removed), plus features tagged with the import's nonce (new or
// changed rows); sometimes one round polygon of 400 vertices (cut into feature_part pieces) and
// sometimes a bigger file, so that kills also land inside longer transactions.
const ORIGIN: [number, number] = [120.02, 30.18];
const CELL = 0.0004;
const BASE_FEATURES = 40;

function circle(lon: number, lat: number, r: number, n: number): number[][][] {
  const ring: number[][] = [];
  for (let i = 0; i < n; i++) ring.push([lon + r * Math.cos((2 * Math.PI * i) / n), lat + r * Math.sin((2 * Math.PI * i) / n)]);
  ring.push(ring[0]);
  return [ring];
}

function importFile(ctx: LoadContext, layer: string, nonce: string): { text: string; total: number; tagged: number } {
  const features: unknown[] = [];
  for (let i = 0; i < BASE_FEATURES; i++) {
    if (ctx.rand() < 0.1) continue;
    features.push({
      type: 'Feature',
      id: `B${i}`,
      properties: { name: `基础要素 ${i}` },
      geometry: { type: 'Polygon', coordinates: square(ORIGIN[0] + i * CELL, ORIGIN[1], CELL * 0.8) },
    });
  }
  const base = features.length;
  const tagged = ctx.rand() < 0.15 ? 1500 + Math.floor(ctx.rand() * 1500) : 20 + Math.floor(ctx.rand() * 280);
  for (let i = 0; i < tagged; i++) {
    const big = i === 0 && ctx.rand() < 0.4;
    const lon = ORIGIN[0] + (i % 100) * CELL;
    const lat = ORIGIN[1] + (1 + Math.floor(i / 100)) * CELL;
    features.push({
      type: 'Feature',
      id: `N${i}`,
      properties: { soak: nonce, i, name: `变更要素 ${i}` },
      geometry: {
        type: 'Polygon',
        coordinates: big ? circle(ORIGIN[0] - 0.01, ORIGIN[1] - 0.01, 0.005, 400) : square(lon, lat, CELL * (0.5 + 0.3 * ctx.rand())),
      },
    });
  }
  return { text: JSON.stringify({ type: 'FeatureCollection', name: layer, features }), total: base + tagged, tagged };
}

async function importLoop(ctx: LoadContext, layer: string, worker: number) {
  let n = 0;
  while (!ctx.state.stopped) {
    await Promise.race([ctx.server.whenUp(), ctx.state.stop]);
    if (ctx.state.stopped) break;
    const nonce = `${layer}-${worker}-${n++}-${Math.floor(ctx.rand() * 1e9).toString(36)}`;
    const f = importFile(ctx, layer, nonce);
    const form = new FormData();
    form.set('note', nonce);
    form.set('file', new Blob([f.text], { type: 'application/geo+json' }), `${nonce}.geojson`);
    const sent: SentImport = { layer, nonce, total: f.total, tagged: f.tagged, status: 0, startedAt: performance.now() };
    ctx.state.imports.push(sent);
    ctx.state.inflightImports.add(sent);
    const a = await timed(ctx, 'import', `/api/layers/${layer}/import`, { method: 'POST', headers: { cookie: ctx.cookie }, body: form });
    ctx.state.inflightImports.delete(sent);
    sent.status = a?.status ?? 0;
    if (a?.status === 201) sent.version = (JSON.parse(a.body) as { version: number }).version;
  }
}

async function healthLoop(ctx: LoadContext) {
  while (!ctx.state.stopped) {
    await timed(ctx, 'health', '/health');
    await new Promise((r) => setTimeout(r, 250));
  }
}

// SOAKA is created by the first import (a new partition) and gets two import loops at once (they
// queue on the layer's row lock); GYLD is a public demo layer that tiles and OGC pages read, so its
// new versions drop cached tiles under load.
export const IMPORT_LAYERS = ['SOAKA', 'GYLD'];

/** Starts every loop; resolves when all have seen `stopped` and finished their request. */
export function runLoad(ctx: LoadContext): Promise<unknown> {
  return Promise.all([
    tileLoop(ctx),
    tileLoop(ctx),
    tileLoop(ctx),
    ogcLoop(ctx),
    ogcLoop(ctx),
    reviewLoop(ctx, 1),
    reviewLoop(ctx, 2),
    importLoop(ctx, 'SOAKA', 1),
    importLoop(ctx, 'SOAKA', 2),
    importLoop(ctx, 'GYLD', 3),
    healthLoop(ctx),
  ]);
}
