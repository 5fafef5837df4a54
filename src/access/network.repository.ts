// SQL that turns one version of a line layer into a routable walking network (decision 0004):
// lines are cut where they cross or where another line ends on them (or stops short of them by
// less than the tolerance), piece ends closer than the tolerance become one node, and every
// piece becomes an edge with its ellipsoidal length. Walkable and non-walkable lines are noded
// separately: an expressway crossing a street is a bridge, not a junction.
import type { Queryable } from '../db/index.ts';
import { aliveAt } from '../store/store.repository.ts';
import type { NetworkParams } from './settings.ts';
import { sqlStatements } from '../db/sql.ts';

// Steps 2–5 of the build: static statements, kept in network-build.sql.
const NET = sqlStatements(new URL('./network-build.sql', import.meta.url), [
  'workTables',
  'cutPoints',
  'pieces',
  'points',
  'clusterPoints',
  'nodes',
  'insertNodes',
  'endNodes',
  'insertEdges',
  'dropWork',
]);

/** Metres → degrees for tolerances: 1° of latitude ≈ 111 km (east–west the tolerance is ~0.87× at 30°N). */
export const metresToDegrees = (m: number) => m / 111_320;

export interface NetworkRow {
  id: number;
  layer_id: number;
  layer_version: number;
  params: NetworkParams;
  node_count: number;
  edge_count: number;
  walkable_edge_count: number;
  walkable_length_m: number;
  component_count: number;
  largest_component: number | null;
  dead_ends: number;
  built_at: Date;
  build_seconds: number | null;
}

const NETWORK_COLS = `id, layer_id, layer_version, params, node_count, edge_count, walkable_edge_count, walkable_length_m,
  component_count, largest_component, dead_ends, built_at, build_seconds`;

export async function findNetwork(db: Queryable, layerId: number, version: number, params: NetworkParams): Promise<NetworkRow | undefined> {
  return (
    await db.query<NetworkRow>(
      `SELECT ${NETWORK_COLS} FROM access_network WHERE layer_id = $1 AND layer_version = $2 AND params = $3::jsonb ORDER BY id DESC LIMIT 1`,
      [layerId, version, JSON.stringify(params)],
    )
  ).rows[0];
}

export async function networkById(db: Queryable, id: number): Promise<NetworkRow | undefined> {
  return (await db.query<NetworkRow>(`SELECT ${NETWORK_COLS} FROM access_network WHERE id = $1`, [id])).rows[0];
}

export async function latestNetwork(db: Queryable, layerId: number): Promise<NetworkRow | undefined> {
  return (
    await db.query<NetworkRow>(
      `SELECT ${NETWORK_COLS} FROM access_network WHERE layer_id = $1 ORDER BY layer_version DESC, id DESC LIMIT 1`,
      [layerId],
    )
  ).rows[0];
}

export async function insertNetwork(
  tx: Queryable,
  layerId: number,
  version: number,
  params: NetworkParams,
  user: string | null,
): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO access_network (layer_id, layer_version, params, created_by) VALUES ($1, $2, $3::jsonb, $4) RETURNING id`,
    [layerId, version, JSON.stringify(params), user],
  );
  return r.rows[0].id;
}

/**
 * Writes access_node and access_edge of network `networkId` from version `version` of layer
 * `layerId`. Returns the number of edges written. All work tables are temporary and dropped at
 * commit.
 */
export async function buildGraphTables(
  tx: Queryable,
  networkId: number,
  layerId: number,
  version: number,
  p: NetworkParams,
): Promise<number> {
  const tol = metresToDegrees(p.toleranceM);
  await tx.exec(NET.workTables);

  // 1. The layer version's lines, one row per part; walkable unless the attribute says no or the
  //    road class is excluded (expressways).
  await tx.query(
    `INSERT INTO acc_line (lid, feature_id, fid, walkable, geom)
     SELECT row_number() OVER (ORDER BY f.id, d.path)::int, f.id, f.fid,
            NOT (lower(coalesce(f.props->>$3::text, 'true')) IN ('false', 'f', '0', 'no', 'n', '否'))
              AND NOT (coalesce(f.props->>$4::text, '') = ANY ($5::text[])),
            ST_RemoveRepeatedPoints(d.geom)
       FROM feature f CROSS JOIN LATERAL ST_Dump(ST_Force2D(f.geom)) d
      WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')} AND GeometryType(d.geom) = 'LINESTRING' AND ST_Length(d.geom) > 0`,
    [layerId, version, p.walkableField, p.excludeField, p.excludeValues],
  );
  await tx.exec(`CREATE INDEX acc_line_geom ON acc_line USING gist (geom); ANALYZE acc_line;`);

  // 2. Cut points on each line: where a line of the same kind crosses or touches it, and where
  //    another line's end stops within the tolerance of it (a near-miss T junction). Points near
  //    the line's own ends are left to the end clustering below.
  await tx.query(NET.cutPoints, [tol]);
  await tx.exec('ANALYZE acc_cut');

  // 3. Pieces between consecutive cut points.
  await tx.exec(NET.pieces);

  // 4. Nodes: distinct end points clustered within the tolerance (DBSCAN, one point is enough to
  //    form a cluster). A node sits at the first end point of its cluster in piece order, and
  //    node ids follow that order, so the same data always gives the same ids.
  await tx.exec(NET.points);
  await tx.query(NET.clusterPoints, [tol]);
  await tx.exec(NET.nodes);
  await tx.query(NET.insertNodes, [networkId]);

  // 5. Edges: pieces between two different nodes (a piece shorter than the tolerance collapses).
  await tx.exec(NET.endNodes);
  const r = await tx.query(NET.insertEdges, [networkId]);
  await tx.exec(NET.dropWork);
  return r.rowCount;
}

export interface EdgeArraysRow {
  nodeCount: number;
  ids: Int32Array;
  sources: Int32Array;
  targets: Int32Array;
  lengths: Float64Array;
}

const PACKED_EDGES = `string_agg(int4send(id) || int4send(source) || int4send(target) || float8send(length_m), ''::bytea ORDER BY id)`;
const MAX_NODE = `(SELECT coalesce(max(id), 0) FROM access_node WHERE network_id = $1)::int`;

/** Packs the walkable edges into access_network.graph_edges (done once, when the network is built). */
export async function storePackedEdges(tx: Queryable, networkId: number): Promise<void> {
  await tx.query(
    `UPDATE access_network SET graph_nodes = ${MAX_NODE},
            graph_edges = (SELECT ${PACKED_EDGES} FROM access_edge WHERE network_id = $1 AND walkable)
      WHERE id = $1`,
    [networkId],
  );
}

/**
 * The walkable edges as parallel typed arrays, from the packed copy: one value, no text to parse,
 * and the float8 lengths arrive bit for bit as stored in access_edge.
 */
export async function walkableEdgeArrays(db: Queryable, networkId: number): Promise<EdgeArraysRow> {
  const r = await db.query<{ graph_nodes: number | null; graph_edges: Uint8Array | null }>(
    `SELECT graph_nodes, graph_edges FROM access_network WHERE id = $1`,
    [networkId],
  );
  if (!r.rows[0]) throw new Error(`walking network ${networkId} does not exist`);
  let { graph_nodes: nodes, graph_edges: b } = r.rows[0];
  if (nodes === null) {
    // Not packed yet (during the build): aggregate on the fly.
    const q = await db.query<{ n: number; b: Uint8Array | null }>(
      `SELECT ${MAX_NODE} AS n, ${PACKED_EDGES} AS b FROM access_edge WHERE network_id = $1 AND walkable`,
      [networkId],
    );
    nodes = q.rows[0].n;
    b = q.rows[0].b;
  }
  const n = b ? b.byteLength / 20 : 0;
  const out = {
    nodeCount: nodes,
    ids: new Int32Array(n),
    sources: new Int32Array(n),
    targets: new Int32Array(n),
    lengths: new Float64Array(n),
  };
  if (!b || n === 0) return out;
  if (!Number.isInteger(n))
    throw new Error(`walking network ${networkId}: packed edges of ${b.byteLength} bytes are not whole 20-byte records`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let k = 0, o = 0; k < n; k++, o += 20) {
    out.ids[k] = v.getInt32(o);
    out.sources[k] = v.getInt32(o + 4);
    out.targets[k] = v.getInt32(o + 8);
    out.lengths[k] = v.getFloat64(o + 12);
  }
  return out;
}

/** Stores component and degree per node, the component table, and the network's totals. */
export async function writeConnectivity(
  tx: Queryable,
  networkId: number,
  nodeIds: number[],
  comps: number[],
  degrees: number[],
  seconds: number,
): Promise<void> {
  await tx.query(
    `UPDATE access_node n SET component = NULLIF(c.comp, 0), degree = c.deg
       FROM unnest($2::int[], $3::int[], $4::int[]) AS c(id, comp, deg)
      WHERE n.network_id = $1 AND n.id = c.id`,
    [networkId, nodeIds, comps, degrees],
  );
  await tx.query(
    `INSERT INTO access_component (network_id, id, nodes, edges, length_m, geom)
     SELECT $1, c.id, c.nodes, coalesce(e.edges, 0), coalesce(e.length_m, 0), e.hull
       FROM (SELECT component AS id, count(*)::int AS nodes FROM access_node WHERE network_id = $1 AND component IS NOT NULL GROUP BY component) c
       LEFT JOIN (SELECT n.component AS id, count(*)::int AS edges, sum(e.length_m) AS length_m, ST_ConvexHull(ST_Collect(e.geom)) AS hull
                    FROM access_edge e JOIN access_node n ON n.network_id = e.network_id AND n.id = e.source
                   WHERE e.network_id = $1 AND e.walkable GROUP BY n.component) e ON e.id = c.id`,
    [networkId],
  );
  await tx.query(
    `UPDATE access_network a SET
       node_count = (SELECT count(*) FROM access_node WHERE network_id = $1 AND degree > 0),
       edge_count = (SELECT count(*) FROM access_edge WHERE network_id = $1),
       walkable_edge_count = (SELECT count(*) FROM access_edge WHERE network_id = $1 AND walkable),
       walkable_length_m = (SELECT coalesce(sum(length_m), 0) FROM access_edge WHERE network_id = $1 AND walkable),
       component_count = (SELECT count(*) FROM access_component WHERE network_id = $1),
       largest_component = (SELECT min(id) FROM access_component WHERE network_id = $1),
       dead_ends = (SELECT count(*) FROM access_node WHERE network_id = $1 AND degree = 1),
       build_seconds = $2
     WHERE a.id = $1`,
    [networkId, seconds],
  );
}

export interface IslandRow {
  id: number;
  nodes: number;
  edges: number;
  length_m: number;
  lon: number | null;
  lat: number | null;
  bbox: [number, number, number, number] | null;
}

/** Components other than the largest, biggest first: parts of the network nobody can walk to from the rest. */
/** Size of one connected component of a network (the main one, for the summary), or undefined. */
export async function component(
  db: Queryable,
  networkId: number,
  componentId: number | null,
): Promise<{ nodes: number; edges: number; length_m: number } | undefined> {
  const r = await db.query<{ nodes: number; edges: number; length_m: number }>(
    `SELECT nodes, edges, length_m FROM access_component WHERE network_id = $1 AND id = $2`,
    [networkId, componentId],
  );
  return r.rows[0];
}

/** The code of the layer a network was built from. */
export async function layerCode(db: Queryable, layerId: number): Promise<string> {
  return (await db.query<{ code: string }>(`SELECT code FROM layer WHERE id = $1`, [layerId])).rows[0].code;
}

export async function islands(db: Queryable, networkId: number, limit: number): Promise<IslandRow[]> {
  return (
    await db.query<IslandRow>(
      `SELECT c.id, c.nodes, c.edges, c.length_m, ST_X(ST_Centroid(c.geom)) AS lon, ST_Y(ST_Centroid(c.geom)) AS lat,
              CASE WHEN c.geom IS NULL THEN NULL ELSE ARRAY[ST_XMin(c.geom), ST_YMin(c.geom), ST_XMax(c.geom), ST_YMax(c.geom)] END AS bbox
         FROM access_component c JOIN access_network n ON n.id = c.network_id
        WHERE c.network_id = $1 AND c.id <> n.largest_component
        ORDER BY c.nodes DESC, c.id LIMIT $2`,
      [networkId, limit],
    )
  ).rows;
}

/** Walkable edges in a bounding box as GeoJSON features (the map shows the network at high zoom). */
export async function edgesInBox(
  db: Queryable,
  networkId: number,
  bbox: [number, number, number, number],
  limit: number,
): Promise<{ id: number; component: number | null; geom: string }[]> {
  return (
    await db.query<{ id: number; component: number | null; geom: string }>(
      `SELECT e.id, n.component, ST_AsGeoJSON(e.geom, 7, 0) AS geom
         FROM access_edge e LEFT JOIN access_node n ON n.network_id = e.network_id AND n.id = e.source
        WHERE e.network_id = $1 AND e.walkable AND e.geom && ST_MakeEnvelope($2, $3, $4, $5, 4490)
        ORDER BY e.id LIMIT $6`,
      [networkId, ...bbox, limit],
    )
  ).rows;
}
