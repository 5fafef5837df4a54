// The platform's own routes: /health (load balancers, monitoring, the landing page's link).
import type { FastifyInstance } from 'fastify';
import { endpoint, get, mount, type Route } from './route.ts';
import { serverVersions } from '../db/db.repository.ts';
import { readableLayers } from '../auth/layers.ts';
import { layerSummaries } from '../catalogue/catalogue.service.ts';
import * as s from './system.schemas.ts';

export function systemRoutes(app: FastifyInstance): void {
  const table: Route[] = [get('/health', 'public', health)];
  mount(app, table);
}

// Counts only what the caller may read: the public does not learn how many restricted layers exist.
const health = endpoint(s.health, async (req) => {
  const { db, config } = req.server.ctx;
  const versions = await serverVersions(db);
  const readable = new Set((await readableLayers(db, req.user)).map((x) => x.layer.code));
  const layers = (await layerSummaries(db)).filter((l) => readable.has(l.code));
  return {
    status: 'ok' as const,
    database: db.kind,
    ...versions,
    layers: layers.length,
    layersWithFeatures: layers.filter((l) => l.feature_count > 0).length,
    features: layers.reduce((n, l) => n + l.feature_count, 0),
    extent: config.cityExtent,
  };
});
