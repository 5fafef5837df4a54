// HTTP routes of patrol alerts and cases (/api/farmland/alerts, /api/farmland/cases…): intake from
// cameras, remote sensing, drones and patrols (多违合一 on the same spot), the case board with its
// filters, overdue warnings, statistics, and the transitions of a case.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { HttpError } from '../server/errors.ts';
import {
  intakeAlert,
  transition,
  listCases,
  getCaseDetail,
  warnings,
  patrolStats,
  ACTIONS,
  SOURCES,
  STATUS_ZH,
  type AlertInput,
  type TransitionInput,
} from './patrol.ts';
import { ACCESS, tags, loose, looseArray, err, READ, WRITE, idParams, scope, num, str, nullableStr } from './http.ts';

const caseSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'integer' },
    status: str,
    statusZh: str,
    open: { type: 'boolean' },
    district: nullableStr,
    openedOn: str,
    deadline: str,
    daysLeft: { type: ['integer', 'null'] },
    overdue: { type: 'boolean' },
    dueSoon: { type: 'boolean' },
    assignee: nullableStr,
    verification: { type: ['object', 'null'], additionalProperties: true },
    outcomeNote: nullableStr,
    closedOn: nullableStr,
    alertCount: { type: 'integer' },
    sources: { type: 'array', items: str },
    areaM2: num,
    geometry: loose,
    allowedActions: { type: 'array', items: str },
    alerts: looseArray,
    events: looseArray,
  },
} as const;
const intakeSchema = {
  type: 'object',
  properties: {
    alertId: { type: 'integer' },
    caseId: { type: 'integer' },
    outcome: { type: 'string', enum: ['new-case', 'merged', 'duplicate'] },
    distanceM: { type: ['number', 'null'] },
  },
} as const;

export function patrolRoutes(app: FastifyInstance, db: Db, config: Config): void {
  const clock = config.clock;

  app.post<{ Body: AlertInput }>(
    '/api/farmland/alerts',
    {
      config: { access: ACCESS.intake },
      schema: {
        tags,
        summary:
          '巡查线索接入 (an alert from a tower camera, remote-sensing change detection, a drone or a patrol: point or polygon, time, evidence link; merged into an open case on the same spot — 多违合一)',
        body: {
          type: 'object',
          required: ['source', 'observedAt', 'geometry'],
          additionalProperties: false,
          properties: {
            source: { type: 'string', enum: Object.keys(SOURCES) },
            externalId: {
              type: 'string',
              minLength: 1,
              maxLength: 100,
              description: 'the source system’s id: a repeat is answered 200 duplicate',
            },
            observedAt: { type: 'string', minLength: 10, maxLength: 40, description: 'ISO 8601 instant' },
            geometry: {
              type: 'object',
              additionalProperties: true,
              description: 'GeoJSON Point / Polygon / MultiPolygon, EPSG:4490 lon/lat',
            },
            evidenceUrl: { type: 'string', maxLength: 2000 },
            description: { type: 'string', maxLength: 2000 },
          },
        },
        response: { 201: intakeSchema, 200: intakeSchema, ...WRITE },
      },
    },
    async (req, reply) => {
      const r = await intakeAlert(db, config, req.body, req.user.username);
      return reply.code(r.outcome === 'duplicate' ? 200 : 201).send(r);
    },
  );

  app.get<{ Querystring: { status?: string; source?: string; district?: string; overdue?: boolean; limit?: number } }>(
    '/api/farmland/cases',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '巡查案件 (case board: filter by status list, source, district, overdue)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', maxLength: 200, description: `comma-separated: ${Object.keys(STATUS_ZH).join(', ')}` },
            source: { type: 'string', enum: Object.keys(SOURCES) },
            district: { type: 'string', pattern: '^\\d{6}$' },
            overdue: { type: 'boolean' },
            limit: { type: 'integer', minimum: 1, maximum: 5000 },
          },
        },
        response: { 200: { type: 'array', items: caseSchema }, ...READ },
      },
    },
    async (req) => {
      const s = scope(req);
      const d = req.query.district;
      const districts = d ? (s && !s.includes(d) ? [] : [d]) : s;
      return listCases(db, clock, {
        status: req.query.status?.split(',').filter(Boolean),
        source: req.query.source,
        overdue: req.query.overdue,
        limit: req.query.limit,
        districts,
      });
    },
  );

  app.get(
    '/api/farmland/cases/warnings',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '逾期预警 (open cases past their deadline, and due soon)',
        response: {
          200: {
            type: 'object',
            properties: { today: str, overdue: { type: 'array', items: caseSchema }, dueSoon: { type: 'array', items: caseSchema } },
          },
          ...err(401, 403),
        },
      },
    },
    async (req) => warnings(db, clock, scope(req)),
  );

  app.get(
    '/api/farmland/cases/stats',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '巡查统计 (cases and alerts by district, source and status, with overdue counts)',
        response: {
          200: { type: 'object', properties: { today: str, byDistrict: looseArray, bySource: looseArray, byStatus: looseArray } },
          ...err(401, 403),
        },
      },
    },
    async (req) => patrolStats(db, clock, scope(req)),
  );

  app.get<{ Params: { id: number } }>(
    '/api/farmland/cases/:id',
    {
      config: { access: ACCESS.read },
      schema: { tags, summary: '案件详情 (a case with its alerts and history)', params: idParams, response: { 200: caseSchema, ...READ } },
    },
    async (req) => {
      const c = await getCaseDetail(db, clock, req.params.id);
      const s = scope(req);
      if (s && (!c.district || !s.includes(c.district)))
        throw new HttpError(404, `巡查案件 ${req.params.id} 不存在 (patrol case ${req.params.id} does not exist)`);
      return c;
    },
  );

  app.post<{ Params: { id: number }; Body: TransitionInput }>(
    '/api/farmland/cases/:id/actions',
    {
      config: { access: ACCESS.casework },
      schema: {
        tags,
        summary:
          '案件处置 (assign → verify → rectify / complete / violation / false-alarm, with a reason; 409 illegal_transition otherwise)',
        params: idParams,
        body: {
          type: 'object',
          required: ['action'],
          additionalProperties: false,
          properties: {
            action: { type: 'string', enum: ACTIONS },
            assignee: { type: 'string', maxLength: 100 },
            note: { type: 'string', maxLength: 2000, description: 'the reason (required except for assign)' },
            verification: loose,
          },
        },
        response: { 200: caseSchema, ...WRITE },
      },
    },
    async (req) => {
      const s = scope(req);
      if (s) {
        const c = await getCaseDetail(db, clock, req.params.id);
        if (!c.district || !s.includes(c.district))
          throw new HttpError(403, `案件 ${req.params.id} 不在你的辖区 (outside your districts)`, 'outside_districts');
      }
      return transition(db, clock, req.params.id, req.body, req.user.username);
    },
  );
}
