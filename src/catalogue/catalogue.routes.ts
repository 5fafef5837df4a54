// HTTP routes of the layer catalogue and its version history.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import { layerSummaries, getLayer, setLayerCoverage } from './catalogue.service.ts';
import { requestUser } from '../server/user.ts';
import { listVersions, diffVersions } from '../store/store.service.ts';

export function catalogueRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/layers', async () => {
    const layers = await layerSummaries(db);
    return layers.map((l) => ({ code: l.code, name: l.name_zh, class: l.class, version: l.active_version, featureCount: l.feature_count, public: l.public }));
  });

  app.get<{ Params: { code: string } }>('/api/layers/:code', async (req) => getLayer(db, req.params.code));

  app.get<{ Params: { code: string } }>('/api/layers/:code/versions', async (req) => listVersions(db, req.params.code));

  app.get<{ Params: { code: string }; Querystring: { from: string; to: string } }>(
    '/api/layers/:code/diff',
    { schema: { querystring: { type: 'object', required: ['from', 'to'], properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } } } } },
    async (req) => diffVersions(db, req.params.code, Number(req.query.from), Number(req.query.to)),
  );

  // Where the layer's data is complete; null clears it (= the whole city). Administrators only once roles exist (issue 4).
  app.put<{ Params: { code: string }; Body: { coverage: unknown } }>('/api/layers/:code/coverage',
    { bodyLimit: 20 * 1024 * 1024, schema: { body: { type: 'object', required: ['coverage'], properties: { coverage: { type: ['object', 'null'] } } } } },
    async (req) => setLayerCoverage(db, req.params.code, req.body.coverage, requestUser(req)));
}
