// Handlers of the balance ledgers (/api/farmland/ledger…; routes: farmland.routes.ts): 占补平衡 lots
// and occupations (an occupation is approved only when the balance covers it), cross-district
// agreements and 进出平衡.
import { endpoint } from '../server/route.ts';
import { m2ToMu } from '../area/units.ts';
import * as ledger from './ledger.ts';
import { scope, assertDistrict } from './http.ts';
import * as s from './ledger.schemas.ts';

export const summary = endpoint(s.summary, async (req) =>
  ledger.ledgerSummary(req.server.ctx.db, req.server.ctx.config.districts, scope(req)),
);

export const lots = endpoint(s.lots, async (req) => ledger.listLots(req.server.ctx.db, scope(req)));

export const occupations = endpoint(s.occupations, async (req) => ledger.listOccupations(req.server.ctx.db, scope(req)));

export const available = endpoint(s.available, async (req) => {
  assertDistrict(req, req.query.district);
  const m2 = await ledger.available(req.server.ctx.db, req.query);
  return { availableM2: m2, availableMu: m2ToMu(m2) };
});

export const addCompensation = endpoint(s.addCompensation, async (req, reply) => {
  assertDistrict(req, req.body.district);
  return reply.code(201).send(await ledger.addCompensation(req.server.ctx.db, req.body, req.user.username));
});

export const approveOccupation = endpoint(s.approveOccupation, async (req, reply) => {
  assertDistrict(req, req.body.district);
  return reply.code(201).send(await ledger.approveOccupation(req.server.ctx.db, req.body, req.user.username));
});

export const signAgreement = endpoint(s.signAgreement, async (req, reply) =>
  reply.code(201).send(await ledger.signAgreement(req.server.ctx.db, req.body, req.user.username)),
);

export const recordInOut = endpoint(s.recordInOut, async (req, reply) => {
  assertDistrict(req, req.body.district);
  return reply.code(201).send(await ledger.recordInOut(req.server.ctx.db, req.body, req.user.username));
});
