// HTTP routes of the 15-minute life circle: network build and summary, coverage runs, uncovered
// parcels, isochrones, "what if", and the map page at /access (MapLibre served from node_modules,
// no external basemap). Bodies and query strings are validated by the schemas below.
import type { FastifyInstance } from 'fastify';
import { endpoint, get, mount, post, type Route } from '../server/route.ts';
import { buildNetwork as build, networkSummary, findNetworkRow, GraphCache } from './network.ts';
import { edgesInBox } from './network.repository.ts';
import * as service from './access.service.ts';
import { accessDefaults, AccessInputError } from './settings.ts';
import * as s from './access.schemas.ts';
import { assertCount } from '../util/bounds.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Walking graphs loaded by this application (not module state: tests build one app per database). */
    accessGraphs: GraphCache;
  }
}

export function accessRoutes(app: FastifyInstance): void {
  app.decorate('accessGraphs', new GraphCache());
  const table: Route[] = [
    get('/api/access/types', 'staff', types),
    post('/api/access/network', ['planner'], buildNetwork),
    get('/api/access/network', 'staff', network),
    get('/api/access/network/edges', 'staff', edges),
    post('/api/access/runs', ['planner'], runCoverage),
    get('/api/access/runs', 'staff', listRuns),
    get('/api/access/runs/:id', 'staff', getRun),
    get('/api/access/runs/:id/uncovered', 'staff', uncovered),
    get('/api/access/runs/:id/facilities', 'staff', facilities),
    get('/api/access/isochrones', 'staff', isochrones),
    post('/api/access/what-if', 'staff', whatIf),
    get('/api/access/districts', 'staff', districts),
  ];
  mount(app, table);
}

function parseBbox(s: string | undefined): [number, number, number, number] | undefined {
  if (s === undefined) return undefined;
  const b = s.split(',').map(Number) as [number, number, number, number];
  if (b[0] >= b[2] || b[1] >= b[3]) throw new AccessInputError(`bbox must be minLon,minLat,maxLon,maxLat with min < max, got "${s}"`);
  return b;
}

/** A run id, or undefined for "latest". */
const runId = (id: number | string) => (id === 'latest' ? undefined : Number(id));

/** The database and this application's graphs, as the services take them. */
const accessContext = (app: FastifyInstance): service.AccessContext => ({ db: app.ctx.db, graphs: app.accessGraphs });

const types = endpoint(s.types, async () => {
  const d = accessDefaults();
  return {
    walkSpeedKmH: d.walkSpeedKmH,
    maxSnapM: d.maxSnapM,
    residential: d.residential,
    water: d.water,
    network: d.network,
    types: d.types,
  };
});

const buildNetwork = endpoint(s.buildNetwork, async (req, reply) => {
  const b = req.body ?? {};
  const summary = await build(req.server.ctx.db, {
    layer: b.layer,
    version: b.version,
    toleranceM: b.toleranceM,
    rebuild: b.rebuild,
    user: req.user.username,
  });
  return reply.code(summary.reused ? 200 : 201).send(summary);
});

const network = endpoint(s.network, async (req) => networkSummary(req.server.ctx.db, { id: req.query.id, layer: req.query.layer }));

const edges = endpoint(s.edges, async (req) => {
  const { db } = req.server.ctx;
  const n = await findNetworkRow(db, { id: req.query.id });
  const rows = await edgesInBox(db, n.id, parseBbox(req.query.bbox)!, req.query.limit ?? 20000);
  return {
    type: 'FeatureCollection' as const,
    networkVersion: n.id,
    features: rows.map((r) => ({
      type: 'Feature' as const,
      properties: { id: r.id, component: r.component },
      geometry: JSON.parse(r.geom) as unknown,
    })),
  };
});

const runCoverage = endpoint(s.runCoverage, async (req, reply) => {
  const summary = await service.runCoverage(accessContext(req.server), { ...(req.body ?? {}), user: req.user.username });
  return reply.code(201).send(summary);
});

const listRuns = endpoint(s.listRuns, async (req) => service.listRuns(req.server.ctx.db, req.query.limit, readerOf(req)));

const getRun = endpoint(s.getRun, async (req) => service.getRun(req.server.ctx.db, runId(req.params.id), readerOf(req)));

/** The caller, whose layer scope limits the parcels and facilities answered (auth/layers.ts). */
const readerOf = (req: { user: service.Reader['user']; server: FastifyInstance }): service.Reader => ({
  user: req.user,
  districts: req.server.ctx.config.districts,
});

const uncovered = endpoint(s.uncovered, async (req) =>
  service.uncoveredGeoJson(req.server.ctx.db, runId(req.params.id), req.query.type, req.query.limit, readerOf(req)),
);

const facilities = endpoint(s.facilities, async (req) =>
  service.facilitiesGeoJson(req.server.ctx.db, runId(req.params.id), req.query.type, readerOf(req)),
);

const isochrones = endpoint(s.isochrones, async (req) =>
  service.isochrones(accessContext(req.server), {
    runId: req.query.run,
    type: req.query.type,
    facility: req.query.facility,
    bbox: parseBbox(req.query.bbox),
    widthM: req.query.width,
    limit: req.query.limit,
    reader: readerOf(req),
  }),
);

const whatIf = endpoint(s.whatIf, async (req) => {
  // The walking search runs once per proposed point: their number is an input bound (config.ts).
  assertCount(req.body.points.length, req.server.ctx.config.limits.bounds.whatIfPoints, '假设新增设施', '设施点', 'too_many_points');
  return service.whatIf(accessContext(req.server), { ...req.body, points: req.body.points as [number, number][], reader: readerOf(req) });
});

const districts = endpoint(s.districts, async (req) => service.districtsGeoJson(req.server.ctx.db));
