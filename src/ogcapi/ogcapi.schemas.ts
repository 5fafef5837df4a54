// Request and response schemas of OGC API – Features (/ogcapi). Each resource answers JSON (or
// GeoJSON, or JSON Schema) and HTML: the response lists both media types, each with its schema.
// The JSON documents are closed and name every member the service writes; feature properties
// are the layer's attributes as imported (Dict). Items and item query strings stay open: a
// parameter named after an attribute filters on it, and the service refuses any other unknown
// one itself (params.ts checkKnown, Part 1 /req/core/query-param-unknown).
import { Type, Obj, Str, Int, Num, Nullable, List, Dict, Geometry, errors } from '../schema.ts';
import { SUPPORTED_CRS } from './crs.ts';
import { MEDIA } from './ogcapi.service.ts';
import { LIMIT_DEFAULT, LIMIT_MAX, OFFSET_MAX } from './params.ts';

const tags = ['OGC API – Features'];

export const Link = Obj({ href: Str(), rel: Str(), type: Str(), title: Str() });
const Links = List(Link);

export const LandingPage = Obj({ title: Str(), description: Str(), links: Links });
export const Conformance = Obj({ conformsTo: List(Str()), links: Links });

export const Collection = Obj({
  id: Str(),
  title: Str(),
  description: Str(),
  keywords: List(Str()),
  links: Links,
  extent: Obj({
    spatial: Type.Optional(Obj({ bbox: List(List(Num())), crs: Str() })),
    temporal: Type.Optional(Obj({ interval: List(List(Nullable(Str()))), trs: Str() })),
  }),
  itemType: Type.Literal('feature'),
  crs: List(Str()),
  storageCrs: Str(),
});

export const Collections = Obj({ links: Links, crs: List(Str()), collections: List(Collection) });

export const Queryables = Obj(
  {
    type: Type.Literal('object'),
    title: Str(),
    properties: Dict(Dict(), { description: 'queryable name → JSON Schema of its values' }),
    additionalProperties: Type.Boolean(),
  },
  { description: 'JSON Schema (2020-12) of the queryables; also carries "$schema" and "$id"' },
);

const FeatureProps = {
  type: Type.Literal('Feature'),
  id: Str({ description: 'feature id as imported' }),
  geometry: Nullable(Geometry),
  properties: Nullable(Dict(Type.Unknown(), { description: "the feature's attributes as imported" })),
};
export const OgcFeature = Obj(FeatureProps);
export const OgcFeatureWithLinks = Obj({ ...FeatureProps, links: Links });

export const OgcFeatureCollection = Obj({
  type: Type.Literal('FeatureCollection'),
  features: List(OgcFeature),
  numberMatched: Int(),
  numberReturned: Int(),
  timeStamp: Str(),
  links: Links,
});

const html = { type: 'string' } as const;
const ERRORS = errors(400, 404, 429);
/** 200 in the JSON flavour `type` (with `schema`) or as an HTML page. */
function ok(description: string, type: string, schema: object) {
  return { 200: { description, content: { [type]: { schema }, [MEDIA.html]: { schema: html } } }, ...ERRORS };
}

const F = Type.Optional(Type.Enum(['json', 'html', 'geojson'], { description: '响应格式；省略时按 Accept 头协商（默认 JSON）' }));
const crs = (what: string) => Type.Optional(Str({ description: `${what}，可选：${SUPPORTED_CRS.join(' | ')}` }));
const CollectionId = Str({ description: '图层代码，如 GHYD' });
const FOnly = Obj({ f: F });
const CollectionParams = Obj({ collectionId: CollectionId });

/** A page of the service whose only query parameter is `f`: JSON (or `media`) or HTML. */
function page<R extends object>(summary: string, description: string, schema: object, request: R, media: string = MEDIA.json) {
  return { tags, summary, ...request, querystring: FOnly, response: ok(description, media, schema) };
}

export const landing = page('服务首页 (OGC API – Features landing page)', '服务首页', LandingPage, {});

export const conformance = page('符合的标准类 (conformance classes)', '符合的标准类', Conformance, {});

export const collections = page('图层列表 (collections): the layers the caller may read', '要素集合列表', Collections, {});

export const collection = page('图层说明 (collection): extent, CRSs, links', '要素集合', Collection, { params: CollectionParams });

export const queryables = page(
  '可查询属性 (queryables, JSON Schema)',
  '可查询属性',
  Queryables,
  { params: CollectionParams },
  MEDIA.schema,
);

export const items = {
  tags,
  summary: '要素查询 (features): paging, bbox, datetime (as of a version), property and CQL2 filters, CRS',
  description: '未列出的查询参数若与图层属性名相同，则按属性值相等过滤（如 ?YDYHFLDM=0701）；其他未知参数返回 400。',
  params: CollectionParams,
  querystring: Type.Object({
    f: F,
    limit: Type.Optional(Int({ minimum: 1, description: `每页要素数，默认 ${LIMIT_DEFAULT}，超过 ${LIMIT_MAX} 按 ${LIMIT_MAX} 处理` })),
    offset: Type.Optional(Int({ minimum: 0, maximum: OFFSET_MAX, description: '跳过的要素数（分页，见 next 链接）' })),
    bbox: Type.Optional(Str({ description: '范围过滤：下角,上角 四个数，轴序按 bbox-crs（默认 CRS84：经度,纬度）' })),
    'bbox-crs': crs('bbox 的坐标参照系'),
    datetime: Type.Optional(Str({ description: '时点（RFC 3339）或区间 a/b、../b、a/..：返回该时点（区间终点）有效的图层版本' })),
    crs: crs('输出坐标参照系（轴序按 EPSG 定义：4490 纬度在前，4549 北坐标在前）'),
    filter: Type.Optional(Str({ description: "CQL2 文本过滤，如 YDYHFLDM = '0701' AND S_INTERSECTS(geometry, POLYGON((…)))" })),
    'filter-lang': Type.Optional(Type.Enum(['cql2-text'])),
    'filter-crs': crs('filter 中几何的坐标参照系'),
  }),
  response: ok('要素集合（GeoJSON FeatureCollection）', MEDIA.geojson, OgcFeatureCollection),
};

export const item = {
  tags,
  summary: '单个要素 (one feature)',
  params: Obj({ collectionId: CollectionId, featureId: Str({ description: '要素编号（导入时的要素 ID）' }) }),
  querystring: Type.Object({ f: F, crs: crs('输出坐标参照系') }),
  response: ok('要素（GeoJSON Feature）', MEDIA.geojson, OgcFeatureWithLinks),
};
