// Handlers of the approved-but-unsupplied batches (批而未供): ledger, registration, detail, clearing
// steps, disposals and the yearly digestion task (routes: lifecycle.routes.ts; schemas: cases.schemas.ts).
import { endpoint } from '../server/route.ts';
import {
  addDisposal,
  batchDetail,
  createBatch as create,
  listBatches as batches,
  setDigestionTask,
  transitionBatch,
} from './unsupplied.ts';
import { assertDistrict } from './machine.ts';
import * as s from './cases.schemas.ts';

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
