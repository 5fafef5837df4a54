// HTTP routes of the land lifecycle (/api/lifecycle/…): the land code register and a parcel's
// timeline, idle land, approved-but-unsupplied batches, inefficient land, expropriation–
// resettlement projects, the warnings and their board by district, the yearly ledgers and the
// nightly run. Lists take status/district filters so the web pages use them directly; district
// officers see and act on their own districts only (machine.ts).
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { errorSchema } from '../server/errors.ts';
import {
  registerParcel,
  recordEvent,
  getParcel,
  getTimeline,
  listParcels,
  EVENT_KINDS,
  type EventInput,
  type ParcelInput,
} from './landcode.ts';
import { getIdleCase, listIdleCases, transitionIdle, type IdleStepInput } from './idle.ts';
import { addDisposal, batchDetail, createBatch, listBatches, setDigestionTask, transitionBatch, type BatchInput } from './unsupplied.ts';
import {
  getInefficientCase,
  listInefficientCases,
  redevelopmentModes,
  rulesFor,
  saveFacts,
  saveRules,
  transitionInefficient,
  type FactInput,
  type InefficientStepInput,
  type RuleInput,
} from './inefficient.ts';
import { createProject, listProjects, locatePlot, projectDetail, transitionProject, type ProjectInput } from './resettlement.ts';
import { districtList, listWarnings, runNightly, warningBoard } from './rules.ts';
import { yearLedgers } from './ledgers.ts';
import { assertDistrict } from './machine.ts';

// Who may do what (domain.md §1): every signed-in role reads; planners and district officers
// keep the register, batches and projects; inspectors also work the cases (调查认定, 调查确认);
// administrators set the yearly thresholds and tasks and may start the nightly run by hand.
const READ = { access: 'staff' } as const;
const REGISTER = { access: ['planner', 'district'] } as const;
const CASEWORK = { access: ['planner', 'district', 'inspector'] } as const;
const ADMIN = { access: ['admin'] } as const;

const TAGS = ['lifecycle'];
const loose = { type: 'object', additionalProperties: true } as const;
const list = (description: string) => ({ type: 'array', items: loose, description }) as const;
const err = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorSchema]));
const READ_ERRORS = err(400, 401, 403, 404);
const WRITE_ERRORS = err(400, 401, 403, 404, 409);
const geometry = {
  type: 'object',
  additionalProperties: true,
  description: 'GeoJSON Polygon/MultiPolygon, lon/lat EPSG:4490 unless srid says otherwise',
} as const;
const srid = { type: 'integer', description: 'CRS of the geometry (e.g. 4549); default 4490' } as const;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const paging = { limit: { type: 'integer', minimum: 1, maximum: 5000 }, offset: { type: 'integer', minimum: 0 } } as const;
const district = { type: 'string', pattern: '^\\d{6}$', description: 'GB/T 2260 district code' } as const;
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const codeParam = {
  type: 'object',
  required: ['landCode'],
  properties: { landCode: { type: 'string', minLength: 1, maxLength: 40 } },
} as const;
const status = { type: 'string', maxLength: 200, description: 'one status, or several separated by commas' } as const;
const transitionBody = (extra: Record<string, unknown>) =>
  ({
    type: 'object',
    required: ['to'],
    additionalProperties: false,
    properties: {
      to: {
        type: 'string',
        minLength: 1,
        description: 'the next state; illegal steps answer 409 illegal_transition with the allowed ones',
      },
      note: { type: 'string' },
      ...extra,
    },
  }) as const;

export function lifecycleRoutes(app: FastifyInstance, db: Db, config: Config): void {
  const clock = config.clock;

  // ---- 土地码 --------------------------------------------------------------------------------
  app.get<{ Querystring: { district?: string; stage?: string; q?: string; limit?: number; offset?: number } }>(
    '/api/lifecycle/parcels',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '土地码列表 (land codes, filtered by district, stage or text)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { district, stage: { type: 'string' }, q: { type: 'string', maxLength: 100 }, ...paging },
        },
        response: {
          200: { type: 'object', properties: { total: { type: 'integer' }, items: list('parcels (Parcel, landcode.ts)') } },
          ...READ_ERRORS,
        },
      },
    },
    async (req) => listParcels(db, req.user, req.query),
  );

  app.post<{ Body: ParcelInput }>(
    '/api/lifecycle/parcels',
    {
      config: REGISTER,
      schema: {
        tags: TAGS,
        summary: '赋土地码 (register a parcel: geometry or a ZD parcel code)',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            landCode: { type: 'string' },
            name: { type: 'string', minLength: 1 },
            district,
            zdCode: { type: 'string' },
            landUse: { type: 'string' },
            industrial: { type: 'boolean' },
            standaloneSite: { type: 'boolean' },
            geometry,
            srid,
          },
        },
        response: { 201: loose, ...WRITE_ERRORS },
      },
    },
    async (req, reply) => reply.code(201).send(await registerParcel(db, clock, req.body, req.user)),
  );

  app.get<{ Params: { landCode: string } }>(
    '/api/lifecycle/parcels/:landCode',
    {
      config: READ,
      schema: { tags: TAGS, summary: '土地码详情 (one land code)', params: codeParam, response: { 200: loose, ...READ_ERRORS } },
    },
    async (req) => {
      const p = await getParcel(db, req.params.landCode);
      assertDistrict(req.user, p.district, `土地码 ${p.landCode}`);
      return p;
    },
  );

  app.get<{ Params: { landCode: string } }>(
    '/api/lifecycle/parcels/:landCode/timeline',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '土地码全生命周期时间轴 (timeline: every event in order with its geometry, one query)',
        params: codeParam,
        response: {
          200: {
            type: 'object',
            properties: {
              parcel: loose,
              events: list('events in date order, each with GeoJSON geometry'),
              nextEvents: list('event kinds allowed next'),
            },
          },
          ...READ_ERRORS,
        },
      },
    },
    async (req) => {
      const t = await getTimeline(db, req.params.landCode);
      assertDistrict(req.user, t.parcel.district, `土地码 ${t.parcel.landCode}`);
      return t;
    },
  );

  app.post<{ Params: { landCode: string }; Body: EventInput }>(
    '/api/lifecycle/parcels/:landCode/events',
    {
      config: REGISTER,
      schema: {
        tags: TAGS,
        summary: '登记环节 (record an event: approval, reserve, supply, permits, works_start, progress, completion, registration)',
        params: codeParam,
        body: {
          type: 'object',
          required: ['kind', 'date'],
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: [...EVENT_KINDS] },
            date,
            docNo: { type: 'string' },
            documents: {
              type: 'array',
              items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, url: { type: 'string' } } },
            },
            details: {
              type: 'object',
              additionalProperties: true,
              description:
                'kind-specific: approvalType/batchNo; method/priceYuan/agreedStart/agreedCompletion/planningConditions; the three permit numbers; developedM2/investedYuan/haltedSince; bdcdyh',
            },
            geometry,
            srid,
          },
        },
        response: { 201: loose, ...WRITE_ERRORS },
      },
    },
    async (req, reply) => reply.code(201).send(await recordEvent(db, clock, req.params.landCode, req.body, req.user)),
  );

  // ---- 闲置土地 -------------------------------------------------------------------------------
  app.get<{ Querystring: { district?: string; status?: string; landCode?: string; limit?: number; offset?: number } }>(
    '/api/lifecycle/idle-cases',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '闲置土地案件 (idle-land cases, filtered by status and district)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { district, status, landCode: { type: 'string' }, ...paging },
        },
        response: { 200: list('IdleCase (idle.ts)'), ...READ_ERRORS },
      },
    },
    async (req) => listIdleCases(db, clock, req.user, req.query),
  );

  app.get<{ Params: { id: number } }>(
    '/api/lifecycle/idle-cases/:id',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '闲置土地案件详情与留痕 (idle-land case with its audit trail)',
        params: idParam,
        response: { 200: loose, ...READ_ERRORS },
      },
    },
    async (req) => {
      const c = await getIdleCase(db, clock, req.params.id);
      assertDistrict(req.user, c.district, `闲置土地案件 #${c.id}`);
      return c;
    },
  );

  app.post<{ Params: { id: number }; Body: IdleStepInput & { to: string } }>(
    '/api/lifecycle/idle-cases/:id/transition',
    {
      config: CASEWORK,
      schema: {
        tags: TAGS,
        summary: '闲置土地处置流转 (idle-land workflow step: investigation, determined, fee-levied, reclaimed …)',
        params: idParam,
        body: transitionBody({
          noticeNo: { type: 'string' },
          determinationNo: { type: 'string' },
          decisionNo: { type: 'string' },
          method: { type: 'string' },
        }),
        response: { 200: loose, ...WRITE_ERRORS },
      },
    },
    async (req) => transitionIdle(db, clock, req.params.id, req.body.to, req.body, req.user),
  );

  // ---- 批而未供 -------------------------------------------------------------------------------
  app.get<{ Querystring: { district?: string; status?: string; limit?: number; offset?: number } }>(
    '/api/lifecycle/unsupplied/batches',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '批而未供台账 (approval batches: approved, supplied, remaining in m² and 亩)',
        querystring: { type: 'object', additionalProperties: false, properties: { district, status, ...paging } },
        response: { 200: list('Batch (unsupplied.ts)'), ...READ_ERRORS },
      },
    },
    async (req) => listBatches(db, req.user, req.query),
  );

  app.post<{ Body: BatchInput }>(
    '/api/lifecycle/unsupplied/batches',
    {
      config: REGISTER,
      schema: {
        tags: TAGS,
        summary: '登记批次 (register an approval batch: 清理认定)',
        body: {
          type: 'object',
          required: ['batchNo', 'name', 'approvalNo', 'approvalType', 'approvedOn', 'district'],
          additionalProperties: false,
          properties: {
            batchNo: { type: 'string', minLength: 1 },
            name: { type: 'string', minLength: 1 },
            approvalNo: { type: 'string' },
            approvalType: { type: 'string' },
            approvedOn: date,
            district,
            approvedM2: { type: 'number' },
            geometry,
            srid,
          },
        },
        response: { 201: loose, ...WRITE_ERRORS },
      },
    },
    async (req, reply) => reply.code(201).send(await createBatch(db, clock, req.body, req.user)),
  );

  app.get<{ Params: { id: number } }>(
    '/api/lifecycle/unsupplied/batches/:id',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '批次详情 (one approval batch: ledger, mapped remainder, its land codes, audit trail)',
        params: idParam,
        response: { 200: loose, ...READ_ERRORS },
      },
    },
    async (req) => {
      const b = await batchDetail(db, req.params.id);
      assertDistrict(req.user, b.district, `批次 ${b.batchNo}`);
      return b;
    },
  );

  app.post<{ Params: { id: number }; Body: { to: string; note?: string; geometry?: unknown; srid?: number } }>(
    '/api/lifecycle/unsupplied/batches/:id/transition',
    {
      config: REGISTER,
      schema: {
        tags: TAGS,
        summary: '批而未供流转 (clearing workflow step: mapped, disposing, digested)',
        params: idParam,
        body: transitionBody({ geometry, srid }),
        response: { 200: loose, ...WRITE_ERRORS },
      },
    },
    async (req) => transitionBatch(db, clock, req.params.id, req.body.to, req.body, req.user),
  );

  app.post<{ Params: { id: number }; Body: { date: string; mode: string; areaM2: number; docNo?: string } }>(
    '/api/lifecycle/unsupplied/batches/:id/disposals',
    {
      config: REGISTER,
      schema: {
        tags: TAGS,
        summary: '登记处置消化 (record a disposal other than supply: 撤回, 核减, 调整使用)',
        params: idParam,
        body: {
          type: 'object',
          required: ['date', 'mode', 'areaM2'],
          additionalProperties: false,
          properties: { date, mode: { type: 'string' }, areaM2: { type: 'number' }, docNo: { type: 'string' } },
        },
        response: { 201: loose, ...WRITE_ERRORS },
      },
    },
    async (req, reply) => reply.code(201).send(await addDisposal(db, clock, req.params.id, req.body, req.user)),
  );

  app.put<{ Params: { year: number; district: string }; Body: { taskM2: number } }>(
    '/api/lifecycle/unsupplied/tasks/:year/:district',
    {
      config: ADMIN,
      schema: {
        tags: TAGS,
        summary: "年度消化任务 (set a district's yearly digestion task)",
        params: {
          type: 'object',
          required: ['year', 'district'],
          properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 }, district },
        },
        body: { type: 'object', required: ['taskM2'], additionalProperties: false, properties: { taskM2: { type: 'number', minimum: 0 } } },
        response: { 200: loose, ...WRITE_ERRORS },
      },
    },
    async (req) => {
      await setDigestionTask(db, req.params.year, req.params.district, req.body.taskM2, req.user);
      return { year: req.params.year, district: req.params.district, taskM2: req.body.taskM2 };
    },
  );

  // ---- 低效用地 -------------------------------------------------------------------------------
  app.get<{ Querystring: { year?: number } }>(
    '/api/lifecycle/inefficient/rules',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: "低效用地认定规则 (the year's locally set thresholds)",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } },
        },
        response: { 200: loose, ...READ_ERRORS },
      },
    },
    async (req) => rulesFor(db, req.query.year ?? Number(clock.today().slice(0, 4))),
  );

  app.put<{ Params: { year: number }; Body: { rules: RuleInput[] } }>(
    '/api/lifecycle/inefficient/rules/:year',
    {
      config: ADMIN,
      schema: {
        tags: TAGS,
        summary: "设置年度低效用地规则 (set a year's rules and thresholds)",
        params: { type: 'object', required: ['year'], properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } } },
        body: {
          type: 'object',
          required: ['rules'],
          additionalProperties: false,
          properties: {
            rules: {
              type: 'array',
              items: {
                type: 'object',
                required: ['code', 'name', 'kind'],
                additionalProperties: false,
                properties: {
                  code: { type: 'string' },
                  name: { type: 'string' },
                  kind: { type: 'string' },
                  threshold: { type: ['number', 'null'] },
                  industrialOnly: { type: 'boolean' },
                  enabled: { type: 'boolean' },
                  note: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
        response: { 200: loose, ...WRITE_ERRORS },
      },
    },
    async (req) => saveRules(db, req.params.year, req.body.rules, req.user),
  );

  app.post<{ Params: { year: number }; Body: { source?: string; facts: FactInput[] } }>(
    '/api/lifecycle/inefficient/facts/:year',
    {
      config: CASEWORK,
      schema: {
        tags: TAGS,
        summary: "年度地块绩效数据 (a year's parcel facts: FAR, tax, vacant, derelict, polluting)",
        params: { type: 'object', required: ['year'], properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } } },
        body: {
          type: 'object',
          required: ['facts'],
          additionalProperties: false,
          properties: {
            source: { type: 'string' },
            facts: {
              type: 'array',
              maxItems: 100000,
              items: {
                type: 'object',
                required: ['landCode'],
                additionalProperties: false,
                properties: {
                  landCode: { type: 'string' },
                  far: { type: ['number', 'null'] },
                  taxYuan: { type: ['number', 'null'] },
                  vacant: { type: 'boolean' },
                  derelict: { type: 'boolean' },
                  polluting: { type: 'boolean' },
                },
              },
            },
          },
        },
        response: { 200: loose, ...WRITE_ERRORS },
      },
    },
    async (req) => saveFacts(db, req.params.year, req.body.facts, req.body.source ?? 'api', req.user),
  );

  app.get(
    '/api/lifecycle/inefficient/modes',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '再开发模式 (redevelopment modes named in the seeds)',
        response: { 200: list('{code, name, source}'), ...READ_ERRORS },
      },
    },
    async () => redevelopmentModes(db),
  );

  app.get<{ Querystring: { district?: string; status?: string; year?: number; limit?: number; offset?: number } }>(
    '/api/lifecycle/inefficient/cases',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '低效用地案件 (inefficient-land candidates and inventory, filtered by status and district)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { district, status, year: { type: 'integer' }, ...paging },
        },
        response: { 200: list('InefficientCase (inefficient.ts)'), ...READ_ERRORS },
      },
    },
    async (req) => listInefficientCases(db, req.user, req.query),
  );

  app.get<{ Params: { id: number } }>(
    '/api/lifecycle/inefficient/cases/:id',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '低效用地案件详情与留痕 (inefficient-land case with its audit trail)',
        params: idParam,
        response: { 200: loose, ...READ_ERRORS },
      },
    },
    async (req) => {
      const c = await getInefficientCase(db, req.params.id);
      assertDistrict(req.user, c.district, `低效用地案件 #${c.id}`);
      return c;
    },
  );

  app.post<{ Params: { id: number }; Body: InefficientStepInput & { to: string } }>(
    '/api/lifecycle/inefficient/cases/:id/transition',
    {
      config: CASEWORK,
      schema: {
        tags: TAGS,
        summary: '低效用地流转 (workflow step: confirmed, rejected, inventoried, redeveloping, redeveloped, exited)',
        params: idParam,
        body: transitionBody({
          category: { type: 'string' },
          mode: { type: 'string' },
          projectName: { type: 'string' },
          date,
          redevelopedM2: { type: 'number' },
        }),
        response: { 200: loose, ...WRITE_ERRORS },
      },
    },
    async (req) => transitionInefficient(db, clock, req.params.id, req.body.to, req.body, req.user),
  );

  // ---- 征收–安置 ------------------------------------------------------------------------------
  app.get<{ Querystring: { district?: string; status?: string; limit?: number; offset?: number } }>(
    '/api/lifecycle/resettlement/projects',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '征收安置项目 (expropriation–resettlement projects, filtered by status and district)',
        querystring: { type: 'object', additionalProperties: false, properties: { district, status, ...paging } },
        response: { 200: list('Project (resettlement.ts)'), ...READ_ERRORS },
      },
    },
    async (req) => listProjects(db, req.user, req.query),
  );

  app.post<{ Body: ProjectInput }>(
    '/api/lifecycle/resettlement/projects',
    {
      config: REGISTER,
      schema: {
        tags: TAGS,
        summary: '登记征收安置项目 (register an expropriation project, optionally with its resettlement plot)',
        body: {
          type: 'object',
          required: ['code', 'name', 'district', 'households'],
          additionalProperties: false,
          properties: {
            code: { type: 'string', minLength: 1 },
            name: { type: 'string', minLength: 1 },
            district,
            households: { type: 'integer', minimum: 1 },
            geometry,
            plotName: { type: 'string' },
            plotGeometry: geometry,
            srid,
          },
        },
        response: { 201: loose, ...WRITE_ERRORS },
      },
    },
    async (req, reply) => reply.code(201).send(await createProject(db, clock, req.body, req.user)),
  );

  app.get<{ Params: { id: number } }>(
    '/api/lifecycle/resettlement/projects/:id',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '征收安置项目详情 (project with plot geometry, warnings and audit trail)',
        params: idParam,
        response: { 200: loose, ...READ_ERRORS },
      },
    },
    async (req) => {
      const p = await projectDetail(db, req.params.id);
      assertDistrict(req.user, p.district, `征收安置项目 ${p.code}`);
      return p;
    },
  );

  app.put<{ Params: { id: number }; Body: { plotName?: string; geometry: unknown; srid?: number } }>(
    '/api/lifecycle/resettlement/projects/:id/plot',
    {
      config: REGISTER,
      schema: {
        tags: TAGS,
        summary: '安置地块落图定位 (locate the resettlement plot on the map)',
        params: idParam,
        body: {
          type: 'object',
          required: ['geometry'],
          additionalProperties: false,
          properties: { plotName: { type: 'string' }, geometry, srid },
        },
        response: { 200: loose, ...WRITE_ERRORS },
      },
    },
    async (req) => locatePlot(db, clock, req.params.id, req.body, req.user),
  );

  app.post<{ Params: { id: number }; Body: { to: string; date?: string; note?: string } }>(
    '/api/lifecycle/resettlement/projects/:id/transition',
    {
      config: REGISTER,
      schema: {
        tags: TAGS,
        summary: '征收安置节点 (milestone: started, housing-started, housing-completed, resettled)',
        params: idParam,
        body: transitionBody({ date }),
        response: { 200: loose, ...WRITE_ERRORS },
      },
    },
    async (req) => transitionProject(db, clock, req.params.id, req.body.to, req.body, req.user),
  );

  app.get(
    '/api/lifecycle/context',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary:
          '页面参考数据 (today by the platform clock, from which deadlines and thresholds count; district codes and names of layer XZQ)',
        response: {
          200: {
            type: 'object',
            properties: {
              today: date,
              districts: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } } },
            },
          },
          ...READ_ERRORS,
        },
      },
    },
    async () => ({ today: clock.today(), districts: await districtList(db) }),
  );

  // ---- 预警、台账、夜间规则 ------------------------------------------------------------------------
  app.get<{ Querystring: { district?: string; kind?: string; open?: boolean; limit?: number; offset?: number } }>(
    '/api/lifecycle/warnings',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '全生命周期预警 (warnings: +1/+4/+5 resettlement, idle-land deadlines)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            district,
            kind: { type: 'string' },
            open: { type: 'boolean', description: 'only unresolved (default true)' },
            ...paging,
          },
        },
        response: {
          200: { type: 'object', properties: { total: { type: 'integer' }, items: list('warnings by due date') } },
          ...READ_ERRORS,
        },
      },
    },
    async (req) => listWarnings(db, req.user, req.query),
  );

  app.get(
    '/api/lifecycle/warnings/board',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '预警看板 (warning board: open warnings by district and kind)',
        response: {
          200: {
            type: 'object',
            properties: {
              kinds: loose,
              total: { type: 'integer' },
              byKind: loose,
              districts: list('{district, name, total, byKind, oldestDue}'),
            },
          },
          ...READ_ERRORS,
        },
      },
    },
    async (req) => warningBoard(db, req.user),
  );

  app.get<{ Params: { year: number }; Querystring: { district?: string } }>(
    '/api/lifecycle/ledgers/:year',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: '年度台账 (yearly ledgers: stock revitalised, redeveloped, digestion, stock supply share, industrial FAR)',
        params: { type: 'object', required: ['year'], properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } } },
        querystring: { type: 'object', additionalProperties: false, properties: { district } },
        response: { 200: loose, ...READ_ERRORS },
      },
    },
    async (req) => {
      const scope = req.user.role === 'district' ? req.user.districts : null;
      const districts = req.query.district ? (scope ? scope.filter((d) => d === req.query.district) : [req.query.district]) : scope;
      return yearLedgers(db, req.params.year, { districts });
    },
  );

  app.post<{ Body: Record<string, never> }>(
    '/api/lifecycle/nightly',
    {
      config: ADMIN,
      schema: {
        tags: TAGS,
        summary: '运行夜间规则 (run the nightly lifecycle rules now; idempotent per day)',
        body: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: loose, ...WRITE_ERRORS },
      },
    },
    async (req) => runNightly(db, clock, `nightly:${req.user.username}`),
  );
}
