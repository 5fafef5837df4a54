// Request and response schemas of patrol alerts and cases (/api/farmland/alerts,
// /api/farmland/cases…).
import { Type, Obj, Str, Int, Num, Bool, Nullable, Enum, List, Dict } from '../schema.ts';
import { Geometry, StoredGeometry, IdParams, WRITE_ERRORS, reads, writes } from '../schema.ts';
import { tags, lists, District } from './farmland.schemas.ts';
import { ACTIONS, SOURCES, STATUS_ZH } from './patrol.ts';

const Source = Enum(Object.keys(SOURCES) as (keyof typeof SOURCES)[]);
const Action = Enum(ACTIONS);

export const Case = Obj({
  id: Int(),
  status: Str({ description: Object.keys(STATUS_ZH).join(', ') }),
  statusZh: Str(),
  open: Bool(),
  district: Nullable(Str()),
  openedOn: Str(),
  deadline: Str(),
  daysLeft: Nullable(Int()),
  overdue: Bool(),
  dueSoon: Bool(),
  assignee: Nullable(Str()),
  verification: Nullable(Dict(Type.Unknown(), { description: 'what was found on site, as recorded' })),
  outcomeNote: Nullable(Str()),
  closedOn: Nullable(Str()),
  alertCount: Int(),
  sources: List(Str()),
  areaM2: Num(),
  geometry: StoredGeometry,
  allowedActions: List(Action),
});

export const Alert = Obj({
  id: Int(),
  source: Str(),
  external_id: Nullable(Str()),
  observed_at: Str(),
  evidence_url: Nullable(Str()),
  description: Nullable(Str()),
  geometry: StoredGeometry,
});

export const CaseEvent = Obj({
  at_date: Str(),
  actor: Str(),
  action: Str(),
  from_status: Nullable(Str()),
  to_status: Str(),
  note: Nullable(Str()),
});

export const CaseDetail = Obj({ ...Case.properties, alerts: List(Alert), events: List(CaseEvent) });

const Intake = Obj({
  alertId: Int(),
  caseId: Int(),
  outcome: Enum(['new-case', 'merged', 'duplicate']),
  distanceM: Nullable(Num()),
});

export const intake = {
  tags,
  summary:
    '巡查线索接入 (an alert from a tower camera, remote-sensing change detection, a drone or a patrol: point or polygon, time, evidence link; merged into an open case on the same spot — 多违合一)',
  body: Obj({
    source: Source,
    externalId: Type.Optional(
      Str({ minLength: 1, maxLength: 100, description: 'the source system’s id: a repeat is answered 200 duplicate' }),
    ),
    observedAt: Str({ minLength: 10, maxLength: 40, description: 'ISO 8601 instant' }),
    geometry: Geometry,
    evidenceUrl: Type.Optional(Str({ maxLength: 2000 })),
    description: Type.Optional(Str({ maxLength: 2000 })),
  }),
  response: { 201: Intake, 200: Intake, ...WRITE_ERRORS },
};

export const listCases = reads(
  {
    tags,
    summary: '巡查案件 (case board: filter by status list, source, district, overdue)',
    querystring: Obj({
      status: Type.Optional(Str({ maxLength: 200, description: `comma-separated: ${Object.keys(STATUS_ZH).join(', ')}` })),
      source: Type.Optional(Source),
      district: Type.Optional(District),
      overdue: Type.Optional(Bool()),
      limit: Type.Optional(Int({ minimum: 1, maximum: 5000 })),
    }),
  },
  List(Case),
);

export const warnings = lists(
  '逾期预警 (open cases past their deadline, and due soon)',
  Obj({ today: Str(), overdue: List(Case), dueSoon: List(Case) }),
);

const Counts = { alerts: Int(), openCases: Int(), closedCases: Int(), overdueCases: Int() };
export const stats = lists(
  '巡查统计 (cases and alerts by district, source and status, with overdue counts)',
  Obj({
    today: Str(),
    byDistrict: List(Obj({ district: Nullable(Str()), ...Counts })),
    bySource: List(Obj({ source: Str(), sourceZh: Str(), ...Counts })),
    byStatus: List(Obj({ status: Str(), statusZh: Str(), cases: Int(), alerts: Int() })),
  }),
);

export const getCase = reads({ tags, summary: '案件详情 (a case with its alerts and history)', params: IdParams }, CaseDetail);

export const act = writes(
  {
    tags,
    summary: '案件处置 (assign → verify → rectify / complete / violation / false-alarm, with a reason; 409 illegal_transition otherwise)',
    params: IdParams,
    body: Obj({
      action: Action,
      assignee: Type.Optional(Str({ maxLength: 100 })),
      note: Type.Optional(Str({ maxLength: 2000, description: 'the reason (required except for assign)' })),
      verification: Type.Optional(Dict(Type.Unknown(), { description: 'what was found on site, e.g. { landUse, areaM2, photos }' })),
    }),
  },
  Case,
);
