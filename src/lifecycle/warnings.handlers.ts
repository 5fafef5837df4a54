// Handlers of the warnings and their board, the yearly ledgers and the nightly run (routes:
// lifecycle.routes.ts; schemas: lifecycle.schemas.ts).
import { endpoint } from '../server/route.ts';
import { listWarnings as warnings, runNightly, warningBoard as board } from './rules.ts';
import { yearLedgers } from './ledgers.ts';
import { districtFilter } from './machine.ts';
import * as s from './lifecycle.schemas.ts';

export const listWarnings = endpoint(s.listWarnings, async (req) => warnings(req.server.ctx.db, req.user, req.query));

export const warningBoard = endpoint(s.warningBoard, async (req) => board(req.server.ctx.db, req.user, req.server.ctx.config.districts));

export const ledgers = endpoint(s.ledgers, async (req) =>
  yearLedgers(req.server.ctx.db, req.params.year, { districts: districtFilter(req.user, req.query.district) }),
);

export const nightly = endpoint(s.nightly, async (req) => {
  const { db, config } = req.server.ctx;
  return runNightly(db, config.clock, `nightly:${req.user.username}`);
});
