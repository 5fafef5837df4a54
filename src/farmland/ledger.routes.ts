// HTTP routes of the balance ledgers (/api/farmland/ledger…): 占补平衡 lots and occupations (an
// occupation is approved only when the balance covers it), cross-district agreements and 进出平衡.
import type { FastifyInstance } from 'fastify';
import { endpoint, get, mount, post, type Route } from '../server/route.ts';
import { m2ToMu } from '../area/units.ts';
import * as ledger from './ledger.ts';
import { ACCESS, scope, assertDistrict } from './http.ts';
import * as s from './ledger.schemas.ts';

export function ledgerRoutes(app: FastifyInstance): void {
  const table: Route[] = [
    get('/api/farmland/ledger', ACCESS.read, summary),
    get('/api/farmland/ledger/lots', ACCESS.read, lots),
    get('/api/farmland/ledger/occupations', ACCESS.read, occupations),
    get('/api/farmland/ledger/available', ACCESS.read, available),
    post('/api/farmland/ledger/compensations', ACCESS.register, addCompensation),
    post('/api/farmland/ledger/occupations', ACCESS.approve, approveOccupation),
    post('/api/farmland/ledger/agreements', ACCESS.planner, signAgreement),
    post('/api/farmland/ledger/inout', ACCESS.register, recordInOut),
  ];
  mount(app, table);
}

const summary = endpoint(s.summary, async (req) => ledger.ledgerSummary(req.server.ctx.db, req.server.ctx.config.districts, scope(req)));

const lots = endpoint(s.lots, async (req) => ledger.listLots(req.server.ctx.db, scope(req)));

const occupations = endpoint(s.occupations, async (req) => ledger.listOccupations(req.server.ctx.db, scope(req)));

const available = endpoint(s.available, async (req) => {
  assertDistrict(req, req.query.district);
  const m2 = await ledger.available(req.server.ctx.db, req.query);
  return { availableM2: m2, availableMu: m2ToMu(m2) };
});

const addCompensation = endpoint(s.addCompensation, async (req, reply) => {
  assertDistrict(req, req.body.district);
  return reply.code(201).send(await ledger.addCompensation(req.server.ctx.db, req.body, req.user.username));
});

const approveOccupation = endpoint(s.approveOccupation, async (req, reply) => {
  assertDistrict(req, req.body.district);
  return reply.code(201).send(await ledger.approveOccupation(req.server.ctx.db, req.body, req.user.username));
});

const signAgreement = endpoint(s.signAgreement, async (req, reply) =>
  reply.code(201).send(await ledger.signAgreement(req.server.ctx.db, req.body, req.user.username)),
);

const recordInOut = endpoint(s.recordInOut, async (req, reply) => {
  assertDistrict(req, req.body.district);
  return reply.code(201).send(await ledger.recordInOut(req.server.ctx.db, req.body, req.user.username));
});
