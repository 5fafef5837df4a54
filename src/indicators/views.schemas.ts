// Schemas of what the indicator pages read (decision 0007): the dashboard, the map by district, the
// five-year evaluation, alerts with their notes and the yearly check-up report. Closed, like the
// rest of indicators.schemas.ts, whose building blocks they use.
import { Type, Obj, Str, Int, Num, Bool, Nullable, Maybe, Enum, List } from '../schema.ts';
import { Geometry, IdParams, Year, READ_ERRORS, reads, writes, creates } from '../schema.ts';
import {
  tags,
  IndicatorCode,
  RegionParam,
  Level,
  AlertLevel,
  Better,
  Aggregate,
  Bound,
  ValueSource,
  Provenance,
  Region,
  RegionFields,
  Bands,
  Counts,
  RankedDistrict,
  TargetBrief,
  binary,
  XLSX,
  YearParams,
} from './indicators.schemas.ts';

export const Alert = Obj({
  id: Int(),
  indicator: Str(),
  indicatorName: Nullable(Str()),
  unit: Nullable(Str()),
  ...RegionFields,
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
/** An indicator as the trend and the report name it: code, name, dimension, and how its value reads. */
const indicatorHead = { code: Str(), name: Str(), dimension: Str(), unit: Str(), decimals: Int(), better: Better };

export const EvaluationView = Obj({
  region: Region,
  from: Int(),
  to: Int(),
  years: List(Int()),
  indicators: List(
    Obj({
      ...indicatorHead,
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

const ReportIndicator = Obj({
  ...indicatorHead,
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

// ---- what the pages read --------------------------------------------------------------------

export const dashboard = reads(
  {
    tags,
    summary: '监测看板 (dashboard of a year for the city or a district: values, targets, levels, trends, districts ranked)',
    querystring: Obj({ year: Type.Optional(Year), region: Type.Optional(RegionParam) }),
  },
  Dashboard,
);

export const map = reads(
  {
    tags,
    summary: '指标分区县地图 (one indicator by district as GeoJSON over the district outlines)',
    querystring: Obj({ indicator: IndicatorCode, year: Type.Optional(Year) }),
  },
  IndicatorMap,
);

export const evaluation = reads(
  {
    tags,
    summary: '五年评估 (the indicators over five years, with the change over the period)',
    querystring: Obj({
      to: Type.Optional(Year),
      span: Type.Optional(Int({ minimum: 2, maximum: 15 })),
      region: Type.Optional(RegionParam),
    }),
  },
  EvaluationView,
);

// ---- alerts ---------------------------------------------------------------------------------

export const alerts = reads(
  {
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
  },
  Obj({ total: Int(), items: List(Alert) }),
);

export const alert = reads({ tags, summary: '预警详情与备注 (one alert with its notes)', params: IdParams }, AlertDetail);

export const acknowledge = writes(
  {
    tags,
    summary: '确认预警 (acknowledge an open alert, optionally with a note)',
    params: IdParams,
    body: Obj({ note: Type.Optional(Str({ maxLength: 2000 })) }),
  },
  AlertDetail,
);

export const note = creates(
  { tags, summary: '预警备注 (add a note to an alert)', params: IdParams, body: Obj({ body: Str({ minLength: 1, maxLength: 2000 }) }) },
  AlertDetail,
);

// ---- the check-up report --------------------------------------------------------------------

export const report = reads({ tags, summary: '体检评估报告内容 (the yearly check-up report as JSON)', params: YearParams }, Report);

const reportFile = (summary: string, type: string, kind: 'binary' | 'text') => ({
  tags,
  summary,
  params: YearParams,
  response: { 200: binary(summary, { [type]: kind }), ...READ_ERRORS },
});
export const reportHtml = reportFile('体检评估报告 HTML (the yearly check-up report as a printable page)', 'text/html', 'text');
export const reportPdf = reportFile('体检评估报告 PDF (the yearly check-up report as PDF)', 'application/pdf', 'binary');
export const reportXlsx = reportFile('体检评估报告 XLSX (the yearly check-up report as a workbook)', XLSX, 'binary');
