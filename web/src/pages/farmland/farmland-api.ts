// The farmland API (src/farmland/*.routes.ts) as the pages use it: one function per call, and the
// answers' types taken from the generated client (web/src/api/openapi.d.ts), never written by
// hand. Areas come in m² (ellipsoidal); the pages show them in 亩 and m² (format.ts).
import { GET, POST, type Body, type Ok, type Query } from '../../api/client.ts';
import { api } from '../../api.ts';

export type Accounts = Ok<'/api/farmland/accounts'>;
export type Category = Accounts['city'][number];
export type TargetCheck = Accounts['targets'][number];
export type TargetRow = Ok<'/api/farmland/targets'>[number];
export type District = Ok<'/api/farmland/districts'>[number];
export type Change = Ok<'/api/farmland/accounts/change'>;

export type TaoheRun = Ok<'/api/farmland/taohe'>;
export type TaoheFigures = TaoheRun['city'];
export type MissingSummary = NonNullable<TaoheRun['missing']>[number];

export type Ledger = Ok<'/api/farmland/ledger'>;
export type Balance = Ledger['balances'][number];
export type Agreement = Ledger['agreements'][number];
export type InOut = Ledger['inout'][number];
export type QuotaType = Balance['quotaType'];
export type Occupation = Ok<'/api/farmland/ledger/occupations'>[number];

export type CaseView = Ok<'/api/farmland/cases'>[number];
export type CaseDetail = Ok<'/api/farmland/cases/{id}'>;
export type Geometry = CaseView['geometry'];
export type CaseSource = NonNullable<Query<'/api/farmland/cases'>['source']>;
export type CaseAction = CaseView['allowedActions'][number];
export type PatrolStats = Ok<'/api/farmland/cases/stats'>;

export type Project = Ok<'/api/farmland/projects'>[number];
export type ProjectDetail = Ok<'/api/farmland/projects/{id}'>;
export type ProjectCheck = ProjectDetail['checks'][number];
export type Finding = ProjectCheck['findings'][number];
export type Progress = Ok<'/api/farmland/projects/progress'>;
export type Evaluation = Ok<'/api/farmland/projects/evaluation'>;

export const getAccounts = (year?: number) => GET('/api/farmland/accounts', { query: { year } });
export const getChange = (from: number, to: number) => GET('/api/farmland/accounts/change', { query: { from, to } });
export const getTargets = () => GET('/api/farmland/targets');
export const getDistricts = () => GET('/api/farmland/districts');
export const getLayerVersions = (code: string) => GET('/api/layers/{code}/versions', { path: { code } });

export const taoheNow = () => GET('/api/farmland/taohe');
export const taoheRuns = () => GET('/api/farmland/taohe/runs');
export const runTaohe = (note?: string) => POST('/api/farmland/taohe/runs', { body: note ? { note } : {} });
/** The missing patches of a stored run (GeoJSON, which the schema documents as text). */
export const missingPatches = (runId: number, kind: NonNullable<Query<'/api/farmland/taohe/runs/{id}/missing'>>['kind']) =>
  api<GeoJSON.FeatureCollection>(`/api/farmland/taohe/runs/${runId}/missing`, {
    query: { kind },
    headers: { accept: 'application/geo+json' },
  });

export const getLedger = () => GET('/api/farmland/ledger');
export const getOccupations = () => GET('/api/farmland/ledger/occupations');
export const available = (q: Query<'/api/farmland/ledger/available'>) => GET('/api/farmland/ledger/available', { query: q });
export const approveOccupation = (b: Body<'/api/farmland/ledger/occupations', 'post'>) =>
  POST('/api/farmland/ledger/occupations', { body: b });

export const listCases = (q: Query<'/api/farmland/cases'>) => GET('/api/farmland/cases', { query: q });
export const getCase = (id: number) => GET('/api/farmland/cases/{id}', { path: { id } });
export const caseStats = () => GET('/api/farmland/cases/stats');
export const actOnCase = (id: number, b: Body<'/api/farmland/cases/{id}/actions', 'post'>) =>
  POST('/api/farmland/cases/{id}/actions', { path: { id }, body: b });

export const listProjects = () => GET('/api/farmland/projects');
export const getProject = (id: number) => GET('/api/farmland/projects/{id}', { path: { id } });
export const checkProject = (id: number) => POST('/api/farmland/projects/{id}/checks', { path: { id } });
export const getProgress = () => GET('/api/farmland/projects/progress');
export const getEvaluation = (year: number) => GET('/api/farmland/projects/evaluation', { query: { year } });
