// npm run bench:tiles — vector tiles of the `demo` city, in one run:
//   BASELINE  PostgreSQL alone: for each tile the very statement the server runs (tileSql(),
//             prepared, same parameters), executed through the Db, sequentially;
//   COLD      the same tiles over HTTP from a running server (buildApp, listening on 127.0.0.1,
//             one keep-alive connection, sequential, Accept-Encoding: gzip like a browser) whose
//             tile cache has no room (ONEMAP_TILE_CACHE_MB=0), so every request — a tile drawn
//             twice included — builds its tile: statement + gzip + HTTP;
//   WARM      the same tiles from a server with the default cache, filled by one untimed pass
//             (big tiles are gzip-coded in the background after that pass; see tiles.service.ts).
// Goals: cold ≤ 1.2 × baseline and baseline ≥ 10 × warm, in total time. Every cold body is
// un-gzipped and compared with the baseline's bytes, so both sides provably did the same work.
//
// ONEMAP_BENCH_RUNS (default 1) repeats the three passes and takes, per tile, the median of its
// runs: on a shared machine one run's totals drift by ±10 %.
//
// Tiles: ONEMAP_BENCH_TILES (default 5,000), seeded (ONEMAP_BENCH_SEED, default 42): a layer
// drawn from LAYERS, a zoom uniform in 8–16, a point uniform in the city extent; kept when the
// layer has a feature intersecting that tile, so every tile has data. The city has only a few
// dozen tiles with data at zoom 8, so low-zoom tiles repeat (the number of distinct tiles is
// printed); that is why the cold server gets no cache room rather than an empty cache.
//
// Database: DATABASE_URL (PostgreSQL); without it, embedded PGlite in ONEMAP_DATA_DIR when that
// is set; otherwise postgres://onemap:onemap@localhost/onemap_demo. The demo city is generated
// (scale `demo`, ~68,000 features, a few seconds) if GHYD is empty. Create the database once:
//   psql postgres://onemap:onemap@localhost/postgres -c 'CREATE DATABASE onemap_demo'
// The server runs in this process (the client shares its event loop): HTTP costs count in full.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { openDb } from '../src/db/index.ts';
import { configFromEnv, type Config } from '../src/config.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { buildApp } from '../src/server/app.ts';
import { mulberry32 } from '../src/demo/prng.ts';
import { tileAt, type TileCoord } from '../src/tiles/tile-math.ts';
import { tileRoutes, TILE_ROUTE } from '../src/tiles/tiles.routes.ts';
import { attrNames, tileOptionsFromEnv } from '../src/tiles/tiles.service.ts';
import { buildTile, layersWithVersions, tileEncoder, tileParams, tileSql, type TileLayer } from '../src/tiles/tiles.repository.ts';

// Public polygon layers with data in the demo city, from many small parcels to long outlines:
// GHYD 17k parcels of 5 vertices, YJJBNT 1.3k, XXGHDY 467 units (≤ 67 vertices), STBHHX 42
// (≤ 812), GDBHHX 12 (≤ 934), CZKFBJ 30 (≤ 2,402 vertices).
const LAYERS = ['GHYD', 'XXGHDY', 'YJJBNT', 'CZKFBJ', 'STBHHX', 'GDBHHX'];
const ZOOMS = [8, 16];
const N = Number(process.env.ONEMAP_BENCH_TILES ?? 5000);
const RUNS = Math.max(1, Number(process.env.ONEMAP_BENCH_RUNS ?? 1));
const SEED = Number(process.env.ONEMAP_BENCH_SEED ?? 42);
const DEFAULT_URL = 'postgres://onemap:onemap@localhost/onemap_demo';

const url = process.env.DATABASE_URL || (process.env.ONEMAP_DATA_DIR ? undefined : DEFAULT_URL);
const base = configFromEnv();
// No anonymous rate limit: the bench is one address asking for tens of thousands of tiles.
const config: Config = {
  ...base,
  db: url ? { databaseUrl: url } : { dataDir: process.env.ONEMAP_DATA_DIR },
  limits: { ...base.limits, anonymousPerMinute: 0 },
};
const db = await openDb(config.db);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sha = (b: Buffer) => createHash('sha1').update(b).digest('hex');

interface BenchTile extends TileCoord {
  layer: TileLayer;
}

async function ensureCity(): Promise<void> {
  await ensureDefaultCatalogue(db);
  const r = await db.query<{ n: number }>(
    `SELECT coalesce((SELECT v.feature_count FROM layer l JOIN layer_version v ON v.layer_id = l.id AND v.version = l.active_version WHERE l.code = 'GHYD'), 0)::int AS n`,
  );
  if (r.rows[0].n > 0) return;
  console.log('generating the demo city (scale demo) …');
  const { generateDemo } = await import('../src/demo/index.ts');
  await generateDemo(db, config, { scale: 'demo' });
}

async function pickTiles(layers: TileLayer[]): Promise<BenchTile[]> {
  const rnd = mulberry32(SEED);
  const [x0, y0, x1, y1] = config.cityExtent;
  const hasData = new Map<string, boolean>();
  const out: BenchTile[] = [];
  while (out.length < N) {
    // Layer and zoom first, then points until the tile has data: zooms stay uniform.
    const layer = layers[Math.floor(rnd() * layers.length)];
    const z = ZOOMS[0] + Math.floor(rnd() * (ZOOMS[1] - ZOOMS[0] + 1));
    for (let tries = 0; tries < 10_000; tries++) {
      const t = tileAt(x0 + (x1 - x0) * rnd(), y0 + (y1 - y0) * rnd(), z);
      const key = `${layer.code}/${t.z}/${t.x}/${t.y}`;
      let ok = hasData.get(key);
      if (ok === undefined) {
        const r = await db.query<{ ok: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM feature f WHERE f.layer_id = $1 AND f.v_from <= $2 AND (f.v_to IS NULL OR f.v_to > $2)
                            AND ST_Intersects(f.geom, ST_Transform(ST_TileEnvelope($3, $4, $5), 4490))) AS ok`,
          [layer.id, layer.active_version, t.z, t.x, t.y],
        );
        hasData.set(key, (ok = r.rows[0].ok));
      }
      if (ok) {
        out.push({ layer, ...t });
        break;
      }
    }
  }
  return out;
}

function get(agent: http.Agent, port: number, path: string): Promise<{ status: number; body: Buffer; gzip: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { 'accept-encoding': 'gzip, deflate, br' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), gzip: res.headers['content-encoding'] === 'gzip' }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

try {
  await ensureCity();
  const all = await layersWithVersions(db);
  const layers = LAYERS.map((c) => all.find((l) => l.code === c)).filter(
    (l): l is TileLayer => !!l && l.active_version !== null && l.public,
  );
  const encoder = await tileEncoder(db);
  const tiles = await pickTiles(layers);
  const where = url ? `PostgreSQL ${url.replace(/:[^:@/]*@/, ':***@')}` : `embedded PGlite in ${process.env.ONEMAP_DATA_DIR}`;
  console.log(`bench:tiles — ${where}, encoder ${encoder === 'postgis' ? 'ST_AsMVT' : 'portable (mvt.ts)'}`);
  const distinct = new Set(tiles.map((t) => `${t.layer.code}/${t.z}/${t.x}/${t.y}`)).size;
  console.log(`${tiles.length} tiles with data (${distinct} distinct; seed ${SEED}), layers ${layers.map((l) => l.code).join(', ')}`);
  const hist = new Map<number, number>();
  for (const t of tiles) hist.set(t.z, (hist.get(t.z) ?? 0) + 1);
  console.log(
    `by zoom: ${[...hist]
      .sort((a, b) => a[0] - b[0])
      .map(([z, n]) => `z${z} ${n}`)
      .join(', ')}`,
  );

  // Bring the layers into PostgreSQL's buffer cache first, so the baseline (run first) does
  // not pay for cold pages that the HTTP pass would then find warm.
  await db.query(`SELECT sum(ST_NPoints(geom)) FROM feature WHERE layer_id = ANY($1::int[])`, [layers.map((l) => l.id)]);

  const sql = new Map(
    layers.map((l) => [l.id, tileSql({ layerId: l.id, geometryType: l.geometry_type }, { layer: l, districts: null }, encoder)]),
  );
  const baseline = async () => {
    const times: number[] = [];
    const hashes: string[] = [];
    let bytes = 0;
    for (const t of tiles) {
      const t0 = performance.now();
      const mvt = await buildTile(
        db,
        sql.get(t.layer.id)!,
        tileParams(t, t.layer.active_version!, t.layer.code, attrNames(t.layer), null),
        encoder,
      );
      times.push(performance.now() - t0);
      hashes.push(sha(mvt));
      bytes += mvt.length;
    }
    return { times, hashes, bytes };
  };

  // COLD: no room in the tile cache; WARM: the default cache, filled first.
  const serve = async (cacheMb: string | undefined) => {
    const saved = process.env.ONEMAP_TILE_CACHE_MB;
    if (cacheMb === undefined) delete process.env.ONEMAP_TILE_CACHE_MB;
    else process.env.ONEMAP_TILE_CACHE_MB = cacheMb;
    try {
      // buildApp registers the tile routes (tileRoutes reads ONEMAP_TILE_CACHE_MB then).
      const app = await buildApp({ db, config });
      if (!app.hasRoute({ method: 'GET', url: TILE_ROUTE })) tileRoutes(app, db, config, tileOptionsFromEnv());
      await app.listen({ host: '127.0.0.1', port: 0 });
      return app;
    } finally {
      if (saved === undefined) delete process.env.ONEMAP_TILE_CACHE_MB;
      else process.env.ONEMAP_TILE_CACHE_MB = saved;
    }
  };
  const pass = async (app: Awaited<ReturnType<typeof buildApp>>, agent: http.Agent, expect: string[] | null) => {
    const port = (app.server.address() as AddressInfo).port;
    const times: number[] = [];
    let mismatches = 0;
    let served = 0;
    for (let i = 0; i < tiles.length; i++) {
      const t = tiles[i];
      const t0 = performance.now();
      const r = await get(agent, port, `/tiles/${t.layer.code}/${t.z}/${t.x}/${t.y}.mvt`);
      times.push(performance.now() - t0);
      if (r.status !== 200 && r.status !== 204)
        throw new Error(`tile ${t.layer.code}/${t.z}/${t.x}/${t.y}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);
      served += r.body.length;
      if (expect && sha(r.gzip ? gunzipSync(r.body) : r.body) !== expect[i]) mismatches++;
    }
    return { times, mismatches, served };
  };
  const open = async (cacheMb: string | undefined) => {
    const app = await serve(cacheMb);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    // Open the connection and read the catalogue outside the timings.
    await get(agent, (app.server.address() as AddressInfo).port, '/tiles');
    return {
      app,
      agent,
      close: async () => {
        agent.destroy();
        await app.close();
      },
    };
  };

  // Each run: baseline, cold, warm. Several runs (ONEMAP_BENCH_RUNS) → per tile, the median of its runs.
  const runs: { base: number[]; cold: number[]; warm: number[] }[] = [];
  let bytes = 0;
  let warmServed = 0;
  let mismatches = 0;
  for (let r = 0; r < RUNS; r++) {
    const b = await baseline();
    bytes = b.bytes;
    const c = await open('0');
    const cold = await pass(c.app, c.agent, b.hashes);
    mismatches += cold.mismatches;
    await c.close();
    const w = await open(undefined);
    await pass(w.app, w.agent, null);
    // Big tiles are compressed in the thread pool after their first request: let that finish.
    await new Promise((res) => setTimeout(res, 1000));
    const warm = await pass(w.app, w.agent, null);
    warmServed = warm.served;
    await w.close();
    runs.push({ base: b.times, cold: cold.times, warm: warm.times });
    if (RUNS > 1)
      console.log(
        `run ${r + 1}: cold ÷ baseline ${(sum(cold.times) / sum(b.times)).toFixed(2)}, baseline ÷ warm ${(sum(b.times) / sum(warm.times)).toFixed(1)}`,
      );
  }
  const perTile = (k: 'base' | 'cold' | 'warm') => tiles.map((_, i) => median(runs.map((r) => r[k][i])));
  const baseMs = perTile('base');
  const cold = { times: perTile('cold') };
  const warm = { times: perTile('warm') };

  const row = (name: string, xs: number[]) =>
    `${name.padEnd(9)} ${(xs.length / (sum(xs) / 1000)).toFixed(0).padStart(8)} ${(sum(xs) / 1000).toFixed(2).padStart(9)} s ${pct(xs, 50).toFixed(2).padStart(9)} ms ${pct(xs, 95).toFixed(2).padStart(9)} ms`;
  console.log(`tiles: ${(bytes / 1e6).toFixed(1)} MB of MVT, ${(warmServed / 1e6).toFixed(1)} MB as served from the cache (gzip)`);
  console.log(
    `bodies over HTTP identical to the baseline's: ${mismatches === 0 ? `all ${tiles.length}${RUNS > 1 ? ` in each of ${RUNS} runs` : ''}` : `NO — ${mismatches} differ`}`,
  );
  if (RUNS > 1) console.log(`per tile: the median of ${RUNS} runs`);
  console.log('');
  console.log('pass       tiles/s     total        p50          p95');
  console.log(row('baseline', baseMs));
  console.log(row('cold', cold.times));
  console.log(row('warm', warm.times));
  console.log('');
  console.log('zoom  tiles  baseline ms/tile  cold ms/tile  warm ms/tile  cold ÷ baseline');
  for (let z = ZOOMS[0]; z <= ZOOMS[1]; z++) {
    const idx = tiles.map((t, i) => (t.z === z ? i : -1)).filter((i) => i >= 0);
    const avg = (xs: number[]) => sum(idx.map((i) => xs[i])) / idx.length;
    if (idx.length)
      console.log(
        `z${String(z).padEnd(4)} ${String(idx.length).padStart(5)} ${avg(baseMs).toFixed(2).padStart(17)} ${avg(cold.times).toFixed(2).padStart(13)} ${avg(warm.times).toFixed(2).padStart(13)} ${(avg(cold.times) / avg(baseMs)).toFixed(2).padStart(16)}`,
      );
  }
  const coldRatio = sum(cold.times) / sum(baseMs);
  const warmRatio = sum(baseMs) / sum(warm.times);
  console.log('');
  console.log(
    `cold ÷ baseline (total time): ${coldRatio.toFixed(2)}   goal ≤ 1.2: ${coldRatio <= 1.2 ? 'met' : 'NOT met'}   (p50 ${(pct(cold.times, 50) / pct(baseMs, 50)).toFixed(2)}, p95 ${(pct(cold.times, 95) / pct(baseMs, 95)).toFixed(2)})`,
  );
  console.log(
    `baseline ÷ warm (total time): ${warmRatio.toFixed(1)}   goal ≥ 10: ${warmRatio >= 10 ? 'met' : 'NOT met'}   (p50 ${(pct(baseMs, 50) / pct(warm.times, 50)).toFixed(1)})`,
  );
} finally {
  await db.close();
}
