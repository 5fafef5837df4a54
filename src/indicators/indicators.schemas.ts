// Request and response schemas of /api/indicators/… (decision 0007): the registry, targets and
// statistics, values and compute runs, settings, and the building blocks views.schemas.ts (the
// dashboard, map and five-year view, alerts and the yearly check-up report) shares. Responses are closed and name every property the services return;
// only a value's provenance and a definition's params (the computation kind's own parameters) are
// free objects.
import { Type, Obj, Str, Int, Num, Bool, Nullable, Maybe, Enum, List, Dict, type Static } from '../schema.ts';
import { Year, READ_ERRORS, reads, writes, uploads, creates } from '../schema.ts';

export const tags = ['indicators'];

// ---- building blocks ------------------------------------------------------------------------

export const IndicatorCode = Str({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$', description: 'indicator code, e.g. GDBYL' });
export const RegionParam = Str({ pattern: '^[0-9]{6}$', description: 'GB/T 2260 region code: 330100 the city, or a district' });
export const Level = Enum(['green', 'yellow', 'red']);
export const AlertLevel = Enum(['yellow', 'red']);
export const Better = Enum(['higher', 'lower']);
export const Aggregate = Enum(['annual', 'cumulative']);
export const Bound = Enum(['min', 'max'], { description: 'min: reach at least (≥); max: at most (≤)' });
export const ValueSource = Enum(['computed', 'reported']);
export const Provenance = Dict(undefined, { description: 'layer versions, ledger state, run ids and statistics the value comes from' });
const Format = Enum(['xlsx', 'csv'], { description: 'default xlsx' });

export const Region = Obj({ code: Str(), name: Str(), level: Enum(['city', 'district']) });
/** The region a row is about (3301 = the city, or a GB/T 2260 district code) and its name. */
export const RegionFields = { region: Str(), regionName: Str() };
export const Bands = Obj({ green: Num(), yellow: Num() });
export const Counts = Obj({ green: Int(), yellow: Int(), red: Int(), none: Int() });

export const RankedDistrict = Obj({
  code: Str(),
  name: Str(),
  value: Nullable(Num()),
  level: Nullable(Level),
  reason: Str(),
  rank: Nullable(Int()),
});

const Warning = Obj({
  mode: Enum(['progress', 'annual', 'level']),
  bands: Type.Optional(Bands),
  floorMargin: Type.Optional(Num()),
  baseline: Type.Optional(Enum(['zero', 'base-year-value'])),
});

/** The fields of an indicator definition (types.ts IndicatorDef), as stored and as sent. */
const defFields = {
  name: Str(),
  nameEn: Type.Optional(Str()),
  dimension: Str({ description: '安全, 创新, 协调, 绿色, 开放 or 共享' }),
  definition: Str(),
  basis: Type.Optional(Str()),
  kind: Str({ description: 'a computation kind (GET /api/indicators/kinds)' }),
  params: Dict(undefined, { description: "the kind's parameters" }),
  unit: Str(),
  decimals: Int(),
  better: Better,
  regionLevels: List(Enum(['city', 'district'])),
  period: Enum(['year']),
  aggregate: Aggregate,
  baseYear: Type.Optional(Int()),
  warning: Warning,
  department: Type.Optional(Str()),
  order: Type.Optional(Int()),
};

export const DefRecord = Obj({
  code: Str(),
  ...defFields,
  builtin: Bool(),
  enabled: Bool(),
  updatedBy: Str(),
  updatedAt: Str(),
});
export type DefRecord = Static<typeof DefRecord>;

export const Target = Obj({
  indicator: Str(),
  ...RegionFields,
  year: Int(),
  value: Num(),
  bound: Bound,
  hard: Bool(),
  baseYear: Nullable(Int()),
  baseline: Nullable(Num()),
  source: Str(),
  updatedBy: Type.Optional(Str()),
  updatedAt: Type.Optional(Str()),
});

export const StoredValue = Obj({
  indicator: Str(),
  region: Str(),
  year: Int(),
  source: ValueSource,
  value: Nullable(Num()),
  note: Nullable(Str()),
  provenance: Provenance,
  runId: Nullable(Int()),
  updatedBy: Str(),
  updatedAt: Str(),
});

export const TargetBrief = Obj({ year: Int(), value: Num(), bound: Bound, hard: Bool() });

export const RegionValue = Obj({
  value: Nullable(Num()),
  source: Nullable(ValueSource),
  computedValue: Nullable(Num()),
  note: Nullable(Str()),
  cumulative: Nullable(Num()),
  level: Nullable(Level),
  status: Str(),
  reason: Str(),
  target: Nullable(TargetBrief),
  provenance: Provenance,
});

export const RunResult = Obj({
  runId: Int(),
  year: Int(),
  evaluatedOn: Str(),
  current: Bool(),
  city: Region,
  districts: List(Region),
  durationMs: Num(),
  indicators: List(
    Obj({
      code: Str(),
      name: Str(),
      unit: Str(),
      decimals: Int(),
      dimension: Str(),
      city: RegionValue,
      districts: List(Obj({ code: Str(), name: Str(), ...RegionValue.properties })),
    }),
  ),
  alerts: Obj({ raised: Int(), escalated: Int(), updated: Int(), resolved: Int(), open: Int() }),
  webhook: List(Obj({ alertId: Int(), status: Str() })),
});

const AlertCounts = Obj({ raised: Int(), escalated: Int(), updated: Int(), resolved: Int(), open: Int() });
export const Run = Obj({
  runId: Int(),
  year: Int(),
  asOf: Str(),
  indicators: List(Str()),
  summary: Obj({
    indicators: List(Obj({ code: Str(), value: Nullable(Num()), level: Nullable(Level) })),
    alerts: AlertCounts,
    earlierYears: List(Str()),
  }),
  durationMs: Nullable(Num()),
  createdBy: Str(),
  createdAt: Str(),
});

export const Settings = Obj({
  city: Obj({ code: Str(), name: Str() }),
  warning: Obj({ bands: Bands, floorMargin: Num() }),
  webhook: Obj({ url: Nullable(Str()), enabled: Bool(), minLevel: AlertLevel, timeoutMs: Int() }),
});

const CodeParams = Obj({ code: IndicatorCode });
const KeyParams = Obj({ indicator: IndicatorCode, region: RegionParam, year: Year });
export const YearParams = Obj({ year: Year });
const Deleted = Obj({ deleted: Obj({ indicator: Str(), region: Str(), year: Int() }) });

export const binary = (description: string, types: Record<string, 'binary' | 'text'>) => ({
  description,
  content: Object.fromEntries(
    Object.entries(types).map(([t, k]) => [t, { schema: k === 'binary' ? { type: 'string', format: 'binary' } : { type: 'string' } }]),
  ),
});
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// ---- the registry ---------------------------------------------------------------------------

export const kinds = {
  tags,
  summary: '计算类型与统计数 (computation kinds an indicator may name, with their parameters; statistic codes)',
  response: {
    200: Obj({
      kinds: List(
        Obj({
          name: Str(),
          label: Str(),
          description: Str(),
          params: List(Obj({ name: Str(), type: Str(), required: Bool(), description: Str() })),
        }),
      ),
      statistics: List(Obj({ code: Str(), name: Str(), unit: Str(), additive: Bool() })),
    }),
    ...READ_ERRORS,
  },
};

export const definitions = reads(
  {
    tags,
    summary: '指标模型列表 (the indicator registry: every definition)',
    querystring: Obj({ enabled: Type.Optional(Bool({ description: 'only indicators that are switched on' })) }),
  },
  List(DefRecord),
);

export const definition = reads({ tags, summary: '指标定义 (one indicator definition)', params: CodeParams }, DefRecord);

export const DefinitionBody = Obj(
  {
    name: Type.Optional(defFields.name),
    nameEn: defFields.nameEn,
    dimension: Type.Optional(defFields.dimension),
    definition: Type.Optional(defFields.definition),
    basis: defFields.basis,
    kind: Type.Optional(defFields.kind),
    params: Type.Optional(defFields.params),
    unit: Type.Optional(defFields.unit),
    decimals: Type.Optional(defFields.decimals),
    better: Type.Optional(defFields.better),
    regionLevels: Type.Optional(defFields.regionLevels),
    period: Type.Optional(defFields.period),
    aggregate: Type.Optional(defFields.aggregate),
    baseYear: defFields.baseYear,
    warning: Type.Optional(defFields.warning),
    department: defFields.department,
    order: defFields.order,
    enabled: Type.Optional(Bool({ description: 'switch the indicator on or off; sent alone it changes nothing else' })),
  },
  {
    description:
      'IndicatorDef (types.ts): name, nameEn?, dimension, definition, basis?, kind, params, unit, decimals, better, regionLevels, period, aggregate, baseYear?, warning, department?, order?; or only { enabled }. Checked as a whole: every problem names its field.',
  },
);

export const putDefinition = writes(
  {
    tags,
    summary: '新增或修改指标 (add or retune an indicator without code: name, dimension, kind, params, unit, warning; or only { enabled })',
    params: CodeParams,
    body: DefinitionBody,
  },
  DefRecord,
);

// ---- targets and statistics -----------------------------------------------------------------

export const targets = reads(
  {
    tags,
    summary: '目标值 (targets: the seed-003 table, Hangzhou figures, entered targets)',
    querystring: Obj({ indicator: Type.Optional(IndicatorCode), region: Type.Optional(RegionParam), year: Type.Optional(Year) }),
  },
  List(Target),
);

export const TargetBody = Obj({
  indicator: IndicatorCode,
  region: RegionParam,
  regionName: Type.Optional(Str({ maxLength: 50 })),
  year: Year,
  value: Num(),
  bound: Type.Optional(Enum(['min', 'max'], { description: 'min: reach at least (≥, default); max: at most (≤)' })),
  hard: Type.Optional(Bool({ description: 'a floor/ceiling that is red at once when breached' })),
  baseYear: Type.Optional(Nullable(Int({ description: 'progress counts from the end of this year' }))),
  baseline: Type.Optional(Nullable(Num())),
  source: Type.Optional(Str({ maxLength: 500, description: 'the document the figure comes from' })),
});

export const putTarget = writes(
  { tags, summary: '录入目标值 (add or replace the target of an indicator for a region and year)', body: TargetBody },
  Target,
);

export const deleteTarget = writes({ tags, summary: '删除目标值 (delete a target)', params: KeyParams }, Deleted);

export const importTargets = uploads(
  { tags, consumes: ['multipart/form-data'], summary: '目标值导入 (import targets from .xlsx or .csv; all or nothing)' },
  Obj({ imported: Int(), created: Int(), updated: Int() }),
);

export const exportTargets = reads(
  {
    tags,
    summary: '目标值导出 (targets as .xlsx or .csv)',
    querystring: Obj({
      format: Type.Optional(Format),
      indicator: Type.Optional(IndicatorCode),
      region: Type.Optional(RegionParam),
      year: Type.Optional(Year),
    }),
  },
  binary('the table', { [XLSX]: 'binary', 'text/csv': 'text' }),
);

export const statistics = {
  tags,
  summary: '统计数 (statistics entered for the formulas: GDP, urban population …)',
  querystring: Obj({ code: Type.Optional(Str({ maxLength: 40 })), region: Type.Optional(RegionParam), year: Type.Optional(Year) }),
  response: {
    200: List(Obj({ code: Str(), region: Str(), year: Int(), value: Num(), source: Nullable(Str()), updatedBy: Str() })),
    ...READ_ERRORS,
  },
};

export const putStatistics = writes(
  {
    tags,
    summary: '录入统计数 (save statistics, all or nothing)',
    body: Obj({
      items: Type.Array(Obj({ code: Str(), region: RegionParam, year: Year, value: Num(), source: Maybe(Str()) }), {
        minItems: 1,
        maxItems: 5000,
      }),
    }),
  },
  Obj({ saved: Int() }),
);

export const importStatistics = uploads(
  { tags, consumes: ['multipart/form-data'], summary: '统计数导入 (import statistics such as GDP from .xlsx or .csv; all or nothing)' },
  Obj({ saved: Int() }),
);

export const exportStatistics = reads(
  { tags, summary: '统计数导出 (statistics as .xlsx or .csv)', querystring: Obj({ format: Type.Optional(Format) }) },
  binary('the table', { [XLSX]: 'binary', 'text/csv': 'text' }),
);

// ---- values and the compute run -------------------------------------------------------------

export const values = reads(
  {
    tags,
    summary: '指标数值与来源 (stored values: computed and reported, with provenance)',
    querystring: Obj({ year: Type.Optional(Year), region: Type.Optional(RegionParam), indicator: Type.Optional(IndicatorCode) }),
  },
  List(StoredValue),
);

export const putReported = writes(
  {
    tags,
    summary: '录入上报值 (an official reported figure; it takes precedence over the computed value)',
    body: Obj({ indicator: IndicatorCode, region: RegionParam, year: Year, value: Num(), note: Str({ minLength: 1, maxLength: 500 }) }),
  },
  StoredValue,
);

export const deleteReported = writes({ tags, summary: '删除上报值 (delete a reported figure)', params: KeyParams }, Deleted);

export const compute = creates(
  {
    tags,
    summary: '计算指标 (compute the indicators of a year for the city and every district, assess, raise alerts)',
    body: Obj({
      year: Year,
      indicators: Type.Optional(List(IndicatorCode, { description: 'only these (and what they depend on); default all enabled' })),
    }),
  },
  RunResult,
);

export const runs = reads(
  { tags, summary: '计算记录 (compute runs, newest first)', querystring: Obj({ limit: Type.Optional(Int({ minimum: 1, maximum: 500 })) }) },
  List(Run),
);

// ---- settings -------------------------------------------------------------------------------

export const settings = reads({ tags, summary: '预警设置 (warning bands, floor margin, webhook, city)' }, Settings);

export const putSettings = writes(
  {
    tags,
    summary: '修改预警设置 (change one settings group: warning, webhook or city)',
    params: Obj({ key: Enum(['warning', 'webhook', 'city']) }),
    body: Obj(
      {
        bands: Type.Optional(Bands),
        floorMargin: Type.Optional(Num()),
        url: Type.Optional(Nullable(Str())),
        enabled: Type.Optional(Bool()),
        minLevel: Type.Optional(AlertLevel),
        timeoutMs: Type.Optional(Int()),
        code: Type.Optional(Str({ description: 'city: GB/T 2260 code such as 330100' })),
        name: Type.Optional(Str()),
      },
      {
        description:
          'warning: { bands: { green, yellow }, floorMargin }; webhook: { url, enabled, minLevel, timeoutMs }; city: { code, name }',
      },
    ),
  },
  Settings,
);
