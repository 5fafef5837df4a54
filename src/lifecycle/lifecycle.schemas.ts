// Request and response schemas of the land lifecycle shared by its capabilities (/api/lifecycle/…):
// parameters, the geometry in and out, the audit trail of a case, the land code register and its
// timeline, the warnings and their board, the yearly ledgers, the nightly run and the pages'
// reference data. The four case workflows are in cases.schemas.ts.
import { Type, Obj, Str, Int, Num, Bool, Nullable, Enum, List, Dict, DateOnly, type TSchema, AreaFields } from '../schema.ts';
import { Geometry, StoredGeometry, RegionCode, READ_ERRORS, reads, writes, creates } from '../schema.ts';
import { AuditEntry } from '../audit/audit.schemas.ts';
import { EVENT_KINDS } from './landcode.ts';

export const tags = ['lifecycle'];

// ---- shared pieces ------------------------------------------------------------------------------
export const District = RegionCode;
export const Status = Str({ maxLength: 200, description: 'one status, or several separated by commas' });
const Paging = {
  limit: Type.Optional(Int({ minimum: 1, maximum: 5000 })),
  offset: Type.Optional(Int({ minimum: 0 })),
};
/** A list's query: filtered by district and what `filters` name, paged. */
export const districtQuery = <P extends Record<string, TSchema>>(filters: P) =>
  Obj({ district: Type.Optional(District), ...filters, ...Paging });
/** A paged list's answer: how many match, and the page. */
const Page = <T extends TSchema>(items: T) => Obj({ total: Int(), items });
export const IdParams = Obj({ id: Int({ minimum: 1 }) });
export const YearParams = Obj({ year: Int({ minimum: 2000, maximum: 2100 }) });
export const LandCodeParams = Obj({ landCode: Str({ minLength: 1, maxLength: 40 }) });
/** A parcel's lifecycle stage and its Chinese name. */
export const Stage = { stage: Str(), stageName: Str() };

/** A polygon as sent: GeoJSON Polygon/MultiPolygon, lon/lat EPSG:4490 unless `srid` says otherwise. */
export const GeometryIn = Geometry;
export const Srid = Int({ description: 'CRS of the geometry (e.g. 4549); default 4490' });

/** The audit trail of a case, oldest first. */
export const Trail = List(AuditEntry);

/** The body of a workflow step: the state to move to and what that step needs. */
export const transitionBody = <P extends Record<string, TSchema>>(extra: P) =>
  Obj({
    to: Str({ minLength: 1, description: 'the next state; illegal steps answer 409 illegal_transition with the allowed ones' }),
    note: Type.Optional(Str()),
    ...extra,
  });

// ---- 土地码 ------------------------------------------------------------------------------------
export const Parcel = Obj({
  landCode: Str(),
  name: Str(),
  district: Str(),
  zdCode: Nullable(Str()),
  bdcdyh: Nullable(Str({ description: '不动产单元号 (GB/T 37346, 28 characters)' })),
  landUse: Nullable(Str()),
  industrial: Bool(),
  standaloneSite: Bool(),
  batchId: Nullable(Int()),
  ...AreaFields,
  ...Stage,
  approvedOn: Nullable(Str()),
  suppliedOn: Nullable(Str()),
  priceYuan: Nullable(Num()),
  agreedStart: Nullable(Str()),
  agreedCompletion: Nullable(Str()),
  plannedFar: Nullable(Num()),
  worksStartedOn: Nullable(Str()),
  haltedSince: Nullable(Str()),
  completedOn: Nullable(Str()),
  registeredOn: Nullable(Str()),
});

export const Document = Obj({ name: Str(), url: Type.Optional(Str()) });

export const LandEvent = Obj({
  id: Int(),
  kind: Str(),
  kindName: Str(),
  date: Str(),
  docNo: Nullable(Str()),
  documents: List(Document),
  details: Dict(Type.Unknown(), { description: 'kind-specific details as recorded' }),
  operator: Str(),
  ...AreaFields,
  geometry: StoredGeometry,
  recordedAt: Str(),
});

export const Timeline = Obj({
  parcel: Obj({ ...Parcel.properties, geometry: StoredGeometry }),
  events: List(LandEvent, { description: 'events in date order, each with its geometry' }),
  nextEvents: List(Obj({ kind: Str(), name: Str() }), { description: 'event kinds allowed next' }),
});

export const listParcels = reads(
  {
    tags,
    summary: '土地码列表 (land codes, filtered by district, stage or text)',
    querystring: districtQuery({ stage: Type.Optional(Str()), q: Type.Optional(Str({ maxLength: 100 })) }),
  },
  Page(List(Parcel)),
);

export const registerParcel = creates(
  {
    tags,
    summary: '赋土地码 (register a parcel: geometry or a ZD parcel code)',
    body: Obj({
      landCode: Type.Optional(Str()),
      name: Str({ minLength: 1 }),
      district: Type.Optional(District),
      zdCode: Type.Optional(Str()),
      landUse: Type.Optional(Str()),
      industrial: Type.Optional(Bool()),
      standaloneSite: Type.Optional(Bool()),
      geometry: Type.Optional(GeometryIn),
      srid: Type.Optional(Srid),
    }),
  },
  Parcel,
);

export const parcel = reads({ tags, summary: '土地码详情 (one land code)', params: LandCodeParams }, Parcel);

export const timeline = reads(
  { tags, summary: '土地码全生命周期时间轴 (timeline: every event in order with its geometry, one query)', params: LandCodeParams },
  Timeline,
);

export const recordEvent = creates(
  {
    tags,
    summary: '登记环节 (record an event: approval, reserve, supply, permits, works_start, progress, completion, registration)',
    params: LandCodeParams,
    body: Obj({
      kind: Enum(EVENT_KINDS),
      date: DateOnly(),
      docNo: Type.Optional(Str()),
      documents: Type.Optional(List(Document)),
      details: Type.Optional(
        Dict(Type.Unknown(), {
          description:
            'kind-specific: approvalType/batchNo; method/priceYuan/agreedStart/agreedCompletion/planningConditions; the three permit numbers; developedM2/investedYuan/haltedSince; bdcdyh',
        }),
      ),
      geometry: Type.Optional(GeometryIn),
      srid: Type.Optional(Srid),
    }),
  },
  Timeline,
);

// ---- 页面参考数据 --------------------------------------------------------------------------------
export const context = reads(
  {
    tags,
    summary:
      '页面参考数据 (today by the platform clock, from which deadlines and thresholds count; district codes and names of the district layer)',
  },
  Obj({ today: DateOnly(), districts: List(Obj({ code: Str(), name: Nullable(Str()) })) }),
);

// ---- 预警 --------------------------------------------------------------------------------------
export const Warning = Obj({
  id: Int(),
  kind: Str(),
  kindName: Str(),
  entity: Str(),
  entityId: Str(),
  district: Str(),
  title: Str(),
  message: Str(),
  dueOn: Str(),
  raisedOn: Str(),
  resolvedOn: Nullable(Str()),
});

export const listWarnings = reads(
  {
    tags,
    summary: '全生命周期预警 (warnings: +1/+4/+5 resettlement, idle-land deadlines)',
    querystring: districtQuery({
      kind: Type.Optional(Str()),
      open: Type.Optional(Bool({ description: 'only unresolved (default true)' })),
    }),
  },
  Page(List(Warning, { description: 'warnings by due date' })),
);

export const warningBoard = {
  tags,
  summary: '预警看板 (warning board: open warnings by district and kind)',
  response: {
    200: Obj({
      kinds: Dict(Str(), { description: 'warning kind → its name' }),
      total: Int(),
      byKind: Dict(Int(), { description: 'warning kind → open warnings' }),
      districts: List(Obj({ district: Str(), name: Nullable(Str()), total: Int(), byKind: Dict(Int()), oldestDue: Str() })),
    }),
    ...READ_ERRORS,
  },
};

// ---- 年度台账 ------------------------------------------------------------------------------------
const Area = Obj({ m2: Num(), mu: Num() });
export const Digestion = Obj({
  year: Int(),
  district: Nullable(Str({ description: 'null: the whole city' })),
  batches: Int(),
  stockStartM2: Num(),
  stockStartMu: Num(),
  digestedM2: Num(),
  digestedMu: Num(),
  suppliedM2: Num(),
  disposedM2: Num(),
  digestionRate: Nullable(Num({ description: '消化率, %' })),
  taskM2: Nullable(Num()),
  taskCompletion: Nullable(Num({ description: '年度批而未供土地消化任务完成率, %' })),
});

export const Ledgers = Obj({
  year: Int(),
  districts: Nullable(List(Str())),
  stockRevitalised: Obj({
    year: Int(),
    total: Area,
    components: Obj({ unsuppliedDigested: Area, idleDisposed: Area, inefficientRedeveloped: Area }),
  }),
  inefficientRedeveloped: Obj({ year: Int(), projects: Int(), redeveloped: Area }),
  unsuppliedDigestion: List(Digestion, { description: 'the whole city first, then by district' }),
  idleDisposal: Obj({ year: Int(), disposedCases: Int(), disposed: Area, waitingCases: Int(), waiting: Area }),
  stockSupplyShare: Obj({
    year: Int(),
    supplied: Area,
    stockSupplied: Area,
    suppliedCount: Int(),
    stockCount: Int(),
    standaloneExcluded: Area,
    sharePercent: Nullable(Num()),
  }),
  newIndustrialFar: Obj({ year: Int(), parcels: Int(), supplied: Area, averageFar: Nullable(Num()), excludedSpecialProcess: Int() }),
});

export const ledgers = reads(
  {
    tags,
    summary: '年度台账 (yearly ledgers: stock revitalised, redeveloped, digestion, stock supply share, industrial FAR)',
    params: YearParams,
    querystring: Obj({ district: Type.Optional(District) }),
  },
  Ledgers,
);

// ---- 夜间规则 ------------------------------------------------------------------------------------
export const NightlySummary = Obj({
  date: Str(),
  runOfDay: Int({ description: 'how many times the run has now run on this date (1 = first)' }),
  idleCandidates: Int(),
  inefficient: Obj({ factYear: Nullable(Int()), ruleYear: Nullable(Int()), candidates: Int(), reevaluated: Int() }),
  warningsRaised: Dict(Int(), { description: 'warning kind → raised' }),
  warningsResolved: Int(),
  unsupplied: Obj({ refreshed: Int(), digested: Int() }),
  durationMs: Int(),
});

export const nightly = writes(
  { tags, summary: '运行夜间规则 (run the nightly lifecycle rules now; idempotent per day)', body: Obj({}) },
  NightlySummary,
);
