// Request and response schemas of farmland accounts and targets, settings and 多田套合
// (/api/farmland/accounts…, /targets, /settings, /taohe…). The ledgers, patrol cases and
// consolidation projects have their own files (ledger.schemas.ts, patrol.schemas.ts,
// consolidation.schemas.ts); what they share is at the top here.
import { Type, Obj, Str, Int, Num, Bool, Nullable, Enum, List, Dict, type Static, AreaFields } from '../schema.ts';
import { IdParams, Year, READ_ERRORS, errors, reads, writes, creates, type TSchema } from '../schema.ts';
import type { MISSING_KINDS } from './taohe.ts';

export const tags = ['farmland'];
/** Errors of a read that takes no parameter. */
const LIST_ERRORS = errors(401, 403, 429);
/** A read that takes no parameter: answers `ok`, or one of the list errors. */
export const lists = <T extends TSchema>(summary: string, ok: T) => ({ tags, summary, response: { 200: ok, ...LIST_ERRORS } });

/** Exactly one of the two is given (checked by the service, which says so in Chinese). */
export const AreaInput = {
  areaM2: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'm² (ellipsoidal)' })),
  areaMu: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: '亩 (1 亩 = 10000/15 m²)' })),
};
export const District = Str({ pattern: '^\\d{6}$', description: 'GB/T 2260 district code' });

// ---- accounts and targets ------------------------------------------------------------------

export const Category = Obj({
  key: Str(),
  name: Str(),
  layer: Str(),
  version: Nullable(Int()),
  count: Int(),
  ...AreaFields,
  areaWanMu: Num(),
});

export const TargetCheck = Obj({
  code: Str(),
  region: Str({ description: '3301 = the city, or a GB/T 2260 district code' }),
  name: Str(),
  year: Int(),
  kind: Str(),
  unit: Str(),
  target: Num(),
  actual: Nullable(Num()),
  met: Nullable(Bool()),
  source: Str(),
});

export const Accounts = Obj({
  year: Nullable(Int()),
  city: List(Category),
  byDistrict: List(Obj({ code: Nullable(Str()), name: Str(), categories: List(Category) })),
  targets: List(TargetCheck),
});

const Tally = Obj({ areaM2: Num(), areaMu: Num(), count: Int() });
export const Change = Obj({
  layer: Str(),
  from: Int(),
  to: Int(),
  lost: Tally,
  gained: Tally,
  netM2: Num(),
  netMu: Num(),
  byNewUse: List(Obj({ class: Nullable(Str()), name: Nullable(Str()), areaM2: Num(), areaMu: Num() })),
  byDistrict: List(Obj({ code: Nullable(Str()), lostM2: Num(), gainedM2: Num(), netM2: Num() })),
  patches: List(
    Obj({
      direction: Enum(['lost', 'gained']),
      oldFid: Str(),
      newFid: Str(),
      oldClass: Nullable(Str()),
      newClass: Nullable(Str()),
      newName: Nullable(Str()),
      district: Nullable(Str()),
      ...AreaFields,
    }),
  ),
});

export const Target = Obj({
  code: Str(),
  region: Str(),
  year: Int(),
  kind: Enum(['target', 'baseline']),
  name_zh: Str(),
  value: Num(),
  unit: Str(),
  bound: Enum(['min', 'max']),
  source: Str(),
});
export type Target = Static<typeof Target>;

export const accounts = reads(
  {
    tags,
    summary: '耕地保护台账 (farmland accounts by district and city for a survey year, against the targets)',
    querystring: Obj({
      year: Type.Optional(
        Int({
          minimum: 1990,
          maximum: 2100,
          description: 'survey year: the layer versions in force at its end; default the active versions',
        }),
      ),
    }),
  },
  Accounts,
);

export const change = reads(
  {
    tags,
    summary: '耕地变化 (cultivated land lost and gained between two survey versions, with areas and new land use)',
    querystring: Obj({
      from: Int({ minimum: 1 }),
      to: Int({ minimum: 1 }),
      layer: Type.Optional(Str({ maxLength: 40, description: 'land-use layer (default DLTB)' })),
    }),
  },
  Change,
);

export const districts = lists(
  '行政区 (districts of the city: code and name, for the pages’ filters)',
  List(Obj({ code: Str(), name: Str() })),
);

export const targets = lists('耕地保护与整治目标 (targets with their sources)', List(Target));

export const putTarget = writes(
  {
    tags,
    summary: '设置目标 (add or change a target; the source is required)',
    body: Obj({
      code: Str({ pattern: '^[A-Z0-9_]{1,20}$' }),
      region: Type.Optional(Str({ pattern: '^\\d{4,6}$', description: '3301 = the city, or a district code' })),
      year: Year,
      kind: Enum(['target', 'baseline']),
      name_zh: Str({ minLength: 1, maxLength: 100 }),
      value: Num(),
      unit: Str({ minLength: 1, maxLength: 20 }),
      bound: Type.Optional(Enum(['min', 'max'])),
      source: Str({ minLength: 4, maxLength: 500 }),
    }),
  },
  Target,
);

// ---- settings ------------------------------------------------------------------------------

export const Settings = Obj({
  taohe: Obj({ yjjbnt: Str(), gbznt: Str(), lsscgnq: Str(), minPatchM2: Num(), resultLayer: Str() }),
  patrol: Obj({
    mergeDistanceM: Num(),
    deadlines: Obj({ assign: Int(), verify: Int(), decide: Int(), rectify: Int() }),
    warnDaysBefore: Num(),
  }),
});

export const settings = lists('耕地保护设置 (patrol deadlines, merge distance, 多田套合 layers)', Settings);

export const putSettings = writes(
  {
    tags,
    summary: '修改设置 (change part of a settings group: taohe or patrol)',
    params: Obj({ key: Enum(['taohe', 'patrol']) }),
    // Free on purpose: which keys a group takes is the service's to say (settings.ts), which lists
    // every unknown or wrong value at once (code invalid_settings) rather than the first one.
    body: Dict(Type.Unknown(), { description: 'part of the group: e.g. { "mergeDistanceM": 30 } or { "deadlines": { … } }' }),
  },
  Settings,
);

// ---- 多田套合 -------------------------------------------------------------------------------

export const TaoheFigures = Obj({
  code: Nullable(Str()),
  name: Str(),
  yjjbntM2: Num(),
  yjjbntMu: Num(),
  coincideM2: Num(),
  coincideMu: Num(),
  ratePercent: Nullable(Num({ description: '% of permanent farmland where all three coincide' })),
  withGbzntM2: Num(),
  withLsscgnqM2: Num(),
});

/** The layer a patch is missing from (taohe.ts MISSING_KINDS). */
const MissingKind = Enum(['GBZNT', 'LSSCGNQ', 'YJJBNT'] as const satisfies readonly (keyof typeof MISSING_KINDS)[]);
export const TaoheRun = Obj({
  runId: Nullable(Int()),
  versions: Dict(Int(), { description: 'layer code → version used' }),
  city: TaoheFigures,
  byDistrict: List(TaoheFigures),
  missing: Nullable(List(Obj({ kind: MissingKind, label: Str(), count: Int(), areaM2: Num(), areaMu: Num() }))),
  resultLayer: Nullable(Str()),
  resultVersion: Nullable(Int()),
  durationMs: Num(),
  createdAt: Nullable(Str()),
  createdBy: Str(),
  note: Nullable(Str()),
});

export const taoheNow = {
  tags,
  summary: '多田套合 now (rate and areas city-wide and by district over the active versions; nothing stored)',
  response: { 200: TaoheRun, ...READ_ERRORS, ...errors(409) },
};

export const runTaohe = creates(
  {
    tags,
    summary: '计算并保存多田套合 (stored run; the missing patches become a new version of layer DTTH_QS for the map tiles)',
    body: Obj({ note: Type.Optional(Str({ maxLength: 500, description: 'why this run (e.g. 2025年度变更调查入库后)' })) }),
  },
  TaoheRun,
);

export const taoheRuns = lists('多田套合计算记录 (stored runs, newest first)', List(TaoheRun));

export const taoheRun = reads({ tags, summary: '一次多田套合计算 (one stored run)', params: IdParams }, TaoheRun);

export const missingPatches = {
  tags,
  summary: '未套合图斑 GeoJSON (the patches missing from each layer: kind GBZNT = where to build high-standard farmland next)',
  params: IdParams,
  querystring: Obj({ kind: Type.Optional(MissingKind) }),
  response: {
    200: {
      description:
        'GeoJSON FeatureCollection (EPSG:4490 lon/lat); properties QSTC (missing layer), YTBBH (patch), MJ (m²), MJ_MU (亩), XZQDM',
      content: { 'application/geo+json': { schema: { type: 'string' } } },
    },
    ...READ_ERRORS,
  },
};
