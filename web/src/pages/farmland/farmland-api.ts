// The farmland API (src/farmland/*.routes.ts) as the pages use it: types of the answers and one
// function per call. Areas come in m² (ellipsoidal); the pages show them in 亩 and m² (format.ts).
import { api } from '../../api.ts';

export type Geometry = { type: string; coordinates: unknown };

export interface Category {
  key: string;
  name: string;
  layer: string;
  version: number | null;
  count: number;
  areaM2: number;
  areaMu: number;
  areaWanMu: number;
}
export interface TargetCheck {
  code: string;
  region: string;
  name: string;
  year: number;
  kind: string;
  unit: string;
  target: number;
  actual: number | null;
  met: boolean | null;
  source: string;
}
export interface Accounts {
  year: number | null;
  city: Category[];
  byDistrict: { code: string | null; name: string; categories: Category[] }[];
  targets: TargetCheck[];
}
export interface TargetRow {
  code: string;
  region: string;
  year: number;
  kind: string;
  name_zh: string;
  value: number;
  unit: string;
  bound: 'min' | 'max';
  source: string;
}
export interface District {
  code: string;
  name: string;
}
export interface Change {
  layer: string;
  from: number;
  to: number;
  netM2: number;
  lost: { areaM2: number; count: number };
  gained: { areaM2: number; count: number };
  byNewUse: { class: string | null; name: string | null; areaM2: number }[];
  patches: {
    direction: 'lost' | 'gained';
    oldFid: string;
    newFid: string;
    oldClass: string | null;
    newClass: string | null;
    newName: string | null;
    district: string | null;
    areaM2: number;
  }[];
}

export interface TaoheFigures {
  code: string | null;
  name: string;
  yjjbntM2: number;
  coincideM2: number;
  ratePercent: number | null;
  withGbzntM2: number;
  withLsscgnqM2: number;
}
export interface MissingSummary {
  kind: 'GBZNT' | 'LSSCGNQ' | 'YJJBNT';
  label: string;
  count: number;
  areaM2: number;
}
export interface TaoheRun {
  runId: number | null;
  versions: Record<string, number>;
  city: TaoheFigures;
  byDistrict: TaoheFigures[];
  missing: MissingSummary[] | null;
  resultLayer: string | null;
  resultVersion: number | null;
  durationMs: number;
  createdAt: string | null;
  createdBy: string;
  note: string | null;
}

export interface Balance {
  district: string;
  quotaType: string;
  quotaName: string;
  creditedM2: number;
  receivedM2: number;
  spentM2: number;
  transferredM2: number;
  remainingM2: number;
  lots: number;
  occupations: number;
}
export interface Agreement {
  id: number;
  fromDistrict: string;
  toDistrict: string;
  quotaType: string;
  quotaName: string;
  areaM2: number;
  priceWanPerMu: number | null;
  fundsYi: number | null;
  signedOn: string;
  note: string | null;
}
export interface InOut {
  district: string;
  year: number;
  inM2: number;
  outM2: number;
  netM2: number;
  balanced: boolean;
}
export interface Ledger {
  balances: Balance[];
  inout: InOut[];
  agreements: Agreement[];
  districts: Record<string, string>;
}
export interface Occupation {
  id: number;
  district: string;
  quotaName: string;
  project: string;
  grade: number;
  paddy: boolean;
  areaM2: number;
  year: number;
  agreementId: number | null;
  createdBy: string;
}

export interface CaseView {
  id: number;
  status: string;
  statusZh: string;
  open: boolean;
  district: string | null;
  openedOn: string;
  deadline: string;
  daysLeft: number | null;
  overdue: boolean;
  dueSoon: boolean;
  assignee: string | null;
  verification: Record<string, unknown> | null;
  outcomeNote: string | null;
  closedOn: string | null;
  alertCount: number;
  sources: string[];
  areaM2: number;
  geometry: Geometry;
  allowedActions: string[];
}
export interface CaseDetail extends CaseView {
  alerts: {
    id: number;
    source: string;
    external_id: string | null;
    observed_at: string;
    evidence_url: string | null;
    description: string | null;
    geometry: Geometry;
  }[];
  events: { at_date: string; actor: string; action: string; from_status: string | null; to_status: string; note: string | null }[];
}
export interface PatrolStats {
  today: string;
  byDistrict: { district: string | null; alerts: number; openCases: number; closedCases: number; overdueCases: number }[];
  bySource: { source: string; sourceZh: string; alerts: number; openCases: number; closedCases: number }[];
  byStatus: { status: string; statusZh: string; cases: number }[];
}

export interface Project {
  id: number;
  code: string;
  name: string;
  district: string;
  pilot: boolean;
  startYear: number;
  status: string;
  figures: Record<string, number | boolean>;
  projectAreaM2: number;
  consolidationAreaM2: number;
  lastVerdict?: string | null;
  lastCheckId?: number | null;
}
export interface Finding {
  ruleId: string;
  title: string;
  verdict: string;
  message: string;
  legalBasis: string | null;
  layer: string;
  details: Record<string, unknown>;
  overlapAreaM2: number;
  geometry: Geometry | null;
}
export interface ProjectCheck {
  id: number;
  ruleset_name: string;
  ruleset_version: number;
  facts: Record<string, unknown>;
  findings: Finding[];
  verdict: string;
  checked_on: string;
  created_by: string;
}
export interface ProjectDetail extends Project {
  areas: { id: number; kind: string; name: string; area_m2: number; geometry: Geometry }[];
  checks: ProjectCheck[];
}
export interface Progress {
  year: number;
  items: {
    code: string;
    name: string;
    unit: string;
    target: number;
    actual: number;
    percentOfTarget: number | null;
    met: boolean;
    source: string;
  }[];
}
export interface Evaluation {
  year: number;
  method: string;
  districts: {
    district: string;
    projects: number;
    pilots: number;
    startedThisYear: number;
    projectAreaMu: number;
    newCultivatedMu: number;
    checked: number;
    pass: number;
    warn: number;
    fail: number;
    score: number | null;
  }[];
}

export const getAccounts = (year?: number) => api<Accounts>('/api/farmland/accounts', { query: { year } });
export const getChange = (from: number, to: number) => api<Change>('/api/farmland/accounts/change', { query: { from, to } });
export const getTargets = () => api<TargetRow[]>('/api/farmland/targets');
export const getDistricts = () => api<District[]>('/api/farmland/districts');
export const getLayerVersions = (code: string) => api<{ version: number; createdAt?: string }[]>(`/api/layers/${code}/versions`);

export const taoheNow = () => api<TaoheRun>('/api/farmland/taohe');
export const taoheRuns = () => api<TaoheRun[]>('/api/farmland/taohe/runs');
export const runTaohe = (note?: string) => api<TaoheRun>('/api/farmland/taohe/runs', { body: note ? { note } : {} });
export const missingPatches = (runId: number, kind: string) =>
  api<GeoJSON.FeatureCollection>(`/api/farmland/taohe/runs/${runId}/missing`, {
    query: { kind },
    headers: { accept: 'application/geo+json' },
  });

export const getLedger = () => api<Ledger>('/api/farmland/ledger');
export const getOccupations = () => api<Occupation[]>('/api/farmland/ledger/occupations');
export const available = (q: { district: string; grade: number; paddy?: boolean; quotaType?: string }) =>
  api<{ availableM2: number; availableMu: number }>('/api/farmland/ledger/available', { query: q });
export const approveOccupation = (b: {
  district: string;
  grade: number;
  paddy: boolean;
  areaMu: number;
  project: string;
  year: number;
  quotaType?: string;
}) => api<{ remainingM2: number }>('/api/farmland/ledger/occupations', { body: b });

export const listCases = (q: { status?: string; source?: string; district?: string; overdue?: boolean }) =>
  api<CaseView[]>('/api/farmland/cases', { query: q });
export const getCase = (id: number) => api<CaseDetail>(`/api/farmland/cases/${id}`);
export const caseStats = () => api<PatrolStats>('/api/farmland/cases/stats');
export const actOnCase = (id: number, b: { action: string; assignee?: string; note?: string }) =>
  api<CaseView>(`/api/farmland/cases/${id}/actions`, { body: b });

export const listProjects = () => api<Project[]>('/api/farmland/projects');
export const getProject = (id: number) => api<ProjectDetail>(`/api/farmland/projects/${id}`);
export const checkProject = (id: number) =>
  api<{ checkId: number; verdict: string; findings: Finding[] }>(`/api/farmland/projects/${id}/checks`, { method: 'POST' });
export const getProgress = () => api<Progress>('/api/farmland/projects/progress');
export const getEvaluation = (year: number) => api<Evaluation>('/api/farmland/projects/evaluation', { query: { year } });
