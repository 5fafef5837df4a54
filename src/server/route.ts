// How a module declares its HTTP routes (decision 0007), after pg_featureserv's `initRouter`:
// each `<module>.routes.ts` returns its route table — method, path, who may call it, the named
// handler — on one screen, and the handlers sit below it (or in `<module>.handlers.ts`), each
// bound to its schema with `endpoint(schema, fn)` so the request and the reply are typed from
// the schema (TypeBox type provider): the schema is the type.
//
// Handlers reach the application's dependencies (database, configuration, event bus, caches)
// through `req.server.ctx`, set once by buildApp: no module-level state, no closures per route.
import type {
  FastifyInstance,
  FastifySchema,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Access } from '../auth/types.ts';
import type { AppContext } from './context.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The application's dependencies, for handlers (`req.server.ctx`). */
    ctx: AppContext;
  }
}

export type Handler<S extends FastifySchema> = RouteHandlerMethod<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RouteGenericInterface,
  unknown,
  S,
  TypeBoxTypeProvider
>;

/** A handler with the schema it answers to. */
export interface Endpoint<S extends FastifySchema = FastifySchema> {
  schema: S;
  handler: Handler<S>;
}

export function endpoint<S extends FastifySchema>(schema: S, handler: Handler<S>): Endpoint<S> {
  return { schema, handler };
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export interface RouteOptions {
  /** A larger JSON body cap than the default (boundaries, coverage polygons). */
  bodyLimit?: number;
  /** A longer deadline than the default (uploads, long computations). */
  timeoutMs?: number;
  /** The body is a geometry drawn on the map: held to the drawn-vertex bound (server/bounds.ts). */
  drawn?: boolean;
}

export interface Route extends RouteOptions {
  method: Method;
  url: string;
  access: Access;
  endpoint: Endpoint<FastifySchema>;
}

function make(method: Method) {
  return <S extends FastifySchema>(url: string, access: Access, e: Endpoint<S>, o: RouteOptions = {}): Route => ({
    method,
    url,
    access,
    endpoint: e as unknown as Endpoint<FastifySchema>,
    ...o,
  });
}

export const get = make('GET');
export const post = make('POST');
export const put = make('PUT');
export const patch = make('PATCH');
export const del = make('DELETE');

/** Registers a route table. */
export function mount(app: FastifyInstance, routes: readonly Route[]): void {
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.url,
      schema: r.endpoint.schema,
      handler: r.endpoint.handler as RouteHandlerMethod,
      config: { access: r.access, ...(r.timeoutMs ? { timeoutMs: r.timeoutMs } : {}), ...(r.drawn ? { drawn: true } : {}) },
      ...(r.bodyLimit ? { bodyLimit: r.bodyLimit } : {}),
    });
  }
}
