// The graph engine without a database: CSR graph, components, budget-bounded multi-source
// Dijkstra (checked against Bellman-Ford on random graphs), facility sources, parcel distances
// along a shared edge, and reached edge pieces for isochrones.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Graph, components } from '../src/access/graph.ts';
import { Dijkstra } from '../src/access/dijkstra.ts';
import { facilitySources, mergeSources, parcelDistances, reachedPieces, tally } from '../src/access/coverage.ts';
import { resolveCoverageParams, AccessInputError } from '../src/access/settings.ts';

/** Edges as [source, target, length], ids 1..n in order. */
function graph(nodes: number, edges: [number, number, number][]): Graph {
  return Graph.fromEdges(nodes, {
    ids: edges.map((_, k) => k + 1),
    sources: edges.map((e) => e[0]),
    targets: edges.map((e) => e[1]),
    lengths: edges.map((e) => e[2]),
  });
}

// A path 1 —100— 2 —100— 3 —100— 4 and a detour 1 —50— 5 —60— 3; node 6 —10— 7 apart.
const g = graph(7, [
  [1, 2, 100],
  [2, 3, 100],
  [3, 4, 100],
  [1, 5, 50],
  [5, 3, 60],
  [6, 7, 10],
]);

describe('access engine', () => {
  test('CSR adjacency and components (largest first, isolated pair second)', () => {
    assert.equal(g.degree(1), 2);
    assert.equal(g.degree(3), 3);
    const c = components(g);
    assert.deepEqual([...c.of].slice(1), [1, 1, 1, 1, 1, 2, 2]);
    assert.deepEqual(c.sizes, [0, 5, 2]);
  });

  test('single source: shortest distances, the detour wins, budget cuts', () => {
    const d = new Dijkstra(g);
    d.run([1], [0], Infinity);
    assert.deepEqual([...d.dist].slice(1), [0, 100, 110, 210, 50, Infinity, Infinity]);
    d.run([1], [0], 105);
    assert.deepEqual([...d.reachedNodes()].sort(), [1, 2, 5]);
    assert.equal(d.dist[3], Infinity, 'state of the previous run is reset');
    d.run([1], [0], 110);
    assert.ok(d.reachedNodes().includes(3), 'a node exactly at the budget is reached');
  });

  test('multi-source with starting costs; sources beyond the budget are ignored', () => {
    const d = new Dijkstra(g);
    d.run([4, 1, 6], [5, 40, 500], 100);
    assert.equal(d.dist[4], 5);
    assert.equal(d.dist[1], 40);
    assert.equal(d.dist[5], 90);
    assert.equal(d.dist[2], Infinity); // 140 from 1, 205 from 4
    assert.equal(d.dist[6], Infinity);
  });

  test('agrees with Bellman-Ford on random graphs', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let round = 0; round < 30; round++) {
      const n = 5 + Math.floor(rnd() * 40);
      const edges: [number, number, number][] = [];
      for (let k = 0; k < n * 2; k++) {
        const a = 1 + Math.floor(rnd() * n);
        const b = 1 + Math.floor(rnd() * n);
        if (a !== b) edges.push([a, b, Math.round(rnd() * 1000) / 10]);
      }
      const gg = graph(n, edges);
      const sources = [1 + Math.floor(rnd() * n), 1 + Math.floor(rnd() * n)];
      const costs = [rnd() * 20, rnd() * 20];
      const budget = rnd() * 150;
      const bf = new Array(n + 1).fill(Infinity);
      sources.forEach((s, k) => (bf[s] = Math.min(bf[s], costs[k])));
      for (let it = 0; it < n; it++) {
        for (const [a, b, w] of edges) {
          if (bf[a] + w < bf[b]) bf[b] = bf[a] + w;
          if (bf[b] + w < bf[a]) bf[a] = bf[b] + w;
        }
      }
      const d = new Dijkstra(gg);
      d.run(sources, costs, budget);
      for (let u = 1; u <= n; u++) {
        const want = bf[u] <= budget ? bf[u] : Infinity;
        assert.ok(
          want === Infinity ? d.dist[u] === Infinity : Math.abs(d.dist[u] - want) < 1e-9,
          `round ${round} node ${u}: ${d.dist[u]} vs ${want}`,
        );
      }
    }
  });

  test('a facility mid-edge starts both ends; a parcel on the same edge walks along it', () => {
    // Facility on edge 2 (2→3, 100 m) at 30 m from node 2, leg 5: node 2 at 35, node 3 at 75.
    const src = facilitySources(g, [
      { edge: 2, offset: 30, node: null, leg: 5 },
      { edge: null, offset: null, node: null, leg: null },
    ]);
    assert.deepEqual([...src.nodes], [2, 3]);
    assert.deepEqual([...src.costs], [35, 75]);
    const d = new Dijkstra(g);
    // Parcels: on the same edge at 40 m (leg 2) → 5 + 10 + 2 = 17; on edge 1 (1→2) at 90 m → 35 + 10 + 0 = 45;
    // unsnapped → Infinity; on edge 3 at 50 m from 3 → 75 + 50 = 125 > budget 120.
    const dist = parcelDistances(
      d,
      src,
      [
        { edge: 2, offset: 40, node: null, leg: 2 },
        { edge: 1, offset: 90, node: null, leg: 0 },
        { edge: null, offset: null, node: null, leg: null },
        { edge: 3, offset: 50, node: null, leg: 0 },
      ],
      120,
    );
    assert.deepEqual([...dist], [17, 45, Infinity, Infinity]);
    const both = mergeSources(src, facilitySources(g, [{ edge: null, offset: null, node: 4, leg: 3 }]));
    assert.deepEqual([...both.nodes], [2, 3, 4]);
  });

  test('reached pieces: whole edges, partial edges from both ends, and around the facility', () => {
    // Facility at node 1 (cost 0), budget 80: edge 4 (1→5, 50) whole; edge 1 (1→2) to 80 m;
    // edge 5 (5→3, 60) from 5 for 30 m.
    const d = new Dijkstra(g);
    const src = facilitySources(g, [{ edge: null, offset: null, node: 1, leg: 0 }]);
    d.run(src.nodes, src.costs, 80);
    const pieces = reachedPieces(d, src, 80).sort((a, b) => a.edge - b.edge);
    assert.deepEqual(pieces, [
      { edge: 1, f0: 0, f1: 0.8 },
      { edge: 4, f0: 0, f1: 1 },
      { edge: 5, f0: 0, f1: 0.5 },
    ]);
    // Facility in the middle of edge 3 (3→4, 100 m) at 50 m, leg 0, budget 30: only [20, 80] of edge 3.
    const mid = facilitySources(g, [{ edge: 3, offset: 50, node: null, leg: 0 }]);
    d.run(mid.nodes, mid.costs, 30);
    assert.deepEqual(reachedPieces(d, mid, 30), [{ edge: 3, f0: 0.2, f1: 0.8 }]);
  });

  test('tally: per type, all types, districts and population', () => {
    const set = tally(
      [
        { district: 'A', area: 100, population: 10, mask: 0b11 },
        { district: 'A', area: 50, population: null, mask: 0b01 },
        { district: null, area: 30, population: 5, mask: 0b10 },
      ],
      2,
    );
    assert.deepEqual(set.districts, ['A']);
    assert.equal(set.get('', -1).coveredAreaM2, 100);
    assert.equal(set.get('', 0).coveredAreaM2, 150);
    assert.equal(set.get('', 1).coveredAreaM2, 130);
    assert.equal(set.get('', -1).residentialAreaM2, 180);
    assert.equal(set.get('A', 1).coveredAreaM2, 100);
    assert.equal(set.get('', 1).population, 15);
    assert.equal(set.get('', 1).coveredPopulation, 15);
  });

  test('parameters: defaults, budgets from minutes at the walk speed, and refusals', () => {
    const p = resolveCoverageParams();
    assert.ok(Math.abs(p.walkSpeedMPerMin - 1000 / 15) < 1e-12);
    const school = p.types.find((t) => t.type === '中学')!;
    assert.ok(Math.abs(school.budgetM - 1000) < 1e-9, '15 minutes at 4 km/h = 1000 m');
    assert.equal(p.types.find((t) => t.type === '小学')!.budgetMinutes, 10);
    assert.equal(p.types.find((t) => t.type === '养老服务中心')!.budgetMinutes, 5);
    assert.equal(p.types.find((t) => t.type === '公园')!.budgetMinutes, 5);
    const q = resolveCoverageParams({ types: ['小学'], budgets: { 小学: 4.5 }, walkSpeedKmH: 6 });
    assert.deepEqual(
      q.types.map((t) => [t.type, t.budgetM]),
      [['小学', 450]],
    );
    assert.throws(() => resolveCoverageParams({ types: ['学校'] }), AccessInputError);
    assert.throws(() => resolveCoverageParams({ budgets: { 学校: 3 } }), /not a facility type/);
    assert.throws(() => resolveCoverageParams({ walkSpeedKmH: 0 }), /walk speed/);
    assert.throws(() => resolveCoverageParams({ residential: { pattern: '(' } }), /regular expression/);
  });
});
