// HTTP routes of the land lifecycle (/api/lifecycle/…): the land code register and a parcel's
// timeline, idle land, approved-but-unsupplied batches, inefficient land, expropriation–
// resettlement projects, the warnings and their board by district, the yearly ledgers and the
// nightly run. Lists take status/district filters so the web pages use them directly; district
// officers see and act on their own districts only (machine.ts). The handlers are in
// register.handlers.ts (register, warnings, ledgers, nightly) and cases.handlers.ts (the four
// case workflows).
import type { FastifyInstance } from 'fastify';
import { get, mount, post, put, type Route } from '../server/route.ts';
import * as r from './register.handlers.ts';
import * as c from './cases.handlers.ts';

// Who may do what (domain.md §1): every signed-in role reads; planners and district officers
// keep the register, batches and projects; inspectors also work the cases (调查认定, 调查确认);
// administrators set the yearly thresholds and tasks and may start the nightly run by hand.
const REGISTER = ['planner', 'district'] as const;
const CASEWORK = ['planner', 'district', 'inspector'] as const;
const ADMIN = ['admin'] as const;
const L = '/api/lifecycle';

export function lifecycleRoutes(app: FastifyInstance): void {
  const table: Route[] = [
    // 土地码
    get(`${L}/parcels`, 'staff', r.listParcels),
    post(`${L}/parcels`, REGISTER, r.registerParcel),
    get(`${L}/parcels/:landCode`, 'staff', r.parcel),
    get(`${L}/parcels/:landCode/timeline`, 'staff', r.timeline),
    post(`${L}/parcels/:landCode/events`, REGISTER, r.recordEvent),
    get(`${L}/context`, 'staff', r.context),

    // 闲置土地
    get(`${L}/idle-cases`, 'staff', c.listIdleCases),
    get(`${L}/idle-cases/:id`, 'staff', c.idleCase),
    post(`${L}/idle-cases/:id/transition`, CASEWORK, c.idleStep),

    // 批而未供
    get(`${L}/unsupplied/batches`, 'staff', c.listBatches),
    post(`${L}/unsupplied/batches`, REGISTER, c.createBatch),
    get(`${L}/unsupplied/batches/:id`, 'staff', c.batch),
    post(`${L}/unsupplied/batches/:id/transition`, REGISTER, c.batchStep),
    post(`${L}/unsupplied/batches/:id/disposals`, REGISTER, c.batchDisposal),
    put(`${L}/unsupplied/tasks/:year/:district`, ADMIN, c.digestionTask),

    // 低效用地
    get(`${L}/inefficient/rules`, 'staff', c.rules),
    put(`${L}/inefficient/rules/:year`, ADMIN, c.saveRules),
    post(`${L}/inefficient/facts/:year`, CASEWORK, c.saveFacts),
    get(`${L}/inefficient/modes`, 'staff', c.modes),
    get(`${L}/inefficient/cases`, 'staff', c.listInefficientCases),
    get(`${L}/inefficient/cases/:id`, 'staff', c.inefficientCase),
    post(`${L}/inefficient/cases/:id/transition`, CASEWORK, c.inefficientStep),

    // 征收–安置
    get(`${L}/resettlement/projects`, 'staff', c.listProjects),
    post(`${L}/resettlement/projects`, REGISTER, c.createProject),
    get(`${L}/resettlement/projects/:id`, 'staff', c.project),
    put(`${L}/resettlement/projects/:id/plot`, REGISTER, c.locatePlot),
    post(`${L}/resettlement/projects/:id/transition`, REGISTER, c.projectStep),

    // 预警、台账、夜间规则
    get(`${L}/warnings`, 'staff', r.listWarnings),
    get(`${L}/warnings/board`, 'staff', r.warningBoard),
    get(`${L}/ledgers/:year`, 'staff', r.ledgers),
    post(`${L}/nightly`, ADMIN, r.nightly),
  ];
  mount(app, table);
}
