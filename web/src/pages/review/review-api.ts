// The review API as the workbench uses it (src/review/review.routes.ts; shapes from
// src/review/types.ts and workflow.ts). Uploads go through XMLHttpRequest because fetch cannot
// report upload progress, and a large zipped Shapefile takes a while on a slow office network.
import { api, apiBlob, ApiError, url } from '../../api.ts';
import { t } from '../../i18n/index.ts';

export type Verdict = 'pass' | 'warn' | 'fail' | 'no-data';
export type CaseStatus = 'machine-reviewed' | 'in-review' | 'decided' | 'signed';
export type Decision = '通过' | '有条件通过' | '不通过';
export type FindingAction = 'confirm' | 'override' | 'false-positive';

export const STATUSES: CaseStatus[] = ['machine-reviewed', 'in-review', 'decided', 'signed'];
export const DECISIONS: Decision[] = ['通过', '有条件通过', '不通过'];

export interface FeatureHit {
  fid: string;
  props: Record<string, unknown>;
  overlapAreaM2: number;
  overlapAreaPlanarM2: number;
  overlapAreaMu: number;
  distanceM?: number;
}

export interface Finding {
  key: string;
  ruleId: string;
  rule: string;
  title: string;
  layer: string;
  layerName: string;
  layerVersion: number | null;
  verdict: Verdict;
  message: string;
  legalBasis: string | null;
  overlapAreaM2: number;
  overlapAreaPlanarM2: number;
  overlapAreaMu: number;
  overlapPercent: number;
  belowTolerance: boolean;
  features: FeatureHit[];
  geometry: GeoJSON.Geometry | null;
  details: Record<string, unknown>;
}

export interface ReviewRun {
  runId: number;
  caseId: number | null;
  verdict: 'pass' | 'warn' | 'fail';
  project: {
    name: string;
    type: string;
    typeName: string;
    indicators: Record<string, number>;
    parcelCount: number;
    parcels: { fid: string; areaM2: number; planarM2: number }[];
    areaM2: number;
    areaPlanarM2: number;
    areaMu: number;
    geometry: GeoJSON.Geometry;
    bbox: number[];
    hash: string;
  };
  findings: Finding[];
  versions: { ruleset: { name: string; version: number }; layers: Record<string, number | null> };
  tolerance: { areaM2: number; percent: number };
  createdAt: string;
  createdBy: string;
  durationMs: number;
}

export interface FindingReview {
  findingKey: string;
  action: FindingAction;
  verdictBefore: Verdict;
  verdictAfter: Verdict;
  reason: string | null;
  by: string;
  at: string;
}

export interface ReviewCase {
  id: number;
  title: string;
  applicant: string | null;
  projectType: string;
  status: CaseStatus;
  statusName: string;
  decision: Decision | null;
  conditions: string[];
  opinion: string | null;
  signedBy: string | null;
  signedAt: string | null;
  createdBy: string;
  createdAt: string;
  run: ReviewRun;
  reviews: FindingReview[];
  findings: { key: string; title: string; layer: string; machineVerdict: Verdict; finalVerdict: Verdict; reviewed: boolean }[];
  pending: string[];
}

export interface CaseListItem {
  id: number;
  title: string;
  applicant: string | null;
  projectType: string;
  status: CaseStatus;
  statusName: string;
  decision: Decision | null;
  machineVerdict: 'pass' | 'warn' | 'fail';
  createdBy: string;
  createdAt: string | null;
}

export interface TrailEntry {
  at: string;
  actor: string;
  action: string;
  before: unknown;
  after: unknown;
}
export interface ProjectType {
  code: string;
  name: string;
}

/** Scheme indicators (方案指标) the rules read; names as the API takes them. */
export const INDICATORS = ['far', 'height', 'density', 'greenRatio', 'groundElevation'] as const;
export type IndicatorName = (typeof INDICATORS)[number];

export const listCases = (o: { status?: string; q?: string; limit: number; offset: number }) =>
  api<CaseListItem[]>('/api/review/cases', { query: o });
export const getCase = (id: number) => api<ReviewCase>(`/api/review/cases/${id}`);
export const caseTrail = (id: number) => api<TrailEntry[]>(`/api/review/cases/${id}/trail`);
export const projectTypes = () => api<ProjectType[]>('/api/review/project-types');

export const reviewFinding = (id: number, key: string, body: { action: FindingAction; verdict?: Verdict; reason: string }) =>
  api<ReviewCase>(`/api/review/cases/${id}/findings/${encodeURIComponent(key)}/review`, { body });
export const decide = (id: number, body: { decision: Decision; conditions: string[]; opinion?: string }) =>
  api<ReviewCase>(`/api/review/cases/${id}/decision`, { body });
export const sign = (id: number) => api<ReviewCase>(`/api/review/cases/${id}/sign`, { method: 'POST' });
export const withdraw = (id: number, reason: string) => api<ReviewCase>(`/api/review/cases/${id}/withdraw`, { body: { reason } });
export const rerun = (id: number) => api<ReviewCase>(`/api/review/cases/${id}/rerun`, { method: 'POST' });
export const opinionPdf = (id: number) => apiBlob(`/api/review/cases/${id}/opinion.pdf`);
export const opinionHtmlUrl = (id: number) => `/api/review/cases/${id}/opinion.html`;

export interface SubmitFields {
  title: string;
  applicant?: string;
  type: string;
  indicators?: Partial<Record<IndicatorName, number>>;
  /** Source CRS when the file does not say (e.g. 4549). */
  srid?: number;
  encoding?: string;
}

/** A drawn boundary (lon/lat, CGCS2000) as a JSON submission. */
export const submitDrawn = (f: SubmitFields, polygon: GeoJSON.Polygon) =>
  api<ReviewCase>('/api/review/cases', {
    body: {
      title: f.title,
      applicant: f.applicant || undefined,
      type: f.type,
      indicators: f.indicators,
      geojson: { type: 'Feature', properties: { DKBH: 'DK-01' }, geometry: polygon },
    },
  });

/**
 * Uploads a boundary file (one file, a .zip, or the parts of one Shapefile) and submits the case;
 * `onProgress(share)` follows the upload (0..1), then the server runs the machine review and
 * answers with the case.
 */
export function submitFile(f: SubmitFields, files: File[], onProgress: (share: number) => void, signal?: AbortSignal): Promise<ReviewCase> {
  const form = new FormData();
  form.set('title', f.title);
  form.set('type', f.type);
  if (f.applicant) form.set('applicant', f.applicant);
  if (f.indicators && Object.keys(f.indicators).length) form.set('indicators', JSON.stringify(f.indicators));
  if (f.srid) form.set('srid', String(f.srid));
  if (f.encoding) form.set('encoding', f.encoding);
  for (const file of files) form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url('/api/review/cases/file'));
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onerror = () => reject(new ApiError(0, t('error.network')));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    xhr.onload = () => {
      let body: { error?: string; code?: string; problems?: unknown[] } | null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as unknown as ReviewCase);
      else reject(new ApiError(xhr.status, body?.error ?? `${xhr.status} ${xhr.statusText}`, body?.code, body?.problems));
    };
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}
