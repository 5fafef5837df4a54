// Request and response schemas of the four case workflows of the land lifecycle: idle land
// (闲置土地), approved-but-unsupplied batches (批而未供), inefficient land (低效用地) and
// expropriation–resettlement projects (征收–安置).
import { Type, Obj, Str, Int, Num, Bool, Nullable, List, DateOnly, StoredGeometry, reads, writes, creates } from '../schema.ts';
import { AreaFields, NullableAreaFields, type TSchema } from '../schema.ts';
import {
  tags,
  District,
  Status,
  districtQuery,
  IdParams,
  YearParams,
  GeometryIn,
  Srid,
  Trail,
  transitionBody,
} from './lifecycle.schemas.ts';
import { Stage } from './lifecycle.schemas.ts';

const Steps = List(Str(), { description: 'the states this one may move to next' });
/** Where a case stands in its workflow: the state and its Chinese name. */
const State = { status: Str(), statusName: Str() };
/** A case opened on one land code: its id, the land code and the parcel's name. */
const OnLandCode = { id: Int(), landCode: Str(), name: Str() };

/**
 * The routes every case workflow has: its list filtered by district, status (and `filters`) and
 * paged; one case with what its page shows; a workflow step, whose body is `transitionBody(stepBody)`.
 */
function workflow<
  F extends Record<string, TSchema>,
  I extends TSchema,
  D extends TSchema,
  B extends Record<string, TSchema>,
  A extends TSchema,
>(o: { list: string; filters: F; item: I; one: string; detail: D; step: string; stepBody: B; stepAnswer: A }) {
  const query = districtQuery({ status: Type.Optional(Status), ...o.filters });
  return {
    list: reads({ tags, summary: o.list, querystring: query }, List(o.item)),
    one: reads({ tags, summary: o.one, params: IdParams }, o.detail),
    step: writes({ tags, summary: o.step, params: IdParams, body: transitionBody(o.stepBody) }, o.stepAnswer),
  };
}

// ---- 闲置土地 -------------------------------------------------------------------------------------
export const IdleCase = Obj({
  ...OnLandCode,
  basis: Str(),
  basisName: Str(),
  baseDate: Str(),
  idleFrom: Str(),
  reclaimFrom: Str(),
  district: Str(),
  ...State,
  detectedOn: Str(),
  deadline: Nullable(Str()),
  overdue: Bool(),
  determinationNo: Nullable(Str()),
  disposal: Nullable(Str()),
  feeYuan: Nullable(Num()),
  feeDueYuan: Nullable(Num({ description: 'the fee 第十四条(一) would levy: 20% of the land price' })),
  decisionNo: Nullable(Str()),
  disposedOn: Nullable(Str()),
  closedOn: Nullable(Str()),
  note: Nullable(Str()),
  priceYuan: Nullable(Num()),
  ...AreaFields,
  nextSteps: Steps,
});
export const IdleCaseDetail = Obj({ ...IdleCase.properties, trail: Trail });

export const {
  list: listIdleCases,
  one: idleCase,
  step: idleStep,
} = workflow({
  list: '闲置土地案件 (idle-land cases, filtered by status and district)',
  filters: { landCode: Type.Optional(Str()) },
  item: IdleCase,
  one: '闲置土地案件详情与留痕 (idle-land case with its audit trail)',
  detail: IdleCaseDetail,
  step: '闲置土地处置流转 (idle-land workflow step: investigation, determined, fee-levied, reclaimed …)',
  stepBody: {
    noticeNo: Type.Optional(Str()),
    determinationNo: Type.Optional(Str()),
    decisionNo: Type.Optional(Str()),
    method: Type.Optional(Str()),
  },
  stepAnswer: IdleCaseDetail,
});

// ---- 批而未供 -------------------------------------------------------------------------------------
export const Batch = Obj({
  id: Int(),
  batchNo: Str(),
  name: Str(),
  approvalNo: Str(),
  approvalType: Str(),
  approvedOn: Str(),
  district: Str(),
  ...State,
  mapped: Bool(),
  approvedM2: Num(),
  suppliedM2: Num(),
  disposedM2: Num(),
  remainingM2: Num(),
  approvedMu: Num(),
  suppliedMu: Num(),
  disposedMu: Num(),
  remainingMu: Num(),
  nextSteps: Steps,
});
export const BatchDetail = Obj({
  ...Batch.properties,
  geometry: Nullable(StoredGeometry),
  parcels: List(
    Obj({
      landCode: Str(),
      name: Str(),
      ...Stage,
      areaM2: Num(),
      suppliedOn: Nullable(Str()),
      suppliedM2: Nullable(Num()),
    }),
  ),
  trail: Trail,
});

export const {
  list: listBatches,
  one: batch,
  step: batchStep,
} = workflow({
  list: '批而未供台账 (approval batches: approved, supplied, remaining in m² and 亩)',
  filters: {},
  item: Batch,
  one: '批次详情 (one approval batch: ledger, mapped remainder, its land codes, audit trail)',
  detail: BatchDetail,
  step: '批而未供流转 (clearing workflow step: mapped, disposing, digested)',
  stepBody: { geometry: Type.Optional(GeometryIn), srid: Type.Optional(Srid) },
  stepAnswer: Batch,
});

export const createBatch = creates(
  {
    tags,
    summary: '登记批次 (register an approval batch: 清理认定)',
    body: Obj({
      batchNo: Str({ minLength: 1 }),
      name: Str({ minLength: 1 }),
      approvalNo: Str(),
      approvalType: Str(),
      approvedOn: DateOnly(),
      district: District,
      approvedM2: Type.Optional(Num()),
      geometry: Type.Optional(GeometryIn),
      srid: Type.Optional(Srid),
    }),
  },
  Batch,
);

export const batchDisposal = creates(
  {
    tags,
    summary: '登记处置消化 (record a disposal other than supply: 撤回, 核减, 调整使用)',
    params: IdParams,
    body: Obj({ date: DateOnly(), mode: Str(), areaM2: Num(), docNo: Type.Optional(Str()) }),
  },
  Batch,
);

export const digestionTask = writes(
  {
    tags,
    summary: "年度消化任务 (set a district's yearly digestion task)",
    params: Obj({ year: Int({ minimum: 2000, maximum: 2100 }), district: District }),
    body: Obj({ taskM2: Num({ minimum: 0 }) }),
  },
  Obj({ year: Int(), district: Str(), taskM2: Num() }),
);

// ---- 低效用地 -------------------------------------------------------------------------------------
/** Which rule: its code, name, kind and the threshold set for the year (null for yes/no rules). */
const ruleHead = { code: Str(), name: Str(), kind: Str(), threshold: Nullable(Num()) };

export const Rule = Obj({
  ...ruleHead,
  industrialOnly: Bool(),
  enabled: Bool(),
  note: Nullable(Str()),
});
const RuleSet = Obj({
  year: Int(),
  ruleYear: Nullable(Int({ description: 'the configured year in force (latest not after year)' })),
  rules: List(Rule),
});

export const RuleHit = Obj({
  ...ruleHead,
  value: Nullable(Num({ description: 'the fact compared (FAR, tax per 亩); null for yes/no rules' })),
});

export const InefficientCase = Obj({
  ...OnLandCode,
  year: Int(),
  district: Str(),
  hits: List(RuleHit),
  ...State,
  category: Nullable(Str()),
  mode: Nullable(Str()),
  modeName: Nullable(Str()),
  surveyNote: Nullable(Str()),
  projectName: Nullable(Str()),
  startedOn: Nullable(Str()),
  redevelopedOn: Nullable(Str()),
  redevelopedM2: Nullable(Num()),
  redevelopedMu: Nullable(Num()),
  evaluatedYear: Nullable(Int()),
  stillHits: Nullable(Bool()),
  ...AreaFields,
  nextSteps: Steps,
});
export const InefficientCaseDetail = Obj({ ...InefficientCase.properties, trail: Trail });

export const rules = reads(
  {
    tags,
    summary: "低效用地认定规则 (the year's locally set thresholds)",
    querystring: Obj({ year: Type.Optional(Int({ minimum: 2000, maximum: 2100 })) }),
  },
  RuleSet,
);

export const saveRules = writes(
  {
    tags,
    summary: "设置年度低效用地规则 (set a year's rules and thresholds)",
    params: YearParams,
    body: Obj({
      rules: List(
        Obj({
          code: Str(),
          name: Str(),
          kind: Str(),
          threshold: Type.Optional(Nullable(Num())),
          industrialOnly: Type.Optional(Bool()),
          enabled: Type.Optional(Bool()),
          note: Type.Optional(Nullable(Str())),
        }),
      ),
    }),
  },
  RuleSet,
);

export const saveFacts = writes(
  {
    tags,
    summary: "年度地块绩效数据 (a year's parcel facts: FAR, tax, vacant, derelict, polluting)",
    params: YearParams,
    body: Obj({
      source: Type.Optional(Str()),
      facts: List(
        Obj({
          landCode: Str(),
          far: Type.Optional(Nullable(Num())),
          taxYuan: Type.Optional(Nullable(Num())),
          vacant: Type.Optional(Bool()),
          derelict: Type.Optional(Bool()),
          polluting: Type.Optional(Bool()),
        }),
        { maxItems: 100000 },
      ),
    }),
  },
  Obj({ year: Int(), saved: Int() }),
);

export const modes = reads(
  { tags, summary: '再开发模式 (redevelopment modes named in the seeds)' },
  List(Obj({ code: Str(), name: Str(), source: Str() })),
);

export const {
  list: listInefficientCases,
  one: inefficientCase,
  step: inefficientStep,
} = workflow({
  list: '低效用地案件 (inefficient-land candidates and inventory, filtered by status and district)',
  filters: { year: Type.Optional(Int()) },
  item: InefficientCase,
  one: '低效用地案件详情与留痕 (inefficient-land case with its audit trail)',
  detail: InefficientCaseDetail,
  step: '低效用地流转 (workflow step: confirmed, rejected, inventoried, redeveloping, redeveloped, exited)',
  stepBody: {
    category: Type.Optional(Str()),
    mode: Type.Optional(Str()),
    projectName: Type.Optional(Str()),
    date: Type.Optional(DateOnly()),
    redevelopedM2: Type.Optional(Num()),
  },
  stepAnswer: InefficientCaseDetail,
});

// ---- 征收–安置 ------------------------------------------------------------------------------------
export const Project = Obj({
  id: Int(),
  code: Str(),
  name: Str(),
  district: Str(),
  households: Int(),
  householdsResettled: Int(),
  plotName: Nullable(Str()),
  plotLocated: Bool(),
  plotLocatedOn: Nullable(Str()),
  ...State,
  expropriatedOn: Nullable(Str()),
  housingStartedOn: Nullable(Str()),
  housingCompletedOn: Nullable(Str()),
  resettledOn: Nullable(Str()),
  due: Nullable(
    Obj(
      { housingStart: Str(), housingCompletion: Str(), resettlement: Str() },
      { description: 'the +1/+4/+5 warning points: anniversaries of expropriation' },
    ),
  ),
  nextSteps: Steps,
});
export const ProjectDetail = Obj({
  ...Project.properties,
  ...NullableAreaFields,
  plotAreaM2: Nullable(Num()),
  plotAreaMu: Nullable(Num()),
  geometry: Nullable(StoredGeometry),
  plotGeometry: Nullable(StoredGeometry),
  warnings: List(Obj({ kind: Str(), dueOn: Str(), raisedOn: Str(), resolvedOn: Nullable(Str()) })),
  trail: Trail,
});

export const {
  list: listProjects,
  one: project,
  step: projectStep,
} = workflow({
  list: '征收安置项目 (expropriation–resettlement projects, filtered by status and district)',
  filters: {},
  item: Project,
  one: '征收安置项目详情 (project with plot geometry, warnings and audit trail)',
  detail: ProjectDetail,
  step: '征收安置节点 (milestone: started, housing-started, housing-completed, resettled)',
  stepBody: { date: Type.Optional(DateOnly()) },
  stepAnswer: Project,
});

export const createProject = creates(
  {
    tags,
    summary: '登记征收安置项目 (register an expropriation project, optionally with its resettlement plot)',
    body: Obj({
      code: Str({ minLength: 1 }),
      name: Str({ minLength: 1 }),
      district: District,
      households: Int({ minimum: 1 }),
      geometry: Type.Optional(GeometryIn),
      plotName: Type.Optional(Str()),
      plotGeometry: Type.Optional(GeometryIn),
      srid: Type.Optional(Srid),
    }),
  },
  Project,
);

export const locatePlot = writes(
  {
    tags,
    summary: '安置地块落图定位 (locate the resettlement plot on the map)',
    params: IdParams,
    body: Obj({ plotName: Type.Optional(Str()), geometry: GeometryIn, srid: Type.Optional(Srid) }),
  },
  Project,
);
