// Request and response schemas of the review (/api/review/…): rule sets, machine review runs,
// cases with human review, the opinion document and consistency review. The JSON names of a run
// and its findings are a contract (`onemap review --json`, other bureau systems): src/review/types.ts.
import { Type, Obj, Str, Int, Num, Bool, Nullable, Enum, List, Dict, type Static } from '../schema.ts';
import { Bbox, StoredGeometry, IdParams, errors, READ_ERRORS, UPLOAD_ERRORS, reads, writes, creates } from '../schema.ts';

const tags = ['review'];
const LIST_ERRORS = errors(400, 401, 403, 429);

export const VERDICTS = ['pass', 'warn', 'fail', 'no-data'] as const;
export const OVERALL = ['pass', 'warn', 'fail'] as const;
export const CASE_STATUSES = ['machine-reviewed', 'in-review', 'decided', 'signed'] as const;
export const DECISIONS = ['通过', '有条件通过', '不通过'] as const;
export const FINDING_ACTIONS = ['confirm', 'override', 'false-positive'] as const;

const Verdict = Enum(VERDICTS, { description: 'pass 通过 · warn 提示 · fail 不通过 · no-data 无数据 (not "no conflict")' });
const Overall = Enum(OVERALL);

// ---- requests -------------------------------------------------------------------------------

const IndicatorsIn = Obj(
  {
    far: Type.Optional(Num({ minimum: 0, description: '容积率' })),
    height: Type.Optional(Num({ minimum: 0, description: '建筑高度 m' })),
    density: Type.Optional(Num({ minimum: 0, maximum: 100, description: '建筑密度 %' })),
    greenRatio: Type.Optional(Num({ minimum: 0, maximum: 100, description: '绿地率 %' })),
    groundElevation: Type.Optional(Num({ description: '场地地面高程 m (1985 国家高程基准)' })),
  },
  { description: '方案指标 (scheme indicators)' },
);

const boundary = {
  geojson: Type.Optional(
    Type.Unknown({
      description: 'GeoJSON FeatureCollection, Feature or Polygon/MultiPolygon; lon/lat CGCS2000 unless a crs member says otherwise',
    }),
  ),
  coordinateTxt: Type.Optional(Str({ description: '国家坐标交换格式 TXT text (建设用地报批)' })),
  srid: Type.Optional(Int({ description: 'source CRS when the data does not say (e.g. 4549)' })),
  from: Type.Optional(
    Str({
      maxLength: 20,
      description: 'gcj02 (高德/DataV/腾讯) or bd09 (百度): the boundary is in web-map coordinates, converted to CGCS2000 before review',
    }),
  ),
  makeValid: Type.Optional(Bool()),
};

// ---- responses ------------------------------------------------------------------------------

const Indicators = Obj({
  far: Type.Optional(Num()),
  height: Type.Optional(Num()),
  density: Type.Optional(Num()),
  greenRatio: Type.Optional(Num()),
  groundElevation: Type.Optional(Num()),
});

export const FeatureHit = Obj({
  fid: Str(),
  props: Dict(),
  overlapAreaM2: Num({ description: 'ellipsoidal (椭球面积)' }),
  overlapAreaPlanarM2: Num({ description: 'Gauss-Krüger planar (投影面积)' }),
  overlapAreaMu: Num(),
  distanceM: Type.Optional(Num({ description: 'setback rules: distance in metres (0 when overlapping)' })),
});

export const Finding = Obj({
  key: Str({ description: '${ruleId}:${layer}; human review refers to findings by key' }),
  ruleId: Str(),
  rule: Str({ description: 'rule kind' }),
  title: Str(),
  layer: Str(),
  layerName: Str(),
  layerVersion: Nullable(Int()),
  verdict: Verdict,
  message: Str(),
  legalBasis: Nullable(Str()),
  overlapAreaM2: Num(),
  overlapAreaPlanarM2: Num(),
  overlapAreaMu: Num(),
  overlapPercent: Num({ description: 'share of the project area, 0–100' }),
  belowTolerance: Bool(),
  features: List(FeatureHit),
  geometry: Nullable(StoredGeometry),
  details: Dict(Type.Unknown(), { description: 'rule-specific figures: share outside, indicator comparisons, limit elevations …' }),
});

export const ReviewResult = Obj(
  {
    runId: Int(),
    caseId: Nullable(Int()),
    verdict: Overall,
    project: Obj({
      name: Str(),
      type: Str(),
      typeName: Str(),
      indicators: Indicators,
      parcelCount: Int(),
      parcels: List(Obj({ fid: Str(), areaM2: Num(), planarM2: Num() })),
      areaM2: Num(),
      areaPlanarM2: Num(),
      areaMu: Num(),
      geometry: StoredGeometry,
      bbox: Bbox,
      hash: Str({ description: 'sha256 of the normalised boundary (EWKB of the EPSG:4490 MultiPolygon)' }),
      source: Type.Optional(
        Obj(
          {
            srid: Int({ description: 'CRS the coordinates were read in (4490 after a web-map conversion)' }),
            crs: Str({ description: 'how the CRS was determined, naming a web-map conversion' }),
            from: Nullable(Enum(['gcj02', 'bd09'] as const)),
            warnings: Type.Optional(
              List(Str(), {
                description: '红线文件提示: what an import of the file would warn about (declared areas, overlaps, web-map look …)',
              }),
            ),
          },
          { description: '项目红线坐标来源 (where the boundary coordinates came from)' },
        ),
      ),
    }),
    findings: List(Finding),
    versions: Obj({
      ruleset: Obj({ name: Str(), version: Int() }),
      layers: Dict(Nullable(Int()), { description: 'layer code → version read (null: no data)' }),
    }),
    tolerance: Obj({ areaM2: Num(), percent: Num() }),
    createdAt: Str(),
    createdBy: Str(),
    durationMs: Num(),
  },
  { description: '机审结果 (a frozen machine-review run)' },
);
export type ReviewResult = Static<typeof ReviewResult>;

export const FindingReview = Obj({
  findingKey: Str(),
  action: Enum(FINDING_ACTIONS),
  verdictBefore: Verdict,
  verdictAfter: Verdict,
  reason: Nullable(Str()),
  by: Str(),
  at: Str(),
});

/** What a case is, in the list and in full: who asked for what, where it stands. */
const caseHead = {
  id: Int(),
  title: Str(),
  applicant: Nullable(Str()),
  projectType: Str(),
  status: Enum(CASE_STATUSES),
  statusName: Str(),
  decision: Nullable(Enum(DECISIONS)),
};

export const ReviewCase = Obj(
  {
    ...caseHead,
    conditions: List(Str()),
    opinion: Nullable(Str()),
    signedBy: Nullable(Str()),
    signedAt: Nullable(Str()),
    createdBy: Str(),
    createdAt: Str(),
    run: ReviewResult,
    reviews: List(FindingReview, { description: "latest reviewer's word per finding of the current run" }),
    findings: List(Obj({ key: Str(), title: Str(), layer: Str(), machineVerdict: Verdict, finalVerdict: Verdict, reviewed: Bool() }), {
      description: 'each finding with its verdict after human review',
    }),
    pending: List(Str(), { description: 'keys of non-passing findings not yet confirmed or overridden' }),
    people: Dict(Str(), { description: 'login → 姓名（角色） of each person the case names' }),
    fields: Dict(Dict(Str()), { description: 'layer code → attribute code → its catalogue name (别名)' }),
  },
  { description: '报审案卷 (a review case)' },
);

export const CaseListItem = Obj({
  ...caseHead,
  machineVerdict: Overall,
  createdBy: Str(),
  createdAt: Nullable(Str()),
});

export const TrailEntry = Obj({
  at: Str(),
  actor: Str(),
  actorName: Str({ description: '姓名（角色）' }),
  action: Str(),
  before: Type.Unknown({ description: 'state before (any JSON)' }),
  after: Type.Unknown({ description: 'state after (any JSON)' }),
});

const RunRef = Obj({ runId: Int(), createdAt: Str(), verdict: Overall, hash: Str() });
export const RunComparison = Obj({
  a: RunRef,
  b: RunRef,
  sameBoundary: Bool(),
  ruleset: Obj({ a: Str(), b: Str(), changed: Bool() }),
  layerVersions: List(Obj({ layer: Str(), a: Nullable(Int()), b: Nullable(Int()) })),
  findings: List(
    Obj({
      key: Str(),
      title: Str(),
      layer: Str(),
      verdictA: Nullable(Verdict),
      verdictB: Nullable(Verdict),
      areaA: Nullable(Num()),
      areaB: Nullable(Num()),
      deltaM2: Nullable(Num()),
      changed: Bool(),
    }),
  ),
});

/** One rule: the named members, and the kind's own parameters (free: each kind reads its own). */
export const RuleDef = Type.Object(
  {
    id: Str(),
    kind: Str(),
    layer: Str(),
    title: Str(),
    verdict: Enum(['fail', 'warn']),
    appliesTo: Type.Optional(List(Str())),
    legalBasis: Type.Optional(Str()),
  },
  {
    additionalProperties: Type.Unknown(),
    description: 'a rule; besides these members, the parameters of its kind (GET /api/review/rule-kinds)',
  },
);

export const RuleSetDef = Obj({
  name: Str(),
  title: Type.Optional(Str()),
  tolerance: Obj({ areaM2: Num(), percent: Num(), basis: Type.Optional(Str()) }),
  projectTypes: List(Obj({ code: Str(), name: Str() })),
  rules: List(RuleDef),
});

export const RuleSetVersion = Obj({
  name: Str(),
  version: Int(),
  definition: RuleSetDef,
  createdAt: Str(),
  createdBy: Str(),
  note: Nullable(Str()),
});
const RuleSetVersionInfo = Obj({ version: Int(), createdAt: Str(), createdBy: Str(), note: Nullable(Str()) });

const LayerRef = Obj({ code: Str(), name: Str(), version: Int() });
const ByDistrict = List(Obj({ code: Str(), name: Str(), count: Int(), areaM2: Num(), areaMu: Num() }));
export const ConsistencyResult = Obj({
  id: Int(),
  layerA: LayerRef,
  layerB: LayerRef,
  resultLayer: Str(),
  resultVersion: Nullable(Int()),
  conflictCount: Int(),
  areaM2: Num(),
  planarM2: Num(),
  areaMu: Num(),
  byDistrict: ByDistrict,
  tolerance: Obj({ areaM2: Num() }),
  durationMs: Num(),
  createdBy: Str(),
});
const consistencyRow = {
  id: Int(),
  layer_a: Str(),
  version_a: Int(),
  layer_b: Str(),
  version_b: Int(),
  result_layer: Str(),
  result_version: Nullable(Int()),
  conflict_count: Int(),
  area_m2: Num(),
  created_by: Str(),
  created_at: Str(),
};
/** A stored consistency run as its database row (snake_case). */
export const ConsistencyRow = Obj({ ...consistencyRow, planar_m2: Num(), by_district: ByDistrict, duration_ms: Nullable(Num()) });
const ConsistencyListRow = Obj(consistencyRow);

// ---- routes ---------------------------------------------------------------------------------

const NameParams = Obj({ name: Str({ description: '规则集名称 (rule set name), e.g. default' }) });

export const ruleKinds = {
  tags,
  summary: '规则类型 (the rule kinds a rule set may use)',
  response: { 200: List(Str()), ...errors(401, 403, 429) },
};
export const listRuleSets = {
  tags,
  summary: '规则集列表 (rule sets, each with its current version)',
  response: {
    200: List(Obj({ name: Str(), version: Int(), versions: Int(), createdAt: Str(), createdBy: Str() })),
    ...errors(401, 403, 429),
  },
};
export const currentRuleSet = reads(
  { tags, summary: '规则集当前版本 (the current version of a rule set, with its version history)', params: NameParams },
  Obj({ ...RuleSetVersion.properties, versions: List(RuleSetVersionInfo) }),
);
export const ruleSetVersion = reads(
  { tags, summary: '规则集历史版本 (one version of a rule set)', params: Obj({ name: Str(), version: Int({ minimum: 1 }) }) },
  RuleSetVersion,
);
export const saveRuleSet = {
  tags,
  summary: '保存规则集新版本 (save a new version of a rule set; refused with every problem when invalid)',
  params: NameParams,
  body: Obj({
    definition: Dict(Type.Unknown(), {
      description: 'the rule set: title, tolerance, projectTypes, rules (checked whole: every problem is listed)',
    }),
    note: Type.Optional(Str()),
  }),
  response: { 201: RuleSetVersion, ...errors(400, 401, 403, 413, 429) },
};
export const projectTypes = {
  tags,
  summary: '项目类型 (project types of the default rule set)',
  response: { 200: List(Obj({ code: Str(), name: Str() })), ...errors(401, 403, 429) },
};

export const runReview = {
  tags,
  summary: '机审 (machine review of a project boundary against the control layers)',
  body: Obj({
    ...boundary,
    name: Type.Optional(Str({ maxLength: 200 })),
    type: Str({ description: 'project type code, e.g. urban-construction' }),
    indicators: Type.Optional(IndicatorsIn),
    ruleset: Type.Optional(Str()),
    geometry: Type.Optional(Bool({ description: 'false: leave overlap geometries out (large batch checks)' })),
  }),
  response: { 201: ReviewResult, ...errors(400, 401, 403, 404, 409, 413, 429) },
};
export const getRun = reads({ tags, summary: '审查记录 (a stored machine-review run, frozen as it was)', params: IdParams }, ReviewResult);
export const compareRuns = reads(
  {
    tags,
    summary: '两次审查对比 (what changed between two runs: boundary, rule set, layer versions, findings)',
    params: Obj({ id: Int({ minimum: 1 }), other: Int({ minimum: 1 }) }),
  },
  RunComparison,
);

export const listCases = {
  tags,
  summary: '报审案卷列表 (review cases, newest first; district officers see their own)',
  querystring: Obj({
    status: Type.Optional(Enum(CASE_STATUSES)),
    q: Type.Optional(Str({ maxLength: 100, description: '项目名称或申请单位包含的文字 (text in the title or applicant)' })),
    limit: Type.Optional(Int({ minimum: 1, maximum: 500 })),
    offset: Type.Optional(Int({ minimum: 0 })),
  }),
  response: { 200: List(CaseListItem), ...LIST_ERRORS },
};
export const submitCase = {
  tags,
  summary: '报审 (submit a case: created and machine-reviewed at once)',
  body: Obj({
    ...boundary,
    title: Str({ minLength: 1, maxLength: 200 }),
    applicant: Type.Optional(Str({ maxLength: 200 })),
    type: Str(),
    indicators: Type.Optional(IndicatorsIn),
    ruleset: Type.Optional(Str()),
  }),
  response: { 201: ReviewCase, ...errors(400, 401, 403, 404, 409, 413, 429) },
};
export const getCase = reads(
  { tags, summary: '报审案卷 (a case: its run, reviews, findings after human review, pending findings)', params: IdParams },
  ReviewCase,
);
export const caseTrail = reads(
  { tags, summary: '案卷留痕 (the append-only audit trail of a case, with before and after)', params: IdParams },
  List(TrailEntry),
);
export const rerunCase = writes(
  { tags, summary: '重新机审 (re-run the machine review of a case on the current data)', params: IdParams },
  ReviewCase,
);
export const reviewFinding = writes(
  {
    tags,
    summary: '人审意见 (confirm, override or mark a finding as a false positive, with a reason)',
    params: Obj({ id: Int({ minimum: 1 }), key: Str() }),
    body: Obj({ action: Enum(FINDING_ACTIONS), verdict: Type.Optional(Overall), reason: Type.Optional(Str({ maxLength: 2000 })) }),
  },
  ReviewCase,
);
export const decideCase = writes(
  {
    tags,
    summary: '审查决定 (decide: 通过 / 有条件通过 with conditions / 不通过)',
    params: IdParams,
    body: Obj({
      decision: Enum(DECISIONS),
      conditions: Type.Optional(List(Str({ maxLength: 2000 }), { maxItems: 50 })),
      opinion: Type.Optional(Str({ maxLength: 10000 })),
    }),
  },
  ReviewCase,
);
export const withdrawDecision = writes(
  {
    tags,
    summary: '撤回决定 (withdraw an unsigned decision, with a reason)',
    params: IdParams,
    body: Obj({ reason: Str({ minLength: 1 }) }),
  },
  ReviewCase,
);
export const signCase = writes({ tags, summary: '签发 (sign the decision; the case is frozen)', params: IdParams }, ReviewCase);

const FILE_FIELDS =
  'fields: type, name/title, applicant, indicators (JSON text), srid, from (gcj02|bd09), encoding, sourceLayer, makeValid, ruleset';
export const runReviewFile = {
  tags,
  consumes: ['multipart/form-data'],
  summary: `机审：上传项目红线文件 (machine review of an uploaded boundary file: Shapefile .zip or parts, GeoPackage, GeoJSON, coordinate TXT; ${FILE_FIELDS})`,
  response: { 201: ReviewResult, ...UPLOAD_ERRORS },
};
export const submitCaseFile = {
  tags,
  consumes: ['multipart/form-data'],
  summary: `报审：上传项目红线文件 (submit a case with an uploaded boundary file; ${FILE_FIELDS})`,
  response: { 201: ReviewCase, ...UPLOAD_ERRORS },
};

export const opinionHtml = {
  tags,
  summary: '审查意见书 HTML (the review opinion document as a printable page)',
  params: IdParams,
  response: {
    200: { description: '审查意见书 (HTML page)', content: { 'text/html': { schema: Str() } } },
    ...READ_ERRORS,
  },
};
export const opinionPdf = {
  tags,
  summary: '审查意见书 PDF (the review opinion document as PDF)',
  params: IdParams,
  response: {
    200: {
      description: '审查意见书 (PDF, inline)',
      content: { 'application/pdf': { schema: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary' }) } },
    },
    ...READ_ERRORS,
  },
};

const LayerCodeIn = Str({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' });
export const listConsistency = {
  tags,
  summary: '一致性审查记录 (the default layer pairs and the latest 100 consistency runs)',
  response: {
    200: Obj({ defaultPairs: List(List(Str())), runs: List(ConsistencyListRow) }),
    ...errors(401, 403, 429),
  },
};
export const runConsistency = creates(
  {
    tags,
    summary: '一致性审查 (compare two polygon layers; conflicts are stored as a layer and summed by district)',
    body: Obj({ a: LayerCodeIn, b: LayerCodeIn }),
  },
  ConsistencyResult,
);
export const getConsistency = reads({ tags, summary: '一致性审查结果 (one stored consistency run)', params: IdParams }, ConsistencyRow);
