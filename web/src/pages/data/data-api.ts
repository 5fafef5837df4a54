// The data-management API as its pages use it: 成果提交 (src/submissions/submissions.routes.ts) and
// the layers' version history (src/catalogue/catalogue.routes.ts). Types come from the generated client.
import { ApiError } from '../../api.ts';
import { GET, POST } from '../../api/client.ts';
import type { Ok } from '../../api/client.ts';

export type SubmissionItem = Ok<'/api/submissions'>[number];
export type Submission = Ok<'/api/submissions/{id}'>;
export type QcError = NonNullable<Submission['qc']>['errors'][number];
export type DiffFeature = NonNullable<Submission['diff']>['features'][number];
export type VersionInfo = Ok<'/api/layers/{code}/versions'>[number];
export type LayerSummary = Ok<'/api/layers'>[number];
export type VersionDiff = Ok<'/api/layers/{code}/diff'>;

export const listSubmissions = (q: { layer?: string; status?: SubmissionItem['status'] } = {}) => GET('/api/submissions', { query: q });
export const getSubmission = (id: number) => GET('/api/submissions/{id}', { path: { id } });
export const acceptSubmission = (id: number) => POST('/api/submissions/{id}/accept', { path: { id } });
export const returnSubmission = (id: number, reason: string) => POST('/api/submissions/{id}/return', { path: { id }, body: { reason } });
export const listLayers = () => GET('/api/layers');
export const layerVersions = (code: string) => GET('/api/layers/{code}/versions', { path: { code } });
export const versionDiff = (code: string, from: number, to: number) => GET('/api/layers/{code}/diff', { path: { code }, query: { from, to } });
export const submissionReportUrl = (id: number, format: 'html' | 'pdf' | 'xlsx' = 'html') => `/api/submissions/${id}/qc-report?format=${format}`;
export const versionReportUrl = (code: string, v: number, format: 'html' | 'pdf' | 'xlsx' = 'html') =>
  `/api/layers/${encodeURIComponent(code)}/versions/${v}/qc-report?format=${format}`;

/** The upload form's fields as the import names them (encoding, from, srid, idField, sourceLayer, makeValid, note). */
export type SubmitFields = Record<string, string | boolean | undefined>;

/**
 * Uploads a file (or a Shapefile's parts) as a submission for `code` through XMLHttpRequest, whose
 * upload events give the real progress (fetch has none): `onProgress(sent, total)` in bytes.
 */
export function uploadSubmission(code: string, files: File[], f: SubmitFields, onProgress: (sent: number, total: number) => void): Promise<Submission> {
  const form = new FormData();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '' && v !== false) form.set(k, String(v));
  for (const file of files) form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', `/api/layers/${encodeURIComponent(code)}/submissions`);
    x.setRequestHeader('accept', 'application/json');
    x.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
    x.onerror = () => reject(new ApiError(0, '网络错误，上传未完成'));
    x.onload = () => {
      const body = (() => {
        try {
          return JSON.parse(x.responseText) as Record<string, unknown>;
        } catch {
          return null;
        }
      })();
      if (x.status >= 200 && x.status < 300) return resolve(body as unknown as Submission);
      reject(new ApiError(x.status, String(body?.error ?? `${x.status} ${x.statusText}`), body?.code as string, body?.problems as unknown[]));
    };
    x.send(form);
  });
}
