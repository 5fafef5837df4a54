// HTTP route of place search (search.service.ts): public, answered inside the caller's layer scope.
import type { FastifyInstance } from 'fastify';
import { endpoint, get, mount, type Route } from '../server/route.ts';
import { searchPlaces } from './search.service.ts';
import * as s from './search.schemas.ts';

export function searchRoutes(app: FastifyInstance): void {
  const table: Route[] = [get('/api/search', 'public', search)];
  mount(app, table);
}

const search = endpoint(s.search, async (req) => {
  const { db, config } = req.server.ctx;
  const text = req.query.q.trim();
  return { query: text, hits: await searchPlaces(db, config.districts, req.user, text, req.query.limit ?? 10) };
});
