// The indicators area's view of /api/indicators/… (src/indicators/indicators.routes.ts) and the few
// helpers its pages share: value formatting through format.ts, level colours and labels.
import { api } from '../../api.ts';
import { num } from '../../format.ts';
import { t } from '../../i18n/index.ts';

export type Level = 'green' | 'yellow' | 'red';

export interface Region {
  code: string;
  name: string;
  level: 'city' | 'district';
}

export interface RankedDistrict {
  code: string;
  name: string;
  value: number | null;
  level: Level | null;
  reason: string;
  rank: number | null;
}

export interface DashboardIndicator {
  code: string;
  name: string;
  nameEn: string | null;
  dimension: string;
  unit: string;
  decimals: number;
  better: 'higher' | 'lower';
  aggregate: 'annual' | 'cumulative';
  definition: string;
  basis: string | null;
  department: string | null;
  value: number | null;
  source: 'computed' | 'reported' | null;
  note: string | null;
  computedValue: number | null;
  reportedValue: number | null;
  cumulative: number | null;
  level: Level | null;
  status: 'assessed' | 'none' | 'no-data' | 'not-started';
  reason: string;
  progress: number | null;
  elapsed: number | null;
  ratio: number | null;
  target: { year: number; value: number; bound: 'min' | 'max'; hard: boolean; baseYear: number | null; source: string } | null;
  targets: { year: number; value: number; bound: 'min' | 'max'; hard: boolean }[];
  provenance: Record<string, unknown> | null;
  provenanceText: string;
  trend: { year: number; value: number | null; cumulative: number | null; source: string | null; level: Level | null }[];
  districts: RankedDistrict[];
}

export interface Dashboard {
  year: number;
  evaluatedOn: string;
  region: Region;
  city: Region;
  districts: Region[];
  years: number[];
  counts: { green: number; yellow: number; red: number; none: number };
  indicators: DashboardIndicator[];
}

export interface Alert {
  id: number;
  indicator: string;
  indicatorName: string | null;
  unit: string | null;
  region: string;
  regionName: string;
  year: number;
  level: Level;
  reason: string;
  value: number | null;
  target: number | null;
  targetYear: number | null;
  department: string | null;
  status: 'open' | 'acknowledged' | 'resolved';
  raisedOn: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  resolvedOn: string | null;
  webhookStatus: string | null;
  notes: number;
  noteList?: { id: number; author: string; body: string; createdAt: string }[];
}

export interface MapData {
  type: 'FeatureCollection';
  indicator: { code: string; name: string; unit: string; decimals: number; better: 'higher' | 'lower'; aggregate: string };
  year: number;
  city: { code: string; name: string; value: number | null; level: Level | null };
  range: [number, number] | null;
  features: {
    type: 'Feature';
    properties: { code: string; name: string; value: number | null; level: Level | null; rank: number | null; reason: string };
    geometry: GeoJSON.Geometry;
  }[];
}

export interface Evaluation {
  region: Region;
  from: number;
  to: number;
  years: number[];
  indicators: {
    code: string;
    name: string;
    dimension: string;
    unit: string;
    decimals: number;
    better: string;
    values: { year: number; value: number | null; level: Level | null; source: string | null }[];
    change: number | null;
    changePercent: number | null;
    improving: boolean | null;
  }[];
}

export interface Definition {
  code: string;
  name: string;
  dimension: string;
  kind: string;
  params: Record<string, unknown>;
  unit: string;
  decimals: number;
  better: string;
  aggregate: string;
  definition: string;
  department?: string;
  builtin: boolean;
  enabled: boolean;
  updatedBy: string;
  updatedAt: string;
  [k: string]: unknown;
}

export interface Target {
  indicator: string;
  region: string;
  regionName: string;
  year: number;
  value: number;
  bound: 'min' | 'max';
  hard: boolean;
  baseYear: number | null;
  baseline: number | null;
  source: string;
}

export const getDashboard = (q: { year?: number; region?: string }) => api<Dashboard>('/api/indicators/dashboard', { query: q });
export const getMap = (indicator: string, year?: number) => api<MapData>('/api/indicators/map', { query: { indicator, year } });
export const getEvaluation = (to?: number, region?: string) =>
  api<Evaluation>('/api/indicators/evaluation', { query: { to, span: 5, region } });
export const listAlerts = (q: { status?: string; level?: string; year?: number; limit?: number }) =>
  api<{ total: number; items: Alert[] }>('/api/indicators/alerts', { query: q });
export const getAlert = (id: number) => api<Alert>(`/api/indicators/alerts/${id}`);
export const acknowledge = (id: number, note: string) =>
  api<Alert>(`/api/indicators/alerts/${id}/acknowledge`, { body: note ? { note } : {} });
export const addNote = (id: number, body: string) => api<Alert>(`/api/indicators/alerts/${id}/notes`, { body: { body } });
export const compute = (year: number) =>
  api<{ runId: number; alerts: { raised: number; escalated: number; resolved: number; open: number }; durationMs: number }>(
    '/api/indicators/compute',
    { body: { year } },
  );
export const listDefinitions = () => api<Definition[]>('/api/indicators/definitions');
export const putDefinition = (code: string, body: Record<string, unknown>) =>
  api<Definition>(`/api/indicators/definitions/${encodeURIComponent(code)}`, { method: 'PUT', body });
export const listKinds = () => api<{ kinds: { name: string; label: string; description: string }[] }>('/api/indicators/kinds');
export const listTargets = (q: { indicator?: string; region?: string; year?: number }) =>
  api<Target[]>('/api/indicators/targets', { query: q });

export const LEVEL_COLOR: Record<Level | 'none', string> = { green: '#1e8449', yellow: '#d4a017', red: '#c0392b', none: '#9ca3af' };
export const levelLabel = (l: Level | null | undefined, status?: string) =>
  l
    ? t(`indicators.level.${l}`)
    : status === 'no-data'
      ? t('indicators.level.noData')
      : status === 'not-started'
        ? t('indicators.level.notStarted')
        : t('indicators.level.none');

/** "47,000 亩", "62.5%", "1.65" — an indicator value in its unit and decimals. */
export function fmtValue(v: number | null | undefined, decimals: number, unit: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const n = num(v, decimals);
  return unit === '%' ? `${n}%` : unit ? `${n} ${unit}` : n;
}

/** The dimensions in the order of the national check-up rules (安全, 创新, 协调, 绿色, 开放, 共享). */
export const DIMENSIONS = ['安全', '创新', '协调', '绿色', '开放', '共享'];
