// Coverage arithmetic on top of the Dijkstra search: facility snaps → weighted source nodes,
// the walking distance to a parcel's snap point, which parcels a type covers, the reached edge
// pieces an isochrone is drawn from, and the figures per type and district. No SQL here.
import type { Graph } from './graph.ts';
import type { Dijkstra } from './dijkstra.ts';

/**
 * Where something meets the network: a point on a walkable edge (edge, offset from the edge's
 * source, in metres) or, for polygon facilities, a node; leg = the walk from it to that point.
 */
export interface Snap {
  edge: number | null;
  offset: number | null;
  node: number | null;
  leg: number | null;
}

export interface Sources {
  nodes: Int32Array;
  costs: Float64Array;
  /** Facilities lying on an edge: a parcel on the same edge may walk along it directly. */
  onEdge: Map<number, { offset: number; leg: number }[]>;
}

/**
 * A facility on edge e at offset o with leg l starts the search at e's source with l + o and at
 * its target with l + (length − o). bench/access.ts gives pgRouting the same two costs.
 */
export function facilitySources(g: Graph, snaps: Snap[]): Sources {
  const nodes: number[] = [];
  const costs: number[] = [];
  const onEdge = new Map<number, { offset: number; leg: number }[]>();
  for (const s of snaps) {
    if (s.leg === null) continue;
    if (s.edge !== null && s.offset !== null && g.hasEdge(s.edge)) {
      const L = g.edgeLength[s.edge];
      nodes.push(g.edgeSource[s.edge], g.edgeTarget[s.edge]);
      costs.push(s.leg + s.offset, s.leg + Math.max(0, L - s.offset));
      let list = onEdge.get(s.edge);
      if (!list) onEdge.set(s.edge, (list = []));
      list.push({ offset: s.offset, leg: s.leg });
    } else if (s.node !== null && s.node >= 1 && s.node <= g.nodeCount) {
      nodes.push(s.node);
      costs.push(s.leg);
    }
  }
  return { nodes: Int32Array.from(nodes), costs: Float64Array.from(costs), onEdge };
}

export function mergeSources(a: Sources, b: Sources): Sources {
  const onEdge = new Map(a.onEdge);
  for (const [e, list] of b.onEdge) onEdge.set(e, [...(onEdge.get(e) ?? []), ...list]);
  const nodes = new Int32Array(a.nodes.length + b.nodes.length);
  nodes.set(a.nodes);
  nodes.set(b.nodes, a.nodes.length);
  const costs = new Float64Array(a.costs.length + b.costs.length);
  costs.set(a.costs);
  costs.set(b.costs, a.costs.length);
  return { nodes, costs, onEdge };
}

/** Network distance from the sources of the last search to a point on an edge (leg not included). */
export function pointDistance(g: Graph, dist: Float64Array, onEdge: Sources['onEdge'], edge: number, offset: number): number {
  const L = g.edgeLength[edge];
  let d = Math.min(dist[g.edgeSource[edge]] + offset, dist[g.edgeTarget[edge]] + Math.max(0, L - offset));
  const here = onEdge.get(edge);
  if (here) for (const f of here) d = Math.min(d, f.leg + Math.abs(f.offset - offset));
  return d;
}

/** Door-to-door walking distance to each parcel (Infinity: unsnapped or beyond the budget). */
export function parcelDistances(dij: Dijkstra, sources: Sources, parcels: Snap[], budget: number): Float64Array {
  const g = dij.g;
  dij.run(sources.nodes, sources.costs, budget);
  const out = new Float64Array(parcels.length).fill(Infinity);
  for (let i = 0; i < parcels.length; i++) {
    const p = parcels[i];
    if (p.edge === null || p.offset === null || p.leg === null || !g.hasEdge(p.edge)) continue;
    const d = pointDistance(g, dij.dist, sources.onEdge, p.edge, p.offset) + p.leg;
    if (d <= budget) out[i] = d;
  }
  return out;
}

export interface Piece {
  edge: number;
  f0: number;
  f1: number;
}

/**
 * The parts of edges reachable within the budget after a search: from each reached end as far as
 * the remaining budget goes (a budget that ends mid-edge reaches part of it), and around any
 * facility on the edge itself. Fractions are of the edge's length, for ST_LineSubstring.
 */
export function reachedPieces(dij: Dijkstra, sources: Sources, budget: number): Piece[] {
  const g = dij.g;
  const spans = new Map<number, number[]>();
  const add = (e: number, a: number, b: number) => {
    let s = spans.get(e);
    if (!s) spans.set(e, (s = []));
    s.push(a, b);
  };
  for (const u of dij.reachedNodes()) {
    const r = budget - dij.dist[u];
    for (let a = g.offsets[u]; a < g.offsets[u + 1]; a++) {
      const e = g.arcEdge[a];
      const L = g.edgeLength[e];
      if (g.edgeSource[e] === u) add(e, 0, Math.min(L, r));
      if (g.edgeTarget[e] === u) add(e, Math.max(0, L - r), L);
    }
  }
  for (const [e, list] of sources.onEdge) {
    const L = g.edgeLength[e];
    for (const f of list) {
      const r = budget - f.leg;
      if (r >= 0) add(e, Math.max(0, f.offset - r), Math.min(L, f.offset + r));
    }
  }
  const out: Piece[] = [];
  for (const [e, s] of spans) {
    const L = g.edgeLength[e];
    if (!(L > 0)) continue;
    const iv: [number, number][] = [];
    for (let k = 0; k < s.length; k += 2) iv.push([s[k], s[k + 1]]);
    iv.sort((x, y) => x[0] - y[0]);
    let [a, b] = iv[0];
    for (let k = 1; k <= iv.length; k++) {
      if (k < iv.length && iv[k][0] <= b) {
        b = Math.max(b, iv[k][1]);
        continue;
      }
      out.push({ edge: e, f0: Math.min(1, a / L), f1: Math.min(1, b / L) });
      if (k < iv.length) [a, b] = iv[k];
    }
  }
  return out;
}

export interface ParcelFacts {
  district: string | null;
  area: number;
  population: number | null;
  /** Bit i set: facility type i reaches the parcel within its budget. */
  mask: number;
}

export interface Figure {
  residentialAreaM2: number;
  coveredAreaM2: number;
  parcels: number;
  coveredParcels: number;
  population: number | null;
  coveredPopulation: number | null;
}

export interface FigureSet {
  /** Key: district code ('' = city); typeIdx -1 = all types together. */
  get(district: string, typeIdx: number): Figure;
  districts: string[];
}

const emptyFigure = (withPop: boolean): Figure => ({
  residentialAreaM2: 0,
  coveredAreaM2: 0,
  parcels: 0,
  coveredParcels: 0,
  population: withPop ? 0 : null,
  coveredPopulation: withPop ? 0 : null,
});

/**
 * Residential area (and population) covered per type and for all types together (a parcel counts
 * for "all" only when every type reaches it), for the city and each district.
 */
export function tally(parcels: ParcelFacts[], typeCount: number): FigureSet {
  const withPop = parcels.some((p) => p.population !== null);
  const full = typeCount >= 31 ? -1 : (1 << typeCount) - 1;
  const table = new Map<string, Figure[]>();
  const row = (d: string) => {
    let r = table.get(d);
    if (!r) table.set(d, (r = Array.from({ length: typeCount + 1 }, () => emptyFigure(withPop))));
    return r;
  };
  row('');
  for (const p of parcels) {
    const pop = p.population ?? 0;
    for (const d of p.district === null ? [''] : ['', p.district]) {
      const r = row(d);
      for (let t = -1; t < typeCount; t++) {
        const f = r[t + 1];
        f.residentialAreaM2 += p.area;
        f.parcels++;
        if (withPop) f.population! += pop;
        const covered = t < 0 ? (p.mask & full) === full : (p.mask & (1 << t)) !== 0;
        if (covered) {
          f.coveredAreaM2 += p.area;
          f.coveredParcels++;
          if (withPop) f.coveredPopulation! += pop;
        }
      }
    }
  }
  return {
    get: (d, t) => table.get(d)?.[t + 1] ?? emptyFigure(withPop),
    districts: [...table.keys()].filter((d) => d !== '').sort(),
  };
}

export const percent = (part: number, whole: number | null): number | null => (whole ? (part / whole) * 100 : whole === null ? null : 0);
