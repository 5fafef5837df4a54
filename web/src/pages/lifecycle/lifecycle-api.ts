// The land lifecycle API (/api/lifecycle/…, src/lifecycle/lifecycle.routes.ts) as typed calls for
// the area's pages. Every area and date arrives computed by the server (ellipsoidal m², 亩, dates
// YYYY-MM-DD); the pages only format them.
import { ref } from 'vue';
import { api } from '../../api.ts';

type Q = Record<string, string | number | boolean | undefined | null>;
export type Geometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;

export interface TrailEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  before: unknown;
  after: unknown;
}

export interface Parcel {
  landCode: string;
  name: string;
  district: string;
  zdCode: string | null;
  bdcdyh: string | null;
  landUse: string | null;
  industrial: boolean;
  standaloneSite: boolean;
  batchId: number | null;
  areaM2: number;
  areaMu: number;
  stage: string;
  stageName: string;
  approvedOn: string | null;
  suppliedOn: string | null;
  priceYuan: number | null;
  agreedStart: string | null;
  agreedCompletion: string | null;
  plannedFar: number | null;
  worksStartedOn: string | null;
  haltedSince: string | null;
  completedOn: string | null;
  registeredOn: string | null;
}
export interface LandEvent {
  id: number;
  kind: string;
  kindName: string;
  date: string;
  docNo: string | null;
  documents: { name: string; url?: string }[];
  details: Record<string, unknown>;
  operator: string;
  areaM2: number;
  areaMu: number;
  geometry: Geometry;
  recordedAt: string;
}
export interface Timeline {
  parcel: Parcel & { geometry: Geometry };
  events: LandEvent[];
  nextEvents: { kind: string; name: string }[];
}

export interface IdleCase {
  id: number;
  landCode: string;
  name: string;
  basis: string;
  basisName: string;
  baseDate: string;
  idleFrom: string;
  reclaimFrom: string;
  district: string;
  status: string;
  statusName: string;
  detectedOn: string;
  deadline: string | null;
  overdue: boolean;
  determinationNo: string | null;
  disposal: string | null;
  feeYuan: number | null;
  feeDueYuan: number | null;
  decisionNo: string | null;
  disposedOn: string | null;
  closedOn: string | null;
  note: string | null;
  priceYuan: number | null;
  areaM2: number;
  areaMu: number;
  nextSteps: string[];
  trail?: TrailEntry[];
}

export interface Batch {
  id: number;
  batchNo: string;
  name: string;
  approvalNo: string;
  approvalType: string;
  approvedOn: string;
  district: string;
  status: string;
  statusName: string;
  mapped: boolean;
  approvedM2: number;
  suppliedM2: number;
  disposedM2: number;
  remainingM2: number;
  nextSteps: string[];
}
export interface BatchDetail extends Batch {
  geometry: Geometry | null;
  parcels: {
    landCode: string;
    name: string;
    stage: string;
    stageName: string;
    areaM2: number;
    suppliedOn: string | null;
    suppliedM2: number | null;
  }[];
  trail: TrailEntry[];
}

export interface RuleHit {
  code: string;
  name: string;
  kind: string;
  threshold: number | null;
  value: number | null;
}
export interface InefficientCase {
  id: number;
  landCode: string;
  name: string;
  year: number;
  district: string;
  hits: RuleHit[];
  status: string;
  statusName: string;
  category: string | null;
  mode: string | null;
  modeName: string | null;
  surveyNote: string | null;
  projectName: string | null;
  startedOn: string | null;
  redevelopedOn: string | null;
  redevelopedM2: number | null;
  evaluatedYear: number | null;
  stillHits: boolean | null;
  areaM2: number;
  areaMu: number;
  nextSteps: string[];
  trail?: TrailEntry[];
}
export interface Rule {
  code: string;
  name: string;
  kind: string;
  threshold: number | null;
  industrialOnly: boolean;
  enabled: boolean;
  note: string | null;
}

export interface Project {
  id: number;
  code: string;
  name: string;
  district: string;
  households: number;
  householdsResettled: number;
  plotName: string | null;
  plotLocated: boolean;
  plotLocatedOn: string | null;
  status: string;
  statusName: string;
  expropriatedOn: string | null;
  housingStartedOn: string | null;
  housingCompletedOn: string | null;
  resettledOn: string | null;
  due: { housingStart: string; housingCompletion: string; resettlement: string } | null;
  nextSteps: string[];
}
export interface ProjectDetail extends Project {
  areaM2: number | null;
  plotAreaM2: number | null;
  geometry: Geometry | null;
  plotGeometry: Geometry | null;
  warnings: { kind: string; dueOn: string; raisedOn: string; resolvedOn: string | null }[];
  trail: TrailEntry[];
}

export interface Warning {
  id: number;
  kind: string;
  kindName: string;
  entity: string;
  entityId: string;
  district: string;
  title: string;
  message: string;
  dueOn: string;
  raisedOn: string;
  resolvedOn: string | null;
}
export interface Board {
  kinds: Record<string, string>;
  total: number;
  byKind: Record<string, number>;
  districts: { district: string; name: string | null; total: number; byKind: Record<string, number>; oldestDue: string }[];
}

export interface AreaFig {
  m2: number;
  mu: number;
}
export interface Digestion {
  year: number;
  district: string | null;
  batches: number;
  stockStartM2: number;
  stockStartMu: number;
  digestedM2: number;
  digestedMu: number;
  suppliedM2: number;
  disposedM2: number;
  digestionRate: number | null;
  taskM2: number | null;
  taskCompletion: number | null;
}
export interface Ledgers {
  year: number;
  stockRevitalised: { total: AreaFig; components: { unsuppliedDigested: AreaFig; idleDisposed: AreaFig; inefficientRedeveloped: AreaFig } };
  inefficientRedeveloped: { projects: number; redeveloped: AreaFig };
  unsuppliedDigestion: Digestion[];
  idleDisposal: { disposedCases: number; disposed: AreaFig; waitingCases: number; waiting: AreaFig };
  stockSupplyShare: {
    supplied: AreaFig;
    stockSupplied: AreaFig;
    suppliedCount: number;
    stockCount: number;
    standaloneExcluded: AreaFig;
    sharePercent: number | null;
  };
  newIndustrialFar: { parcels: number; supplied: AreaFig; averageFar: number | null; excludedSpecialProcess: number };
}
export interface NightlySummary {
  date: string;
  runOfDay: number;
  idleCandidates: number;
  inefficient: { candidates: number; reevaluated: number };
  warningsRaised: Record<string, number>;
  warningsResolved: number;
  durationMs: number;
}

const L = '/api/lifecycle';
const post = <T>(path: string, body: unknown) => api<T>(`${L}${path}`, { method: 'POST', body });

export const lc = {
  parcels: (q: Q) => api<{ total: number; items: Parcel[] }>(`${L}/parcels`, { query: q }),
  registerParcel: (b: { name: string; zdCode: string; landUse?: string }) => post<Parcel>('/parcels', b),
  timeline: (code: string) => api<Timeline>(`${L}/parcels/${encodeURIComponent(code)}/timeline`),
  recordEvent: (code: string, b: { kind: string; date: string; docNo?: string; details?: Record<string, unknown> }) =>
    post<Timeline>(`/parcels/${encodeURIComponent(code)}/events`, b),

  idleCases: (q: Q) => api<IdleCase[]>(`${L}/idle-cases`, { query: q }),
  idleCase: (id: number) => api<IdleCase>(`${L}/idle-cases/${id}`),
  idleStep: (id: number, b: Record<string, string | undefined>) => post<IdleCase>(`/idle-cases/${id}/transition`, b),

  batches: (q: Q) => api<Batch[]>(`${L}/unsupplied/batches`, { query: q }),
  batch: (id: number) => api<BatchDetail>(`${L}/unsupplied/batches/${id}`),
  batchStep: (id: number, b: { to: string; note?: string; geometry?: unknown }) => post<Batch>(`/unsupplied/batches/${id}/transition`, b),
  batchDisposal: (id: number, b: { date: string; mode: string; areaM2: number; docNo?: string }) =>
    post<Batch>(`/unsupplied/batches/${id}/disposals`, b),

  rules: (year: number) => api<{ year: number; ruleYear: number | null; rules: Rule[] }>(`${L}/inefficient/rules`, { query: { year } }),
  saveRules: (year: number, rules: Rule[]) =>
    api<{ year: number; ruleYear: number | null; rules: Rule[] }>(`${L}/inefficient/rules/${year}`, { method: 'PUT', body: { rules } }),
  modes: () => api<{ code: string; name: string; source: string }[]>(`${L}/inefficient/modes`),
  inefficientCases: (q: Q) => api<InefficientCase[]>(`${L}/inefficient/cases`, { query: q }),
  inefficientCase: (id: number) => api<InefficientCase>(`${L}/inefficient/cases/${id}`),
  inefficientStep: (id: number, b: Record<string, string | number | undefined>) =>
    post<InefficientCase>(`/inefficient/cases/${id}/transition`, b),

  projects: (q: Q) => api<Project[]>(`${L}/resettlement/projects`, { query: q }),
  project: (id: number) => api<ProjectDetail>(`${L}/resettlement/projects/${id}`),
  locatePlot: (id: number, b: { plotName?: string; geometry: unknown }) =>
    api<Project>(`${L}/resettlement/projects/${id}/plot`, { method: 'PUT', body: b }),
  projectStep: (id: number, b: { to: string; date?: string; note?: string }) => post<Project>(`/resettlement/projects/${id}/transition`, b),

  warnings: (q: Q) => api<{ total: number; items: Warning[] }>(`${L}/warnings`, { query: q }),
  board: () => api<Board>(`${L}/warnings/board`),
  ledgers: (year: number, district?: string) => api<Ledgers>(`${L}/ledgers/${year}`, { query: { district } }),
  nightly: () => post<NightlySummary>('/nightly', {}),
};

// Today by the platform's clock (deadlines count from it, and a step dated after it is refused) and
// the district names (layer XZQ): asked once per page load and shared by every page of the area.
const today = ref('');
const districtNames = ref<Record<string, string>>({});
let contextLoaded: Promise<void> | null = null;
export function useContext() {
  contextLoaded ??= api<{ today: string; districts: { code: string; name: string }[] }>(`${L}/context`)
    .then((c) => {
      today.value = c.today;
      districtNames.value = Object.fromEntries(c.districts.map((d) => [d.code, d.name]));
    })
    .catch(() => {
      contextLoaded = null;
    });
  return {
    ready: contextLoaded,
    today,
    names: districtNames,
    districtName: (code: string | null | undefined) => (code ? (districtNames.value[code] ?? code) : '—'),
  };
}
