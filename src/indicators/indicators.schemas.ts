// Request and response schemas of /api/indicators/… (decision 0007): the registry, targets and
// statistics, values and compute runs, the dashboard, map and five-year view, alerts, settings and
// the yearly check-up report. Responses are closed and name every property the services return;
// only a value's provenance and a definition's params (the computation kind's own parameters) are
// free objects.
import {
  Type,
  Obj,
  Str,
  Int,
  Num,
  Bool,
  Nullable,
  Maybe,
  Enum,
  List,
  Dict,
  Geometry,
  IdParams,
  Year,
  READ_ERRORS,
  WRITE_ERRORS,
  UPLOAD_ERRORS,
  type Static,
} from '../schema.ts';

const tags = ['indicators'];

// ---- building blocks ------------------------------------------------------------------------

export const IndicatorCode = Str({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$', description: 'indicator code, e.g. GDBYL' });
const RegionParam = Str({ pattern: '^[0-9]{6}$', description: 'GB/T 2260 region code: 330100 the city, or a district' });
const Level = Enum(['green', 'yellow', 'red']);
const AlertLevel = Enum(['yellow', 'red']);
const Better = Enum(['higher', 'lower']);
const Aggregate = Enum(['annual', 'cumulative']);
const Bound = Enum(['min', 'max'], { description: 'min: reach at least (≥); max: at most (≤)' });
const ValueSource = Enum(['computed', 'reported']);
const Provenance = Dict(undefined, { description: 'layer versions, ledger state, run ids and statistics the value comes from' });
const Format = Enum(['xlsx', 'csv'], { description: 'default xlsx' });

export const Region = Obj({ code: Str(), name: Str(), level: Enum(['city', 'district']) });
export const Bands = Obj({ green: Num(), yellow: Num() });
const Counts = Obj({ green: Int(), yellow: Int(), red: Int(), none: Int() });

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
  region: Str(),
  regionName: Str(),
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

const TargetBrief = Obj({ year: Int(), value: Num(), bound: Bound, hard: Bool() });

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

export const Alert = Obj({
  id: Int(),
  indicator: Str(),
  indicatorName: Nullable(Str()),
  unit: Nullable(Str()),
  region: Str(),
  regionName: Str(),
  year: Int(),
  level: AlertLevel,
  reason: Str(),
  value: Nullable(Num()),
  target: Nullable(Num()),
  targetYear: Nullable(Int()),
  assessment: Obj(
    {
      mode: Maybe(Enum(['progress', 'annual', 'level', 'floor'])),
      progress: Maybe(Num()),
      elapsed: Maybe(Num()),
      ratio: Maybe(Num()),
      bands: Type.Optional(Bands),
      evaluatedOn: Type.Optional(Str()),
      bound: Type.Optional(Bound),
      hard: Type.Optional(Bool()),
    },
    { description: 'the assessment that raised or last changed the alert' },
  ),
  department: Nullable(Str()),
  status: Enum(['open', 'acknowledged', 'resolved']),
  raisedOn: Str(),
  raisedRun: Nullable(Int()),
  updatedRun: Nullable(Int()),
  acknowledgedBy: Nullable(Str()),
  acknowledgedAt: Nullable(Str()),
  resolvedOn: Nullable(Str()),
  webhookStatus: Nullable(Str()),
  webhookAt: Nullable(Str()),
  notes: Int(),
});
export const AlertDetail = Obj({
  ...Alert.properties,
  noteList: List(Obj({ id: Int(), author: Str(), body: Str(), createdAt: Str() })),
});

const TrendPoint = Obj({
  year: Int(),
  value: Nullable(Num()),
  cumulative: Nullable(Num()),
  source: Nullable(ValueSource),
  level: Nullable(Level),
});

export const DashboardIndicator = Obj({
  code: Str(),
  name: Str(),
  nameEn: Nullable(Str()),
  dimension: Str(),
  unit: Str(),
  decimals: Int(),
  better: Better,
  aggregate: Aggregate,
  definition: Str(),
  basis: Nullable(Str()),
  department: Nullable(Str()),
  value: Nullable(Num()),
  source: Nullable(ValueSource),
  note: Nullable(Str()),
  computedValue: Nullable(Num()),
  reportedValue: Nullable(Num()),
  cumulative: Nullable(Num()),
  cumulativeYears: Nullable(List(Int())),
  level: Nullable(Level),
  status: Enum(['assessed', 'none', 'no-data', 'not-started']),
  reason: Str(),
  progress: Nullable(Num()),
  elapsed: Nullable(Num()),
  ratio: Nullable(Num()),
  mode: Nullable(Enum(['progress', 'annual', 'level', 'floor'])),
  target: Nullable(Obj({ year: Int(), value: Num(), bound: Bound, hard: Bool(), baseYear: Nullable(Int()), source: Str() })),
  targets: List(TargetBrief),
  provenance: Nullable(Provenance),
  provenanceText: Str(),
  trend: List(TrendPoint),
  districts: List(RankedDistrict),
});

export const Dashboard = Obj({
  year: Int(),
  evaluatedOn: Str(),
  region: Region,
  city: Region,
  districts: List(Region),
  years: List(Int()),
  counts: Counts,
  indicators: List(DashboardIndicator),
});

export const IndicatorMap = Obj({
  type: Type.Literal('FeatureCollection'),
  indicator: Obj({ code: Str(), name: Str(), unit: Str(), decimals: Int(), better: Better, aggregate: Aggregate }),
  year: Int(),
  city: Obj({ code: Str(), name: Str(), value: Nullable(Num()), level: Nullable(Level) }),
  range: Nullable(Type.Array(Num(), { minItems: 2, maxItems: 2, description: '[lowest, highest] district value' })),
  features: List(
    Obj({
      type: Type.Literal('Feature'),
      properties: Obj({ code: Str(), name: Str(), value: Nullable(Num()), level: Nullable(Level), rank: Nullable(Int()), reason: Str() }),
      geometry: Geometry,
    }),
  ),
});

const YearValue = Obj({ year: Int(), value: Nullable(Num()) });
export const EvaluationView = Obj({
  region: Region,
  from: Int(),
  to: Int(),
  years: List(Int()),
  indicators: List(
    Obj({
      code: Str(),
      name: Str(),
      dimension: Str(),
      unit: Str(),
      decimals: Int(),
      better: Better,
      values: List(
        Obj({
          year: Int(),
          value: Nullable(Num()),
          cumulative: Nullable(Num()),
          source: Nullable(ValueSource),
          level: Nullable(Level),
          target: Nullable(Num()),
        }),
      ),
      first: Nullable(YearValue),
      last: Nullable(YearValue),
      change: Nullable(Num()),
      changePercent: Nullable(Num()),
      averageAnnualChange: Nullable(Num()),
      improving: Nullable(Bool()),
    }),
  ),
});

export const Settings = Obj({
  city: Obj({ code: Str(), name: Str() }),
  warning: Obj({ bands: Bands, floorMargin: Num() }),
  webhook: Obj({ url: Nullable(Str()), enabled: Bool(), minLevel: AlertLevel, timeoutMs: Int() }),
});

const ReportIndicator = Obj({
  code: Str(),
  name: Str(),
  dimension: Str(),
  unit: Str(),
  decimals: Int(),
  better: Better,
  cumulativeIndicator: Bool(),
  definition: Str(),
  basis: Nullable(Str()),
  department: Nullable(Str()),
  value: Nullable(Num()),
  valueText: Str(),
  source: Nullable(ValueSource),
  note: Nullable(Str()),
  cumulative: Nullable(Num()),
  targetText: Str(),
  level: Nullable(Level),
  levelText: Str(),
  reason: Str(),
  trend: List(YearValue),
  targetValue: Nullable(Num()),
  districts: List(RankedDistrict),
  provenance: Str(),
});

export const Report = Obj({
  title: Str(),
  city: Region,
  year: Int(),
  evaluatedOn: Str(),
  generatedOn: Str(),
  counts: Counts,
  summary: List(Str()),
  indicators: List(ReportIndicator),
  dimensions: List(Obj({ dimension: Str(), indicators: List(ReportIndicator) })),
  evaluation: EvaluationView,
  alerts: List(Alert),
});

const CodeParams = Obj({ code: IndicatorCode });
const KeyParams = Obj({ indicator: IndicatorCode, region: RegionParam, year: Year });
const YearParams = Obj({ year: Year });
const Deleted = Obj({ deleted: Obj({ indicator: Str(), region: Str(), year: Int() }) });

const binary = (description: string, types: Record<string, 'binary' | 'text'>) => ({
  description,
  content: Object.fromEntries(
    Object.entries(types).map(([t, k]) => [t, { schema: k === 'binary' ? { type: 'string', format: 'binary' } : { type: 'string' } }]),
  ),
});
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

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

export const definitions = {
  tags,
  summary: '指标模型列表 (the indicator registry: every definition)',
  querystring: Obj({ enabled: Type.Optional(Bool({ description: 'only indicators that are switched on' })) }),
  response: { 200: List(DefRecord), ...READ_ERRORS },
};

export const definition = {
  tags,
  summary: '指标定义 (one indicator definition)',
  params: CodeParams,
  response: { 200: DefRecord, ...READ_ERRORS },
};

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

export const putDefinition = {
  tags,
  summary: '新增或修改指标 (add or retune an indicator without code: name, dimension, kind, params, unit, warning; or only { enabled })',
  params: CodeParams,
  body: DefinitionBody,
  response: { 200: DefRecord, ...WRITE_ERRORS },
};

// ---- targets and statistics -----------------------------------------------------------------

export const targets = {
  tags,
  summary: '目标值 (targets: the seed-003 table, Hangzhou figures, entered targets)',
  querystring: Obj({ indicator: Type.Optional(IndicatorCode), region: Type.Optional(RegionParam), year: Type.Optional(Year) }),
  response: { 200: List(Target), ...READ_ERRORS },
};

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

export const putTarget = {
  tags,
  summary: '录入目标值 (add or replace the target of an indicator for a region and year)',
  body: TargetBody,
  response: { 200: Target, ...WRITE_ERRORS },
};

export const deleteTarget = {
  tags,
  summary: '删除目标值 (delete a target)',
  params: KeyParams,
  response: { 200: Deleted, ...WRITE_ERRORS },
};

export const importTargets = {
  tags,
  consumes: ['multipart/form-data'],
  summary: '目标值导入 (import targets from .xlsx or .csv; all or nothing)',
  response: { 200: Obj({ imported: Int(), created: Int(), updated: Int() }), ...UPLOAD_ERRORS },
};

export const exportTargets = {
  tags,
  summary: '目标值导出 (targets as .xlsx or .csv)',
  querystring: Obj({
    format: Type.Optional(Format),
    indicator: Type.Optional(IndicatorCode),
    region: Type.Optional(RegionParam),
    year: Type.Optional(Year),
  }),
  response: { 200: binary('the table', { [XLSX]: 'binary', 'text/csv': 'text' }), ...READ_ERRORS },
};

export const statistics = {
  tags,
  summary: '统计数 (statistics entered for the formulas: GDP, urban population …)',
  querystring: Obj({ code: Type.Optional(Str({ maxLength: 40 })), region: Type.Optional(RegionParam), year: Type.Optional(Year) }),
  response: {
    200: List(Obj({ code: Str(), region: Str(), year: Int(), value: Num(), source: Nullable(Str()), updatedBy: Str() })),
    ...READ_ERRORS,
  },
};

export const putStatistics = {
  tags,
  summary: '录入统计数 (save statistics, all or nothing)',
  body: Obj({
    items: Type.Array(Obj({ code: Str(), region: RegionParam, year: Year, value: Num(), source: Maybe(Str()) }), {
      minItems: 1,
      maxItems: 5000,
    }),
  }),
  response: { 200: Obj({ saved: Int() }), ...WRITE_ERRORS },
};

export const importStatistics = {
  tags,
  consumes: ['multipart/form-data'],
  summary: '统计数导入 (import statistics such as GDP from .xlsx or .csv; all or nothing)',
  response: { 200: Obj({ saved: Int() }), ...UPLOAD_ERRORS },
};

export const exportStatistics = {
  tags,
  summary: '统计数导出 (statistics as .xlsx or .csv)',
  querystring: Obj({ format: Type.Optional(Format) }),
  response: { 200: binary('the table', { [XLSX]: 'binary', 'text/csv': 'text' }), ...READ_ERRORS },
};

// ---- values and the compute run -------------------------------------------------------------

export const values = {
  tags,
  summary: '指标数值与来源 (stored values: computed and reported, with provenance)',
  querystring: Obj({ year: Type.Optional(Year), region: Type.Optional(RegionParam), indicator: Type.Optional(IndicatorCode) }),
  response: { 200: List(StoredValue), ...READ_ERRORS },
};

export const putReported = {
  tags,
  summary: '录入上报值 (an official reported figure; it takes precedence over the computed value)',
  body: Obj({ indicator: IndicatorCode, region: RegionParam, year: Year, value: Num(), note: Str({ minLength: 1, maxLength: 500 }) }),
  response: { 200: StoredValue, ...WRITE_ERRORS },
};

export const deleteReported = {
  tags,
  summary: '删除上报值 (delete a reported figure)',
  params: KeyParams,
  response: { 200: Deleted, ...WRITE_ERRORS },
};

export const compute = {
  tags,
  summary: '计算指标 (compute the indicators of a year for the city and every district, assess, raise alerts)',
  body: Obj({
    year: Year,
    indicators: Type.Optional(List(IndicatorCode, { description: 'only these (and what they depend on); default all enabled' })),
  }),
  response: { 201: RunResult, ...WRITE_ERRORS },
};

export const runs = {
  tags,
  summary: '计算记录 (compute runs, newest first)',
  querystring: Obj({ limit: Type.Optional(Int({ minimum: 1, maximum: 500 })) }),
  response: { 200: List(Run), ...READ_ERRORS },
};

// ---- what the pages read --------------------------------------------------------------------

export const dashboard = {
  tags,
  summary: '监测看板 (dashboard of a year for the city or a district: values, targets, levels, trends, districts ranked)',
  querystring: Obj({ year: Type.Optional(Year), region: Type.Optional(RegionParam) }),
  response: { 200: Dashboard, ...READ_ERRORS },
};

export const map = {
  tags,
  summary: '指标分区县地图 (one indicator by district as GeoJSON over the district outlines)',
  querystring: Obj({ indicator: IndicatorCode, year: Type.Optional(Year) }),
  response: { 200: IndicatorMap, ...READ_ERRORS },
};

export const evaluation = {
  tags,
  summary: '五年评估 (the indicators over five years, with the change over the period)',
  querystring: Obj({ to: Type.Optional(Year), span: Type.Optional(Int({ minimum: 2, maximum: 15 })), region: Type.Optional(RegionParam) }),
  response: { 200: EvaluationView, ...READ_ERRORS },
};

// ---- alerts ---------------------------------------------------------------------------------

export const alerts = {
  tags,
  summary: '预警清单 (alerts with the responsible department; district officers see their districts)',
  querystring: Obj({
    status: Type.Optional(Enum(['open', 'acknowledged', 'resolved', 'active'], { description: 'active = open or acknowledged' })),
    level: Type.Optional(AlertLevel),
    year: Type.Optional(Year),
    indicator: Type.Optional(IndicatorCode),
    region: Type.Optional(RegionParam),
    limit: Type.Optional(Int({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Int({ minimum: 0 })),
  }),
  response: { 200: Obj({ total: Int(), items: List(Alert) }), ...READ_ERRORS },
};

export const alert = {
  tags,
  summary: '预警详情与备注 (one alert with its notes)',
  params: IdParams,
  response: { 200: AlertDetail, ...READ_ERRORS },
};

export const acknowledge = {
  tags,
  summary: '确认预警 (acknowledge an open alert, optionally with a note)',
  params: IdParams,
  body: Obj({ note: Type.Optional(Str({ maxLength: 2000 })) }),
  response: { 200: AlertDetail, ...WRITE_ERRORS },
};

export const note = {
  tags,
  summary: '预警备注 (add a note to an alert)',
  params: IdParams,
  body: Obj({ body: Str({ minLength: 1, maxLength: 2000 }) }),
  response: { 201: AlertDetail, ...WRITE_ERRORS },
};

// ---- settings -------------------------------------------------------------------------------

export const settings = {
  tags,
  summary: '预警设置 (warning bands, floor margin, webhook, city)',
  response: { 200: Settings, ...READ_ERRORS },
};

export const putSettings = {
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
  response: { 200: Settings, ...WRITE_ERRORS },
};

// ---- the check-up report --------------------------------------------------------------------

export const report = {
  tags,
  summary: '体检评估报告内容 (the yearly check-up report as JSON)',
  params: YearParams,
  response: { 200: Report, ...READ_ERRORS },
};

const reportFile = (summary: string, type: string, kind: 'binary' | 'text') => ({
  tags,
  summary,
  params: YearParams,
  response: { 200: binary(summary, { [type]: kind }), ...READ_ERRORS },
});
export const reportHtml = reportFile('体检评估报告 HTML (the yearly check-up report as a printable page)', 'text/html', 'text');
export const reportPdf = reportFile('体检评估报告 PDF (the yearly check-up report as PDF)', 'application/pdf', 'binary');
export const reportXlsx = reportFile('体检评估报告 XLSX (the yearly check-up report as a workbook)', XLSX, 'binary');
