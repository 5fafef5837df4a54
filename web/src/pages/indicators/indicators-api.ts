// The indicators area's view of /api/indicators/… (src/indicators/indicators.routes.ts) and the few
// helpers its pages share: value formatting through format.ts, level colours and labels. Every type
// comes from the generated client (web/src/api/openapi.d.ts).
import { GET, POST, PUT, type Body, type Ok, type Query } from '../../api/client.ts';
import { num } from '../../format.ts';
import { t } from '../../i18n/index.ts';

export type Dashboard = Ok<'/api/indicators/dashboard'>;
export type DashboardIndicator = Dashboard['indicators'][number];
export type Region = Dashboard['region'];
export type RankedDistrict = DashboardIndicator['districts'][number];
export type Level = NonNullable<DashboardIndicator['level']>;
/** An alert as listed; the alert page's detail adds its notes. */
export type Alert = Ok<'/api/indicators/alerts'>['items'][number] & Partial<Pick<Ok<'/api/indicators/alerts/{id}'>, 'noteList'>>;
export type MapData = Ok<'/api/indicators/map'>;
export type Evaluation = Ok<'/api/indicators/evaluation'>;
export type Definition = Ok<'/api/indicators/definitions'>[number];
export type DefinitionBody = Body<'/api/indicators/definitions/{code}', 'put'>;
export type Target = Ok<'/api/indicators/targets'>[number];
export type RunResult = Ok<'/api/indicators/compute', 'post'>;

export const getDashboard = (q: Query<'/api/indicators/dashboard'>) => GET('/api/indicators/dashboard', { query: q });
export const getMap = (indicator: string, year?: number) => GET('/api/indicators/map', { query: { indicator, year } });
export const getEvaluation = (to?: number, region?: string) => GET('/api/indicators/evaluation', { query: { to, span: 5, region } });
export type AlertFilter = Query<'/api/indicators/alerts'>;
/** The alert list; status and level come from the page's address as typed there, and the server checks them. */
export const listAlerts = (q: Omit<AlertFilter, 'status' | 'level'> & Partial<Record<'status' | 'level', string>>) =>
  GET('/api/indicators/alerts', { query: q as AlertFilter });
export const getAlert = (id: number) => GET('/api/indicators/alerts/{id}', { path: { id } });
export const acknowledge = (id: number, note: string) =>
  POST('/api/indicators/alerts/{id}/acknowledge', { path: { id }, body: note ? { note } : {} });
export const addNote = (id: number, body: string) => POST('/api/indicators/alerts/{id}/notes', { path: { id }, body: { body } });
export const compute = (year: number) => POST('/api/indicators/compute', { body: { year } });
export const listDefinitions = () => GET('/api/indicators/definitions');
/** The registry page's JSON editor sends what the administrator typed: the server checks it and names every problem. */
export const putDefinition = (code: string, body: DefinitionBody | Record<string, unknown>) =>
  PUT('/api/indicators/definitions/{code}', { path: { code }, body: body as DefinitionBody });
export const listKinds = () => GET('/api/indicators/kinds');
export const listTargets = (q: Query<'/api/indicators/targets'>) => GET('/api/indicators/targets', { query: q });

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

/** The value a card shows: the cumulative one where the indicator adds up over the years. */
export const shownValue = (i: DashboardIndicator) => (i.aggregate === 'cumulative' && i.cumulative !== null ? i.cumulative : i.value);
/** "≥80.5 %（2035 底线）": the target, its bound and year, and whether it is a floor not to cross. */
export const targetText = (i: DashboardIndicator) =>
  i.target
    ? `${i.target.bound === 'min' ? '≥' : '≤'}${fmtValue(i.target.value, i.decimals, i.unit)}（${i.target.year}${i.target.hard ? ` ${t('indicators.targetFloor')}` : ''}）`
    : '—';
/** A share (0..1) as a percentage with one decimal, '—' when unknown. */
export const share = (v: number | null) => (v === null ? '—' : `${num(v * 100, 1)}%`);

/** The dimensions in the order of the national check-up rules (安全, 创新, 协调, 绿色, 开放, 共享). */
export const DIMENSIONS = ['安全', '创新', '协调', '绿色', '开放', '共享'];
