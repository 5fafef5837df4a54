// Handlers of inefficient land (低效用地): the year's rules and facts, redevelopment modes, the cases
// and their workflow (routes: lifecycle.routes.ts; schemas: cases.schemas.ts).
import { endpoint } from '../server/route.ts';
import {
  getInefficientCase,
  listInefficientCases as inefficientCases,
  redevelopmentModes,
  rulesFor,
  saveFacts as facts,
  saveRules as save,
  transitionInefficient,
} from './inefficient.ts';
import { assertDistrict } from './machine.ts';
import * as s from './cases.schemas.ts';

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
