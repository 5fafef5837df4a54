// HTTP routes of OGC API – Features at /ogcapi. Every route is public (config.access): what a
// caller may read is decided per layer by src/auth/layers.ts inside the service, so an anonymous
// caller gets the public layers and nothing else, without a 401/403 that would reveal the rest.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { ANONYMOUS } from '../auth/types.ts';
import { errorSchema } from '../server/errors.ts';
import { createOgcService, landingPage, conformance, MEDIA, type Ctx } from './ogcapi.service.ts';
import { parseFormat, LIMIT_DEFAULT, LIMIT_MAX, OFFSET_MAX, type Format } from './params.ts';
import { SUPPORTED_CRS } from './crs.ts';
import * as html from './html.ts';

/** Where the lead's OpenAPI document is served (@fastify/swagger). */
const API_DOC_PATH = '/api/docs/json';
const TAGS = ['OGC API – Features'];

// Response schemas are deliberately loose (additionalProperties) with the main members listed:
// fast-json-stringify drops anything a schema does not allow, and these documents carry
// optional members (extent, keywords) whose shape varies.
const link = {
  type: 'object',
  additionalProperties: true,
  properties: { href: { type: 'string' }, rel: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } },
};
const links = { type: 'array', items: link };
const collectionSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    keywords: { type: 'array', items: { type: 'string' } },
    links,
    extent: { type: 'object', additionalProperties: true },
    itemType: { type: 'string' },
    crs: { type: 'array', items: { type: 'string' } },
    storageCrs: { type: 'string' },
  },
};
const featureCollectionSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    type: { type: 'string' },
    features: { type: 'array', items: { type: 'object', additionalProperties: true } },
    numberMatched: { type: 'integer' },
    numberReturned: { type: 'integer' },
    timeStamp: { type: 'string' },
    links,
  },
};
const featureSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    type: { type: 'string' },
    id: { type: 'string' },
    geometry: { type: 'object', additionalProperties: true },
    properties: { type: 'object', additionalProperties: true },
    links,
  },
};
const htmlSchema = { type: 'string' };

const error = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } });

function ok(description: string, jsonType: string, schema: object) {
  return {
    200: { description, content: { [jsonType]: { schema }, [MEDIA.html]: { schema: htmlSchema } } },
    400: error('参数无效 (invalid parameter): the message names it'),
    404: error('没有这个图层或要素 (no such collection or feature; restricted layers answer the same)'),
  };
}

const fParam = { type: 'string', enum: ['json', 'html', 'geojson'], description: '响应格式；省略时按 Accept 头协商（默认 JSON）' };
const crsParam = (what: string) => ({ type: 'string', description: `${what}，可选：${SUPPORTED_CRS.join(' | ')}` });
const codeParams = {
  type: 'object',
  required: ['collectionId'],
  properties: { collectionId: { type: 'string', description: '图层代码，如 GHYD' } },
};

/**
 * f=… wins; otherwise HTML only when the client prefers text/html over JSON (browsers do; GDAL,
 * curl and fetch with no Accept header or a wildcard one get JSON).
 */
export function negotiate(req: FastifyRequest): Format {
  const f = parseFormat(req.query as Record<string, unknown>);
  if (f) return f;
  let htmlQ = 0;
  let jsonQ = 0;
  for (const part of String(req.headers.accept ?? '').split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qp ? Number(qp.slice(2)) || 0 : 1;
    if (type === 'text/html' || type === 'application/xhtml+xml') htmlQ = Math.max(htmlQ, q);
    else if (type === 'application/json' || type === 'application/geo+json' || type === '*/*' || type === 'application/*')
      jsonQ = Math.max(jsonQ, q);
  }
  return htmlQ > jsonQ ? 'html' : 'json';
}

function context(req: FastifyRequest): Ctx {
  // Links are absolute: GDAL and other clients resolve them against nothing else.
  return { base: `${req.protocol}://${req.host}/ogcapi`, format: negotiate(req), user: req.user ?? ANONYMOUS };
}

function sendJson(reply: FastifyReply, type: string, body: unknown) {
  return reply.header('Vary', 'Accept').type(type).send(body);
}

function sendHtml(reply: FastifyReply, body: string) {
  return reply.header('Vary', 'Accept').type('text/html; charset=utf-8').send(body);
}

/** The search part of the request URL: paging links keep every parameter the caller gave. */
function searchOf(req: FastifyRequest): URLSearchParams {
  const i = req.url.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : req.url.slice(i + 1));
}

export function ogcapiRoutes(app: FastifyInstance, db: Db, _config: Config): void {
  const svc = createOgcService(db);
  const config = { access: 'public' as const };

  const landing = async (req: FastifyRequest, reply: FastifyReply) => {
    const ctx = context(req);
    const doc = landingPage(ctx, API_DOC_PATH);
    return ctx.format === 'html' ? sendHtml(reply, html.landingHtml(ctx.base, doc)) : sendJson(reply, MEDIA.json, doc);
  };
  const landingSchema = {
    tags: TAGS,
    summary: '服务首页 (OGC API – Features landing page)',
    querystring: { type: 'object', properties: { f: fParam } },
    response: ok('服务首页', MEDIA.json, {
      type: 'object',
      additionalProperties: true,
      properties: { title: { type: 'string' }, description: { type: 'string' }, links },
    }),
  };
  app.get('/ogcapi', { config, schema: landingSchema }, landing);
  app.get('/ogcapi/', { config, schema: { ...landingSchema, hide: true } }, landing);

  app.get(
    '/ogcapi/conformance',
    {
      config,
      schema: {
        tags: TAGS,
        summary: '符合的标准类 (conformance classes)',
        querystring: { type: 'object', properties: { f: fParam } },
        response: ok('符合的标准类', MEDIA.json, {
          type: 'object',
          additionalProperties: true,
          properties: { conformsTo: { type: 'array', items: { type: 'string' } }, links },
        }),
      },
    },
    async (req, reply) => {
      const ctx = context(req);
      const doc = conformance(ctx);
      return ctx.format === 'html' ? sendHtml(reply, html.conformanceHtml(ctx.base, doc)) : sendJson(reply, MEDIA.json, doc);
    },
  );

  app.get(
    '/ogcapi/collections',
    {
      config,
      schema: {
        tags: TAGS,
        summary: '图层列表 (collections): the layers the caller may read',
        querystring: { type: 'object', properties: { f: fParam } },
        response: ok('要素集合列表', MEDIA.json, {
          type: 'object',
          additionalProperties: true,
          properties: { links, crs: { type: 'array', items: { type: 'string' } }, collections: { type: 'array', items: collectionSchema } },
        }),
      },
    },
    async (req, reply) => {
      const ctx = context(req);
      const doc = await svc.collections(ctx);
      return ctx.format === 'html' ? sendHtml(reply, html.collectionsHtml(ctx.base, doc)) : sendJson(reply, MEDIA.json, doc);
    },
  );

  app.get<{ Params: { collectionId: string } }>(
    '/ogcapi/collections/:collectionId',
    {
      config,
      schema: {
        tags: TAGS,
        summary: '图层说明 (collection): extent, CRSs, links',
        params: codeParams,
        querystring: { type: 'object', properties: { f: fParam } },
        response: ok('要素集合', MEDIA.json, collectionSchema),
      },
    },
    async (req, reply) => {
      const ctx = context(req);
      const doc = await svc.collection(ctx, req.params.collectionId);
      return ctx.format === 'html' ? sendHtml(reply, html.collectionHtml(ctx.base, doc)) : sendJson(reply, MEDIA.json, doc);
    },
  );

  app.get<{ Params: { collectionId: string } }>(
    '/ogcapi/collections/:collectionId/queryables',
    {
      config,
      schema: {
        tags: TAGS,
        summary: '可查询属性 (queryables, JSON Schema)',
        params: codeParams,
        querystring: { type: 'object', properties: { f: fParam } },
        // "$schema" and "$id" pass through additionalProperties: listed as properties they would be
        // read as keywords by the OpenAPI generator's $ref resolver.
        response: ok('可查询属性', MEDIA.schema, {
          type: 'object',
          additionalProperties: true,
          properties: { type: { type: 'string' }, title: { type: 'string' }, properties: { type: 'object', additionalProperties: true } },
        }),
      },
    },
    async (req, reply) => {
      const ctx = context(req);
      const doc = await svc.queryables(ctx, req.params.collectionId);
      return ctx.format === 'html'
        ? sendHtml(reply, html.queryablesHtml(ctx.base, req.params.collectionId, doc))
        : sendJson(reply, MEDIA.schema, doc);
    },
  );

  app.get<{ Params: { collectionId: string }; Querystring: Record<string, unknown> }>(
    '/ogcapi/collections/:collectionId/items',
    {
      config,
      schema: {
        tags: TAGS,
        summary: '要素查询 (features): paging, bbox, datetime (as of a version), property and CQL2 filters, CRS',
        description: '未列出的查询参数若与图层属性名相同，则按属性值相等过滤（如 ?YDYHFLDM=0701）；其他未知参数返回 400。',
        params: codeParams,
        querystring: {
          type: 'object',
          properties: {
            f: fParam,
            limit: {
              type: 'integer',
              minimum: 1,
              description: `每页要素数，默认 ${LIMIT_DEFAULT}，超过 ${LIMIT_MAX} 按 ${LIMIT_MAX} 处理`,
            },
            offset: { type: 'integer', minimum: 0, maximum: OFFSET_MAX, description: '跳过的要素数（分页，见 next 链接）' },
            bbox: { type: 'string', description: '范围过滤：下角,上角 四个数，轴序按 bbox-crs（默认 CRS84：经度,纬度）' },
            'bbox-crs': crsParam('bbox 的坐标参照系'),
            datetime: { type: 'string', description: '时点（RFC 3339）或区间 a/b、../b、a/..：返回该时点（区间终点）有效的图层版本' },
            crs: crsParam('输出坐标参照系（轴序按 EPSG 定义：4490 纬度在前，4549 北坐标在前）'),
            filter: { type: 'string', description: "CQL2 文本过滤，如 YDYHFLDM = '0701' AND S_INTERSECTS(geometry, POLYGON((…)))" },
            'filter-lang': { type: 'string', enum: ['cql2-text'] },
            'filter-crs': crsParam('filter 中几何的坐标参照系'),
          },
        },
        response: ok('要素集合（GeoJSON FeatureCollection）', MEDIA.geojson, featureCollectionSchema),
      },
    },
    async (req, reply) => {
      const ctx = context(req);
      const r = await svc.items(ctx, req.params.collectionId, req.query, searchOf(req));
      reply.header('Content-Crs', `<${r.query.crs.uri}>`);
      if (ctx.format === 'html') {
        return sendHtml(
          reply,
          html.itemsHtml(ctx.base, {
            code: r.layer.code,
            title: r.layer.name_zh,
            crs: r.query.crs.uri,
            numberMatched: r.numberMatched,
            numberReturned: r.numberReturned,
            offset: r.query.offset,
            features: JSON.parse(`[${r.featuresJson}]`),
            links: r.links,
          }),
        );
      }
      // The features are GeoJSON text written by PostgreSQL; only the envelope is serialised here.
      const tail = JSON.stringify({
        numberMatched: r.numberMatched,
        numberReturned: r.numberReturned,
        timeStamp: new Date().toISOString(),
        links: r.links,
      });
      return sendJson(reply, MEDIA.geojson, `{"type":"FeatureCollection","features":[${r.featuresJson}],${tail.slice(1)}`);
    },
  );

  app.get<{ Params: { collectionId: string; featureId: string }; Querystring: Record<string, unknown> }>(
    '/ogcapi/collections/:collectionId/items/:featureId',
    {
      config,
      schema: {
        tags: TAGS,
        summary: '单个要素 (one feature)',
        params: {
          type: 'object',
          required: ['collectionId', 'featureId'],
          properties: {
            collectionId: codeParams.properties.collectionId,
            featureId: { type: 'string', description: '要素编号（导入时的要素 ID）' },
          },
        },
        querystring: { type: 'object', properties: { f: fParam, crs: crsParam('输出坐标参照系') } },
        response: ok('要素（GeoJSON Feature）', MEDIA.geojson, featureSchema),
      },
    },
    async (req, reply) => {
      const ctx = context(req);
      const r = await svc.item(ctx, req.params.collectionId, req.params.featureId, req.query);
      reply.header('Content-Crs', `<${r.crs.uri}>`);
      if (ctx.format === 'html') {
        return sendHtml(
          reply,
          html.itemHtml(ctx.base, {
            code: r.layer.code,
            title: r.layer.name_zh,
            crs: r.crs.uri,
            feature: JSON.parse(r.featureJson),
            links: r.links,
          }),
        );
      }
      return sendJson(reply, MEDIA.geojson, `${r.featureJson.slice(0, -1)},"links":${JSON.stringify(r.links)}}`);
    },
  );
}
