// HTTP routes of farmland protection (/api/farmland…): accounts and targets, 多田套合 (now, and
// stored runs whose missing patches are served as GeoJSON and drawn by the tiles as a layer
// version), settings, the balance ledgers, patrol cases and consolidation projects (their handlers
// in ledger/patrol/consolidation `.handlers.ts`).
// Built for the web pages (accounts dashboard, 套合 map, ledgers, case board, project checks).
// District officers see their own districts only (http.ts).
import type { FastifyInstance } from 'fastify';
import { endpoint, get, mount, patch, put, post, type Route } from '../server/route.ts';
import { appendAudit } from '../audit/audit.ts';
import { accounts, cultivatedChange, districtList } from './accounts.ts';
import { computeTaohe, runTaohe, getTaoheRun, listTaoheRuns, missingGeoJson } from './taohe.ts';
import * as farm from './farmland.repository.ts';
import { getSettings, putSettings, type FarmlandSettings } from './settings.ts';
import { ACCESS, scope } from './http.ts';
import * as ledger from './ledger.handlers.ts';
import * as patrol from './patrol.handlers.ts';
import * as projects from './consolidation.handlers.ts';
import * as s from './farmland.schemas.ts';

export function farmlandRoutes(app: FastifyInstance): void {
  const table: Route[] = [
    // accounts and targets
    get('/api/farmland/accounts', ACCESS.read, getAccounts),
    get('/api/farmland/accounts/change', ACCESS.read, getChange),
    get('/api/farmland/districts', ACCESS.read, getDistricts),
    get('/api/farmland/targets', ACCESS.read, getTargets),
    put('/api/farmland/targets', ACCESS.admin, putTarget),
    get('/api/farmland/settings', ACCESS.read, getFarmlandSettings),
    put('/api/farmland/settings/:key', ACCESS.admin, putFarmlandSettings),
    // 多田套合
    get('/api/farmland/taohe', ACCESS.read, taoheNow),
    post('/api/farmland/taohe/runs', ACCESS.planner, runTaoheNow),
    get('/api/farmland/taohe/runs', ACCESS.read, taoheRuns),
    get('/api/farmland/taohe/runs/:id', ACCESS.read, taoheRun),
    get('/api/farmland/taohe/runs/:id/missing', ACCESS.read, missingPatches),
    // balance ledgers
    get('/api/farmland/ledger', ACCESS.read, ledger.summary),
    get('/api/farmland/ledger/lots', ACCESS.read, ledger.lots),
    get('/api/farmland/ledger/occupations', ACCESS.read, ledger.occupations),
    get('/api/farmland/ledger/available', ACCESS.read, ledger.available),
    post('/api/farmland/ledger/compensations', ACCESS.register, ledger.addCompensation),
    post('/api/farmland/ledger/occupations', ACCESS.approve, ledger.approveOccupation),
    post('/api/farmland/ledger/agreements', ACCESS.planner, ledger.signAgreement),
    post('/api/farmland/ledger/inout', ACCESS.register, ledger.recordInOut),
    // patrol alerts and cases
    post('/api/farmland/alerts', ACCESS.intake, patrol.intake),
    get('/api/farmland/cases', ACCESS.read, patrol.listCases),
    get('/api/farmland/cases/warnings', ACCESS.read, patrol.warnings),
    get('/api/farmland/cases/stats', ACCESS.read, patrol.stats),
    get('/api/farmland/cases/:id', ACCESS.read, patrol.getCase),
    post('/api/farmland/cases/:id/actions', ACCESS.casework, patrol.act),
    // consolidation projects
    get('/api/farmland/projects', ACCESS.read, projects.list),
    post('/api/farmland/projects', ACCESS.register, projects.create),
    get('/api/farmland/projects/progress', ACCESS.read, projects.progress),
    get('/api/farmland/projects/evaluation', ACCESS.read, projects.evaluation),
    get('/api/farmland/projects/:id', ACCESS.read, projects.detail),
    patch('/api/farmland/projects/:id', ACCESS.register, projects.update),
    post('/api/farmland/projects/:id/checks', ACCESS.check, projects.check),
  ];
  mount(app, table);
}

const getAccounts = endpoint(s.accounts, async (req) => {
  const { db, config } = req.server.ctx;
  return accounts(db, config.districts, { year: req.query.year, districts: scope(req) });
});

const getChange = endpoint(s.change, async (req) => {
  const { db, config } = req.server.ctx;
  return cultivatedChange(db, config.districts, req.query.from, req.query.to, req.query.layer ?? 'DLTB', scope(req));
});

const getDistricts = endpoint(s.districts, async (req) => districtList(req.server.ctx.db, req.server.ctx.config.districts));

const getTargets = endpoint(s.targets, async (req) => farm.targets(req.server.ctx.db));

const putTarget = endpoint(s.putTarget, async (req) =>
  req.server.ctx.db.transaction(async (tx) => {
    const t: farm.TargetRow = { ...req.body, region: req.body.region ?? '3301', bound: req.body.bound ?? 'min' };
    const before = await farm.upsertTarget(tx, t);
    await appendAudit(tx, {
      actor: req.user.username,
      action: 'farmland.target',
      entity: 'farmland_target',
      entityId: `${t.code}:${t.region}:${t.year}`,
      before,
      after: t,
    });
    return t;
  }),
);

const getFarmlandSettings = endpoint(s.settings, async (req): Promise<FarmlandSettings> => getSettings(req.server.ctx.db));

const putFarmlandSettings = endpoint(s.putSettings, async (req) =>
  req.server.ctx.db.transaction((tx) => putSettings(tx, req.params.key, req.body, req.user.username)),
);

const taoheNow = endpoint(s.taoheNow, async (req) => {
  const { db, config } = req.server.ctx;
  const r = await computeTaohe(db, config.districts);
  const sc = scope(req);
  return {
    runId: null,
    ...r,
    byDistrict: sc ? r.byDistrict.filter((d) => d.code && sc.includes(d.code)) : r.byDistrict,
    missing: null,
    resultLayer: null,
    resultVersion: null,
    createdAt: null,
    createdBy: req.user.username,
    note: null,
  };
});

const runTaoheNow = endpoint(s.runTaohe, async (req, reply) => {
  const { db, config } = req.server.ctx;
  return reply.code(201).send(await runTaohe(db, config, req.user.username, req.body?.note ?? null));
});

const taoheRuns = endpoint(s.taoheRuns, async (req) => listTaoheRuns(req.server.ctx.db, scope(req)));

const taoheRun = endpoint(s.taoheRun, async (req) => getTaoheRun(req.server.ctx.db, req.params.id, scope(req)));

const missingPatches = endpoint(s.missingPatches, async (req, reply) =>
  reply
    .type('application/geo+json; charset=utf-8')
    .send(await missingGeoJson(req.server.ctx.db, req.params.id, req.query.kind ?? null, scope(req))),
);
