// The typed API client. Every path, parameter, body and answer type comes from openapi.d.ts,
// which is generated from the server's route schemas (npm run gen:client) and committed — so a
// page that reads a field the server does not send, or sends a body the server refuses, fails
// the typecheck instead of the user. Errors come back as ApiError (../api.ts).
import type { paths } from './openapi';
import { api, apiBlob, type ApiOptions } from '../api.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Json<C> = C extends { content: { 'application/json': infer J } }
  ? J
  : C extends { content: { 'application/geo+json': infer J } }
    ? J
    : never;
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/** The JSON answer of a path and method (its first 2xx response). */
export type Ok<P extends keyof paths, M extends Method = 'get'> =
  Op<P, M> extends { responses: infer R }
    ? R extends { 200: infer C }
      ? Json<C>
      : R extends { 201: infer C }
        ? Json<C>
        : R extends { 202: infer C }
          ? Json<C>
          : undefined
    : never;

/**
 * T with every geometry the server sends (StoredGeometry of src/schema.ts: `{ type, coordinates?,
 * geometries?, crs? }`, loosely typed) read as G — GeoJSON.Geometry unless a page knows better
 * (the lifecycle stores only (Multi)Polygons). Nothing else in T changes.
 */
type GeoKeys = 'type' | 'coordinates' | 'geometries' | 'crs';
export type Geo<T, G = GeoJSON.Geometry> = T extends object
  ? [Exclude<keyof T, GeoKeys>] extends [never]
    ? 'type' extends keyof T
      ? G
      : T
    : { [K in keyof T]: Geo<T[K], G> }
  : T;

/** The JSON body a path and method take. */
export type Body<P extends keyof paths, M extends Method> =
  Op<P, M> extends { requestBody?: infer RB }
    ? [NonNullable<RB>] extends [never]
      ? never // no body (`requestBody?: never`)
      : NonNullable<RB> extends { content: { 'application/json': infer B } }
        ? B
        : never // not JSON (multipart: a FormData)
    : never;

/** The query parameters of a path and method. */
export type Query<P extends keyof paths, M extends Method = 'get'> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? (Q extends undefined ? never : Q) : never;

type PathParams<P extends keyof paths, M extends Method> =
  Op<P, M> extends { parameters: { path: infer PP } } ? (PP extends undefined | never ? never : PP) : never;

type Init<P extends keyof paths, M extends Method> = {
  signal?: AbortSignal;
  headers?: Record<string, string>;
} & ([PathParams<P, M>] extends [never] ? { path?: never } : { path: PathParams<P, M> }) &
  ([Query<P, M>] extends [never] ? { query?: never } : { query?: Query<P, M> }) &
  ([Body<P, M>] extends [never] ? { body?: FormData } : { body: Body<P, M> | FormData });

/** Paths that answer a method. */
export type PathsWith<M extends Method> = { [P in keyof paths]: paths[P][M] extends undefined | never ? never : P }[keyof paths];

/** `/api/layers/{code}` with `{ code: 'DLTB' }` → `/api/layers/DLTB`. */
export function fill(path: string, params?: Record<string, string | number>): string {
  return path.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params?.[k];
    if (v === undefined) throw new Error(`missing path parameter ${k} for ${path}`);
    return encodeURIComponent(String(v));
  });
}

function options(
  method: Method,
  init: { path?: unknown; query?: unknown; body?: unknown; signal?: AbortSignal; headers?: Record<string, string> } = {},
): ApiOptions {
  return {
    method: method.toUpperCase(),
    query: init.query as ApiOptions['query'],
    body: init.body,
    signal: init.signal,
    headers: init.headers,
  };
}

// `{} extends X`: every member of X is optional, so the init argument may be left out.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type Args<P extends keyof paths, M extends Method> = {} extends Init<P, M> ? [init?: Init<P, M>] : [init: Init<P, M>];

function caller<M extends Method>(method: M) {
  return <P extends PathsWith<M>>(path: P, ...[init]: Args<P, M>): Promise<Ok<P, M>> =>
    api<Ok<P, M>>(fill(path as string, (init as { path?: Record<string, string | number> } | undefined)?.path), options(method, init));
}

export const GET = caller('get');
export const POST = caller('post');
export const PUT = caller('put');
export const PATCH = caller('patch');
export const DELETE = caller('delete');

/** A binary answer (PDF, XLSX, PNG, exports) of a GET path. */
export function GETBlob<P extends PathsWith<'get'>>(path: P, ...[init]: Args<P, 'get'>): Promise<Blob> {
  return apiBlob(fill(path as string, (init as { path?: Record<string, string | number> } | undefined)?.path), options('get', init));
}
