// HTTP routes of OGC API – Features at /ogcapi. Every route is public (config.access): what a
// caller may read is decided per layer by src/auth/layers.ts inside the service, so an anonymous
// caller gets the public layers and nothing else, without a 401/403 that would reveal the rest.
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { ANONYMOUS } from '../auth/types.ts';
import { endpoint, get, mount, type Endpoint, type Route } from '../server/route.ts';
import { createOgcService, landingPage, conformance as conformanceDoc, MEDIA, type Ctx, type OgcService } from './ogcapi.service.ts';
import { parseFormat, type Format } from './params.ts';
import * as html from './html.ts';
import * as s from './ogcapi.schemas.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** OGC API – Features over this application's database, with its extent caches (ogcapiRoutes). */
    ogc: OgcService;
  }
}

/** Where the OpenAPI document is served (@fastify/swagger). */
const API_DOC_PATH = '/api/docs/json';

/**
 * Every route is public: what a caller may read is decided per layer inside the service. The
 * service keeps extents and attribute names of layer versions, so it is made once per application
 * and reached by the handlers as `req.server.ogc`.
 */
/** Every route here is a GET anyone may call. */
const publicGet = <S extends FastifySchema>(url: string, e: Endpoint<S>): Route => get(url, 'public', e);

export function ogcapiRoutes(app: FastifyInstance): void {
  app.decorate('ogc', createOgcService(app.ctx.db, app.ctx.config.districts));
  const table: Route[] = [
    publicGet('/ogcapi', landing),
    publicGet('/ogcapi/', landingSlash),
    publicGet('/ogcapi/conformance', conformance),
    publicGet('/ogcapi/collections', collections),
    publicGet('/ogcapi/collections/:collectionId', collection),
    publicGet('/ogcapi/collections/:collectionId/queryables', queryables),
    publicGet('/ogcapi/collections/:collectionId/items', items),
    publicGet('/ogcapi/collections/:collectionId/items/:featureId', item),
  ];
  mount(app, table);
}

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

const landingPageHandler = async (req: FastifyRequest, reply: FastifyReply) => {
  const ctx = context(req);
  const doc = landingPage(ctx, API_DOC_PATH);
  return ctx.format === 'html' ? sendHtml(reply, html.landingHtml(ctx.base, doc)) : sendJson(reply, MEDIA.json, doc);
};
const landing = endpoint(s.landing, landingPageHandler);
const landingSlash = endpoint({ ...s.landing, hide: true }, landingPageHandler);

const conformance = endpoint(s.conformance, async (req, reply) => {
  const ctx = context(req);
  const doc = conformanceDoc(ctx);
  return ctx.format === 'html' ? sendHtml(reply, html.conformanceHtml(ctx.base, doc)) : sendJson(reply, MEDIA.json, doc);
});

const collections = endpoint(s.collections, async (req, reply) => {
  const ctx = context(req);
  const doc = await req.server.ogc.collections(ctx);
  return ctx.format === 'html' ? sendHtml(reply, html.collectionsHtml(ctx.base, doc)) : sendJson(reply, MEDIA.json, doc);
});

const collection = endpoint(s.collection, async (req, reply) => {
  const ctx = context(req);
  const doc = await req.server.ogc.collection(ctx, req.params.collectionId);
  return ctx.format === 'html' ? sendHtml(reply, html.collectionHtml(ctx.base, doc)) : sendJson(reply, MEDIA.json, doc);
});

const queryables = endpoint(s.queryables, async (req, reply) => {
  const ctx = context(req);
  const doc = await req.server.ogc.queryables(ctx, req.params.collectionId);
  if (ctx.format === 'html') return sendHtml(reply, html.queryablesHtml(ctx.base, req.params.collectionId, doc));
  // Written out here: "$schema" and "$id" are members of the document, but named in the response
  // schema they would be read as keywords by the OpenAPI generator's $ref resolver.
  return sendJson(reply, MEDIA.schema, JSON.stringify(doc));
});

const items = endpoint(s.items, async (req, reply) => {
  const ctx = context(req);
  const r = await req.server.ogc.items(ctx, req.params.collectionId, req.query, searchOf(req));
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
});

const item = endpoint(s.item, async (req, reply) => {
  const ctx = context(req);
  const r = await req.server.ogc.item(ctx, req.params.collectionId, req.params.featureId, req.query);
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
});
