// HTTP routes of the 15-minute life circle: network build and summary, coverage runs, uncovered
// parcels, isochrones, "what if", and the map page at /access (MapLibre served from node_modules,
// no external basemap). Bodies and query strings are validated by the schemas below.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { buildNetwork, networkSummary, findNetworkRow } from './network.ts';
import { edgesInBox } from './network.repository.ts';
import {
  accessContext,
  runCoverage,
  getRun,
  listRuns,
  uncoveredGeoJson,
  isochrones,
  whatIf,
  facilitiesGeoJson,
  districtsGeoJson,
} from './access.service.ts';
import { accessDefaults, AccessInputError, type CoverageInput } from './settings.ts';
import { accessPage } from './access-page.ts';
import { errorSchema } from '../server/errors.ts';

const BBOX = '^-?\\d+(\\.\\d+)?(,-?\\d+(\\.\\d+)?){3}$';
const nullableString = { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'null' }] };

function parseBbox(s: string | undefined): [number, number, number, number] | undefined {
  if (s === undefined) return undefined;
  const b = s.split(',').map(Number) as [number, number, number, number];
  if (b[0] >= b[2] || b[1] >= b[3]) throw new AccessInputError(`bbox must be minLon,minLat,maxLon,maxLat with min < max, got "${s}"`);
  return b;
}

const typeDefSchema = {
  type: 'object',
  required: ['type', 'layer'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', minLength: 1, maxLength: 100 },
    code: { type: 'string', maxLength: 40 },
    layer: { type: 'string', minLength: 1, maxLength: 40 },
    budgetMinutes: { type: 'number', exclusiveMinimum: 0, maximum: 240 },
    budgetM: { type: 'number', exclusiveMinimum: 0, maximum: 20000 },
    basis: { type: 'string' },
    match: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        required: ['field', 'values'],
        additionalProperties: false,
        properties: { field: { type: 'string', minLength: 1 }, values: { type: 'array', items: { type: 'string' }, maxItems: 200 } },
      },
    },
  },
};

const runBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    types: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 31 },
    typeDefs: { type: 'array', items: typeDefSchema, minItems: 1, maxItems: 31 },
    budgets: { type: 'object', additionalProperties: { type: 'number', exclusiveMinimum: 0, maximum: 240 } },
    walkSpeedKmH: { type: 'number', exclusiveMinimum: 0, maximum: 20 },
    maxSnapM: { type: 'number', minimum: 0, maximum: 5000 },
    residential: {
      type: 'object',
      additionalProperties: false,
      properties: {
        layer: { type: 'string', minLength: 1 },
        field: nullableString,
        pattern: nullableString,
        populationField: nullableString,
      },
    },
    districts: {
      type: 'object',
      additionalProperties: false,
      properties: { layer: { type: 'string', minLength: 1 }, codeField: { type: 'string' }, nameField: { type: 'string' } },
    },
    water: {
      anyOf: [
        { type: 'null' },
        { type: 'object', required: ['layer'], additionalProperties: false, properties: { layer: { type: 'string', minLength: 1 } } },
      ],
    },
  },
};

const lonLat = { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' } };

// Response schemas. fast-json-stringify drops what a schema does not list and coerces null to
// "" / 0 / {} unless the type allows null, so top-level fields are listed with their exact
// (nullable) types and the nested figures, parameters and GeoJSON stay open
// (`additionalProperties: true`), serialised as they are.
const loose = { type: 'object', additionalProperties: true } as const;
const looseArray = { type: 'array', items: loose } as const;
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const versionsSchema = {
  type: 'object',
  additionalProperties: { type: ['integer', 'null'] },
  description: 'layer code → version used (null: no data)',
} as const;
const err = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorSchema]));
const READ_ERRORS = err(400, 401, 403, 404);
const WRITE_ERRORS = err(400, 401, 403, 404, 413);

const featureSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    type: { type: 'string', enum: ['Feature'] },
    properties: loose,
    geometry: { type: ['object', 'null'], additionalProperties: true, description: 'GeoJSON geometry, EPSG:4490 lon/lat' },
  },
} as const;
/** A GeoJSON FeatureCollection with extra top-level members (runId, facilityType, …) kept. */
const featureCollection = (extra: Record<string, object> = {}, description?: string) => ({
  type: 'object',
  additionalProperties: true,
  ...(description ? { description } : {}),
  properties: { type: { type: 'string', enum: ['FeatureCollection'] }, ...extra, features: { type: 'array', items: featureSchema } },
});
const networkSummarySchema = {
  type: 'object',
  additionalProperties: true,
  description: '步行路网摘要 (NetworkSummary, src/access/network.ts)',
  properties: {
    networkVersion: int,
    layer: str,
    layerVersion: int,
    builtAt: str,
    buildSeconds: { type: ['number', 'null'] },
    params: loose,
    nodes: int,
    edges: int,
    walkableEdges: int,
    walkableLengthM: num,
    components: int,
    deadEnds: int,
    mainComponent: { type: ['object', 'null'], additionalProperties: true, properties: { nodes: int, edges: int, lengthM: num } },
    islands: { type: 'object', additionalProperties: true, properties: { count: int, nodes: int, lengthM: num, largest: looseArray } },
    reused: { type: 'boolean', description: 'POST only: true when an existing network was returned' },
  },
} as const;
const runSummarySchema = {
  type: 'object',
  additionalProperties: true,
  description: '覆盖率计算结果 (RunSummary, src/access/access.service.ts)',
  properties: {
    runId: int,
    networkVersion: int,
    versions: versionsSchema,
    createdAt: str,
    seconds: num,
    params: loose,
    city: { ...loose, description: 'all types together: residential area, covered area and percent, parcels, population' },
    byType: looseArray,
    byDistrict: looseArray,
    uncoveredCount: int,
    unsnappedParcels: int,
  },
} as const;

export function accessRoutes(app: FastifyInstance, db: Db, _config: Config): void {
  // Graphs loaded for this app instance (not module state): tests build one app per database.
  const ctx = accessContext(db);

  // MapLibre GL JS (/vendor/maplibre-gl/, which the page loads) is served by the web module (src/web/web.routes.ts).

  app.get(
    '/access',
    {
      config: { access: 'public' },
      schema: {
        tags: ['access'],
        summary: '15分钟生活圈地图页 (the 15-minute life circle map page)',
        response: {
          200: {
            description: 'HTML page (MapLibre served from /vendor/maplibre-gl/)',
            content: { 'text/html': { schema: { type: 'string' } } },
          },
          ...err(429),
        },
      },
    },
    async (_req, reply) => reply.type('text/html; charset=utf-8').send(accessPage()),
  );

  app.get(
    '/api/access/types',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['access'],
        summary: '设施类型与默认参数 (facility types with walking budgets, and the default parameters)',
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            properties: {
              walkSpeedKmH: num,
              maxSnapM: num,
              residential: loose,
              water: { type: ['object', 'null'], additionalProperties: true },
              network: loose,
              types: looseArray,
            },
          },
          ...err(401, 403),
        },
      },
    },
    async () => {
      const d = accessDefaults();
      return {
        walkSpeedKmH: d.walkSpeedKmH,
        maxSnapM: d.maxSnapM,
        residential: d.residential,
        water: d.water,
        network: d.network,
        types: d.types,
      };
    },
  );

  app.post<{ Body: { layer?: string; version?: number; toleranceM?: number; rebuild?: boolean } }>(
    '/api/access/network',
    {
      config: { access: ['planner'] },
      schema: {
        tags: ['access'],
        summary: '构建步行路网 (build the walking network from a line layer; 201 when built, 200 when an identical one is reused)',
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            layer: { type: 'string', minLength: 1, maxLength: 40 },
            version: { type: 'integer', minimum: 1 },
            toleranceM: { type: 'number', minimum: 0, maximum: 50 },
            rebuild: { type: 'boolean' },
          },
        },
        response: { 200: networkSummarySchema, 201: networkSummarySchema, ...WRITE_ERRORS },
      },
    },
    async (req, reply) => {
      const b = req.body ?? {};
      const s = await buildNetwork(db, {
        layer: b.layer,
        version: b.version,
        toleranceM: b.toleranceM,
        rebuild: b.rebuild,
        user: req.user.username,
      });
      return reply.code(s.reused ? 200 : 201).send(s);
    },
  );

  app.get<{ Querystring: { layer?: string; id?: number } }>(
    '/api/access/network',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['access'],
        summary: '步行路网摘要 (the walking network: nodes, edges, components, islands)',
        querystring: { type: 'object', properties: { layer: { type: 'string', minLength: 1 }, id: { type: 'integer', minimum: 1 } } },
        response: { 200: networkSummarySchema, ...READ_ERRORS },
      },
    },
    async (req) => networkSummary(db, { id: req.query.id, layer: req.query.layer }),
  );

  app.get<{ Querystring: { bbox: string; id?: number; limit?: number } }>(
    '/api/access/network/edges',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['access'],
        summary: '路网线段 (network edges in a bounding box, as GeoJSON)',
        querystring: {
          type: 'object',
          required: ['bbox'],
          properties: {
            bbox: { type: 'string', pattern: BBOX },
            id: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 50000 },
          },
        },
        response: { 200: featureCollection({ networkVersion: int }), ...READ_ERRORS },
      },
    },
    async (req) => {
      const n = await findNetworkRow(db, { id: req.query.id });
      const rows = await edgesInBox(db, n.id, parseBbox(req.query.bbox)!, req.query.limit ?? 20000);
      return {
        type: 'FeatureCollection',
        networkVersion: n.id,
        features: rows.map((r) => ({ type: 'Feature', properties: { id: r.id, component: r.component }, geometry: JSON.parse(r.geom) })),
      };
    },
  );

  app.post<{ Body: CoverageInput }>(
    '/api/access/runs',
    {
      config: { access: ['planner'] },
      schema: {
        tags: ['access'],
        summary: '计算覆盖率 (run a coverage computation: by facility type and district; stored)',
        body: runBodySchema,
        response: { 201: runSummarySchema, ...WRITE_ERRORS },
      },
    },
    async (req, reply) => {
      const s = await runCoverage(ctx, { ...(req.body ?? {}), user: req.user.username });
      return reply.code(201).send(s);
    },
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/api/access/runs',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['access'],
        summary: '覆盖率计算记录 (coverage runs, newest first)',
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } } },
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: true,
              properties: {
                runId: int,
                createdAt: str,
                networkVersion: int,
                types: { type: 'array', items: str },
                coveragePercent: num,
                versions: versionsSchema,
              },
            },
          },
          ...err(400, 401, 403),
        },
      },
    },
    async (req) => listRuns(db, req.query.limit),
  );

  const runParam = {
    type: 'object',
    required: ['id'],
    properties: {
      id: {
        anyOf: [
          { type: 'integer', minimum: 1 },
          { type: 'string', enum: ['latest'] },
        ],
      },
    },
  };
  const runId = (id: number | string) => (id === 'latest' ? undefined : Number(id));

  app.get<{ Params: { id: number | 'latest' } }>(
    '/api/access/runs/:id',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['access'],
        summary: '覆盖率计算结果 (one stored coverage run; id or "latest")',
        params: runParam,
        response: { 200: runSummarySchema, ...READ_ERRORS },
      },
    },
    async (req) => getRun(db, runId(req.params.id)),
  );

  app.get<{ Params: { id: number | 'latest' }; Querystring: { type?: string; limit?: number } }>(
    '/api/access/runs/:id/uncovered',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['access'],
        summary: '未覆盖居住地块 (residential parcels a run leaves uncovered, as GeoJSON)',
        params: runParam,
        querystring: {
          type: 'object',
          properties: { type: { type: 'string', minLength: 1 }, limit: { type: 'integer', minimum: 1, maximum: 200000 } },
        },
        response: { 200: featureCollection({ runId: int, facilityType: { type: ['string', 'null'] } }), ...READ_ERRORS },
      },
    },
    async (req) => uncoveredGeoJson(db, runId(req.params.id), req.query.type, req.query.limit),
  );

  app.get<{ Params: { id: number | 'latest' }; Querystring: { type: string } }>(
    '/api/access/runs/:id/facilities',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['access'],
        summary: '设施点 (facilities of one type in a run, snapped or not, as GeoJSON points)',
        params: runParam,
        querystring: { type: 'object', required: ['type'], properties: { type: { type: 'string', minLength: 1 } } },
        response: { 200: featureCollection({ runId: int, facilityType: str }), ...READ_ERRORS },
      },
    },
    async (req) => facilitiesGeoJson(db, runId(req.params.id), req.query.type),
  );

  app.get<{ Querystring: { run?: number; type: string; facility?: string; bbox?: string; width?: number; limit?: number } }>(
    '/api/access/isochrones',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['access'],
        summary: '等时圈 (isochrones: the streets each facility reaches within its walking budget, as polygons)',
        querystring: {
          type: 'object',
          required: ['type'],
          properties: {
            run: { type: 'integer', minimum: 1 },
            type: { type: 'string', minLength: 1 },
            facility: { type: 'string', minLength: 1 },
            bbox: { type: 'string', pattern: BBOX },
            width: { type: 'number', exclusiveMinimum: 0, maximum: 500 },
            limit: { type: 'integer', minimum: 1, maximum: 2000 },
          },
        },
        response: {
          200: featureCollection({
            runId: int,
            facilityType: str,
            budgetM: num,
            budgetMinutes: num,
            widthM: num,
            truncated: { type: 'boolean' },
          }),
          ...READ_ERRORS,
        },
      },
    },
    async (req) =>
      isochrones(ctx, {
        runId: req.query.run,
        type: req.query.type,
        facility: req.query.facility,
        bbox: parseBbox(req.query.bbox),
        widthM: req.query.width,
        limit: req.query.limit,
      }),
  );

  app.post<{ Body: { runId?: number; type: string; points: [number, number][] } }>(
    '/api/access/what-if',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['access'],
        summary: '假设新增设施 (what if: the coverage gain of proposed facilities of one type)',
        body: {
          type: 'object',
          required: ['type', 'points'],
          additionalProperties: false,
          properties: {
            runId: { type: 'integer', minimum: 1 },
            type: { type: 'string', minLength: 1 },
            points: { type: 'array', minItems: 1, maxItems: 100, items: lonLat },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            properties: {
              runId: int,
              networkVersion: int,
              type: str,
              budgetMinutes: num,
              budgetM: num,
              proposed: looseArray,
              before: loose,
              after: loose,
              gain: loose,
              byDistrict: looseArray,
              newlyCovered: featureCollection({}, 'parcels newly covered (first 5,000)'),
            },
          },
          ...WRITE_ERRORS,
        },
      },
    },
    async (req) => whatIf(ctx, req.body),
  );

  app.get(
    '/api/access/districts',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['access'],
        summary: '行政区界线 (district outlines for the map, as GeoJSON)',
        response: { 200: featureCollection(), ...err(401, 403) },
      },
    },
    async () => districtsGeoJson(db),
  );
}
