// HTTP routes of farmland protection (/api/farmland…): accounts and targets, 多田套合 runs with the
// missing patches as GeoJSON (and as a stored layer version the tiles draw), the balance ledgers,
// patrol alerts and cases, and land consolidation projects with their checks. Built for the web
// pages (accounts dashboard, 套合 map, ledgers, case board, project checks). District officers
// see and write their own districts only (domain.md §1).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { errorSchema, HttpError } from '../server/errors.ts';
import type { StaffRole } from '../auth/types.ts';
import { accounts, cultivatedChange } from './accounts.ts';
import { computeTaohe, runTaohe, getTaoheRun, missingGeoJson, runFromRow } from './taohe.ts';
import * as farm from './farmland.repository.ts';
import { addCompensation, approveOccupation, signAgreement, recordInOut, ledgerSummary, available } from './ledger.ts';
import * as ledgerRepo from './ledger.repository.ts';
import { intakeAlert, transition, listCases, getCaseDetail, warnings, patrolStats } from './patrol.ts';
import { createProject, updateProject, getProjectDetail, checkProject, listProjects, progress, evaluation } from './consolidation.ts';
import { getSettings, putSettings } from './settings.ts';
import { appendAudit } from '../audit/audit.ts';

const loose = { type: 'object', additionalProperties: true } as const;
const looseArray = { type: 'array', items: loose } as const;
const err = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorSchema]));
const READ = err(400, 401, 403, 404);
const WRITE = err(400, 401, 403, 404, 409);
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const tags = ['farmland'];
const area = { areaM2: { type: 'number', exclusiveMinimum: 0 }, areaMu: { type: 'number', exclusiveMinimum: 0 } };
const district6 = { type: 'string', pattern: '^\\d{6}$' };

const WRITERS: StaffRole[] = ['planner', 'district'];
const PATROL: StaffRole[] = ['inspector', 'district'];

/** null = every district; a district officer's own districts otherwise. */
const scope = (req: FastifyRequest): string[] | null => (req.user.role === 'district' ? req.user.districts : null);

function assertDistrict(req: FastifyRequest, ...codes: string[]): void {
  const s = scope(req);
  const bad = s ? codes.filter((c) => !s.includes(c)) : [];
  if (bad.length) throw new HttpError(403, `超出辖区 (outside your districts ${s!.join(', ')}): ${bad.join(', ')}`, 'outside_districts');
}

export function farmlandRoutes(app: FastifyInstance, db: Db, config: Config): void {
  const clock = config.clock;

  // ---- accounts and targets ------------------------------------------------------------------
  app.get<{ Querystring: { year?: number } }>('/api/farmland/accounts', {
    config: { access: 'staff' },
    schema: {
      tags, summary: '耕地保护台账 (farmland accounts by district and city for a survey year, against the targets)',
      querystring: { type: 'object', additionalProperties: false, properties: { year: { type: 'integer', minimum: 1990, maximum: 2100, description: 'survey year: the layer versions in force at its end; default the active versions' } } },
      response: { 200: { type: 'object', additionalProperties: true, properties: { year: { type: ['integer', 'null'] }, city: looseArray, byDistrict: looseArray, targets: looseArray } }, ...READ },
    },
  }, async (req) => accounts(db, { year: req.query.year, districts: scope(req) }));

  app.get<{ Querystring: { from: number; to: number; layer?: string } }>('/api/farmland/accounts/change', {
    config: { access: 'staff' },
    schema: {
      tags, summary: '耕地变化 (cultivated land lost and gained between two survey versions, with areas and new land use)',
      querystring: { type: 'object', required: ['from', 'to'], additionalProperties: false, properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 }, layer: { type: 'string', maxLength: 40 } } },
      response: { 200: { type: 'object', additionalProperties: true, properties: { layer: { type: 'string' }, from: { type: 'integer' }, to: { type: 'integer' }, lost: loose, gained: loose, netM2: { type: 'number' }, netMu: { type: 'number' }, byNewUse: looseArray, byDistrict: looseArray, patches: looseArray } }, ...READ },
    },
  }, async (req) => {
    const c = await cultivatedChange(db, req.query.from, req.query.to, req.query.layer ?? 'DLTB');
    const s = scope(req);
    return s ? { ...c, byDistrict: c.byDistrict.filter((d) => d.code && s.includes(d.code)), patches: c.patches.filter((p) => p.district && s.includes(p.district)) } : c;
  });

  app.get('/api/farmland/targets', {
    config: { access: 'staff' },
    schema: { tags, summary: '耕地保护与整治目标 (targets with their sources)', response: { 200: { type: 'array', items: loose }, ...err(401, 403) } },
  }, async () => farm.targets(db));

  app.put<{ Body: farm.TargetRow }>('/api/farmland/targets', {
    config: { access: ['admin'] },
    schema: {
      tags, summary: '设置目标 (add or change a target; the source is required)',
      body: { type: 'object', required: ['code', 'year', 'kind', 'name_zh', 'value', 'unit', 'source'], additionalProperties: false, properties: {
        code: { type: 'string', pattern: '^[A-Z0-9_]{1,20}$' }, region: { type: 'string', pattern: '^\\d{4,6}$' }, year: { type: 'integer', minimum: 1990, maximum: 2100 },
        kind: { type: 'string', enum: ['target', 'baseline'] }, name_zh: { type: 'string', minLength: 1, maxLength: 100 }, value: { type: 'number' }, unit: { type: 'string', minLength: 1, maxLength: 20 },
        bound: { type: 'string', enum: ['min', 'max'] }, source: { type: 'string', minLength: 4, maxLength: 500 } } },
      response: { 200: loose, ...WRITE },
    },
  }, async (req) => db.transaction(async (tx) => {
    const t: farm.TargetRow = { ...req.body, region: req.body.region ?? '3301', bound: req.body.bound ?? 'min' };
    const before = await farm.upsertTarget(tx, t);
    await appendAudit(tx, { actor: req.user.username, action: 'farmland.target', entity: 'farmland_target', entityId: `${t.code}:${t.region}:${t.year}`, before, after: t });
    return t;
  }));

  app.get('/api/farmland/settings', {
    config: { access: 'staff' },
    schema: { tags, summary: '耕地保护设置 (patrol deadlines, merge distance, 多田套合 layers)', response: { 200: { type: 'object', additionalProperties: true, properties: { taohe: loose, patrol: loose } }, ...err(401, 403) } },
  }, async () => getSettings(db));

  app.put<{ Params: { key: string }; Body: Record<string, unknown> }>('/api/farmland/settings/:key', {
    config: { access: ['admin'] },
    schema: {
      tags, summary: '修改设置 (change part of a settings group: taohe or patrol)',
      params: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } }, body: loose,
      response: { 200: { type: 'object', additionalProperties: true, properties: { taohe: loose, patrol: loose } }, ...WRITE },
    },
  }, async (req) => db.transaction((tx) => putSettings(tx, req.params.key, req.body, req.user.username)));

  // ---- 多田套合 -----------------------------------------------------------------------------
  const taoheSchema = { type: 'object', additionalProperties: true, properties: {
    runId: { type: ['integer', 'null'] }, versions: loose, city: loose, byDistrict: looseArray, missing: { type: ['array', 'null'], items: loose },
    resultLayer: { type: ['string', 'null'] }, resultVersion: { type: ['integer', 'null'] }, durationMs: { type: 'number' }, createdAt: { type: ['string', 'null'] }, createdBy: { type: 'string' },
  } } as const;

  app.get('/api/farmland/taohe', {
    config: { access: 'staff' },
    schema: { tags, summary: '多田套合 now (rate and areas city-wide and by district over the active versions; nothing stored)', response: { 200: taoheSchema, ...READ, ...err(409) } },
  }, async (req) => {
    const r = await computeTaohe(db);
    const s = scope(req);
    return { runId: null, ...r, byDistrict: s ? r.byDistrict.filter((d) => d.code && s.includes(d.code)) : r.byDistrict, missing: null, resultLayer: null, resultVersion: null, createdAt: null, createdBy: req.user.username };
  });

  app.post('/api/farmland/taohe/runs', {
    config: { access: ['planner'] },
    schema: { tags, summary: '计算并保存多田套合 (stored run; the missing patches become a new version of layer DTTH_QS for the map tiles)', response: { 201: taoheSchema, ...WRITE } },
  }, async (req, reply) => reply.code(201).send(await runTaohe(db, config, req.user.username)));

  app.get('/api/farmland/taohe/runs', {
    config: { access: 'staff' },
    schema: { tags, summary: '多田套合计算记录 (stored runs, newest first)', response: { 200: { type: 'array', items: taoheSchema }, ...err(401, 403) } },
  }, async () => (await farm.taoheRuns(db)).map(runFromRow));

  app.get<{ Params: { id: number } }>('/api/farmland/taohe/runs/:id', {
    config: { access: 'staff' },
    schema: { tags, summary: '一次多田套合计算 (one stored run)', params: idParams, response: { 200: taoheSchema, ...READ } },
  }, async (req) => getTaoheRun(db, req.params.id));

  app.get<{ Params: { id: number }; Querystring: { kind?: string } }>('/api/farmland/taohe/runs/:id/missing', {
    config: { access: 'staff' },
    schema: {
      tags, summary: '未套合图斑 GeoJSON (the patches missing from each layer: kind GBZNT = where to build high-standard farmland next)',
      params: idParams, querystring: { type: 'object', additionalProperties: false, properties: { kind: { type: 'string', enum: ['GBZNT', 'LSSCGNQ', 'YJJBNT'] } } },
      response: { 200: { description: 'GeoJSON FeatureCollection (EPSG:4490 lon/lat)', content: { 'application/geo+json': { schema: { type: 'string' } } } }, ...READ },
    },
  }, async (req, reply) => reply.type('application/geo+json; charset=utf-8').send(await missingGeoJson(db, req.params.id, req.query.kind ?? null, scope(req))));

  // ---- ledgers ---------------------------------------------------------------------------------
  app.get('/api/farmland/ledger', {
    config: { access: 'staff' },
    schema: { tags, summary: '占补平衡、进出平衡台账 (balances by district and quota type, in-out per county-year, agreements)', response: { 200: { type: 'object', additionalProperties: true, properties: { balances: looseArray, inout: looseArray, agreements: looseArray } }, ...err(401, 403) } },
  }, async (req) => ledgerSummary(db, scope(req)));

  app.get('/api/farmland/ledger/lots', {
    config: { access: 'staff' },
    schema: { tags, summary: '补充指标明细 (compensation lots with quality grade and remaining area)', response: { 200: looseArray, ...err(401, 403) } },
  }, async (req) => ledgerRepo.lots(db, scope(req)));

  app.get('/api/farmland/ledger/occupations', {
    config: { access: 'staff' },
    schema: { tags, summary: '占用明细 (occupations, each with the lots that compensate it)', response: { 200: looseArray, ...err(401, 403) } },
  }, async (req) => ledgerRepo.occupations(db, scope(req)));

  const quality = { district: district6, quotaType: { type: 'string', enum: ['farmland', 'forest', 'grain'] }, grade: { type: 'integer', minimum: 1, maximum: 15 }, paddy: { type: 'boolean' }, year: { type: 'integer', minimum: 1990, maximum: 2100 } };

  app.get<{ Querystring: { district: string; quotaType?: 'farmland' | 'forest' | 'grain'; grade: number; paddy?: boolean } }>('/api/farmland/ledger/available', {
    config: { access: 'staff' },
    schema: {
      tags, summary: '可用指标 (balance an occupation of this quality could draw on now)',
      querystring: { type: 'object', required: ['district', 'grade'], additionalProperties: false, properties: { district: quality.district, quotaType: quality.quotaType, grade: quality.grade, paddy: quality.paddy } },
      response: { 200: { type: 'object', properties: { availableM2: { type: 'number' }, availableMu: { type: 'number' } } }, ...READ },
    },
  }, async (req) => {
    const m2 = await available(db, req.query);
    return { availableM2: m2, availableMu: (m2 * 15) / 10000 };
  });

  app.post<{ Body: Parameters<typeof addCompensation>[1] }>('/api/farmland/ledger/compensations', {
    config: { access: WRITERS },
    schema: {
      tags, summary: '登记补充耕地（指标） (a compensation lot with its quality grade)',
      body: { type: 'object', required: ['district', 'grade', 'source', 'year'], additionalProperties: false, properties: { ...quality, ...area, source: { type: 'string', minLength: 1, maxLength: 200 }, note: { type: 'string', maxLength: 1000 } } },
      response: { 201: loose, ...WRITE },
    },
  }, async (req, reply) => {
    assertDistrict(req, req.body.district);
    return reply.code(201).send(await addCompensation(db, req.body, req.user.username));
  });

  app.post<{ Body: Parameters<typeof approveOccupation>[1] }>('/api/farmland/ledger/occupations', {
    config: { access: ['reviewer', 'district'] },
    schema: {
      tags, summary: '审批占用 (approve a project occupying farmland only if the balance covers it; 409 insufficient_balance otherwise)',
      body: { type: 'object', required: ['district', 'grade', 'project', 'year'], additionalProperties: false, properties: { ...quality, ...area, project: { type: 'string', minLength: 1, maxLength: 200 } } },
      response: { 201: { type: 'object', additionalProperties: true, properties: { occupation: loose, matches: looseArray, remainingM2: { type: 'number' } } }, ...WRITE },
    },
  }, async (req, reply) => {
    assertDistrict(req, req.body.district);
    return reply.code(201).send(await approveOccupation(db, req.body, req.user.username));
  });

  app.post<{ Body: Parameters<typeof signAgreement>[1] }>('/api/farmland/ledger/agreements', {
    config: { access: ['planner'] },
    schema: {
      tags, summary: '跨区调剂协议 (cross-district agreement: area, quota type, price, funds; the seller’s lots move to the buyer)',
      body: { type: 'object', required: ['fromDistrict', 'toDistrict', 'quotaType', 'signedOn'], additionalProperties: false, properties: {
        fromDistrict: district6, toDistrict: district6, quotaType: quality.quotaType, ...area, priceWanPerMu: { type: 'number', minimum: 0 }, fundsYi: { type: 'number', minimum: 0 },
        signedOn: { type: 'string', format: 'date' }, note: { type: 'string', maxLength: 1000 } } },
      response: { 201: { type: 'object', additionalProperties: true, properties: { agreement: loose, matches: looseArray, received: looseArray } }, ...WRITE },
    },
  }, async (req, reply) => reply.code(201).send(await signAgreement(db, req.body, req.user.username)));

  app.post<{ Body: Parameters<typeof recordInOut>[1] }>('/api/farmland/ledger/inout', {
    config: { access: WRITERS },
    schema: {
      tags, summary: '进出平衡登记 (in: other land turned cultivated; out: cultivated turned other farm land, refused beyond the year’s in)',
      body: { type: 'object', required: ['district', 'year', 'direction'], additionalProperties: false, properties: {
        district: district6, year: quality.year, direction: { type: 'string', enum: ['in', 'out'] }, ...area, fromClass: { type: 'string', maxLength: 10 }, toClass: { type: 'string', maxLength: 10 }, note: { type: 'string', maxLength: 1000 } } },
      response: { 201: loose, ...WRITE },
    },
  }, async (req, reply) => {
    assertDistrict(req, req.body.district);
    return reply.code(201).send(await recordInOut(db, req.body, req.user.username));
  });

  // ---- patrol ----------------------------------------------------------------------------------
  const caseSchema = { type: 'object', additionalProperties: true, properties: {
    id: { type: 'integer' }, status: { type: 'string' }, statusZh: { type: 'string' }, open: { type: 'boolean' }, district: { type: ['string', 'null'] }, openedOn: { type: 'string' }, deadline: { type: 'string' },
    daysLeft: { type: ['integer', 'null'] }, overdue: { type: 'boolean' }, dueSoon: { type: 'boolean' }, assignee: { type: ['string', 'null'] }, verification: { type: ['object', 'null'], additionalProperties: true },
    outcomeNote: { type: ['string', 'null'] }, closedOn: { type: ['string', 'null'] }, alertCount: { type: 'integer' }, sources: { type: 'array', items: { type: 'string' } }, areaM2: { type: 'number' },
    geometry: loose, allowedActions: { type: 'array', items: { type: 'string' } }, alerts: looseArray, events: looseArray,
  } } as const;

  app.post<{ Body: Parameters<typeof intakeAlert>[2] }>('/api/farmland/alerts', {
    config: { access: ['inspector'] },
    schema: {
      tags, summary: '巡查线索接入 (an alert from a tower camera, remote-sensing change detection, a drone or a patrol: point or polygon, time, evidence link; merged into an open case on the same spot — 多违合一)',
      body: { type: 'object', required: ['source', 'observedAt', 'geometry'], additionalProperties: false, properties: {
        source: { type: 'string', enum: ['camera', 'remote-sensing', 'drone', 'patrol'] }, externalId: { type: 'string', minLength: 1, maxLength: 100 }, observedAt: { type: 'string', minLength: 10, maxLength: 40 },
        geometry: { type: 'object', additionalProperties: true, description: 'GeoJSON Point / Polygon / MultiPolygon, EPSG:4490 lon/lat' }, evidenceUrl: { type: 'string', maxLength: 2000 }, description: { type: 'string', maxLength: 2000 } } },
      response: { 201: { type: 'object', properties: { alertId: { type: 'integer' }, caseId: { type: 'integer' }, outcome: { type: 'string', enum: ['new-case', 'merged', 'duplicate'] }, distanceM: { type: ['number', 'null'] } } }, 200: { type: 'object', properties: { alertId: { type: 'integer' }, caseId: { type: 'integer' }, outcome: { type: 'string' }, distanceM: { type: ['number', 'null'] } } }, ...WRITE },
    },
  }, async (req, reply) => {
    const r = await intakeAlert(db, config, req.body, req.user.username);
    return reply.code(r.outcome === 'duplicate' ? 200 : 201).send(r);
  });

  app.get<{ Querystring: { status?: string; source?: string; overdue?: boolean; limit?: number } }>('/api/farmland/cases', {
    config: { access: 'staff' },
    schema: {
      tags, summary: '巡查案件 (case board: filter by status list, source, overdue)',
      querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', description: 'comma-separated statuses' }, source: { type: 'string' }, overdue: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 5000 } } },
      response: { 200: { type: 'array', items: caseSchema }, ...READ },
    },
  }, async (req) => listCases(db, clock, { status: req.query.status?.split(',').filter(Boolean), source: req.query.source, overdue: req.query.overdue, limit: req.query.limit, districts: scope(req) }));

  app.get('/api/farmland/cases/warnings', {
    config: { access: 'staff' },
    schema: { tags, summary: '逾期预警 (open cases past their deadline, and due soon)', response: { 200: { type: 'object', properties: { today: { type: 'string' }, overdue: { type: 'array', items: caseSchema }, dueSoon: { type: 'array', items: caseSchema } } }, ...err(401, 403) } },
  }, async (req) => warnings(db, clock, scope(req)));

  app.get('/api/farmland/cases/stats', {
    config: { access: 'staff' },
    schema: { tags, summary: '巡查统计 (cases and alerts by district, source and status, with overdue counts)', response: { 200: { type: 'object', properties: { today: { type: 'string' }, byDistrict: looseArray, bySource: looseArray, byStatus: looseArray } }, ...err(401, 403) } },
  }, async (req) => patrolStats(db, clock, scope(req)));

  app.get<{ Params: { id: number } }>('/api/farmland/cases/:id', {
    config: { access: 'staff' },
    schema: { tags, summary: '案件详情 (a case with its alerts and history)', params: idParams, response: { 200: caseSchema, ...READ } },
  }, async (req) => {
    const c = await getCaseDetail(db, clock, req.params.id);
    const s = scope(req);
    if (s && (!c.district || !s.includes(c.district))) throw new HttpError(404, `巡查案件 ${req.params.id} 不存在 (patrol case ${req.params.id} does not exist)`);
    return c;
  });

  app.post<{ Params: { id: number }; Body: Parameters<typeof transition>[3] }>('/api/farmland/cases/:id/actions', {
    config: { access: PATROL },
    schema: {
      tags, summary: '案件处置 (assign → verify → rectify / complete / violation / false-alarm; 409 illegal_transition otherwise)',
      params: idParams,
      body: { type: 'object', required: ['action'], additionalProperties: false, properties: {
        action: { type: 'string', enum: ['assign', 'verify', 'rectify', 'complete', 'violation', 'false-alarm'] }, assignee: { type: 'string', maxLength: 100 }, note: { type: 'string', maxLength: 2000 }, verification: loose } },
      response: { 200: caseSchema, ...WRITE },
    },
  }, async (req) => {
    const s = scope(req);
    if (s) {
      const c = await getCaseDetail(db, clock, req.params.id);
      if (!c.district || !s.includes(c.district)) throw new HttpError(403, `案件 ${req.params.id} 不在你的辖区 (outside your districts)`, 'outside_districts');
    }
    return transition(db, clock, req.params.id, req.body, req.user.username);
  });

  // ---- land consolidation ----------------------------------------------------------------------
  app.get('/api/farmland/projects', {
    config: { access: 'staff' },
    schema: { tags, summary: '土地综合整治项目 (projects with their latest check verdict)', response: { 200: looseArray, ...err(401, 403) } },
  }, async (req) => listProjects(db, scope(req)));

  app.post<{ Body: Parameters<typeof createProject>[1] }>('/api/farmland/projects', {
    config: { access: WRITERS },
    schema: {
      tags, summary: '新建整治项目 (project, sub-areas as GeoJSON in EPSG:4490, declared figures, optional before/after land-use versions)',
      body: { type: 'object', required: ['code', 'name', 'district', 'startYear', 'areas'], additionalProperties: false, properties: {
        code: { type: 'string' }, name: { type: 'string' }, district: district6, pilot: { type: 'boolean' }, startYear: { type: 'integer' }, status: { type: 'string' }, figures: loose,
        before: { type: ['object', 'null'], additionalProperties: true }, after: { type: ['object', 'null'], additionalProperties: true },
        areas: { type: 'array', minItems: 1, maxItems: 200, items: { type: 'object', required: ['kind', 'geometry'], additionalProperties: false, properties: { kind: { type: 'string', enum: ['project', 'consolidation'] }, name: { type: 'string' }, geometry: loose } } } } },
      response: { 201: loose, ...WRITE },
    },
  }, async (req, reply) => {
    assertDistrict(req, req.body.district);
    return reply.code(201).send(await createProject(db, req.body, req.user.username));
  });

  app.get('/api/farmland/projects/progress', {
    config: { access: 'staff' },
    schema: { tags, summary: '2027 目标进度 (progress against the city’s 2027 consolidation targets)', response: { 200: { type: 'object', properties: { year: { type: 'integer' }, items: looseArray } }, ...err(401, 403) } },
  }, async () => progress(db));

  app.get<{ Querystring: { year: number } }>('/api/farmland/projects/evaluation', {
    config: { access: 'staff' },
    schema: {
      tags, summary: '年度绩效评价 (yearly performance evaluation by district)',
      querystring: { type: 'object', required: ['year'], additionalProperties: false, properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } } },
      response: { 200: { type: 'object', properties: { year: { type: 'integer' }, districts: looseArray } }, ...READ },
    },
  }, async (req) => evaluation(db, req.query.year, scope(req)));

  app.get<{ Params: { id: number } }>('/api/farmland/projects/:id', {
    config: { access: 'staff' },
    schema: { tags, summary: '整治项目详情 (project, sub-areas and check history)', params: idParams, response: { 200: loose, ...READ } },
  }, async (req) => {
    const p = await getProjectDetail(db, req.params.id);
    assertDistrict(req, p.district);
    return p;
  });

  app.patch<{ Params: { id: number }; Body: Parameters<typeof updateProject>[2] }>('/api/farmland/projects/:id', {
    config: { access: WRITERS },
    schema: {
      tags, summary: '更新整治项目 (name, status, pilot, declared figures)', params: idParams,
      body: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' }, status: { type: 'string' }, pilot: { type: 'boolean' }, figures: loose } },
      response: { 200: loose, ...WRITE },
    },
  }, async (req) => {
    assertDistrict(req, (await getProjectDetail(db, req.params.id)).district);
    return updateProject(db, req.params.id, req.body, req.user.username);
  });

  app.post<{ Params: { id: number } }>('/api/farmland/projects/:id/checks', {
    config: { access: ['planner', 'reviewer', 'district'] },
    schema: {
      tags, summary: '整治项目核验 (run the land-consolidation rule set of the review registry on the project; stored)', params: idParams,
      response: { 201: { type: 'object', additionalProperties: true, properties: { checkId: { type: 'integer' }, projectId: { type: 'integer' }, code: { type: 'string' }, ruleset: loose, checkedOn: { type: 'string' }, verdict: { type: 'string' }, facts: loose, sources: loose, findings: looseArray } }, ...WRITE },
    },
  }, async (req, reply) => {
    assertDistrict(req, (await getProjectDetail(db, req.params.id)).district);
    return reply.code(201).send(await checkProject(db, clock, req.params.id, req.user.username));
  });
}
