// Budget-bounded multi-source Dijkstra over a Graph: the hot path of coverage (every facility of a
// type at once) and of isochrones (one facility at a time). Scratch arrays are allocated once
// per graph and only the nodes a search touched are reset, so a small search costs little on a
// big graph. Distances are sums of float8 edge lengths in path order, exactly as pgRouting adds
// them, so reachable sets can be compared bit for bit (bench/access.ts).
import type { Graph } from './graph.ts';

/** Indexed binary min-heap of node ids keyed by distance, with decrease-key. */
class NodeHeap {
  private readonly nodes: Int32Array;
  private readonly keys: Float64Array;
  /** Heap slot of a node, -1 when not in the heap. */
  private readonly pos: Int32Array;
  size = 0;

  constructor(n: number) {
    this.nodes = new Int32Array(n + 1);
    this.keys = new Float64Array(n + 1);
    this.pos = new Int32Array(n + 1).fill(-1);
  }

  /** Insert v with key k, or lower its key to k. */
  push(v: number, k: number): void {
    let i = this.pos[v];
    if (i < 0) {
      i = this.size++;
    } else if (k >= this.keys[i]) {
      return;
    }
    // Sift up from slot i.
    const keys = this.keys;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] <= k) break;
      this.put(i, this.nodes[p], keys[p]);
      i = p;
    }
    this.put(i, v, k);
  }

  pop(): number {
    const keys = this.keys;
    const top = this.nodes[0];
    this.pos[top] = -1;
    const n = --this.size;
    if (n > 0) {
      const v = this.nodes[n];
      const k = keys[n];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && keys[c + 1] < keys[c]) c++;
        if (keys[c] >= k) break;
        this.put(i, this.nodes[c], keys[c]);
        i = c;
      }
      this.put(i, v, k);
    }
    return top;
  }

  /** Node v with key k into heap slot i (a sift step or the final place). */
  private put(i: number, v: number, k: number): void {
    this.nodes[i] = v;
    this.keys[i] = k;
    this.pos[v] = i;
  }
}

export class Dijkstra {
  /** Network distance per node after run(); Infinity when not reached within the budget. */
  readonly dist: Float64Array;
  private readonly touched: Int32Array;
  private touchedCount = 0;
  private readonly heap: NodeHeap;

  constructor(readonly g: Graph) {
    this.dist = new Float64Array(g.nodeCount + 1).fill(Infinity);
    this.touched = new Int32Array(g.nodeCount + 1);
    this.heap = new NodeHeap(g.nodeCount);
  }

  /**
   * Shortest network distance from the nearest source to every node, up to `budget` metres.
   * A source is a node with a starting cost (the walk from a facility to the network). Nodes
   * beyond the budget stay at Infinity; every reached node has dist ≤ budget.
   */
  run(sourceNodes: ArrayLike<number>, sourceCosts: ArrayLike<number>, budget: number): void {
    const { dist, touched, heap } = this;
    for (let i = 0; i < this.touchedCount; i++) dist[touched[i]] = Infinity;
    this.touchedCount = 0;
    for (let i = 0; i < sourceNodes.length; i++) {
      const v = sourceNodes[i];
      const c = sourceCosts[i];
      if (!(c <= budget) || c >= dist[v]) continue;
      if (dist[v] === Infinity) touched[this.touchedCount++] = v;
      dist[v] = c;
      heap.push(v, c);
    }
    const { offsets, arcNode, arcCost } = this.g;
    while (heap.size > 0) {
      const u = heap.pop();
      const du = dist[u];
      for (let a = offsets[u], end = offsets[u + 1]; a < end; a++) {
        const nd = du + arcCost[a];
        if (nd > budget) continue;
        const v = arcNode[a];
        if (nd < dist[v]) {
          if (dist[v] === Infinity) touched[this.touchedCount++] = v;
          dist[v] = nd;
          heap.push(v, nd);
        }
      }
    }
  }

  /** Node ids reached by the last run (in the order they were first touched). */
  reachedNodes(): Int32Array {
    return this.touched.slice(0, this.touchedCount);
  }

  get reachedCount(): number {
    return this.touchedCount;
  }
}
