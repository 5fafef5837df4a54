// Handlers of the four case workflows of the land lifecycle: idle land, approved-but-unsupplied
// batches, inefficient land and expropriation–resettlement projects (routes: lifecycle.routes.ts;
// schemas: cases.schemas.ts).
import { endpoint } from '../server/route.ts';
import { getIdleCase, listIdleCases as idleCases, transitionIdle } from './idle.ts';
import {
  addDisposal,
  batchDetail,
  createBatch as create,
  listBatches as batches,
  setDigestionTask,
  transitionBatch,
} from './unsupplied.ts';
import {
  getInefficientCase,
  listInefficientCases as inefficientCases,
  redevelopmentModes,
  rulesFor,
  saveFacts as facts,
  saveRules as save,
  transitionInefficient,
} from './inefficient.ts';
import {
  createProject as createP,
  listProjects as projects,
  locatePlot as locate,
  projectDetail,
  transitionProject,
} from './resettlement.ts';
import { assertDistrict } from './machine.ts';
import * as s from './cases.schemas.ts';

// ---- 闲置土地 -------------------------------------------------------------------------------------
export const listIdleCases = endpoint(s.listIdleCases, async (req) => {
  const { db, config } = req.server.ctx;
  return idleCases(db, config.clock, req.user, req.query);
});

export const idleCase = endpoint(s.idleCase, async (req) => {
  const { db, config } = req.server.ctx;
  const c = await getIdleCase(db, config.clock, req.params.id);
  assertDistrict(req.user, c.district, `闲置土地案件 #${c.id}`);
  return c;
});

export const idleStep = endpoint(s.idleStep, async (req) => {
  const { db, config } = req.server.ctx;
  return transitionIdle(db, config.clock, req.params.id, req.body.to, req.body, req.user);
});

// ---- 批而未供 -------------------------------------------------------------------------------------
export const listBatches = endpoint(s.listBatches, async (req) => batches(req.server.ctx.db, req.user, req.query));

export const createBatch = endpoint(s.createBatch, async (req, reply) => {
  const { db, config } = req.server.ctx;
  return reply.code(201).send(await create(db, config.clock, req.body, req.user));
});

export const batch = endpoint(s.batch, async (req) => {
  const b = await batchDetail(req.server.ctx.db, req.params.id);
  assertDistrict(req.user, b.district, `批次 ${b.batchNo}`);
  return b;
});

export const batchStep = endpoint(s.batchStep, async (req) => {
  const { db, config } = req.server.ctx;
  return transitionBatch(db, config.clock, req.params.id, req.body.to, req.body, req.user);
});

export const batchDisposal = endpoint(s.batchDisposal, async (req, reply) => {
  const { db, config } = req.server.ctx;
  return reply.code(201).send(await addDisposal(db, config.clock, req.params.id, req.body, req.user));
});

export const digestionTask = endpoint(s.digestionTask, async (req) => {
  const { year, district } = req.params;
  await setDigestionTask(req.server.ctx.db, year, district, req.body.taskM2, req.user);
  return { year, district, taskM2: req.body.taskM2 };
});

// ---- 低效用地 -------------------------------------------------------------------------------------
export const rules = endpoint(s.rules, async (req) => {
  const { db, config } = req.server.ctx;
  return rulesFor(db, req.query.year ?? Number(config.clock.today().slice(0, 4)));
});

export const saveRules = endpoint(s.saveRules, async (req) => save(req.server.ctx.db, req.params.year, req.body.rules, req.user));

export const saveFacts = endpoint(s.saveFacts, async (req) =>
  facts(req.server.ctx.db, req.params.year, req.body.facts, req.body.source ?? 'api', req.user),
);

export const modes = endpoint(s.modes, async (req) => redevelopmentModes(req.server.ctx.db));

export const listInefficientCases = endpoint(s.listInefficientCases, async (req) =>
  inefficientCases(req.server.ctx.db, req.user, req.query),
);

export const inefficientCase = endpoint(s.inefficientCase, async (req) => {
  const c = await getInefficientCase(req.server.ctx.db, req.params.id);
  assertDistrict(req.user, c.district, `低效用地案件 #${c.id}`);
  return c;
});

export const inefficientStep = endpoint(s.inefficientStep, async (req) => {
  const { db, config } = req.server.ctx;
  return transitionInefficient(db, config.clock, req.params.id, req.body.to, req.body, req.user);
});

// ---- 征收–安置 ------------------------------------------------------------------------------------
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
