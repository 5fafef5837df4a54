// HTTP routes of farmland protection (/api/farmland…): accounts and targets, 多田套合 (now, and
// stored runs whose missing patches are served as GeoJSON and drawn by the tiles as a layer
// version), settings; the ledgers, patrol cases and consolidation projects have their own files.
// Built for the web pages (accounts dashboard, 套合 map, ledgers, case board, project checks).
// District officers see their own districts only (http.ts).
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { appendAudit } from '../audit/audit.ts';
import { accounts, cultivatedChange, districtList } from './accounts.ts';
import { computeTaohe, runTaohe, getTaoheRun, listTaoheRuns, missingGeoJson, MISSING_KINDS } from './taohe.ts';
import * as farm from './farmland.repository.ts';
import { getSettings, putSettings } from './settings.ts';
import { ACCESS, tags, loose, looseArray, err, READ, WRITE, idParams, scope, num, nullableNum, str, nullableStr } from './http.ts';
import { ledgerRoutes } from './ledger.routes.ts';
import { patrolRoutes } from './patrol.routes.ts';
import { consolidationRoutes } from './consolidation.routes.ts';

const figuresSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    code: nullableStr,
    name: str,
    yjjbntM2: num,
    yjjbntMu: num,
    coincideM2: num,
    coincideMu: num,
    ratePercent: nullableNum,
    withGbzntM2: num,
    withLsscgnqM2: num,
  },
} as const;
const taoheSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    runId: { type: ['integer', 'null'] },
    versions: loose,
    city: figuresSchema,
    byDistrict: { type: 'array', items: figuresSchema },
    missing: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        additionalProperties: true,
        properties: { kind: str, label: str, count: { type: 'integer' }, areaM2: num, areaMu: num },
      },
    },
    resultLayer: nullableStr,
    resultVersion: { type: ['integer', 'null'] },
    durationMs: num,
    createdAt: nullableStr,
    createdBy: str,
    note: nullableStr,
  },
} as const;
const categorySchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    key: str,
    name: str,
    layer: str,
    version: { type: ['integer', 'null'] },
    count: { type: 'integer' },
    areaM2: num,
    areaMu: num,
    areaWanMu: num,
  },
} as const;

export function farmlandRoutes(app: FastifyInstance, db: Db, config: Config): void {
  // ---- accounts and targets ------------------------------------------------------------------
  app.get<{ Querystring: { year?: number } }>(
    '/api/farmland/accounts',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '耕地保护台账 (farmland accounts by district and city for a survey year, against the targets)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            year: {
              type: 'integer',
              minimum: 1990,
              maximum: 2100,
              description: 'survey year: the layer versions in force at its end; default the active versions',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            properties: {
              year: { type: ['integer', 'null'] },
              city: { type: 'array', items: categorySchema },
              byDistrict: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: true,
                  properties: { code: nullableStr, name: str, categories: { type: 'array', items: categorySchema } },
                },
              },
              targets: looseArray,
            },
          },
          ...READ,
        },
      },
    },
    async (req) => accounts(db, { year: req.query.year, districts: scope(req) }),
  );

  app.get<{ Querystring: { from: number; to: number; layer?: string } }>(
    '/api/farmland/accounts/change',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '耕地变化 (cultivated land lost and gained between two survey versions, with areas and new land use)',
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: {
            from: { type: 'integer', minimum: 1 },
            to: { type: 'integer', minimum: 1 },
            layer: { type: 'string', maxLength: 40, description: 'land-use layer (default DLTB)' },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            properties: {
              layer: str,
              from: { type: 'integer' },
              to: { type: 'integer' },
              lost: loose,
              gained: loose,
              netM2: num,
              netMu: num,
              byNewUse: looseArray,
              byDistrict: looseArray,
              patches: looseArray,
            },
          },
          ...READ,
        },
      },
    },
    async (req) => cultivatedChange(db, req.query.from, req.query.to, req.query.layer ?? 'DLTB', scope(req)),
  );

  app.get(
    '/api/farmland/districts',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '行政区 (districts of the city: code and name, for the pages’ filters)',
        response: { 200: { type: 'array', items: { type: 'object', properties: { code: str, name: str } } }, ...err(401, 403) },
      },
    },
    async () => districtList(db),
  );

  app.get(
    '/api/farmland/targets',
    {
      config: { access: ACCESS.read },
      schema: { tags, summary: '耕地保护与整治目标 (targets with their sources)', response: { 200: looseArray, ...err(401, 403) } },
    },
    async () => farm.targets(db),
  );

  app.put<{ Body: farm.TargetRow }>(
    '/api/farmland/targets',
    {
      config: { access: ACCESS.admin },
      schema: {
        tags,
        summary: '设置目标 (add or change a target; the source is required)',
        body: {
          type: 'object',
          required: ['code', 'year', 'kind', 'name_zh', 'value', 'unit', 'source'],
          additionalProperties: false,
          properties: {
            code: { type: 'string', pattern: '^[A-Z0-9_]{1,20}$' },
            region: { type: 'string', pattern: '^\\d{4,6}$', description: '3301 = the city, or a district code' },
            year: { type: 'integer', minimum: 1990, maximum: 2100 },
            kind: { type: 'string', enum: ['target', 'baseline'] },
            name_zh: { type: 'string', minLength: 1, maxLength: 100 },
            value: num,
            unit: { type: 'string', minLength: 1, maxLength: 20 },
            bound: { type: 'string', enum: ['min', 'max'] },
            source: { type: 'string', minLength: 4, maxLength: 500 },
          },
        },
        response: { 200: loose, ...WRITE },
      },
    },
    async (req) =>
      db.transaction(async (tx) => {
        const t: farm.TargetRow = { ...req.body, region: req.body.region ?? '3301', bound: req.body.bound ?? 'min' };
        const before = await farm.upsertTarget(tx, t);
        await appendAudit(tx, {
          actor: req.user.username,
          action: 'farmland.target',
          entity: 'farmland_target',
          entityId: `${t.code}:${t.region}:${t.year}`,
          before,
          after: t,
        });
        return t;
      }),
  );

  app.get(
    '/api/farmland/settings',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '耕地保护设置 (patrol deadlines, merge distance, 多田套合 layers)',
        response: { 200: { type: 'object', additionalProperties: true, properties: { taohe: loose, patrol: loose } }, ...err(401, 403) },
      },
    },
    async () => getSettings(db),
  );

  app.put<{ Params: { key: string }; Body: Record<string, unknown> }>(
    '/api/farmland/settings/:key',
    {
      config: { access: ACCESS.admin },
      schema: {
        tags,
        summary: '修改设置 (change part of a settings group: taohe or patrol)',
        params: { type: 'object', required: ['key'], properties: { key: { type: 'string', enum: ['taohe', 'patrol'] } } },
        body: loose,
        response: { 200: { type: 'object', additionalProperties: true, properties: { taohe: loose, patrol: loose } }, ...WRITE },
      },
    },
    async (req) => db.transaction((tx) => putSettings(tx, req.params.key, req.body, req.user.username)),
  );

  // ---- 多田套合 -----------------------------------------------------------------------------
  app.get(
    '/api/farmland/taohe',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '多田套合 now (rate and areas city-wide and by district over the active versions; nothing stored)',
        response: { 200: taoheSchema, ...READ, ...err(409) },
      },
    },
    async (req) => {
      const r = await computeTaohe(db);
      const s = scope(req);
      return {
        runId: null,
        ...r,
        byDistrict: s ? r.byDistrict.filter((d) => d.code && s.includes(d.code)) : r.byDistrict,
        missing: null,
        resultLayer: null,
        resultVersion: null,
        createdAt: null,
        createdBy: req.user.username,
        note: null,
      };
    },
  );

  app.post<{ Body: { note?: string } | undefined }>(
    '/api/farmland/taohe/runs',
    {
      config: { access: ACCESS.planner },
      schema: {
        tags,
        summary: '计算并保存多田套合 (stored run; the missing patches become a new version of layer DTTH_QS for the map tiles)',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { note: { type: 'string', maxLength: 500, description: 'why this run (e.g. 2025年度变更调查入库后)' } },
        },
        response: { 201: taoheSchema, ...WRITE },
      },
    },
    async (req, reply) => reply.code(201).send(await runTaohe(db, config, req.user.username, req.body?.note ?? null)),
  );

  app.get(
    '/api/farmland/taohe/runs',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '多田套合计算记录 (stored runs, newest first)',
        response: { 200: { type: 'array', items: taoheSchema }, ...err(401, 403) },
      },
    },
    async (req) => listTaoheRuns(db, scope(req)),
  );

  app.get<{ Params: { id: number } }>(
    '/api/farmland/taohe/runs/:id',
    {
      config: { access: ACCESS.read },
      schema: { tags, summary: '一次多田套合计算 (one stored run)', params: idParams, response: { 200: taoheSchema, ...READ } },
    },
    async (req) => getTaoheRun(db, req.params.id, scope(req)),
  );

  app.get<{ Params: { id: number }; Querystring: { kind?: string } }>(
    '/api/farmland/taohe/runs/:id/missing',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '未套合图斑 GeoJSON (the patches missing from each layer: kind GBZNT = where to build high-standard farmland next)',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { kind: { type: 'string', enum: Object.keys(MISSING_KINDS) } },
        },
        response: {
          200: {
            description:
              'GeoJSON FeatureCollection (EPSG:4490 lon/lat); properties QSTC (missing layer), YTBBH (patch), MJ (m²), MJ_MU (亩), XZQDM',
            content: { 'application/geo+json': { schema: { type: 'string' } } },
          },
          ...READ,
        },
      },
    },
    async (req, reply) =>
      reply.type('application/geo+json; charset=utf-8').send(await missingGeoJson(db, req.params.id, req.query.kind ?? null, scope(req))),
  );

  ledgerRoutes(app, db);
  patrolRoutes(app, db, config);
  consolidationRoutes(app, db, config);
}
