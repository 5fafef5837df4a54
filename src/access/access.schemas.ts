// Request and response schemas of the 15-minute life circle (access.routes.ts). Response schemas
// are closed and name every member the services write — figures, parameters, GeoJSON envelopes —
// so the serialiser drops nothing (test/openapi.test.ts replays a whole session and compares).
// Free data only where it is free: feature properties and a geometry's coordinates.
import { Type, Obj, Str, Int, Num, Bool, Nullable, List, Dict, Bbox, errors, AreaFields } from '../schema.ts';

const tags = ['access'];
const READ = errors(400, 401, 403, 404, 429);
const WRITE = errors(400, 401, 403, 404, 413, 429);

const BBOX = '^-?\\d+(\\.\\d+)?(,-?\\d+(\\.\\d+)?){3}$';
const bboxParam = Str({ pattern: BBOX, description: 'minLon,minLat,maxLon,maxLat (CGCS2000)' });
const NullableName = Nullable(Str({ maxLength: 200 }));

// ---- parameters ---------------------------------------------------------------------------------

export const MatchRule = Obj({ field: Str({ minLength: 1 }), values: List(Str(), { maxItems: 200 }) });

export const FacilityTypeDef = Obj({
  type: Str({ minLength: 1, maxLength: 100, description: '小学, 公园, …' }),
  code: Type.Optional(Str({ maxLength: 40 })),
  layer: Str({ minLength: 1, maxLength: 40, description: 'layer holding the facilities' }),
  budgetMinutes: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 240 })),
  budgetM: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 20000, description: 'wins over budgetMinutes' })),
  basis: Type.Optional(Str({ description: 'the standard the budget follows' })),
  match: Type.Optional(List(MatchRule, { maxItems: 20, description: 'a feature is of this type when any rule matches' })),
});

export const NetworkParams = Obj({
  layer: Str(),
  toleranceM: Num(),
  walkableField: Nullable(Str()),
  excludeField: Nullable(Str()),
  excludeValues: List(Str()),
});
export const ResidentialSource = Obj({
  layer: Str(),
  field: Nullable(Str()),
  pattern: Nullable(Str()),
  populationField: Nullable(Str()),
});
export const DistrictSource = Obj({ layer: Str(), codeField: Str(), nameField: Str() });
export const WaterSource = Nullable(Obj({ layer: Str() }));

export const AccessDefaults = Obj({
  walkSpeedKmH: Num(),
  maxSnapM: Num(),
  residential: ResidentialSource,
  water: WaterSource,
  network: NetworkParams,
  types: List(FacilityTypeDef),
});

// ---- network ------------------------------------------------------------------------------------

export const IslandInfo = Obj({
  component: Int(),
  nodes: Int(),
  edges: Int(),
  lengthM: Num(),
  centre: Nullable(List(Num())),
  bbox: Nullable(Bbox),
});

export const NetworkSummary = Obj(
  {
    networkVersion: Int(),
    layer: Str(),
    layerVersion: Int(),
    builtAt: Str(),
    buildSeconds: Nullable(Num()),
    params: NetworkParams,
    nodes: Int(),
    edges: Int(),
    walkableEdges: Int(),
    walkableLengthM: Num(),
    components: Int(),
    deadEnds: Int(),
    mainComponent: Nullable(Obj({ nodes: Int(), edges: Int(), lengthM: Num() })),
    islands: Obj({ count: Int(), nodes: Int(), lengthM: Num(), largest: List(IslandInfo) }),
    reused: Type.Optional(Bool({ description: 'POST only: true when an existing network was returned' })),
  },
  { description: '步行路网摘要 (the walking network: nodes, edges, components, islands)' },
);

// ---- runs ---------------------------------------------------------------------------------------

const Versions = Dict(Nullable(Int()), { description: 'layer code → version used (null: no data)' });

/** The residential area a run covered and its share of the whole. */
const coveredArea = { coveredAreaM2: Num(), coveragePercent: Num() };
/** The population a run covered and its share; null when the residential layer has no population field. */
const coveredPopulation = { coveredPopulation: Nullable(Num()), populationCoveragePercent: Nullable(Num()) };

const coverageFigure = {
  residentialAreaM2: Num(),
  ...coveredArea,
  parcels: Int(),
  coveredParcels: Int(),
  population: Nullable(Num({ description: 'null when the residential layer has no population field' })),
  ...coveredPopulation,
};
export const CoverageFigure = Obj(coverageFigure);

export const TypeFigure = Obj({
  type: Str(),
  code: Nullable(Str()),
  budgetMinutes: Num(),
  budgetM: Num(),
  layer: Str(),
  facilities: Int(),
  snappedFacilities: Int(),
  ...coveredArea,
  coveredParcels: Int(),
  ...coveredPopulation,
});

export const DistrictFigure = Obj({
  code: Str(),
  name: Nullable(Str()),
  ...coverageFigure,
  byType: List(Obj({ type: Str(), coveredAreaM2: Num(), coveragePercent: Num() })),
});

export const RunSummary = Obj(
  {
    runId: Int(),
    networkVersion: Int(),
    versions: Versions,
    createdAt: Str(),
    seconds: Num(),
    params: Obj({
      walkSpeedKmH: Num(),
      walkSpeedMPerMin: Num(),
      maxSnapM: Num(),
      residential: ResidentialSource,
      districts: DistrictSource,
      water: WaterSource,
    }),
    city: Obj({ ...coverageFigure, residentialAreaMu: Num() }, { description: 'all types together' }),
    byType: List(TypeFigure),
    byDistrict: List(DistrictFigure),
    uncoveredCount: Int(),
    unsnappedParcels: Int(),
  },
  { description: '覆盖率计算结果 (a coverage run: by facility type and district)' },
);

export const RunItem = Obj({
  runId: Int(),
  createdAt: Str(),
  networkVersion: Int(),
  types: List(Str()),
  coveragePercent: Num(),
  versions: Versions,
});

// ---- GeoJSON ------------------------------------------------------------------------------------

/** A GeoJSON geometry as PostGIS writes it (EPSG:4490 lon/lat). */
const AnyGeometry = Type.Unsafe<unknown>(
  Obj({ type: Str(), coordinates: Type.Unknown() }, { description: 'GeoJSON geometry, EPSG:4490 lon/lat' }),
);
const featureOf = <P extends Parameters<typeof Obj>[0]>(properties: P) =>
  Obj({ type: Type.Literal('Feature'), properties: Obj(properties), geometry: AnyGeometry });

export const EdgesAnswer = Obj({
  type: Type.Literal('FeatureCollection'),
  networkVersion: Int(),
  features: List(featureOf({ id: Int(), component: Nullable(Int({ description: 'connected component; null when not walkable' })) })),
});

export const UncoveredAnswer = Obj({
  type: Type.Literal('FeatureCollection'),
  runId: Int(),
  facilityType: Nullable(Str()),
  features: List(
    featureOf({
      fid: Str(),
      district: Nullable(Str()),
      ...AreaFields,
      population: Nullable(Num()),
      unsnapped: Bool(),
      legM: Nullable(Num()),
      missing: List(Str(), { description: 'facility types that do not reach the parcel' }),
    }),
  ),
});

export const FacilitiesAnswer = Obj({
  type: Type.Literal('FeatureCollection'),
  runId: Type.Optional(Int()),
  facilityType: Type.Optional(Str()),
  features: List(featureOf({ fid: Str(), name: Nullable(Str()), snapped: Bool(), legM: Nullable(Num()) })),
});

export const IsochronesAnswer = Obj({
  type: Type.Literal('FeatureCollection'),
  runId: Int(),
  facilityType: Type.Optional(Str()),
  budgetM: Type.Optional(Num()),
  budgetMinutes: Type.Optional(Num()),
  widthM: Type.Optional(Num()),
  truncated: Bool(),
  features: List(featureOf({ fid: Str(), name: Nullable(Str()), type: Str(), budgetM: Num(), areaM2: Num() })),
});

export const DistrictsAnswer = Obj({
  type: Type.Literal('FeatureCollection'),
  features: List(featureOf({ code: Nullable(Str()), name: Nullable(Str()) })),
});

const Gain = Obj({
  ...AreaFields,
  percentPoints: Num(),
  parcels: Int(),
  population: Nullable(Num()),
  allTypesAreaM2: Num(),
  allTypesPercentPoints: Num(),
});
const FigurePair = Obj({ type: CoverageFigure, all: CoverageFigure });

export const WhatIfAnswer = Obj({
  runId: Int(),
  networkVersion: Int(),
  type: Str(),
  budgetMinutes: Num(),
  budgetM: Num(),
  proposed: List(Obj({ lon: Num(), lat: Num(), snapped: Bool(), legM: Nullable(Num()) })),
  before: FigurePair,
  after: FigurePair,
  gain: Gain,
  byDistrict: List(Obj({ code: Str(), name: Nullable(Str()), before: Num(), after: Num(), gain: Gain })),
  newlyCovered: Obj(
    { type: Type.Literal('FeatureCollection'), features: List(featureOf({ fid: Str() })) },
    { description: 'parcels newly covered (first 5,000)' },
  ),
});

// ---- routes -------------------------------------------------------------------------------------

const RunParams = Obj({
  id: Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('latest')], { description: 'a run id, or "latest"' }),
});

export const types = {
  tags,
  summary: '设施类型与默认参数 (facility types with walking budgets, and the default parameters)',
  response: { 200: AccessDefaults, ...errors(401, 403, 429) },
};

export const buildNetwork = {
  tags,
  summary: '构建步行路网 (build the walking network from a line layer; 201 when built, 200 when an identical one is reused)',
  body: Nullable(
    Obj({
      layer: Type.Optional(Str({ minLength: 1, maxLength: 40 })),
      version: Type.Optional(Int({ minimum: 1 })),
      toleranceM: Type.Optional(Num({ minimum: 0, maximum: 50 })),
      rebuild: Type.Optional(Bool()),
    }),
  ),
  response: { 200: NetworkSummary, 201: NetworkSummary, ...WRITE },
};

export const network = {
  tags,
  summary: '步行路网摘要 (the walking network: nodes, edges, components, islands)',
  querystring: Obj({ layer: Type.Optional(Str({ minLength: 1 })), id: Type.Optional(Int({ minimum: 1 })) }),
  response: { 200: NetworkSummary, ...READ },
};

export const edges = {
  tags,
  summary: '路网线段 (network edges in a bounding box, as GeoJSON)',
  querystring: Obj({
    bbox: bboxParam,
    id: Type.Optional(Int({ minimum: 1 })),
    limit: Type.Optional(Int({ minimum: 1, maximum: 50000 })),
  }),
  response: { 200: EdgesAnswer, ...READ },
};

export const runCoverage = {
  tags,
  summary: '计算覆盖率 (run a coverage computation: by facility type and district; stored)',
  body: Obj({
    types: Type.Optional(List(Str({ minLength: 1 }), { maxItems: 31 })),
    typeDefs: Type.Optional(Type.Array(FacilityTypeDef, { minItems: 1, maxItems: 31 })),
    budgets: Type.Optional(Dict(Type.Number({ exclusiveMinimum: 0, maximum: 240 }), { description: 'type name → minutes' })),
    walkSpeedKmH: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 20 })),
    maxSnapM: Type.Optional(Num({ minimum: 0, maximum: 5000 })),
    residential: Type.Optional(
      Obj({
        layer: Type.Optional(Str({ minLength: 1 })),
        field: Type.Optional(NullableName),
        pattern: Type.Optional(NullableName),
        populationField: Type.Optional(NullableName),
      }),
    ),
    districts: Type.Optional(
      Obj({ layer: Type.Optional(Str({ minLength: 1 })), codeField: Type.Optional(Str()), nameField: Type.Optional(Str()) }),
    ),
    water: Type.Optional(Nullable(Obj({ layer: Str({ minLength: 1 }) }))),
  }),
  response: { 201: RunSummary, ...WRITE },
};

export const listRuns = {
  tags,
  summary: '覆盖率计算记录 (coverage runs, newest first)',
  querystring: Obj({ limit: Type.Optional(Int({ minimum: 1, maximum: 1000 })) }),
  response: { 200: List(RunItem), ...errors(400, 401, 403, 429) },
};

export const getRun = {
  tags,
  summary: '覆盖率计算结果 (one stored coverage run; id or "latest")',
  params: RunParams,
  response: { 200: RunSummary, ...READ },
};

export const uncovered = {
  tags,
  summary: '未覆盖居住地块 (residential parcels a run leaves uncovered, as GeoJSON)',
  params: RunParams,
  querystring: Obj({ type: Type.Optional(Str({ minLength: 1 })), limit: Type.Optional(Int({ minimum: 1, maximum: 200000 })) }),
  response: { 200: UncoveredAnswer, ...READ },
};

export const facilities = {
  tags,
  summary: '设施点 (facilities of one type in a run, snapped or not, as GeoJSON points)',
  params: RunParams,
  querystring: Obj({ type: Str({ minLength: 1 }) }),
  response: { 200: FacilitiesAnswer, ...READ },
};

export const isochrones = {
  tags,
  summary: '等时圈 (isochrones: the streets each facility reaches within its walking budget, as polygons)',
  querystring: Obj({
    run: Type.Optional(Int({ minimum: 1 })),
    type: Str({ minLength: 1 }),
    facility: Type.Optional(Str({ minLength: 1 })),
    bbox: Type.Optional(bboxParam),
    width: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 500 })),
    limit: Type.Optional(Int({ minimum: 1, maximum: 2000 })),
  }),
  response: { 200: IsochronesAnswer, ...READ },
};

export const whatIf = {
  tags,
  summary: '假设新增设施 (what if: the coverage gain of proposed facilities of one type)',
  body: Obj({
    runId: Type.Optional(Int({ minimum: 1 })),
    type: Str({ minLength: 1 }),
    points: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }), {
      minItems: 1,
      description: '[lon, lat] (CGCS2000) of each proposed facility; at most 100 (config.ts INPUT_BOUNDS.whatIfPoints, 413 beyond)',
    }),
  }),
  response: { 200: WhatIfAnswer, ...WRITE },
};

export const districts = {
  tags,
  summary: '行政区界线 (district outlines for the map, as GeoJSON)',
  response: { 200: DistrictsAnswer, ...errors(401, 403, 429) },
};
