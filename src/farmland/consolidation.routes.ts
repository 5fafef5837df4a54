// HTTP routes of land consolidation projects (/api/farmland/projects…): projects with sub-areas and
// declared figures, the checks of the land-consolidation rule set (review engine registry), the
// progress against the city's 2027 targets and the yearly evaluation by district.
import type { FastifyInstance } from 'fastify';
import { endpoint, get, mount, patch, post, type Route } from '../server/route.ts';
import * as projects from './consolidation.ts';
import { ACCESS, scope, assertDistrict } from './http.ts';
import * as s from './consolidation.schemas.ts';

export function consolidationRoutes(app: FastifyInstance): void {
  const table: Route[] = [
    get('/api/farmland/projects', ACCESS.read, list),
    post('/api/farmland/projects', ACCESS.register, create),
    get('/api/farmland/projects/progress', ACCESS.read, progress),
    get('/api/farmland/projects/evaluation', ACCESS.read, evaluation),
    get('/api/farmland/projects/:id', ACCESS.read, detail),
    patch('/api/farmland/projects/:id', ACCESS.register, update),
    post('/api/farmland/projects/:id/checks', ACCESS.check, check),
  ];
  mount(app, table);
}

const list = endpoint(s.list, async (req) => projects.listProjects(req.server.ctx.db, scope(req)));

const create = endpoint(s.create, async (req, reply) => {
  assertDistrict(req, req.body.district);
  return reply.code(201).send(await projects.createProject(req.server.ctx.db, req.body, req.user.username));
});

const progress = endpoint(s.progress, async (req) => projects.progress(req.server.ctx.db));

const evaluation = endpoint(s.evaluation, async (req) => projects.evaluation(req.server.ctx.db, req.query.year, scope(req)));

const detail = endpoint(s.get, async (req) => {
  const p = await projects.getProjectDetail(req.server.ctx.db, req.params.id);
  assertDistrict(req, p.district);
  return p;
});

const update = endpoint(s.update, async (req) => {
  const { db } = req.server.ctx;
  assertDistrict(req, (await projects.getProjectDetail(db, req.params.id)).district);
  return projects.updateProject(db, req.params.id, req.body, req.user.username);
});

const check = endpoint(s.check, async (req, reply) => {
  const { db, config } = req.server.ctx;
  assertDistrict(req, (await projects.getProjectDetail(db, req.params.id)).district);
  return reply.code(201).send(await projects.checkProject(db, config.clock, req.params.id, req.user.username));
});
