// The platform's own routes: /health (load balancers, monitoring, the landing page's link).
import type { FastifyInstance } from 'fastify';
import { endpoint, get, mount, type Route } from './route.ts';
import * as s from './system.schemas.ts';
import { figures } from './health.ts';

export function systemRoutes(app: FastifyInstance): void {
  const table: Route[] = [get('/health', 'public', health)];
  mount(app, table);
}

// Counts only what the caller may read: the public does not learn how many restricted layers exist.
// The public's figures (monitors, load balancers) come from ctx.health: answered at once from the
// last reading while the embedded database is busy (an import's transaction holds its one
// session), with `checkedAt` saying when they were read (util/stale-while-busy.ts).
const health = endpoint(s.health, async (req) => {
  const { db, config, health: cached } = req.server.ctx;
  const { value, at } = req.user.role === 'anonymous' ? await cached.get() : { value: await figures(db, req.user), at: Date.now() };
  return { status: 'ok' as const, database: db.kind, ...value, extent: config.cityExtent, checkedAt: new Date(at).toISOString() };
});
