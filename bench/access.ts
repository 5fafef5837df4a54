// npm run bench:access — 15-minute life circle on the `large` demo city in PostgreSQL: builds the
// walking network, runs city-wide coverage for every facility type, then answers "which network
// nodes are within the type's budget of any facility" twice per type — with onemap's engine
// (typed-array Dijkstra, dijkstra.ts) and with pgRouting's pgr_drivingDistance on the same graph
// in the same database — and compares the times and the reachable node sets.
//
// Both engines get the same sources: a facility snapped to edge e at offset o with leg l starts
// at e's source with cost l + o and at e's target with l + (length − o) (coverage.ts). pgRouting
// receives them as virtual edges from virtual root vertices, in two formulations:
//   1 root   — one super-source with an edge to every starting node (one Dijkstra);
//   per fac. — one root per facility, all passed as start_vids (one Dijkstra each), the union of
//              their reachable nodes. (equicost := true would assign each node to its nearest
//              root, but pgRouting 3.4 then loses nodes — cf. pgRouting issue #552 — so the union
//              of the per-root answers is what is compared.)
// Medians over ONEMAP_BENCH_RUNS runs (default 3). The machines are shared and noisy.
import { openDb, type Db } from '../src/db/index.ts';
import { configFromEnv } from '../src/config.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { generateDemo } from '../src/demo/index.ts';
import { buildNetwork, GraphCache } from '../src/access/network.ts';
import { accessContext, runCoverage } from '../src/access/access.service.ts';
import * as repo from '../src/access/access.repository.ts';
import { Dijkstra } from '../src/access/dijkstra.ts';
import { facilitySources, type Snap } from '../src/access/coverage.ts';

const RUNS = Number(process.env.ONEMAP_BENCH_RUNS ?? 3);
const URL_ = process.env.ONEMAP_BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (!URL_) {
  console.error('bench:access needs PostgreSQL with PostGIS: set DATABASE_URL, e.g. postgres://onemap:onemap@localhost/onemap_bench');
  process.exit(1);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0: number) => performance.now() - t0;
const fmt = (v: number, w: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '—').padStart(w);

async function ensureCity(db: Db) {
  await ensureDefaultCatalogue(db);
  const r = await db.query<{ n: number }>(
    `SELECT coalesce((SELECT v.feature_count FROM layer l JOIN layer_version v ON v.layer_id = l.id AND v.version = l.active_version WHERE l.code = 'BXWL'), 0)::int AS n`,
  );
  if (r.rows[0].n > 0) {
    console.log(`reusing the city already in the database (BXWL: ${r.rows[0].n.toLocaleString('en')} lines)`);
    return;
  }
  console.log('generating the large demo city (about 1.5 min on 2 cores) …');
  const t0 = performance.now();
  const g = await generateDemo(db, configFromEnv(), {
    scale: 'large',
    onProgress: (msg, done, total) => process.stderr.write(`\r  ${done}/${total} ${msg}`.padEnd(70)),
  });
  process.stderr.write('\n');
  console.log(`  ${g.layers.reduce((s, l) => s + l.featureCount, 0).toLocaleString('en')} features in ${(ms(t0) / 1000).toFixed(1)} s`);
}

async function pgroutingReady(db: Db): Promise<boolean> {
  const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'pgrouting'`);
  if (r.rows[0].n === 0) return false;
  await db.exec('CREATE EXTENSION IF NOT EXISTS pgrouting');
  return true;
}

/** Nodes reached by pgr_drivingDistance from the virtual roots of `kind`; returns time and set. */
async function pgrReach(
  db: Db,
  networkId: number,
  maxNode: number,
  typeIdx: number,
  kind: 'super' | 'each',
  budget: number,
): Promise<{ ms: number; nodes: Set<number> }> {
  const roots = (
    await db.query<{ root: number }>(`SELECT DISTINCT root FROM bench_access_source WHERE type_idx = $1 AND kind = $2 ORDER BY root`, [
      typeIdx,
      kind,
    ])
  ).rows.map((r) => r.root);
  if (roots.length === 0) return { ms: 0, nodes: new Set() };
  const edges = `SELECT id, source, target, length_m AS cost FROM access_edge WHERE network_id = ${networkId} AND walkable
                 UNION ALL SELECT edge_id, root, node, cost FROM bench_access_source WHERE type_idx = ${typeIdx} AND kind = '${kind}'`;
  const t0 = performance.now();
  const r = await db.query<{ node: number }>(
    `SELECT DISTINCT node::int AS node FROM pgr_drivingDistance($1, $2::bigint[], $3::float8, false, false) WHERE node <= $4`,
    [edges, roots, budget, maxNode],
  );
  return { ms: ms(t0), nodes: new Set(r.rows.map((x) => x.node)) };
}

const db = await openDb({ databaseUrl: URL_ });
try {
  console.log(`bench:access — PostgreSQL ${URL_.replace(/:[^:@/]*@/, ':***@')}, ${RUNS} runs, medians`);
  await ensureCity(db);
  const hasPgr = await pgroutingReady(db);
  if (!hasPgr)
    console.log('pgRouting is not installed on this server (Debian: apt-get install postgresql-15-pgrouting): the comparison is skipped.');

  let t0 = performance.now();
  const net = await buildNetwork(db, {});
  console.log(
    `network v${net.networkVersion} from BXWL v${net.layerVersion}: ${net.nodes.toLocaleString('en')} nodes, ${net.walkableEdges.toLocaleString('en')} walkable edges, ` +
      `${(net.walkableLengthM / 1000).toFixed(0)} km, ${net.islands.count} islands — ${net.reused ? `reused (built in ${net.buildSeconds} s)` : `built in ${(ms(t0) / 1000).toFixed(1)} s`}`,
  );

  t0 = performance.now();
  const ctx = accessContext(db);
  const run = await runCoverage(ctx, { user: 'bench' });
  const runMs = ms(t0);
  console.log(
    `coverage run ${run.runId} (every type, city-wide, end to end incl. snapping ${run.city.parcels.toLocaleString('en')} parcels): ${(runMs / 1000).toFixed(2)} s; ` +
      `all types ${run.city.coveragePercent}% of ${(run.city.residentialAreaM2 / 1e6).toFixed(2)} km² residential`,
  );

  // Engine: load the graph once (timed), then one multi-source search per type.
  const loads: number[] = [];
  let g = await new GraphCache().get(db, net.networkVersion);
  for (let i = 0; i < RUNS; i++) {
    t0 = performance.now();
    g = await new GraphCache().get(db, net.networkVersion);
    loads.push(ms(t0));
  }
  const loadMs = median(loads);
  const dij = new Dijkstra(g);
  const types = await repo.runTypes(db, run.runId);
  const maxNode = g.nodeCount;
  let maxEdge = (await db.query<{ m: number }>(`SELECT max(id)::int AS m FROM access_edge WHERE network_id = $1`, [net.networkVersion]))
    .rows[0].m;

  if (hasPgr) {
    await db.exec(`DROP TABLE IF EXISTS bench_access_source;
      CREATE UNLOGGED TABLE bench_access_source (type_idx int, kind text, edge_id bigint, root bigint, node bigint, cost float8)`);
  }
  const sources = new Map<number, ReturnType<typeof facilitySources>>();
  for (const t of types) {
    const rows = await repo.runFacilities(db, run.runId, t.idx);
    const snaps: Snap[] = rows.map((r) => ({ edge: r.edge_id, offset: r.offset_m, node: r.node_id, leg: r.leg_m }));
    const src = facilitySources(g, snaps);
    sources.set(t.idx, src);
    if (!hasPgr) continue;
    // The same starting costs as virtual edges: 'super' from one root, 'each' from one root per facility.
    const lines: string[] = [];
    for (let k = 0; k < src.nodes.length; k++)
      lines.push(`${t.idx}\tsuper\t${++maxEdge}\t${maxNode + 1}\t${src.nodes[k]}\t${src.costs[k]}\n`);
    const byFacility = new Map<number, Snap[]>();
    for (const r of rows)
      byFacility.set(r.feature_id, [
        ...(byFacility.get(r.feature_id) ?? []),
        { edge: r.edge_id, offset: r.offset_m, node: r.node_id, leg: r.leg_m },
      ]);
    let root = maxNode + 1;
    for (const list of byFacility.values()) {
      const s = facilitySources(g, list);
      if (s.nodes.length === 0) continue;
      root++;
      for (let k = 0; k < s.nodes.length; k++) lines.push(`${t.idx}\teach\t${++maxEdge}\t${root}\t${s.nodes[k]}\t${s.costs[k]}\n`);
    }
    if (lines.length) await db.copyText('bench_access_source', ['type_idx', 'kind', 'edge_id', 'root', 'node', 'cost'], lines.join(''));
  }
  if (hasPgr) await db.exec('ANALYZE bench_access_source');

  console.log('');
  console.log(
    'type              budget m  facilities* reached nodes   onemap ms   pgr 1-root ms   pgr per-fac. ms   ratio*  set differences (1-root / per-fac.)',
  );
  let sumOurs = 0;
  let sumSuper = 0;
  let sumEach = 0;
  let totalDiff = 0;
  for (const t of types) {
    const src = sources.get(t.idx)!;
    const ours: number[] = [];
    let reached = new Set<number>();
    for (let i = 0; i < RUNS; i++) {
      const s0 = performance.now();
      dij.run(src.nodes, src.costs, t.budget_m);
      ours.push(ms(s0));
      reached = new Set(dij.reachedNodes());
    }
    const o = median(ours);
    sumOurs += o;
    let line = `${t.type.padEnd(16 - [...t.type].length)}${fmt(t.budget_m, 10, 0)} ${String(t.snapped).padStart(11)} ${String(reached.size).padStart(14)} ${fmt(o, 11, 2)}`;
    if (hasPgr) {
      const sup: number[] = [];
      const each: number[] = [];
      let setSuper = new Set<number>();
      let setEach = new Set<number>();
      for (let i = 0; i < RUNS; i++) {
        const a = await pgrReach(db, net.networkVersion, maxNode, t.idx, 'super', t.budget_m);
        sup.push(a.ms);
        setSuper = a.nodes;
        const b = await pgrReach(db, net.networkVersion, maxNode, t.idx, 'each', t.budget_m);
        each.push(b.ms);
        setEach = b.nodes;
      }
      const diff = (x: Set<number>) => [...x].filter((n) => !reached.has(n)).length + [...reached].filter((n) => !x.has(n)).length;
      const d1 = diff(setSuper);
      const d2 = diff(setEach);
      totalDiff += d1 + d2;
      sumSuper += median(sup);
      sumEach += median(each);
      const best = Math.min(median(sup), median(each));
      line += `${fmt(median(sup), 16)} ${fmt(median(each), 17)} ${fmt(best / o, 7)}×   ${d1} / ${d2}`;
    } else {
      line += '   (pgRouting skipped)';
    }
    console.log(line);
  }
  console.log(
    '* facilities: those snapped to the network (the sources); ratio: the faster pgRouting formulation ÷ onemap search, per type (graph already loaded)',
  );
  console.log('');
  const oursTotal = sumOurs + loadMs;
  console.log(
    `onemap: ${loadMs.toFixed(1)} ms to load the graph once + ${sumOurs.toFixed(1)} ms for ${types.length} searches = ${oursTotal.toFixed(1)} ms`,
  );
  if (hasPgr) {
    const best = Math.min(sumSuper, sumEach);
    console.log(`pgRouting: ${sumSuper.toFixed(1)} ms (1 root per type), ${sumEach.toFixed(1)} ms (one root per facility)`);
    console.log(
      `ratio, pgRouting ÷ onemap incl. graph load: ${(sumSuper / oursTotal).toFixed(1)}× (1 root), ${(sumEach / oursTotal).toFixed(1)}× (per facility); ` +
        `searches only: ${(best / sumOurs).toFixed(1)}× against the faster formulation`,
    );
    console.log(`reachable node sets: ${totalDiff === 0 ? 'identical for every type and both formulations' : `${totalDiff} differences`}`);
    await db.exec('DROP TABLE IF EXISTS bench_access_source');
  }
} finally {
  await db.close();
}
