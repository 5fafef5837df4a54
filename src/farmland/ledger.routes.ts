// HTTP routes of the balance ledgers (/api/farmland/ledger…): 占补平衡 lots and occupations (an
// occupation is approved only when the balance covers it), cross-district agreements and 进出平衡.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import {
  addCompensation,
  approveOccupation,
  signAgreement,
  recordInOut,
  ledgerSummary,
  available,
  listLots,
  listOccupations,
  type CompensationInput,
  type OccupationInput,
  type AgreementInput,
  type InOutInput,
} from './ledger.ts';
import { ACCESS, tags, loose, looseArray, err, WRITE, READ, area, district6, date, scope, assertDistrict, num } from './http.ts';

const quotaType = {
  type: 'string',
  enum: ['farmland', 'forest', 'grain'],
  description: 'farmland 耕地占补平衡指标, forest 补充林地指标, grain 粮食生产功能区异地代保指标',
} as const;
const quality = {
  district: district6,
  quotaType,
  grade: { type: 'integer', minimum: 1, maximum: 15, description: '耕地质量等别 (GB/T 28407-2012), 1 = best' },
  paddy: { type: 'boolean', description: '水田' },
  year: { type: 'integer', minimum: 1990, maximum: 2100 },
} as const;

export function ledgerRoutes(app: FastifyInstance, db: Db): void {
  app.get(
    '/api/farmland/ledger',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '占补平衡、进出平衡台账 (balances by district and quota type, in-out per county-year, cross-district agreements)',
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            properties: { balances: looseArray, inout: looseArray, agreements: looseArray, districts: loose },
          },
          ...err(401, 403),
        },
      },
    },
    async (req) => ledgerSummary(db, scope(req)),
  );

  app.get(
    '/api/farmland/ledger/lots',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '补充指标明细 (compensation lots with quality grade and remaining area)',
        response: { 200: looseArray, ...err(401, 403) },
      },
    },
    async (req) => listLots(db, scope(req)),
  );

  app.get(
    '/api/farmland/ledger/occupations',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '占用明细 (occupations, each with the lots that compensate it)',
        response: { 200: looseArray, ...err(401, 403) },
      },
    },
    async (req) => listOccupations(db, scope(req)),
  );

  app.get<{ Querystring: { district: string; quotaType?: 'farmland' | 'forest' | 'grain'; grade: number; paddy?: boolean } }>(
    '/api/farmland/ledger/available',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '可用指标 (balance an occupation of this quality could draw on now)',
        querystring: {
          type: 'object',
          required: ['district', 'grade'],
          additionalProperties: false,
          properties: { district: quality.district, quotaType, grade: quality.grade, paddy: quality.paddy },
        },
        response: { 200: { type: 'object', properties: { availableM2: num, availableMu: num } }, ...READ },
      },
    },
    async (req) => {
      assertDistrict(req, req.query.district);
      const m2 = await available(db, req.query);
      return { availableM2: m2, availableMu: (m2 * 15) / 10000 };
    },
  );

  app.post<{ Body: CompensationInput }>(
    '/api/farmland/ledger/compensations',
    {
      config: { access: ACCESS.register },
      schema: {
        tags,
        summary: '登记补充耕地（指标） (a compensation lot with its quality grade)',
        body: {
          type: 'object',
          required: ['district', 'grade', 'source', 'year'],
          additionalProperties: false,
          properties: {
            ...quality,
            ...area,
            source: { type: 'string', minLength: 1, maxLength: 200, description: 'the project that produced it' },
            note: { type: 'string', maxLength: 1000 },
          },
        },
        response: { 201: loose, ...WRITE },
      },
    },
    async (req, reply) => {
      assertDistrict(req, req.body.district);
      return reply.code(201).send(await addCompensation(db, req.body, req.user.username));
    },
  );

  app.post<{ Body: OccupationInput }>(
    '/api/farmland/ledger/occupations',
    {
      config: { access: ACCESS.approve },
      schema: {
        tags,
        summary:
          '审批占用 (approve a project occupying farmland only if the balance covers it; 409 insufficient_balance otherwise, nothing written)',
        body: {
          type: 'object',
          required: ['district', 'grade', 'project', 'year'],
          additionalProperties: false,
          properties: { ...quality, ...area, project: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: {
          201: { type: 'object', additionalProperties: true, properties: { occupation: loose, matches: looseArray, remainingM2: num } },
          ...WRITE,
        },
      },
    },
    async (req, reply) => {
      assertDistrict(req, req.body.district);
      return reply.code(201).send(await approveOccupation(db, req.body, req.user.username));
    },
  );

  app.post<{ Body: AgreementInput }>(
    '/api/farmland/ledger/agreements',
    {
      config: { access: ACCESS.planner },
      schema: {
        tags,
        summary: '跨区调剂协议 (cross-district agreement: area, quota type, price, funds; the seller’s lots move to the buyer)',
        body: {
          type: 'object',
          required: ['fromDistrict', 'toDistrict', 'quotaType', 'signedOn'],
          additionalProperties: false,
          properties: {
            fromDistrict: district6,
            toDistrict: district6,
            quotaType,
            grade: quality.grade,
            paddy: quality.paddy,
            ...area,
            priceWanPerMu: { type: 'number', minimum: 0, description: '万元/亩' },
            fundsYi: { type: 'number', minimum: 0, description: '协作资金 亿元' },
            signedOn: date,
            note: { type: 'string', maxLength: 1000 },
          },
        },
        response: {
          201: { type: 'object', additionalProperties: true, properties: { agreement: loose, matches: looseArray, received: looseArray } },
          ...WRITE,
        },
      },
    },
    async (req, reply) => reply.code(201).send(await signAgreement(db, req.body, req.user.username)),
  );

  app.post<{ Body: InOutInput }>(
    '/api/farmland/ledger/inout',
    {
      config: { access: ACCESS.register },
      schema: {
        tags,
        summary: '进出平衡登记 (in: other land turned cultivated; out: cultivated turned other farm land, refused beyond the year’s in)',
        body: {
          type: 'object',
          required: ['district', 'year', 'direction'],
          additionalProperties: false,
          properties: {
            district: district6,
            year: quality.year,
            direction: { type: 'string', enum: ['in', 'out'] },
            ...area,
            fromClass: { type: 'string', maxLength: 10 },
            toClass: { type: 'string', maxLength: 10 },
            note: { type: 'string', maxLength: 1000 },
          },
        },
        response: { 201: loose, ...WRITE },
      },
    },
    async (req, reply) => {
      assertDistrict(req, req.body.district);
      return reply.code(201).send(await recordInOut(db, req.body, req.user.username));
    },
  );
}
