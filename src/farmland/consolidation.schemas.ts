// Request and response schemas of land consolidation projects (/api/farmland/projects…): projects
// with sub-areas and declared figures, their checks (findings of the review engine's rules),
// progress against the 2027 targets and the yearly evaluation.
import { Type, Obj, Str, Int, Num, Bool, Nullable, Enum, List, Dict } from '../schema.ts';
import { Geometry, StoredGeometry, IdParams, READ_ERRORS, reads, writes, creates } from '../schema.ts';
import { tags, lists, District } from './farmland.schemas.ts';
/** A check's findings are the review engine's (src/review/types.ts Finding), with the same contract. */
import { Finding } from '../review/review.schemas.ts';

const Status = Enum(['planned', 'implementing', 'accepted']);
const Verdict = Enum(['pass', 'warn', 'fail', 'no-data'], { description: 'pass 通过 · warn 提示 · fail 不通过 · no-data 无数据' });
const LayerRef = Obj({ layer: Str(), version: Int() });
const LayerRefInput = Nullable(
  Obj(
    { layer: Str({ maxLength: 40 }), version: Int({ minimum: 1 }) },
    { description: 'a version of the land-use layer (DLTB) before / after consolidation' },
  ),
);
const FigureValues = Dict(Type.Union([Type.Number(), Type.Boolean()]), {
  description: 'declared figures in m² (names ending M2), and provincialApproval (true/false)',
});
/** Figures as sent: the service checks the names and values (consolidation.ts FIGURES) and says which is wrong. */
const FiguresInput = Dict(Type.Unknown(), {
  description: 'declared figures in m² (names ending M2) or 亩 (the same names ending Mu), and provincialApproval (true/false)',
});

const projectFields = {
  id: Int(),
  code: Str(),
  name: Str(),
  district: Str(),
  pilot: Bool(),
  startYear: Int(),
  status: Status,
  figures: FigureValues,
  before: Nullable(LayerRef),
  after: Nullable(LayerRef),
  projectAreaM2: Num(),
  projectAreaMu: Num(),
  consolidationAreaM2: Num(),
  consolidationAreaMu: Num(),
};
export const Project = Obj(projectFields);
export const ProjectItem = Obj({ ...projectFields, lastVerdict: Nullable(Verdict), lastCheckId: Nullable(Int()) });

const Facts = Dict(Type.Unknown(), { description: 'the figures the rules read (m²), and provincialApproval' });
export const Check = Obj({
  id: Int(),
  ruleset_name: Str(),
  ruleset_version: Int(),
  facts: Facts,
  findings: List(Finding),
  verdict: Verdict,
  checked_on: Str(),
  created_by: Str(),
});

export const ProjectDetail = Obj({
  ...projectFields,
  areas: List(Obj({ id: Int(), kind: Enum(['project', 'consolidation']), name: Str(), area_m2: Num(), geometry: StoredGeometry })),
  checks: List(Check),
});

export const CheckResult = Obj({
  checkId: Int(),
  projectId: Int(),
  code: Str(),
  ruleset: Obj({ name: Str(), version: Int() }),
  checkedOn: Str(),
  verdict: Verdict,
  facts: Facts,
  sources: Dict(Enum(['computed', 'declared']), { description: 'per figure: measured now, or as declared' }),
  findings: List(Finding),
});

export const list = lists('土地综合整治项目 (projects with their latest check verdict)', List(ProjectItem));

export const create = creates(
  {
    tags,
    summary: '新建整治项目 (project, sub-areas as GeoJSON in EPSG:4490, declared figures, optional before/after land-use versions)',
    body: Obj({
      code: Str({ minLength: 1, maxLength: 40 }),
      name: Str({ minLength: 1, maxLength: 200 }),
      district: District,
      pilot: Type.Optional(Bool({ description: '跨乡镇土地综合整治试点' })),
      startYear: Int({ minimum: 2000, maximum: 2100 }),
      status: Type.Optional(Status),
      figures: Type.Optional(FiguresInput),
      before: Type.Optional(LayerRefInput),
      after: Type.Optional(LayerRefInput),
      areas: Type.Array(
        Obj({
          kind: Enum(['project', 'consolidation'], { description: 'project 项目区, consolidation 整治区' }),
          name: Type.Optional(Str({ maxLength: 100 })),
          geometry: Geometry,
        }),
        { minItems: 1, maxItems: 200 },
      ),
    }),
  },
  Project,
);

export const progress = lists(
  '2027 目标进度 (progress against the city’s 2027 consolidation targets)',
  Obj({
    year: Int(),
    items: List(
      Obj({
        code: Str(),
        name: Str(),
        unit: Str(),
        target: Num(),
        actual: Num(),
        percentOfTarget: Nullable(Num()),
        met: Bool(),
        source: Str(),
      }),
    ),
  }),
);

export const evaluation = {
  tags,
  summary: '年度绩效评价 (yearly performance evaluation by district)',
  querystring: Obj({ year: Int({ minimum: 2000, maximum: 2100 }) }),
  response: {
    200: Obj({
      year: Int(),
      method: Str(),
      districts: List(
        Obj({
          district: Str(),
          projects: Int(),
          pilots: Int(),
          startedThisYear: Int(),
          projectAreaMu: Num(),
          newCultivatedMu: Num(),
          checked: Int(),
          pass: Int(),
          warn: Int(),
          fail: Int(),
          score: Nullable(Num()),
        }),
      ),
    }),
    ...READ_ERRORS,
  },
};

export const get = reads({ tags, summary: '整治项目详情 (project, sub-areas and check history)', params: IdParams }, ProjectDetail);

export const update = writes(
  {
    tags,
    summary: '更新整治项目 (name, status, pilot, declared figures, before/after versions)',
    params: IdParams,
    body: Obj({
      name: Type.Optional(Str({ minLength: 1, maxLength: 200 })),
      status: Type.Optional(Status),
      pilot: Type.Optional(Bool()),
      figures: Type.Optional(FiguresInput),
      before: Type.Optional(LayerRefInput),
      after: Type.Optional(LayerRefInput),
    }),
  },
  Project,
);

export const check = creates(
  { tags, summary: '整治项目核验 (run the land-consolidation rule set of the review registry on the project; stored)', params: IdParams },
  CheckResult,
);
