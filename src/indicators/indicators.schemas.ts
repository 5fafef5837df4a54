// Request and response schemas of /api/indicators/… (OpenAPI at /api/docs). Responses are declared
// as open objects so nothing the services return is stripped or coerced (null stays null); their
// shapes are the TypeScript types named in each description.
import { errorSchema } from '../server/errors.ts';

const TAGS = ['indicators'];
const loose = (description: string) => ({ type: 'object', additionalProperties: true, description }) as const;
const list = (description: string) => ({ type: 'array', items: { type: 'object', additionalProperties: true }, description }) as const;
const err = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorSchema]));
const READ_ERRORS = err(400, 401, 403, 404);
const WRITE_ERRORS = err(400, 401, 403, 404, 409);

const code = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$', description: 'indicator code, e.g. GDBYL' } as const;
const region = { type: 'string', pattern: '^[0-9]{6}$', description: 'GB/T 2260 region code: 330100 the city, or a district' } as const;
const year = { type: 'integer', minimum: 1990, maximum: 2100 } as const;
const format = { type: 'string', enum: ['xlsx', 'csv'], description: 'default xlsx' } as const;
const codeParam = { type: 'object', required: ['code'], properties: { code } } as const;
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const yearParam = { type: 'object', required: ['year'], properties: { year } } as const;
const keyParams = { type: 'object', required: ['indicator', 'region', 'year'], properties: { indicator: code, region, year } } as const;
const deleted = { 200: loose('{ deleted: { indicator, region, year } }') };

export const kinds = {
  tags: TAGS,
  summary: '计算类型与统计数 (computation kinds an indicator may name, with their parameters; statistic codes)',
  response: { 200: loose('{ kinds: [{ name, label, description, params }], statistics: [{ code, name, unit }] }'), ...READ_ERRORS },
};

export const definitions = {
  tags: TAGS,
  summary: '指标模型列表 (the indicator registry: every definition)',
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { enabled: { type: 'boolean', description: 'only indicators that are switched on' } },
  },
  response: { 200: list('DefRecord (types.ts)'), ...READ_ERRORS },
};

export const definition = {
  tags: TAGS,
  summary: '指标定义 (one indicator definition)',
  params: codeParam,
  response: { 200: loose('DefRecord (types.ts)'), ...READ_ERRORS },
};

export const putDefinition = {
  tags: TAGS,
  summary: '新增或修改指标 (add or retune an indicator without code: name, dimension, kind, params, unit, warning; or only { enabled })',
  params: codeParam,
  body: {
    type: 'object',
    additionalProperties: true,
    description:
      'IndicatorDef (types.ts): name, nameEn?, dimension (安全/创新/协调/绿色/开放/共享), definition, basis?, kind (GET /api/indicators/kinds), params, unit, decimals, better (higher/lower), regionLevels, period (year), aggregate (annual/cumulative), baseYear?, warning { mode: progress/annual/level, bands?, floorMargin?, baseline? }, department?, order?; enabled?',
    properties: { enabled: { type: 'boolean' } },
  },
  response: { 200: loose('DefRecord (types.ts)'), ...WRITE_ERRORS },
};

export const targets = {
  tags: TAGS,
  summary: '目标值 (targets: the seed-003 table, Hangzhou figures, entered targets)',
  querystring: { type: 'object', additionalProperties: false, properties: { indicator: code, region, year } },
  response: { 200: list('Target (types.ts)'), ...READ_ERRORS },
};

export const putTarget = {
  tags: TAGS,
  summary: '录入目标值 (add or replace the target of an indicator for a region and year)',
  body: {
    type: 'object',
    required: ['indicator', 'region', 'year', 'value'],
    additionalProperties: false,
    properties: {
      indicator: code,
      region,
      regionName: { type: 'string', maxLength: 50 },
      year,
      value: { type: 'number' },
      bound: { type: 'string', enum: ['min', 'max'], description: 'min: reach at least (≥, default); max: at most (≤)' },
      hard: { type: 'boolean', description: 'a floor/ceiling that is red at once when breached' },
      baseYear: { type: ['integer', 'null'], description: 'progress counts from the end of this year' },
      baseline: { type: ['number', 'null'] },
      source: { type: 'string', maxLength: 500, description: 'the document the figure comes from' },
    },
  },
  response: { 200: loose('Target (types.ts)'), ...WRITE_ERRORS },
};

export const deleteTarget = {
  tags: TAGS,
  summary: '删除目标值 (delete a target)',
  params: keyParams,
  response: { ...deleted, ...WRITE_ERRORS },
};

export const importTable = (summary: string) => ({
  tags: TAGS,
  summary,
  consumes: ['multipart/form-data'],
  response: { 200: loose('{ imported, created, updated } or { saved }'), ...err(400, 401, 403, 413, 415) },
});

export const exportTable = (summary: string) => ({
  tags: TAGS,
  summary,
  querystring: { type: 'object', additionalProperties: false, properties: { format, indicator: code, region, year } },
  response: {
    200: {
      description: 'the table',
      content: {
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
        'text/csv': { schema: { type: 'string' } },
      },
    },
    ...READ_ERRORS,
  },
});

export const statistics = {
  tags: TAGS,
  summary: '统计数 (statistics entered for the formulas: GDP, urban population …)',
  querystring: { type: 'object', additionalProperties: false, properties: { code: { type: 'string', maxLength: 40 }, region, year } },
  response: { 200: list('{ code, region, year, value, source, updatedBy }'), ...READ_ERRORS },
};

export const putStatistics = {
  tags: TAGS,
  summary: '录入统计数 (save statistics, all or nothing)',
  body: {
    type: 'object',
    required: ['items'],
    additionalProperties: false,
    properties: {
      items: {
        type: 'array',
        minItems: 1,
        maxItems: 5000,
        items: {
          type: 'object',
          required: ['code', 'region', 'year', 'value'],
          additionalProperties: false,
          properties: { code: { type: 'string' }, region, year, value: { type: 'number' }, source: { type: ['string', 'null'] } },
        },
      },
    },
  },
  response: { 200: loose('{ saved }'), ...WRITE_ERRORS },
};

export const values = {
  tags: TAGS,
  summary: '指标数值与来源 (stored values: computed and reported, with provenance)',
  querystring: { type: 'object', additionalProperties: false, properties: { year, region, indicator: code } },
  response: { 200: list('{ indicator, region, year, source, value, note, provenance, runId, updatedBy, updatedAt }'), ...READ_ERRORS },
};

export const putReported = {
  tags: TAGS,
  summary: '录入上报值 (an official reported figure; it takes precedence over the computed value)',
  body: {
    type: 'object',
    required: ['indicator', 'region', 'year', 'value', 'note'],
    additionalProperties: false,
    properties: { indicator: code, region, year, value: { type: 'number' }, note: { type: 'string', minLength: 1, maxLength: 500 } },
  },
  response: { 200: loose('the stored value'), ...WRITE_ERRORS },
};

export const deleteReported = {
  tags: TAGS,
  summary: '删除上报值 (delete a reported figure)',
  params: keyParams,
  response: { ...deleted, ...WRITE_ERRORS },
};

export const compute = {
  tags: TAGS,
  summary: '计算指标 (compute the indicators of a year for the city and every district, assess, raise alerts)',
  body: {
    type: 'object',
    required: ['year'],
    additionalProperties: false,
    properties: {
      year,
      indicators: { type: 'array', items: code, description: 'only these (and what they depend on); default all enabled' },
    },
  },
  response: { 201: loose('RunResult (compute.ts)'), ...WRITE_ERRORS },
};

export const runs = {
  tags: TAGS,
  summary: '计算记录 (compute runs, newest first)',
  querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500 } } },
  response: { 200: list('{ runId, year, asOf, indicators, summary, durationMs, createdBy, createdAt }'), ...READ_ERRORS },
};

export const dashboard = {
  tags: TAGS,
  summary: '监测看板 (dashboard of a year for the city or a district: values, targets, levels, trends, districts ranked)',
  querystring: { type: 'object', additionalProperties: false, properties: { year, region } },
  response: { 200: loose('dashboard (dashboard.ts)'), ...READ_ERRORS },
};

export const map = {
  tags: TAGS,
  summary: '指标分区县地图 (one indicator by district as GeoJSON over the district outlines)',
  querystring: { type: 'object', required: ['indicator'], additionalProperties: false, properties: { indicator: code, year } },
  response: { 200: loose('GeoJSON FeatureCollection; properties: code, name, value, level, rank, reason'), ...READ_ERRORS },
};

export const evaluation = {
  tags: TAGS,
  summary: '五年评估 (the indicators over five years, with the change over the period)',
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { to: year, span: { type: 'integer', minimum: 2, maximum: 15 }, region },
  },
  response: { 200: loose('evaluationView (dashboard.ts)'), ...READ_ERRORS },
};

export const alerts = {
  tags: TAGS,
  summary: '预警清单 (alerts with the responsible department; district officers see their districts)',
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      status: { type: 'string', enum: ['open', 'acknowledged', 'resolved', 'active'], description: 'active = open or acknowledged' },
      level: { type: 'string', enum: ['yellow', 'red'] },
      year,
      indicator: code,
      region,
      limit: { type: 'integer', minimum: 1, maximum: 1000 },
      offset: { type: 'integer', minimum: 0 },
    },
  },
  response: { 200: loose('{ total, items: Alert[] } (alerts.ts)'), ...READ_ERRORS },
};

export const alert = {
  tags: TAGS,
  summary: '预警详情与备注 (one alert with its notes)',
  params: idParam,
  response: { 200: loose('Alert with noteList'), ...READ_ERRORS },
};

export const acknowledge = {
  tags: TAGS,
  summary: '确认预警 (acknowledge an open alert, optionally with a note)',
  params: idParam,
  body: { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 2000 } } },
  response: { 200: loose('Alert with noteList'), ...WRITE_ERRORS },
};

export const note = {
  tags: TAGS,
  summary: '预警备注 (add a note to an alert)',
  params: idParam,
  body: {
    type: 'object',
    required: ['body'],
    additionalProperties: false,
    properties: { body: { type: 'string', minLength: 1, maxLength: 2000 } },
  },
  response: { 201: loose('Alert with noteList'), ...WRITE_ERRORS },
};

export const settings = {
  tags: TAGS,
  summary: '预警设置 (warning bands, floor margin, webhook, city)',
  response: { 200: loose('IndicatorSettings (settings.ts)'), ...READ_ERRORS },
};

export const putSettings = {
  tags: TAGS,
  summary: '修改预警设置 (change one settings group: warning, webhook or city)',
  params: { type: 'object', required: ['key'], properties: { key: { type: 'string', enum: ['warning', 'webhook', 'city'] } } },
  body: {
    type: 'object',
    additionalProperties: true,
    description: 'warning: { bands: { green, yellow }, floorMargin }; webhook: { url, enabled, minLevel, timeoutMs }; city: { code, name }',
  },
  response: { 200: loose('IndicatorSettings (settings.ts)'), ...WRITE_ERRORS },
};

export const report = {
  tags: TAGS,
  summary: '体检评估报告内容 (the yearly check-up report as JSON)',
  params: yearParam,
  response: { 200: loose('ReportContent (report/content.ts)'), ...READ_ERRORS },
};

export const reportFile = (summary: string, type: string) => ({
  tags: TAGS,
  summary,
  params: yearParam,
  response: {
    200: {
      description: summary,
      content: { [type]: { schema: type === 'text/html' ? { type: 'string' } : { type: 'string', format: 'binary' } } },
    },
    ...READ_ERRORS,
  },
});
