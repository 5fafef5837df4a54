// Request and response schemas of the viewer routes (mapview.routes.ts), kept apart so the route
// table stays on one screen. Response schemas are closed and list every property the handlers
// return (test/openapi.test.ts checks the serialiser drops nothing).
import { Type, Obj, Str, Int, Num, Bool, Nullable, Enum, List, Dict, Bbox, Geometry, CodeParams, errors, reads } from '../schema.ts';
import { NullableAreaFields } from '../schema.ts';
import { AttrField, areaChange, DiffSummary } from '../catalogue/catalogue.schemas.ts';

const tags = ['map'];

export const LayerStyle = Obj({
  color: Str(),
  opacity: Type.Optional(Num()),
  fill: Type.Optional(Bool()),
  lineWidth: Type.Optional(Num()),
  circleRadius: Type.Optional(Num()),
  categories: Type.Optional(
    Obj({
      field: Str(),
      prefix: Int(),
      labelField: Type.Optional(Str()),
      colors: Dict(Str(), { description: 'category code → colour' }),
      labels: Type.Optional(Dict(Str(), { description: 'category code → name' })),
    }),
  ),
});

export const ViewerLayer = Obj({
  code: Str(),
  name: Str(),
  nameEn: Nullable(Str()),
  class: Str(),
  geometryType: Str(),
  public: Bool(),
  scope: Enum(['all', 'districts']),
  version: Nullable(Int()),
  versions: Int(),
  featureCount: Int(),
  statutory: Bool(),
  legalBasis: Nullable(Str()),
  source: Nullable(Str()),
  ownerDept: Nullable(Str()),
  dataDate: Nullable(Str()),
  attributes: List(AttrField),
  style: LayerStyle,
  visible: Bool(),
});

export const ViewerCatalogue = Obj({ classOrder: List(Str()), layers: List(ViewerLayer) });

export const IdentifyQuery = Obj({
  lon: Num({ description: 'longitude, CGCS2000 (EPSG:4490) degrees' }),
  lat: Num({ description: 'latitude, CGCS2000 (EPSG:4490) degrees' }),
  tolerance: Type.Optional(
    Num({ minimum: 0, description: 'metres: lines and points this close count as hit (polygons: exactly under the point). Default 0' }),
  ),
  layers: Type.Optional(Str({ maxLength: 2000, description: 'comma-separated layer codes (default: every layer the caller may read)' })),
});

export const Attribute = Obj({ field: Str(), label: Str(), value: Type.Unknown() });

export const IdentifiedFeature = Obj({
  fid: Str(),
  label: Str(),
  attributes: List(Attribute),
  areaM2: Nullable(Num()),
  planarAreaM2: Nullable(Num()),
  areaMu: Nullable(Num()),
  lengthM: Nullable(Num()),
  distanceM: Num({ description: '0 inside a polygon; metres to a line or point within the tolerance' }),
  bbox: Bbox,
});

export const IdentifiedLayer = Obj({
  code: Str(),
  name: Str(),
  class: Str(),
  geometryType: Str(),
  version: Int(),
  legalBasis: Nullable(Str()),
  ownerDept: Nullable(Str()),
  features: List(IdentifiedFeature),
});

export const IdentifyAnswer = Obj({
  point: List(Num()),
  toleranceM: Num(),
  featureCount: Int(),
  layers: List(IdentifiedLayer),
});

export const MeasureBody = Obj({
  geometry: Geometry,
  srid: Type.Optional(Int({ minimum: 1, description: 'EPSG code of the coordinates (default 4490: CGCS2000 longitude/latitude)' })),
});

const Pair = Nullable(Obj({ ellipsoidal: Num(), planar: Num() }));
export const Measurement = Obj({
  type: Enum(['Point', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']),
  vertices: Int(),
  planarSrid: Int({ description: 'Gauss-Krüger zone (EPSG code) of the planar figures' }),
  lengthM: Pair,
  areaM2: Pair,
  areaMu: Pair,
  point: Nullable(Obj({ lon: Num(), lat: Num(), x: Num(), y: Num() })),
});

export const FieldInfo = Obj({ name: Str(), label: Str(), type: Enum(['text', 'number', 'boolean']), count: Int() });
export const LayerFields = Obj({ layer: Str(), version: Int(), fields: List(FieldInfo) });

export const ClassesQuery = Obj({
  field: Str({ minLength: 1, maxLength: 64, description: 'attribute name, e.g. YDYHFLDM or RJLSX' }),
  method: Type.Optional(
    Type.Enum(['categories', 'equal', 'quantile'], {
      default: 'categories',
      description: 'categories (分类), equal intervals or quantiles (分级)',
    }),
  ),
  classes: Type.Optional(Type.Integer({ minimum: 2, maximum: 12, default: 5, description: 'number of classes for equal / quantile' })),
  version: Type.Optional(Int({ minimum: 1, description: 'layer version (default: the active one)' })),
});

export const ThematicClass = Obj({
  value: Type.Optional(Nullable(Str())),
  from: Type.Optional(Num()),
  to: Type.Optional(Num()),
  count: Int(),
  ...NullableAreaFields,
});

export const ThematicAnswer = Obj({
  layer: Str(),
  version: Int(),
  field: Str(),
  label: Str(),
  method: Enum(['categories', 'equal', 'quantile']),
  features: Int(),
  numeric: Int(),
  classes: List(ThematicClass),
  breaks: Nullable(List(Num())),
  other: Nullable(Obj({ values: Int(), count: Int(), areaM2: Nullable(Num()) })),
});

export const ChangesQuery = Obj({ from: Int({ minimum: 1 }), to: Int({ minimum: 1 }) });

export const ChangeProperties = Obj({
  status: Enum(['added', 'removed', 'changed']),
  fid: Str(),
  label: Str(),
  ...areaChange,
  geometryChanged: Nullable(Bool()),
  attributesChanged: List(Str()),
  bbox: Bbox,
});

export const ChangesAnswer = Obj({
  layer: Str(),
  from: Int(),
  to: Int(),
  total: Int(),
  truncated: Bool(),
  summary: DiffSummary,
  features: Obj(
    {
      type: Type.Literal('FeatureCollection'),
      features: List(Obj({ type: Type.Literal('Feature'), geometry: Geometry, properties: ChangeProperties })),
    },
    { description: 'GeoJSON FeatureCollection (EPSG:4490) of the added, removed and changed features' },
  ),
});

export const LabelsQuery = Obj({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) });
export const LabelsAnswer = Obj({ layer: Str(), labels: List(Obj({ fid: Str(), label: Str(), lon: Num(), lat: Num() })) });

export const catalogue = {
  tags,
  summary: '一张图图层目录 (the layers this caller may read, with class, style, versions and legal basis)',
  response: { 200: ViewerCatalogue, ...errors(429) },
};

export const identify = reads(
  {
    tags,
    summary: '点选查询 (identify: features of every readable layer at a point, with attributes and legal basis)',
    querystring: IdentifyQuery,
  },
  IdentifyAnswer,
);

export const measure = reads(
  {
    tags,
    summary: '量算 (measure a geometry: length and area, ellipsoidal and planar, in m² and 亩)',
    description: 'geometry: Point, LineString, MultiLineString, Polygon or MultiPolygon; srid: EPSG code of its coordinates (default 4490)',
    body: MeasureBody,
  },
  Measurement,
);

export const fields = reads({ tags, summary: '图层字段 (attributes of a layer with their types)', params: CodeParams }, LayerFields);

export const classes = reads(
  {
    tags,
    summary: '专题图分类 (thematic map classes of an attribute: categories or class breaks, with counts and areas)',
    params: CodeParams,
    querystring: ClassesQuery,
  },
  ThematicAnswer,
);

export const changes = reads(
  {
    tags,
    summary: '版本变化 (what changed between two versions of a layer, with geometry, for the compare view)',
    params: CodeParams,
    querystring: ChangesQuery,
  },
  ChangesAnswer,
);

export const labels = reads(
  { tags, summary: '注记点 (label points: a point inside each feature with its name)', params: CodeParams, querystring: LabelsQuery },
  LabelsAnswer,
);
