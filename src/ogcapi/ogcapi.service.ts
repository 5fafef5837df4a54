// OGC API – Features resources (Part 1 core, Part 2 CRS, Part 3 CQL2 filter): landing page,
// conformance, collections (one per layer the caller may read), queryables, items, item.
// Which layers a caller sees comes from src/auth/layers.ts only: a restricted layer is, for the
// public, indistinguishable from a code that does not exist (same 404, same message).
import { readerFor, type Db, type Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import { findLayer, UnknownLayerError, type LayerRow } from '../catalogue/catalogue.service.ts';
import { resolveVersion, VersionError } from '../store/store.service.ts';
import { readableLayer, readableLayers, type LayerScope } from '../auth/layers.ts';
import type { User } from '../auth/types.ts';
import * as repo from './ogcapi.repository.ts';
import { CRS84, STORAGE_CRS, SUPPORTED_CRS, type OgcCrs } from './crs.ts';
import {
  parseDatetime,
  parseItemsQuery,
  parseCrs,
  checkKnown,
  ITEM_PARAMS,
  OgcRequestError,
  bad,
  type Format,
  type ItemsQuery,
} from './params.ts';
import { GEOMETRY_QUERYABLE, spatialLiterals } from './cql2.ts';
import { versionExtent } from '../store/history.repository.ts';

export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
];

export const MEDIA = {
  json: 'application/json',
  geojson: 'application/geo+json',
  html: 'text/html',
  schema: 'application/schema+json',
  openapi: 'application/vnd.oai.openapi+json;version=3.0',
} as const;

export interface Link {
  href: string;
  rel: string;
  type: string;
  title: string;
}

const TRS = 'http://www.opengis.net/def/uri/ISO-8601/0/Gregorian';

/** Per-request context: where the service is reached from and in which format the answer goes. */
export interface Ctx {
  /** Absolute URL of the landing page, e.g. http://host:8080/ogcapi */
  base: string;
  format: Format;
  user: User;
}

/** Links to one resource in both formats: self in the format answered, alternate in the other. */
function selfLinks(ctx: Ctx, path: string, jsonType: string, title: string, search = new URLSearchParams()): Link[] {
  const mk = (f: Format) => {
    const q = new URLSearchParams(search);
    q.set('f', f);
    return `${ctx.base}${path}?${q}`;
  };
  const other: Format = ctx.format === 'html' ? 'json' : 'html';
  const typeOf = (f: Format) => (f === 'html' ? MEDIA.html : jsonType);
  return [
    { href: mk(ctx.format), rel: 'self', type: typeOf(ctx.format), title },
    { href: mk(other), rel: 'alternate', type: typeOf(other), title: `${title}（${other === 'html' ? '网页' : 'JSON'}）` },
  ];
}

const href = (ctx: Ctx, path: string, f: Format = 'json') => `${ctx.base}${path}?f=${f}`;

export function landingPage(ctx: Ctx, apiDocPath: string) {
  const origin = new URL(ctx.base).origin;
  return {
    title: '国土空间规划“一张图”要素服务',
    description:
      '按 OGC API – Features 标准提供“一张图”图层要素（GeoJSON / HTML），支持 CRS84、EPSG:4490、EPSG:4549 坐标参照系与 CQL2 过滤。',
    links: [
      ...selfLinks(ctx, '', MEDIA.json, '服务首页'),
      { href: `${origin}${apiDocPath}`, rel: 'service-desc', type: MEDIA.openapi, title: 'API 定义（OpenAPI 3.0）' },
      { href: href(ctx, '/conformance'), rel: 'conformance', type: MEDIA.json, title: '符合的标准类' },
      { href: href(ctx, '/collections'), rel: 'data', type: MEDIA.json, title: '图层（要素集合）' },
    ],
  };
}

export function conformance(ctx: Ctx) {
  return { conformsTo: CONFORMANCE, links: selfLinks(ctx, '/conformance', MEDIA.json, '符合的标准类') };
}

export interface CollectionDoc {
  id: string;
  title: string;
  description: string;
  keywords: string[];
  links: Link[];
  extent: { spatial?: { bbox: number[][]; crs: string }; temporal?: { interval: (string | null)[][]; trs: string } };
  itemType: 'feature';
  crs: string[];
  storageCrs: string;
}

function describe(l: LayerRow): string {
  if (l.description) return l.description;
  const parts = [`${l.class}类图层${l.statutory ? '（法定）' : ''}`];
  if (l.legal_basis) parts.push(`依据：${l.legal_basis}`);
  if (l.owner_dept) parts.push(`责任处室：${l.owner_dept}`);
  if (l.data_date) parts.push(`数据日期：${l.data_date}`);
  return parts.join('；');
}

/** Services built over one database (and its district layer, config.districts), with caches keyed by immutable (layer, version) pairs. */
export function createOgcService(db: Db, districts: DistrictLayer) {
  // A layer version never changes once written, so its extent and attribute names can be kept.
  const extents = new Map<string, repo.Extent | null>();
  const keys = new Map<string, string[]>();

  /**
   * The extent of the layer's active version as this scope reads it: a district officer's extent
   * of a restricted layer is that of the features inside their districts, and depends on the
   * district layer's version too.
   */
  async function extentOf(s: LayerScope): Promise<repo.Extent | null> {
    const l = s.layer;
    if (l.active_version === null) return null;
    let k = `${l.id}/${l.active_version}`;
    if (s.districts) {
      const xzq = await findLayer(db, districts.layer);
      k += `/${xzq?.id ?? 0}.${xzq?.active_version ?? 0}/${[...s.districts].sort().join(',')}`;
    }
    if (!extents.has(k)) {
      if (extents.size >= 1000) extents.clear(); // a bound: scoped entries multiply with district sets
      const b = await versionExtent(db, l.id, l.active_version, s.districts ? { codes: s.districts, layer: districts } : null);
      extents.set(k, b && { xmin: b[0], ymin: b[1], xmax: b[2], ymax: b[3] });
    }
    return extents.get(k) ?? null;
  }

  /** Attribute names callers may filter on: the declared schema, else what the version holds. */
  async function propertyNames(l: LayerRow, version: number | null): Promise<string[]> {
    if (l.attr_schema.length) return l.attr_schema.map((a) => a.name);
    if (version === null) return [];
    const k = `${l.id}/${version}`;
    if (!keys.has(k)) keys.set(k, await repo.propertyKeys(db, l.id, version));
    return keys.get(k)!;
  }

  function collectionDoc(ctx: Ctx, l: LayerRow, ext: repo.Extent | null, first: Date | undefined): CollectionDoc {
    const path = `/collections/${encodeURIComponent(l.code)}`;
    const extent: CollectionDoc['extent'] = {};
    if (ext) extent.spatial = { bbox: [[ext.xmin, ext.ymin, ext.xmax, ext.ymax]], crs: CRS84 };
    // Versions replace one another and the newest is still in force: the interval is open-ended.
    if (first) extent.temporal = { interval: [[first.toISOString(), null]], trs: TRS };
    return {
      id: l.code,
      title: l.name_zh,
      description: describe(l),
      keywords: [l.class, l.public ? '公开' : '受限', ...(l.name_en ? [l.name_en] : [])],
      links: [
        ...selfLinks(ctx, path, MEDIA.json, l.name_zh),
        { href: href(ctx, `${path}/items`), rel: 'items', type: MEDIA.geojson, title: `${l.name_zh} 要素（GeoJSON）` },
        { href: href(ctx, `${path}/items`, 'html'), rel: 'items', type: MEDIA.html, title: `${l.name_zh} 要素（网页）` },
        {
          href: href(ctx, `${path}/queryables`),
          rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables',
          type: MEDIA.schema,
          title: `${l.name_zh} 可查询属性`,
        },
      ],
      extent,
      itemType: 'feature',
      crs: [...SUPPORTED_CRS],
      storageCrs: STORAGE_CRS,
    };
  }

  async function scopeOf(user: User, code: string): Promise<LayerScope> {
    // A code that cannot exist is answered like an unknown one (and never reaches SQL with odd bytes).
    if (!/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(code)) throw new UnknownLayerError(code);
    return readableLayer(db, user, code);
  }

  async function collections(ctx: Ctx) {
    const scopes = await readableLayers(db, ctx.user);
    const first = await repo.firstValidFrom(db);
    const docs: CollectionDoc[] = [];
    for (const s of scopes) docs.push(collectionDoc(ctx, s.layer, await extentOf(s), first.get(s.layer.id)));
    return { links: selfLinks(ctx, '/collections', MEDIA.json, '图层（要素集合）'), crs: [...SUPPORTED_CRS], collections: docs };
  }

  async function collection(ctx: Ctx, code: string): Promise<CollectionDoc> {
    const s = await scopeOf(ctx.user, code);
    const first = await repo.firstValidFrom(db);
    return collectionDoc(ctx, s.layer, await extentOf(s), first.get(s.layer.id));
  }

  async function queryables(ctx: Ctx, code: string) {
    const { layer: l } = await scopeOf(ctx.user, code);
    const props: Record<string, Record<string, unknown>> = { [GEOMETRY_QUERYABLE]: { title: '几何', format: 'geometry-any' } };
    const declared = new Map(l.attr_schema.map((a) => [a.name, a]));
    for (const name of await propertyNames(l, l.active_version)) {
      const a = declared.get(name);
      const type =
        a?.type === 'number'
          ? { type: 'number' }
          : a?.type === 'boolean'
            ? { type: 'boolean' }
            : a?.type === 'date'
              ? { type: 'string', format: 'date' }
              : { type: 'string' };
      props[name] = { title: a?.label ?? name, ...type };
    }
    return {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: href(ctx, `/collections/${encodeURIComponent(l.code)}/queryables`),
      type: 'object',
      title: l.name_zh,
      properties: props,
      additionalProperties: false,
    };
  }

  /**
   * Where to read a version's features: the replica once it has replayed that version
   * (db/replica.ts); district-scoped reads on the primary (their filter reads the district layer's
   * active version).
   */
  function reader(scope: LayerScope, layerId: number, version: number): Promise<Queryable> {
    return scope.districts ? Promise.resolve(db) : readerFor(db, [{ layerId, version }]);
  }

  /** The version `datetime` asks for, or null when the layer had none then (an empty answer, not an error). */
  async function versionFor(l: LayerRow, q: Record<string, unknown>): Promise<number | null> {
    const dt = parseDatetime(q);
    if (dt.kind === 'current') return l.active_version;
    try {
      return (await resolveVersion(db, l.code, { asOf: dt.at })).version;
    } catch (e) {
      if (e instanceof VersionError) return null;
      throw e;
    }
  }

  async function items(ctx: Ctx, code: string, rawQuery: Record<string, unknown>, search: URLSearchParams) {
    const scope = await scopeOf(ctx.user, code);
    const l = scope.layer;
    const version = await versionFor(l, rawQuery);
    const q = parseItemsQuery(rawQuery, new Set(await propertyNames(l, version)));
    for (const lit of q.filter ? spatialLiterals(q.filter) : []) {
      const why = await repo.wktProblem(db, lit.wkt, lit.srid);
      if (why) throw bad(`parameter "filter": the geometry is not usable: ${why}`);
    }
    let matched = 0;
    let page = { json: '', count: 0 };
    if (version !== null) {
      const sel: repo.FeatureSelection = { scope, version, bbox: q.bbox, properties: q.properties, filter: q.filter, districts };
      const r = await reader(scope, l.id, version);
      [matched, page] = [await repo.countFeatures(r, sel), await repo.pageFeatures(r, sel, q.crs, q.limit, q.offset)];
    }
    return {
      layer: l,
      query: q,
      version,
      numberMatched: matched,
      numberReturned: page.count,
      featuresJson: page.json,
      links: itemsLinks(ctx, l, q, search, matched, page.count),
    };
  }

  function itemsLinks(ctx: Ctx, l: LayerRow, q: ItemsQuery, search: URLSearchParams, matched: number, returned: number): Link[] {
    const path = `/collections/${encodeURIComponent(l.code)}/items`;
    const at = (offset: number) => {
      const s = new URLSearchParams(search);
      s.set('limit', String(q.limit));
      s.set('offset', String(offset));
      s.set('f', ctx.format);
      return `${ctx.base}${path}?${s}`;
    };
    const type = ctx.format === 'html' ? MEDIA.html : MEDIA.geojson;
    const links = selfLinks(ctx, path, MEDIA.geojson, `${l.name_zh} 要素`, search);
    if (q.offset + returned < matched) links.push({ href: at(q.offset + q.limit), rel: 'next', type, title: '下一页' });
    if (q.offset > 0) links.push({ href: at(Math.max(0, q.offset - q.limit)), rel: 'prev', type, title: '上一页' });
    links.push({ href: href(ctx, `/collections/${encodeURIComponent(l.code)}`), rel: 'collection', type: MEDIA.json, title: l.name_zh });
    return links;
  }

  async function item(ctx: Ctx, code: string, fid: string, rawQuery: Record<string, unknown>) {
    const scope = await scopeOf(ctx.user, code);
    const l = scope.layer;
    checkKnown(rawQuery, ITEM_PARAMS, new Set());
    const crs: OgcCrs = parseCrs(rawQuery, 'crs');
    const notFound = () => new OgcRequestError(404, `feature "${fid}" is not in collection ${l.code}`);
    // Feature ids are text; NUL cannot be stored, and no id is this long.
    if (fid.includes('\u0000') || fid.length > 1000 || l.active_version === null) throw notFound();
    const json = await repo.featureById(await reader(scope, l.id, l.active_version), scope, districts, l.active_version, fid, crs);
    if (json === null) throw notFound();
    const path = `/collections/${encodeURIComponent(l.code)}/items/${encodeURIComponent(fid)}`;
    const links = [
      ...selfLinks(ctx, path, MEDIA.geojson, `要素 ${fid}`),
      { href: href(ctx, `/collections/${encodeURIComponent(l.code)}`), rel: 'collection', type: MEDIA.json, title: l.name_zh },
    ];
    return { layer: l, crs, featureJson: json, links };
  }

  return { collections, collection, queryables, items, item };
}

export type OgcService = ReturnType<typeof createOgcService>;
