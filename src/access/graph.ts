// The walking network as a compressed adjacency structure (CSR) over typed arrays: loaded once
// from access_edge and searched many times. Graph search is not geometry, so it lives here and
// not in PostGIS (decision 0004). Node ids are 1..nodeCount; slot 0 is unused.

export interface EdgeArrays {
  ids: Int32Array | number[];
  sources: Int32Array | number[];
  targets: Int32Array | number[];
  lengths: Float64Array | number[];
}

export class Graph {
  /** Arcs of node u are offsets[u] .. offsets[u + 1] - 1. */
  readonly offsets: Int32Array;
  readonly arcNode: Int32Array;
  readonly arcEdge: Int32Array;
  readonly arcCost: Float64Array;
  /** Per edge id (walkable edges only; others have length NaN). */
  readonly edgeSource: Int32Array;
  readonly edgeTarget: Int32Array;
  readonly edgeLength: Float64Array;

  private constructor(
    readonly nodeCount: number,
    readonly edgeCount: number,
    offsets: Int32Array,
    arcNode: Int32Array,
    arcEdge: Int32Array,
    arcCost: Float64Array,
    edgeSource: Int32Array,
    edgeTarget: Int32Array,
    edgeLength: Float64Array,
  ) {
    this.offsets = offsets;
    this.arcNode = arcNode;
    this.arcEdge = arcEdge;
    this.arcCost = arcCost;
    this.edgeSource = edgeSource;
    this.edgeTarget = edgeTarget;
    this.edgeLength = edgeLength;
  }

  /** Undirected graph: every edge is walkable both ways at its length. */
  static fromEdges(nodeCount: number, e: EdgeArrays): Graph {
    const m = e.ids.length;
    let maxEdge = 0;
    for (let k = 0; k < m; k++) if (e.ids[k] > maxEdge) maxEdge = e.ids[k];
    const edgeSource = new Int32Array(maxEdge + 1);
    const edgeTarget = new Int32Array(maxEdge + 1);
    const edgeLength = new Float64Array(maxEdge + 1).fill(NaN);
    const degree = new Int32Array(nodeCount + 2);
    for (let k = 0; k < m; k++) {
      const s = e.sources[k];
      const t = e.targets[k];
      if (s < 1 || t < 1 || s > nodeCount || t > nodeCount)
        throw new Error(`edge ${e.ids[k]} joins node ${s} and ${t}, outside 1..${nodeCount}`);
      if (!(e.lengths[k] >= 0)) throw new Error(`edge ${e.ids[k]} has length ${e.lengths[k]}`);
      degree[s]++;
      degree[t]++;
      edgeSource[e.ids[k]] = s;
      edgeTarget[e.ids[k]] = t;
      edgeLength[e.ids[k]] = e.lengths[k];
    }
    const offsets = new Int32Array(nodeCount + 2);
    for (let u = 1; u <= nodeCount + 1; u++) offsets[u] = offsets[u - 1] + degree[u - 1];
    const fill = offsets.slice();
    const arcNode = new Int32Array(2 * m);
    const arcEdge = new Int32Array(2 * m);
    const arcCost = new Float64Array(2 * m);
    for (let k = 0; k < m; k++) {
      const s = e.sources[k];
      const t = e.targets[k];
      let a = fill[s]++;
      arcNode[a] = t;
      arcEdge[a] = e.ids[k];
      arcCost[a] = e.lengths[k];
      a = fill[t]++;
      arcNode[a] = s;
      arcEdge[a] = e.ids[k];
      arcCost[a] = e.lengths[k];
    }
    return new Graph(nodeCount, m, offsets, arcNode, arcEdge, arcCost, edgeSource, edgeTarget, edgeLength);
  }

  degree(u: number): number {
    return this.offsets[u + 1] - this.offsets[u];
  }

  hasEdge(edgeId: number): boolean {
    return edgeId > 0 && edgeId < this.edgeLength.length && !Number.isNaN(this.edgeLength[edgeId]);
  }
}

export interface Components {
  /** Component id per node (1 = the one with most nodes; 0 = node without walkable edges). */
  of: Int32Array;
  /** Node count per component id (index 0 unused). */
  sizes: number[];
}

/**
 * Connected components by union-find, numbered by size (largest first, ties by smallest node id)
 * so the numbering is stable for the same network.
 */
export function components(g: Graph): Components {
  const n = g.nodeCount;
  const parent = new Int32Array(n + 1);
  for (let u = 0; u <= n; u++) parent[u] = u;
  const find = (u: number): number => {
    while (parent[u] !== u) {
      parent[u] = parent[parent[u]];
      u = parent[u];
    }
    return u;
  };
  for (let u = 1; u <= n; u++) {
    for (let a = g.offsets[u]; a < g.offsets[u + 1]; a++) {
      const ru = find(u);
      const rv = find(g.arcNode[a]);
      if (ru !== rv) parent[Math.max(ru, rv)] = Math.min(ru, rv);
    }
  }
  const count = new Map<number, number>();
  for (let u = 1; u <= n; u++) {
    if (g.degree(u) === 0) continue;
    const r = find(u);
    count.set(r, (count.get(r) ?? 0) + 1);
  }
  // Roots are the smallest node id of their component (union keeps the min), so sorting by
  // (size desc, root asc) is deterministic.
  const roots = [...count.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const idOf = new Map<number, number>();
  const sizes = [0];
  roots.forEach(([r, size], k) => {
    idOf.set(r, k + 1);
    sizes.push(size);
  });
  const of = new Int32Array(n + 1);
  for (let u = 1; u <= n; u++) if (g.degree(u) > 0) of[u] = idOf.get(find(u))!;
  return { of, sizes };
}
