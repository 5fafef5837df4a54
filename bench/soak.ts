// npm run bench:soak — load and faults (issue 22): for each database, the real server
// (`onemap start`, a child process on 127.0.0.1) serves the small demo city while loops ask for
// vector tiles, OGC API Features pages, review runs (POST a boundary) and imports of new layer
// versions (multipart GeoJSON, signed in as the demo planner), and /health is polled; the server
// is killed with SIGKILL at random moments (every other kill waits for an import in flight) and
// started again. At the end — the last kill with the load still running — the database is opened
// directly and checked (bench/soak/check.ts): every layer version complete or absent, every
// acknowledged (201) import and review run stored, nothing half written, the audit chain intact.
//
// Databases: embedded PGlite in a fresh temporary data folder, always; PostgreSQL too when
// DATABASE_URL (or --postgres URL) is given — a fresh database is created beside the one named
// (CREATE DATABASE; dropped afterwards) so an existing city is never touched.
//
//   ONEMAP_SOAK_SECONDS     load time per database (default 120; --seconds N)
//   ONEMAP_SOAK_KILL_EVERY  mean seconds between kills (default 12)
//   ONEMAP_SOAK_SEED        seed of every random choice (default 22)
//   ONEMAP_SOAK_ONLY        embedded | postgres: one database only
//   ONEMAP_SOAK_KEEP=1      keep the data folder / database and the server logs
//
// Exit status 1 when an acknowledged write was lost, a version is incomplete or half written,
// the audit chain is broken, or no kill happened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type DbConfig } from '../src/db/index.ts';
import { configFromEnv, type Config } from '../src/config.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { generateDemo } from '../src/demo/index.ts';
import { ensureDemoAccounts } from '../src/demo/accounts.ts';
import { mulberry32 } from '../src/demo/prng.ts';
import { SoakServer, freePort } from './soak/server.ts';
import { IMPORT_LAYERS, KINDS, newLoadState, runLoad, type LoadContext, type LoadState } from './soak/load.ts';
import { checkDatabase, type CheckResult } from './soak/check.ts';

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const SECONDS = Number(flag('seconds') ?? process.env.ONEMAP_SOAK_SECONDS ?? 120);
const KILL_EVERY = Number(process.env.ONEMAP_SOAK_KILL_EVERY ?? 12);
const SEED = Number(process.env.ONEMAP_SOAK_SEED ?? 22);
const ONLY = process.env.ONEMAP_SOAK_ONLY;
const KEEP = process.env.ONEMAP_SOAK_KEEP === '1';
const PG_URL = flag('postgres') ?? process.env.DATABASE_URL;
const PASSWORD = `soak-${randomBytes(6).toString('hex')}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

interface Target {
  name: string;
  db: DbConfig;
  /** What the server process gets to find the same database. */
  env: Record<string, string>;
  folder: string;
  cleanup(): Promise<void>;
}

function embeddedTarget(): Target {
  const folder = mkdtempSync(join(tmpdir(), 'onemap-soak-'));
  const dataDir = join(folder, 'data');
  return {
    name: 'embedded PGlite',
    db: { dataDir },
    env: { ONEMAP_DATA_DIR: dataDir, DATABASE_URL: '' },
    folder,
    cleanup: async () => rmSync(folder, { recursive: true, force: true }),
  };
}

async function postgresTarget(url: string): Promise<Target> {
  const name = `onemap_soak_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const folder = mkdtempSync(join(tmpdir(), 'onemap-soak-'));
  return {
    name: `PostgreSQL (database ${name})`,
    db: { databaseUrl: u.toString() },
    env: { DATABASE_URL: u.toString() },
    folder,
    async cleanup() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** The small demo city and the demo accounts, written before the server first starts. */
async function prepare(t: Target, config: Config): Promise<void> {
  const db = await openDb(t.db);
  try {
    await ensureDefaultCatalogue(db);
    await generateDemo(db, config, { scale: 'small' });
    await ensureDemoAccounts(db, config.districts, PASSWORD);
  } finally {
    await db.close();
  }
}

async function signIn(server: SoakServer): Promise<string> {
  const r = await fetch(`${server.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'planner', password: PASSWORD }),
  });
  if (r.status !== 200) throw new Error(`planner sign-in: ${r.status} ${await r.text()}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (!cookie.length) throw new Error('planner sign-in set no cookie');
  return cookie.join('; ');
}

async function dataBounds(server: SoakServer): Promise<[number, number, number, number]> {
  const r = await fetch(`${server.base}/tiles/GHYD.json`);
  if (!r.ok) throw new Error(`TileJSON of GHYD: ${r.status}`);
  return ((await r.json()) as { bounds: [number, number, number, number] }).bounds;
}

interface Faults {
  kills: number;
  duringImport: number;
}

/** Kills and restarts the server until the deadline; the last kill happens at the deadline. */
async function faults(server: SoakServer, state: LoadState, rand: () => number, deadline: number): Promise<Faults> {
  const f: Faults = { kills: 0, duringImport: 0 };
  for (;;) {
    const up = KILL_EVERY * (0.5 + rand());
    await sleep(Math.max(0, Math.min(up * 1000, deadline - Date.now())));
    const last = Date.now() >= deadline;
    if (f.kills % 2 === 0 || last) {
      // Aim at an import: wait (a while) for one in flight, then kill part-way through it.
      const until = Date.now() + 10_000;
      while (state.inflightImports.size === 0 && Date.now() < until) await sleep(20);
      const done = state.stats.import.ok;
      const typical = done.length ? pct(done, 50) : 500;
      await sleep(rand() * typical);
    }
    if (state.inflightImports.size > 0) f.duringImport++;
    await server.kill();
    f.kills++;
    if (last) return f;
    await server.start();
  }
}

interface Outcome {
  target: string;
  seconds: number;
  state: LoadState;
  faults: Faults;
  starts: number[];
  check: CheckResult;
}

async function soak(t: Target): Promise<Outcome> {
  const base = configFromEnv();
  const config: Config = { ...base, db: t.db };
  console.log(`\n== ${t.name}: preparing the small demo city …`);
  await prepare(t, config);
  const port = await freePort();
  // No anonymous rate limit: the load is one loopback address asking for thousands of tiles.
  const server = new SoakServer(port, { ...t.env, ONEMAP_ANON_RATE: '0' }, join(t.folder, 'server.log'));
  await server.start();
  const state = newLoadState();
  const rand = mulberry32(SEED);
  const ctx: LoadContext = { server, state, rand, bounds: await dataBounds(server), cookie: await signIn(server) };
  console.log(`   server on ${server.base}, load for ${SECONDS} s, a kill every ~${KILL_EVERY} s (log: ${join(t.folder, 'server.log')})`);
  const t0 = Date.now();
  const load = runLoad(ctx);
  const f = await faults(server, state, mulberry32(SEED + 1), t0 + SECONDS * 1000);
  const seconds = (Date.now() - t0) / 1000;
  state.end();
  await load;
  await server.close();
  const db = await openDb(t.db);
  try {
    return { target: t.name, seconds, state, faults: f, starts: server.startSeconds, check: await checkDatabase(db, state, IMPORT_LAYERS) };
  } finally {
    await db.close();
  }
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '—');

function report(o: Outcome): boolean {
  const { state, check: c } = o;
  console.log(`\n== ${o.target}: ${fmt(o.seconds)} s of load`);
  console.log('   kind      answered   req/s   p50 ms   p95 ms   cut by kill   4xx   5xx/timeout');
  for (const k of KINDS) {
    const s = state.stats[k];
    console.log(
      `   ${k.padEnd(8)} ${String(s.ok.length).padStart(9)} ${fmt(s.ok.length / o.seconds, 1).padStart(7)} ${fmt(pct(s.ok, 50)).padStart(8)} ${fmt(pct(s.ok, 95)).padStart(8)} ${String(s.cut).padStart(13)} ${String(s.refused).padStart(5)} ${String(s.failed).padStart(13)}`,
    );
  }
  console.log(`   health p95: ${fmt(pct(state.stats.health.ok, 95))} ms`);
  const restarts = o.starts.slice(1);
  console.log(
    `   kills (SIGKILL): ${o.faults.kills}, ${o.faults.duringImport} with an import in flight; restarts ${restarts.length}, ` +
      `start p50 ${fmt(pct(restarts, 50), 1)} s, max ${fmt(Math.max(...restarts), 1)} s`,
  );
  const acked = c.importsAcked + c.reviewsAcked;
  const lost = c.importsLost.length + c.reviewsLost.length;
  console.log(
    `   acknowledged writes: ${acked} (${c.importsAcked} imports, ${c.reviewsAcked} review runs); lost: ${lost}` +
      ` (${c.importsLost.length} imports, ${c.reviewsLost.length} review runs)`,
  );
  console.log(
    `   unacknowledged imports: ${c.unackedCommitted + c.unackedAbsent + c.halfWritten.length} — ${c.unackedCommitted} stored whole, ` +
      `${c.unackedAbsent} absent, ${c.halfWritten.length} half written`,
  );
  console.log(`   layer versions checked: ${c.versions}, inconsistent: ${c.broken.length}`);
  console.log(`   audit chain: ${c.auditRows} rows, ${c.auditBroken ? `BROKEN at ${c.auditBroken}` : 'intact'}`);
  for (const line of [...c.importsLost, ...c.reviewsLost, ...c.halfWritten, ...c.broken].slice(0, 30)) console.log(`   ! ${line}`);
  for (const line of state.failures) console.log(`   5xx: ${line}`);
  const ok = lost === 0 && c.halfWritten.length === 0 && c.broken.length === 0 && !c.auditBroken && o.faults.kills > 0;
  console.log(`   ${ok ? 'PASS' : 'FAIL'}: ${o.faults.kills} kills survived with ${lost} acknowledged writes lost`);
  return ok;
}

const targets: (() => Promise<Target>)[] = [];
if (ONLY !== 'postgres') targets.push(async () => embeddedTarget());
if (ONLY !== 'embedded' && PG_URL) targets.push(() => postgresTarget(PG_URL));
if (!targets.length) throw new Error('nothing to run: ONEMAP_SOAK_ONLY=postgres needs DATABASE_URL or --postgres URL');

let pass = true;
for (const make of targets) {
  const t = await make();
  let ok = false;
  try {
    ok = report(await soak(t));
  } catch (e) {
    console.error(`   ${t.name}: the soak did not complete: ${(e as Error).stack}`);
  } finally {
    if (KEEP || !ok) console.log(`   kept: ${t.folder}${t.db.databaseUrl ? ` and ${t.db.databaseUrl.replace(/:[^:@/]*@/, ':***@')}` : ''}`);
    else await t.cleanup();
  }
  pass &&= ok;
}
process.exit(pass ? 0 : 1);
