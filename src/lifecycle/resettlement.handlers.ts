// Handlers of expropriation–resettlement projects (征收–安置): register, list, detail, locating the
// plot and the milestones (routes: lifecycle.routes.ts; schemas: cases.schemas.ts).
import { endpoint } from '../server/route.ts';
import {
  createProject as createP,
  listProjects as projects,
  locatePlot as locate,
  projectDetail,
  transitionProject,
} from './resettlement.ts';
import { assertDistrict } from './machine.ts';
import * as s from './cases.schemas.ts';

export const listProjects = endpoint(s.listProjects, async (req) => projects(req.server.ctx.db, req.user, req.query));

export const createProject = endpoint(s.createProject, async (req, reply) => {
  const { db, config } = req.server.ctx;
  return reply.code(201).send(await createP(db, config.clock, req.body, req.user));
});

export const project = endpoint(s.project, async (req) => {
  const p = await projectDetail(req.server.ctx.db, req.params.id);
  assertDistrict(req.user, p.district, `征收安置项目 ${p.code}`);
  return p;
});

export const locatePlot = endpoint(s.locatePlot, async (req) => {
  const { db, config } = req.server.ctx;
  return locate(db, config.clock, req.params.id, req.body, req.user);
});

export const projectStep = endpoint(s.projectStep, async (req) => {
  const { db, config } = req.server.ctx;
  return transitionProject(db, config.clock, req.params.id, req.body.to, req.body, req.user);
});
