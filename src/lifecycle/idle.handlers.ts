// Handlers of the idle-land cases (闲置土地): list, detail with its trail, workflow step
// (routes: lifecycle.routes.ts; schemas: cases.schemas.ts).
import { endpoint } from '../server/route.ts';
import { getIdleCase, listIdleCases as idleCases, transitionIdle } from './idle.ts';
import { assertDistrict } from './machine.ts';
import * as s from './cases.schemas.ts';

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
