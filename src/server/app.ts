// buildApp({ db, config }): the HTTP application, with no module-level state, so tests build
// one per database. Route modules live with their capability (catalogue/, review/, …); this file
// only puts the cross-cutting parts in order: errors, deadlines, who is calling, uploads, the
// OpenAPI document, then the routes.
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { genReqId } from './logging.ts';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { catalogueRoutes } from '../catalogue/catalogue.routes.ts';
import { datumParamsRoutes } from '../importers/datum-params.routes.ts';
import { reviewRoutes } from '../review/review.routes.ts';
import { accessRoutes } from '../access/access.routes.ts';
import { authRoutes } from '../auth/auth.routes.ts';
import { auditRoutes } from '../audit/audit.routes.ts';
import { searchRoutes } from '../search/search.routes.ts';
import { ogcapiRoutes } from '../ogcapi/ogcapi.routes.ts';
import { tileRoutes } from '../tiles/tiles.routes.ts';
import { farmlandRoutes } from '../farmland/farmland.routes.ts';
import { portalRoutes } from '../portal/portal.routes.ts';
import { lifecycleRoutes } from '../lifecycle/lifecycle.routes.ts';
import { mapviewRoutes } from '../mapview/mapview.routes.ts';
import { indicatorsRoutes } from '../indicators/indicators.routes.ts';
import { submissionRoutes } from '../submissions/submissions.routes.ts';
import { webRoutes } from '../web/web.routes.ts';
import { installAuth } from '../auth/guard.ts';
import { CallerCache } from '../auth/callers.ts';
import { installErrorHandling } from './errors.ts';
import { installSecurityHeaders } from './headers.ts';
import { installInputChecks } from './input.ts';
import { installInputBounds } from './bounds.ts';
import { installRequestDeadline } from './limits.ts';
import { installUploads } from './upload.ts';
import { systemRoutes } from './system.routes.ts';
import { figures } from './health.ts';
import { ANONYMOUS } from '../auth/types.ts';
import { StaleWhileBusy } from '../util/stale-while-busy.ts';
import type { AppContext } from './context.ts';
import { GdalLoader } from '../importers/gdal/loader.ts';

export interface AppDeps {
  db: Db;
  config: Config;
  /** false (tests, default), true, or logger options (serve: loggerOptions() in logging.ts). */
  logger?: FastifyServerOptions['logger'];
  /** Folder of the built web application (default dist/web); tests point it elsewhere. */
  webDist?: string;
}

// One version, package.json's: the OpenAPI document states the same version as npm.
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function buildApp({ db, config, logger = false, webDist }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    genReqId,
    requestIdHeader: false,
    bodyLimit: config.limits.jsonBytes,
    trustProxy: process.env.ONEMAP_TRUST_PROXY === '1',
  });
  const ctx: AppContext = {
    db,
    config,
    callers: new CallerCache(),
    routes: [],
    health: new StaleWhileBusy(() => figures(db, ANONYMOUS)),
    gdal: new GdalLoader(),
  };
  app.decorate('ctx', ctx);
  // A new version of a layer changes the public's feature counts.
  const forgetHealth = db.events.onLayerChanged(() => ctx.health.clear());
  app.addHook('onClose', async () => forgetHealth());
  // Users, sessions or tokens changed through this database handle (by this app, another app on
  // the same handle, or a service call): forget who held which credential.
  const forgetCallers = db.events.onUsersChanged(() => ctx.callers.clear());
  app.addHook('onClose', async () => forgetCallers());

  // Routes registered by plugins (API docs, static assets) are public; every other route states
  // its own access, and one that does not is refused to all but administrators (guard.ts).
  app.addHook('onRoute', (r) => {
    if (/^\/(api\/docs|vendor\/|assets\/)/.test(r.url) && !r.config?.access) r.config = { ...(r.config ?? {}), access: 'public' };
    // The route list the authorization matrix is generated from (test/auth.routes.test.ts).
    for (const m of [r.method].flat()) ctx.routes.push({ method: String(m), url: r.url, access: r.config?.access });
  });

  installErrorHandling(app);
  installSecurityHeaders(app);
  installInputChecks(app);
  installInputBounds(app, config.limits.bounds);
  installRequestDeadline(app, config.limits);
  await installAuth(app, db, config.limits, ctx.callers);
  await installUploads(app, config.limits);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'onemap — 国土空间规划“一张图”实施监督信息系统 API',
        version: VERSION,
        description:
          'Sign in with POST /api/auth/login (session cookie) or send `Authorization: Bearer om_…` (API token issued by an administrator). Errors: `{ statusCode, code, error, problems? }`.',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'onemap_session' }, token: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });

  systemRoutes(app);
  catalogueRoutes(app);
  datumParamsRoutes(app);
  reviewRoutes(app);
  accessRoutes(app);
  authRoutes(app);
  auditRoutes(app);
  searchRoutes(app);
  ogcapiRoutes(app);
  tileRoutes(app, db, config);
  farmlandRoutes(app);
  portalRoutes(app);
  lifecycleRoutes(app);
  mapviewRoutes(app);
  indicatorsRoutes(app);
  submissionRoutes(app);

  // Last: the web application's catch-all page route must not shadow an API route.
  webRoutes(app, webDist);
  return app;
}
