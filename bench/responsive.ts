// npm run bench:responsive — does the server stay responsive under load (issue 22 item 2)?
// For each database mode the script starts the server in a child process on a fresh database
// (loopback only), then, at once:
//   - imports 200,000 small squares (a GeoJSON generated in a temp folder, 10 m squares on a
//     20 m grid inside the test city) into ZD through POST /api/layers/ZD/import;
//   - keeps 20 reviews running concurrently (POST /api/review/runs) until the import ends;
//   - polls GET /health every 50 ms (each poll sent on time, whether or not the previous one came
//     back, so a frozen server shows as long waits rather than fewer samples),
// and prints health p50 (median) / p95 / max over the load, the import's time and the reviews done.
// One /health call before the load: a running server has been polled before an import arrives.
// Modes: `worker` (embedded PGlite in its worker thread, the default), `in-process` (PGlite on the
// event loop's thread: the named baseline, openDb's `inProcess`), and `postgres` when
// DATABASE_URL is given (a throw-away schema, dropped afterwards). The ratio worker / in-process is
// printed. Bounded: each mode stops after ONEMAP_BENCH_MAX_S seconds (default 600) and says so.
// Goal: health p95 < 100 ms.
import { fork, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const FEATURES = Number(process.env.ONEMAP_BENCH_FEATURES ?? 200_000);
const REVIEWS = 20;
const POLL_MS = 50;
const MAX_S = Number(process.env.ONEMAP_BENCH_MAX_S ?? 600);
const E0 = 500000; // test/helpers/city.ts: the two-district city in EPSG:4549 metres
const N0 = 3350000;

type Mode = 'worker' | 'in-process' | 'postgres';

// ---- the server (child process) ----------------------------------------------------------------

async function serve(mode: Mode): Promise<void> {
  const { openDb } = await import('../src/db/index.ts');
  const { configFromEnv } = await import('../src/config.ts');
  const { ensureDefaultCatalogue } = await import('../src/catalogue/catalogue.service.ts');
  const { buildApp } = await import('../src/server/app.ts');
  const { loadCity } = await import('../test/helpers/city.ts');
  const { authHeaders } = await import('../test/helpers/auth.ts');
  const base = configFromEnv({});
  const dir = mkdtempSync(join(tmpdir(), 'onemap-bench-responsive-'));
  const schema = mode === 'postgres' ? `bench_${randomBytes(5).toString('hex')}` : undefined;
  const db = await openDb(
    mode === 'postgres'
      ? { databaseUrl: process.env.DATABASE_URL, schema }
      : { dataDir: join(dir, 'data'), inProcess: mode === 'in-process' },
  );
  const config = { ...base, db: {}, limits: { ...base.limits, anonymousPerMinute: 0 } };
  await ensureDefaultCatalogue(db);
  await loadCity(db, config);
  const headers = await authHeaders(db, 'admin');
  const app = await buildApp({ db, config });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  process.send!({ port, headers });
  process.on('message', async () => {
    await app.close();
    if (schema) await db.exec(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
    await db.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

// ---- the load (this process) -------------------------------------------------------------------

const sq = (x0: number, y0: number, s: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [E0 + x0, N0 + y0],
      [E0 + x0 + s, N0 + y0],
      [E0 + x0 + s, N0 + y0 + s],
      [E0 + x0, N0 + y0 + s],
      [E0 + x0, N0 + y0],
    ],
  ],
});

function importFile(dir: string): string {
  const side = Math.ceil(Math.sqrt(FEATURES));
  const parts: string[] = [];
  for (let i = 0; i < FEATURES; i++) {
    const x = -4500 + (i % side) * 20;
    const y = -4500 + Math.floor(i / side) * 20;
    parts.push(JSON.stringify({ type: 'Feature', properties: { DKBH: `B${i + 1}` }, geometry: sq(x, y, 10) }));
  }
  const file = join(dir, 'squares.geojson');
  writeFileSync(
    file,
    `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4549"}},"features":[\n${parts.join(',\n')}\n]}`,
  );
  return file;
}

function call(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(body);
  });
}

function multipart(name: string, content: Buffer): { body: Buffer; type: string } {
  const b = `----onemap${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${b}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  return { body: Buffer.concat([head, content, Buffer.from(`\r\n--${b}--\r\n`)]), type: `multipart/form-data; boundary=${b}` };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};

interface Figures {
  mode: Mode;
  p50: number;
  p95: number;
  max: number;
  polls: number;
  importS: number;
  importStatus: number;
  reviews: number;
  reviewFailures: number;
  stopped: boolean;
}

async function run(mode: Mode, file: string): Promise<Figures> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, ONEMAP_BENCH_CHILD: mode },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port, headers } = await new Promise<{ port: number; headers: Record<string, string> }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number; headers: Record<string, string> }));
    child.once('exit', (code) => reject(new Error(`the ${mode} server exited (${code}) before it listened`)));
  });
  const up = multipart('squares.geojson', readFileSync(file));
  // A server that has been up: a monitor has polled /health before the load arrives.
  await call(port, 'GET', '/health', {});
  let loading = true;
  const health: Promise<number>[] = [];
  const poller = setInterval(() => {
    if (loading) health.push(call(port, 'GET', '/health', {}).then((r) => (r.status === 200 ? r.ms : Infinity)));
  }, POLL_MS);
  const t0 = performance.now();
  const cap = setTimeout(() => (loading = false), MAX_S * 1000);
  let reviews = 0;
  let reviewFailures = 0;
  const review = JSON.stringify({
    type: 'urban-construction',
    geojson: {
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'EPSG:4549' } },
      features: [{ type: 'Feature', properties: {}, geometry: sq(-2500, 200, 600) }],
    },
  });
  const reviewers = Array.from({ length: REVIEWS }, async () => {
    while (loading) {
      const r = await call(port, 'POST', '/api/review/runs', { ...headers, 'content-type': 'application/json' }, Buffer.from(review));
      if (r.status === 200 || r.status === 201) reviews++;
      else reviewFailures++;
    }
  });
  const imported = await Promise.race([
    call(port, 'POST', '/api/layers/ZD/import', { ...headers, 'content-type': up.type }, up.body),
    new Promise<{ status: number; ms: number }>((r) => setTimeout(() => r({ status: -1, ms: MAX_S * 1000 }), MAX_S * 1000)),
  ]);
  const stopped = imported.status === -1;
  loading = false;
  clearTimeout(cap);
  clearInterval(poller);
  await Promise.all(reviewers);
  const ms = await Promise.all(health);
  child.send('stop');
  await new Promise((r) => child.once('exit', r));
  return {
    mode,
    p50: pct(ms, 50),
    p95: pct(ms, 95),
    max: Math.max(...ms),
    polls: ms.length,
    importS: (performance.now() - t0) / 1000,
    importStatus: imported.status,
    reviews,
    reviewFailures,
    stopped,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'onemap-bench-responsive-file-'));
  try {
    const file = importFile(dir);
    console.log(`${FEATURES.toLocaleString('en')} squares in ${file}; ${REVIEWS} concurrent reviews; /health every ${POLL_MS} ms`);
    const modes: Mode[] = ['worker', 'in-process', ...(process.env.DATABASE_URL ? (['postgres'] as const) : [])];
    const out: Figures[] = [];
    for (const m of modes) {
      const f = await run(m, file);
      out.push(f);
      const fmt = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : 'failed');
      console.log(
        `${m.padEnd(10)} health p50 ${fmt(f.p50)}  p95 ${fmt(f.p95)}  max ${fmt(f.max)}  (${f.polls} polls)  ` +
          `import ${f.importS.toFixed(1)} s (HTTP ${f.importStatus})  reviews ${f.reviews} done, ${f.reviewFailures} failed` +
          (f.stopped ? `  STOPPED at ${MAX_S} s` : ''),
      );
    }
    const [w, b] = out;
    console.log(
      `ratio worker / in-process (baseline): p50 ${(w.p50 / b.p50).toPrecision(2)}, p95 ${(w.p95 / b.p95).toPrecision(2)}, max ${(w.max / b.max).toPrecision(2)}`,
    );
    console.log(`goal health p95 < 100 ms: ${out.map((f) => `${f.mode} ${f.p95 < 100 ? 'met' : 'NOT met'}`).join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const child = process.env.ONEMAP_BENCH_CHILD as Mode | undefined;
if (child) await serve(child);
else await main();
