// The review API as the workbench uses it (src/review/review.routes.ts). Every type comes from the
// generated client (web/src/api/openapi.d.ts). Uploads go through XMLHttpRequest because fetch
// cannot report upload progress, and a large zipped Shapefile takes a while on a slow office network.
import { ApiError, url } from '../../api.ts';
import { GET, GETBlob, POST, type Body, type Geo, type Ok, type Query } from '../../api/client.ts';
import { t } from '../../i18n/index.ts';

export type ReviewCase = Geo<Ok<'/api/review/cases/{id}'>>;
export type ReviewRun = Geo<Ok<'/api/review/runs/{id}'>>;
export type Finding = ReviewRun['findings'][number];
export type FeatureHit = Finding['features'][number];
export type FindingReview = ReviewCase['reviews'][number];
export type CaseListItem = Ok<'/api/review/cases'>[number];
export type TrailEntry = Ok<'/api/review/cases/{id}/trail'>[number];
export type ProjectType = Ok<'/api/review/project-types'>[number];
export type Verdict = Finding['verdict'];
export type CaseStatus = ReviewCase['status'];
export type Decision = Body<'/api/review/cases/{id}/decision', 'post'>['decision'];
export type FindingAction = Body<'/api/review/cases/{id}/findings/{key}/review', 'post'>['action'];

export const STATUSES: CaseStatus[] = ['machine-reviewed', 'in-review', 'decided', 'signed'];
export const DECISIONS: Decision[] = ['通过', '有条件通过', '不通过'];

/** Scheme indicators (方案指标) the rules read; names as the API takes them. */
export const INDICATORS = ['far', 'height', 'density', 'greenRatio', 'groundElevation'] as const;
export type IndicatorName = (typeof INDICATORS)[number];

/** A status from the address that is not one of the API's lists every case. */
export const listCases = (o: Omit<Query<'/api/review/cases'>, 'status'> & { status?: string }) =>
  GET('/api/review/cases', { query: { ...o, status: STATUSES.find((s) => s === o.status) } });
const asCase = (p: Promise<Ok<'/api/review/cases/{id}'>>) => p as Promise<ReviewCase>;
export const getCase = (id: number) => asCase(GET('/api/review/cases/{id}', { path: { id } }));
export const caseTrail = (id: number) => GET('/api/review/cases/{id}/trail', { path: { id } });
export const projectTypes = () => GET('/api/review/project-types');

export const reviewFinding = (id: number, key: string, body: Body<'/api/review/cases/{id}/findings/{key}/review', 'post'>) =>
  asCase(POST('/api/review/cases/{id}/findings/{key}/review', { path: { id, key }, body }));
export const decide = (id: number, body: Body<'/api/review/cases/{id}/decision', 'post'>) =>
  asCase(POST('/api/review/cases/{id}/decision', { path: { id }, body }));
export const sign = (id: number) => asCase(POST('/api/review/cases/{id}/sign', { path: { id } }));
export const withdraw = (id: number, reason: string) => asCase(POST('/api/review/cases/{id}/withdraw', { path: { id }, body: { reason } }));
export const rerun = (id: number) => asCase(POST('/api/review/cases/{id}/rerun', { path: { id } }));
export const opinionPdf = (id: number) => GETBlob('/api/review/cases/{id}/opinion.pdf', { path: { id } });
export const opinionHtmlUrl = (id: number) => `/api/review/cases/${id}/opinion.html`;

/**
 * What a submission says besides its boundary (the JSON body's members; a file upload sends the
 * same as form fields, plus the attribute encoding of a Shapefile or TXT).
 */
export type SubmitFields = Pick<Body<'/api/review/cases', 'post'>, 'title' | 'applicant' | 'type' | 'indicators' | 'srid' | 'from'> & {
  encoding?: string;
};

/** A drawn boundary (lon/lat, CGCS2000) as a JSON submission. */
export const submitDrawn = (f: SubmitFields, polygon: GeoJSON.Polygon) =>
  asCase(
    POST('/api/review/cases', {
      body: {
        title: f.title,
        applicant: f.applicant || undefined,
        type: f.type,
        indicators: f.indicators,
        geojson: { type: 'Feature', properties: { DKBH: 'DK-01' }, geometry: polygon },
      },
    }),
  );

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
  // Web-map coordinates (GCJ-02 / BD-09) are converted to CGCS2000 by the server before review.
  if (f.from) form.set('from', f.from);
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
