// fetch wrapper for the platform's API. Errors come back as { statusCode, code, error, problems? }
// (src/server/errors.ts); ApiError carries them so a page can show `e.message` as it is.
import { t } from './i18n/index.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly problems?: unknown[],
  ) {
    super(message);
  }
}

export interface ApiOptions {
  method?: string;
  /** A plain object is sent as JSON; FormData / Blob / string as they are. */
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export function url(path: string, query?: ApiOptions['query']): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

/** Listeners told about 401s, so the shell can send the user to the sign-in page. */
const unauthorized = new Set<() => void>();
export const onUnauthorized = (f: () => void) => unauthorized.add(f);

async function request(path: string, o: ApiOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
  let body: BodyInit | undefined;
  if (o.body instanceof FormData || o.body instanceof Blob || typeof o.body === 'string') body = o.body as BodyInit;
  else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] = 'application/json';
  }
  let r: Response;
  try {
    r = await fetch(url(path, o.query), {
      method: o.method ?? (body ? 'POST' : 'GET'),
      body,
      headers,
      signal: o.signal,
      credentials: 'same-origin',
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, t('error.network'));
  }
  if (!r.ok) {
    const b = (await r.json().catch(() => null)) as { error?: string; code?: string; problems?: unknown[] } | null;
    const fallback =
      r.status === 401
        ? t('error.unauthorized')
        : r.status === 403
          ? t('error.forbidden')
          : r.status === 404
            ? t('error.notFound')
            : `${r.status} ${r.statusText}`;
    if (r.status === 401) unauthorized.forEach((f) => f());
    throw new ApiError(r.status, b?.error ?? fallback, b?.code, b?.problems);
  }
  return r;
}

/** JSON from the API: `await api<Layer[]>('/api/layers')`. */
export async function api<T = unknown>(path: string, o: ApiOptions = {}): Promise<T> {
  const r = await request(path, o);
  if (r.status === 204) return undefined as T;
  return (await r.json()) as T;
}

/** A binary answer (PDF, PNG, export files) as a Blob. */
export async function apiBlob(path: string, o: ApiOptions = {}): Promise<Blob> {
  return (await request(path, { ...o, headers: { accept: '*/*', ...o.headers } })).blob();
}

/** Save a Blob as a file through a temporary link. */
export function download(blob: Blob, filename: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** A readable message for anything caught in a page. */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
