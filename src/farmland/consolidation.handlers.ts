// Handlers of land consolidation projects (/api/farmland/projects…; routes: farmland.routes.ts):
// projects with sub-areas and declared figures, the checks of the land-consolidation rule set (review
// engine registry), the progress against the city's 2027 targets and the yearly evaluation by district.
import { endpoint } from '../server/route.ts';
import * as projects from './consolidation.ts';
import { scope, assertDistrict } from './http.ts';
import * as s from './consolidation.schemas.ts';

export const list = endpoint(s.list, async (req) => projects.listProjects(req.server.ctx.db, scope(req)));

export const create = endpoint(s.create, async (req, reply) => {
  assertDistrict(req, req.body.district);
  return reply.code(201).send(await projects.createProject(req.server.ctx.db, req.body, req.user.username));
});

export const progress = endpoint(s.progress, async (req) => projects.progress(req.server.ctx.db));

export const evaluation = endpoint(s.evaluation, async (req) => projects.evaluation(req.server.ctx.db, req.query.year, scope(req)));

export const detail = endpoint(s.get, async (req) => {
  const p = await projects.getProjectDetail(req.server.ctx.db, req.params.id);
  assertDistrict(req, p.district);
  return p;
});

export const update = endpoint(s.update, async (req) => {
  const { db } = req.server.ctx;
  assertDistrict(req, (await projects.getProjectDetail(db, req.params.id)).district);
  return projects.updateProject(db, req.params.id, req.body, req.user.username);
});

export const check = endpoint(s.check, async (req, reply) => {
  const { db, config } = req.server.ctx;
  assertDistrict(req, (await projects.getProjectDetail(db, req.params.id)).district);
  return reply.code(201).send(await projects.checkProject(db, config.clock, req.params.id, req.user.username));
});
