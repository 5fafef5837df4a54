// HTTP routes of the named datum parameter sets (decision 0012): staff who import read them; only
// administrators add them (audited as datum_params.add).
import type { FastifyInstance } from 'fastify';
import { endpoint, get, mount, post, type Route } from '../server/route.ts';
import { addParamSet, listParamSets } from './datum-params.service.ts';
import * as s from './datum-params.schemas.ts';

export function datumParamsRoutes(app: FastifyInstance): void {
  const table: Route[] = [get('/api/datum-params', ['admin', 'planner', 'district'], list), post('/api/datum-params', ['admin'], add)];
  mount(app, table);
}

const list = endpoint(s.list, async (req) => listParamSets(req.server.ctx.db));

const add = endpoint(s.add, async (req, reply) => {
  const b = req.body;
  const set = await addParamSet(req.server.ctx.db, b, req.user.username);
  return reply.code(201).send(set);
});
