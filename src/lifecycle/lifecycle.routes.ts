// HTTP routes of the land lifecycle (/api/lifecycle/…): the land code register and a parcel's
// timeline, idle land, approved-but-unsupplied batches, inefficient land, expropriation–
// resettlement projects, the warnings and their board by district, the yearly ledgers and the
// nightly run. Lists take status/district filters so the web pages use them directly; district
// officers see and act on their own districts only (machine.ts). The handlers sit in one file per
// capability (landcode, idle, unsupplied, inefficient, resettlement, warnings `.handlers.ts`).
import type { FastifyInstance } from 'fastify';
import { get, mount, post, put, type Route } from '../server/route.ts';
import * as landcode from './landcode.handlers.ts';
import * as idle from './idle.handlers.ts';
import * as unsupplied from './unsupplied.handlers.ts';
import * as inefficient from './inefficient.handlers.ts';
import * as resettlement from './resettlement.handlers.ts';
import * as warnings from './warnings.handlers.ts';

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
    get(`${L}/parcels`, 'staff', landcode.listParcels),
    post(`${L}/parcels`, REGISTER, landcode.registerParcel),
    get(`${L}/parcels/:landCode`, 'staff', landcode.parcel),
    get(`${L}/parcels/:landCode/timeline`, 'staff', landcode.timeline),
    post(`${L}/parcels/:landCode/events`, REGISTER, landcode.recordEvent),
    get(`${L}/context`, 'staff', landcode.context),

    // 闲置土地
    get(`${L}/idle-cases`, 'staff', idle.listIdleCases),
    get(`${L}/idle-cases/:id`, 'staff', idle.idleCase),
    post(`${L}/idle-cases/:id/transition`, CASEWORK, idle.idleStep),

    // 批而未供
    get(`${L}/unsupplied/batches`, 'staff', unsupplied.listBatches),
    post(`${L}/unsupplied/batches`, REGISTER, unsupplied.createBatch),
    get(`${L}/unsupplied/batches/:id`, 'staff', unsupplied.batch),
    post(`${L}/unsupplied/batches/:id/transition`, REGISTER, unsupplied.batchStep),
    post(`${L}/unsupplied/batches/:id/disposals`, REGISTER, unsupplied.batchDisposal),
    put(`${L}/unsupplied/tasks/:year/:district`, ADMIN, unsupplied.digestionTask),

    // 低效用地
    get(`${L}/inefficient/rules`, 'staff', inefficient.rules),
    put(`${L}/inefficient/rules/:year`, ADMIN, inefficient.saveRules),
    post(`${L}/inefficient/facts/:year`, CASEWORK, inefficient.saveFacts),
    get(`${L}/inefficient/modes`, 'staff', inefficient.modes),
    get(`${L}/inefficient/cases`, 'staff', inefficient.listInefficientCases),
    get(`${L}/inefficient/cases/:id`, 'staff', inefficient.inefficientCase),
    post(`${L}/inefficient/cases/:id/transition`, CASEWORK, inefficient.inefficientStep),

    // 征收–安置
    get(`${L}/resettlement/projects`, 'staff', resettlement.listProjects),
    post(`${L}/resettlement/projects`, REGISTER, resettlement.createProject),
    get(`${L}/resettlement/projects/:id`, 'staff', resettlement.project),
    put(`${L}/resettlement/projects/:id/plot`, REGISTER, resettlement.locatePlot),
    post(`${L}/resettlement/projects/:id/transition`, REGISTER, resettlement.projectStep),

    // 预警、台账、夜间规则
    get(`${L}/warnings`, 'staff', warnings.listWarnings),
    get(`${L}/warnings/board`, 'staff', warnings.warningBoard),
    get(`${L}/ledgers/:year`, 'staff', warnings.ledgers),
    post(`${L}/nightly`, ADMIN, warnings.nightly),
  ];
  mount(app, table);
}
