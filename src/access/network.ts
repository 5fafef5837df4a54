// Walking network service: builds a network version from a line layer version (PostGIS does the
// noding, snapping and lengths), computes connectivity on the graph, reports islands, and keeps
// loaded graphs so repeated searches do not reload them.
import { appendAudit } from '../audit/audit.ts';
import { NotFound } from '../errors.ts';
import type { Db, Queryable } from '../db/index.ts';
import { getLayer } from '../catalogue/catalogue.service.ts';
import { resolveVersion } from '../store/store.service.ts';
import { Graph, components } from './graph.ts';
import * as repo from './network.repository.ts';
import { accessDefaults, AccessInputError, defined, type NetworkParams } from './settings.ts';

/** No such network, run, facility type or facility (404). */
export class AccessNotFoundError extends NotFound {}

export interface IslandInfo {
  component: number;
  nodes: number;
  edges: number;
  lengthM: number;
  centre: [number, number] | null;
  bbox: [number, number, number, number] | null;
}

export interface NetworkSummary {
  networkVersion: number;
  layer: string;
  layerVersion: number;
  builtAt: string;
  buildSeconds: number | null;
  params: NetworkParams;
  nodes: number;
  edges: number;
  walkableEdges: number;
  walkableLengthM: number;
  components: number;
  deadEnds: number;
  mainComponent: { nodes: number; edges: number; lengthM: number } | null;
  islands: { count: number; nodes: number; lengthM: number; largest: IslandInfo[] };
  /** true when this layer version was already built with these parameters. */
  reused?: boolean;
}

/** Loaded graphs by network version: searches reuse them (one per app or CLI run, never global). */
export class GraphCache {
  private readonly graphs = new Map<number, Graph>();
  constructor(private readonly max = 3) {}

  async get(db: Queryable, networkId: number): Promise<Graph> {
    const hit = this.graphs.get(networkId);
    if (hit) return hit;
    const r = await repo.walkableEdgeArrays(db, networkId);
    const g = Graph.fromEdges(r.nodeCount, r);
    if (this.graphs.size >= this.max) this.graphs.delete(this.graphs.keys().next().value!);
    this.graphs.set(networkId, g);
    return g;
  }
}

export function networkParams(overrides: Partial<NetworkParams> = {}): NetworkParams {
  const p = { ...accessDefaults().network, ...defined(overrides) };
  if (!(p.toleranceM >= 0 && p.toleranceM <= 50)) throw new AccessInputError(`network tolerance must be 0–50 m, got ${p.toleranceM}`);
  // Key order fixed: stored params are compared as jsonb to find an existing build.
  return {
    layer: p.layer.toUpperCase(),
    toleranceM: p.toleranceM,
    walkableField: p.walkableField ?? null,
    excludeField: p.excludeField ?? null,
    excludeValues: p.excludeValues ?? [],
  };
}

export interface BuildOptions extends Partial<NetworkParams> {
  version?: number;
  user?: string;
  /** Build again even when this layer version was built with the same parameters. */
  rebuild?: boolean;
}

export async function buildNetwork(db: Db, opts: BuildOptions = {}): Promise<NetworkSummary> {
  const { version: _v, user, rebuild, ...overrides } = opts;
  const params = networkParams(overrides);
  const layer = await getLayer(db, params.layer);
  if (layer.geometry_type !== 'LineString' && layer.geometry_type !== 'Geometry') {
    throw new AccessInputError(`layer ${layer.code} holds ${layer.geometry_type} features: a walking network is built from lines`);
  }
  const { version } = await resolveVersion(db, layer.code, opts.version !== undefined ? { version: opts.version } : undefined);
  if (!rebuild) {
    const existing = await repo.findNetwork(db, layer.id, version, params);
    if (existing) return { ...(await summarise(db, existing, layer.code)), reused: true };
  }
  const t0 = performance.now();
  const id = await db.transaction(async (tx) => {
    const networkId = await repo.insertNetwork(tx, layer.id, version, params, user ?? null);
    await repo.buildGraphTables(tx, networkId, layer.id, version, params);
    const arrays = await repo.walkableEdgeArrays(tx, networkId);
    const g = Graph.fromEdges(arrays.nodeCount, arrays);
    const comp = components(g);
    const ids: number[] = [];
    const comps: number[] = [];
    const degrees: number[] = [];
    for (let u = 1; u <= g.nodeCount; u++) {
      ids.push(u);
      comps.push(comp.of[u]);
      degrees.push(g.degree(u));
    }
    await repo.writeConnectivity(tx, networkId, ids, comps, degrees, (performance.now() - t0) / 1000);
    await repo.storePackedEdges(tx, networkId);
    await appendAudit(tx, {
      actor: user ?? 'system',
      action: 'access.network-build',
      entity: 'access_network',
      entityId: networkId,
      after: { layer: layer.code, version, params, nodes: g.nodeCount },
    });
    return networkId;
  });
  const row = await repo.networkById(db, id);
  return { ...(await summarise(db, row!, layer.code)), reused: false };
}

async function summarise(db: Queryable, n: repo.NetworkRow, layerCode: string): Promise<NetworkSummary> {
  const all = await repo.islands(db, n.id, 1_000_000);
  const main = await repo.component(db, n.id, n.largest_component);
  const island = (r: repo.IslandRow): IslandInfo => ({
    component: r.id,
    nodes: r.nodes,
    edges: r.edges,
    lengthM: round2(r.length_m),
    centre: r.lon === null || r.lat === null ? null : [round7(r.lon), round7(r.lat)],
    bbox: r.bbox ? (r.bbox.map(round7) as [number, number, number, number]) : null,
  });
  return {
    networkVersion: n.id,
    layer: layerCode,
    layerVersion: n.layer_version,
    builtAt: new Date(n.built_at).toISOString(),
    buildSeconds: n.build_seconds === null ? null : round2(n.build_seconds),
    params: n.params,
    nodes: n.node_count,
    edges: n.edge_count,
    walkableEdges: n.walkable_edge_count,
    walkableLengthM: round2(n.walkable_length_m),
    components: n.component_count,
    deadEnds: n.dead_ends,
    mainComponent: main ? { nodes: main.nodes, edges: main.edges, lengthM: round2(main.length_m) } : null,
    islands: {
      count: all.length,
      nodes: all.reduce((s, r) => s + r.nodes, 0),
      lengthM: round2(all.reduce((s, r) => s + r.length_m, 0)),
      largest: all.slice(0, 50).map(island),
    },
  };
}

/** The network a request means: an explicit version, else the newest built from the layer's active version. */
export async function networkSummary(db: Queryable, which: { id?: number; layer?: string } = {}): Promise<NetworkSummary> {
  const n = await findNetworkRow(db, which);
  return summarise(db, n, await repo.layerCode(db, n.layer_id));
}

export async function findNetworkRow(db: Queryable, which: { id?: number; layer?: string } = {}): Promise<repo.NetworkRow> {
  if (which.id !== undefined) {
    const n = await repo.networkById(db, which.id);
    if (!n) throw new AccessNotFoundError(`walking network version ${which.id} does not exist`);
    return n;
  }
  const layer = await getLayer(db, which.layer ?? accessDefaults().network.layer);
  const n = await repo.latestNetwork(db, layer.id);
  if (!n)
    throw new AccessNotFoundError(`尚未由图层“${layer.name_zh}”构建步行网络，请管理员在“生活圈”页面构建步行网络（no walking network yet）`);
  return n;
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;
