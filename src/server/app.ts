// buildApp({ db, config }): the HTTP application, with no module-level state, so tests build
// one per database. Route modules live with their capability (catalogue/, …).
import Fastify, { type FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { catalogueRoutes } from '../catalogue/catalogue.routes.ts';
import { UnknownLayerError } from '../catalogue/catalogue.service.ts';
import { VersionError } from '../store/store.service.ts';
import { layerSummaries } from '../catalogue/catalogue.service.ts';
import { indexPage } from './index-page.ts';
import { reviewRoutes } from '../review/review.routes.ts';
import { accessRoutes } from '../access/access.routes.ts';
import { ImportRejected } from '../importers/pipeline.ts';
import { ImportError } from '../importers/types.ts';

export interface AppDeps {
  db: Db;
  config: Config;
  logger?: boolean;
}

export async function buildApp({ db, config, logger = false }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger });

  app.setErrorHandler((err: Error & { statusCode?: number; problems?: unknown[] }, _req, reply) => {
    if (err instanceof UnknownLayerError) return reply.code(404).send({ error: err.message });
    if (err instanceof VersionError) return reply.code(404).send({ error: err.message });
    // A bad boundary or file: the message names the file, feature, line and reason.
    if (err instanceof ImportRejected) return reply.code(400).send({ error: err.message, problems: err.problems });
    if (err instanceof ImportError) return reply.code(400).send({ error: err.message });
    const status = err.statusCode;
    if (status && status < 500) return reply.code(status).send(err.problems?.length ? { error: err.message, problems: err.problems } : { error: err.message });
    app.log.error(err);
    return reply.code(500).send({ error: 'internal error' });
  });

  app.get('/health', async () => {
    const pg = await db.query<{ postgis: string; pg: string }>(`SELECT postgis_lib_version() AS postgis, current_setting('server_version') AS pg`);
    const layers = await layerSummaries(db);
    return {
      status: 'ok',
      database: db.kind,
      postgres: pg.rows[0].pg,
      postgis: pg.rows[0].postgis,
      layers: layers.length,
      layersWithFeatures: layers.filter((l) => l.feature_count > 0).length,
      features: layers.reduce((s, l) => s + l.feature_count, 0),
      extent: config.cityExtent,
    };
  });

  catalogueRoutes(app, db);
  reviewRoutes(app, db, config);
  accessRoutes(app, db, config);

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(indexPage(await layerSummaries(db))));
  return app;
}
