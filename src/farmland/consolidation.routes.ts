// HTTP routes of land consolidation projects (/api/farmland/projects…): projects with sub-areas and
// declared figures, the checks of the land-consolidation rule set (review engine registry), the
// progress against the city's 2027 targets and the yearly evaluation by district.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import {
  createProject,
  updateProject,
  getProjectDetail,
  checkProject,
  listProjects,
  progress,
  evaluation,
  type ProjectInput,
  type ProjectUpdate,
} from './consolidation.ts';
import { ACCESS, tags, loose, looseArray, err, READ, WRITE, idParams, district6, scope, assertDistrict, str } from './http.ts';

const figures = {
  type: 'object',
  additionalProperties: true,
  description: 'declared figures in m² (names ending M2) or 亩 (the same names ending Mu), and provincialApproval (true/false)',
} as const;
const layerRef = {
  type: ['object', 'null'],
  required: ['layer', 'version'],
  additionalProperties: false,
  properties: { layer: { type: 'string', maxLength: 40 }, version: { type: 'integer', minimum: 1 } },
  description: 'a version of the land-use layer (DLTB) before / after consolidation',
} as const;
const projectStatus = { type: 'string', enum: ['planned', 'implementing', 'accepted'] } as const;

export function consolidationRoutes(app: FastifyInstance, db: Db, config: Config): void {
  app.get(
    '/api/farmland/projects',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '土地综合整治项目 (projects with their latest check verdict)',
        response: { 200: looseArray, ...err(401, 403) },
      },
    },
    async (req) => listProjects(db, scope(req)),
  );

  app.post<{ Body: ProjectInput }>(
    '/api/farmland/projects',
    {
      config: { access: ACCESS.register },
      schema: {
        tags,
        summary: '新建整治项目 (project, sub-areas as GeoJSON in EPSG:4490, declared figures, optional before/after land-use versions)',
        body: {
          type: 'object',
          required: ['code', 'name', 'district', 'startYear', 'areas'],
          additionalProperties: false,
          properties: {
            code: { type: 'string', minLength: 1, maxLength: 40 },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            district: district6,
            pilot: { type: 'boolean', description: '跨乡镇土地综合整治试点' },
            startYear: { type: 'integer', minimum: 2000, maximum: 2100 },
            status: projectStatus,
            figures,
            before: layerRef,
            after: layerRef,
            areas: {
              type: 'array',
              minItems: 1,
              maxItems: 200,
              items: {
                type: 'object',
                required: ['kind', 'geometry'],
                additionalProperties: false,
                properties: {
                  kind: { type: 'string', enum: ['project', 'consolidation'], description: 'project 项目区, consolidation 整治区' },
                  name: { type: 'string', maxLength: 100 },
                  geometry: loose,
                },
              },
            },
          },
        },
        response: { 201: loose, ...WRITE },
      },
    },
    async (req, reply) => {
      assertDistrict(req, req.body.district);
      return reply.code(201).send(await createProject(db, req.body, req.user.username));
    },
  );

  app.get(
    '/api/farmland/projects/progress',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '2027 目标进度 (progress against the city’s 2027 consolidation targets)',
        response: { 200: { type: 'object', properties: { year: { type: 'integer' }, items: looseArray } }, ...err(401, 403) },
      },
    },
    async () => progress(db),
  );

  app.get<{ Querystring: { year: number } }>(
    '/api/farmland/projects/evaluation',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: '年度绩效评价 (yearly performance evaluation by district)',
        querystring: {
          type: 'object',
          required: ['year'],
          additionalProperties: false,
          properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } },
        },
        response: { 200: { type: 'object', properties: { year: { type: 'integer' }, method: str, districts: looseArray } }, ...READ },
      },
    },
    async (req) => evaluation(db, req.query.year, scope(req)),
  );

  app.get<{ Params: { id: number } }>(
    '/api/farmland/projects/:id',
    {
      config: { access: ACCESS.read },
      schema: { tags, summary: '整治项目详情 (project, sub-areas and check history)', params: idParams, response: { 200: loose, ...READ } },
    },
    async (req) => {
      const p = await getProjectDetail(db, req.params.id);
      assertDistrict(req, p.district);
      return p;
    },
  );

  app.patch<{ Params: { id: number }; Body: ProjectUpdate }>(
    '/api/farmland/projects/:id',
    {
      config: { access: ACCESS.register },
      schema: {
        tags,
        summary: '更新整治项目 (name, status, pilot, declared figures, before/after versions)',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            status: projectStatus,
            pilot: { type: 'boolean' },
            figures,
            before: layerRef,
            after: layerRef,
          },
        },
        response: { 200: loose, ...WRITE },
      },
    },
    async (req) => {
      assertDistrict(req, (await getProjectDetail(db, req.params.id)).district);
      return updateProject(db, req.params.id, req.body, req.user.username);
    },
  );

  app.post<{ Params: { id: number } }>(
    '/api/farmland/projects/:id/checks',
    {
      config: { access: ACCESS.check },
      schema: {
        tags,
        summary: '整治项目核验 (run the land-consolidation rule set of the review registry on the project; stored)',
        params: idParams,
        response: {
          201: {
            type: 'object',
            additionalProperties: true,
            properties: {
              checkId: { type: 'integer' },
              projectId: { type: 'integer' },
              code: str,
              ruleset: loose,
              checkedOn: str,
              verdict: str,
              facts: loose,
              sources: loose,
              findings: looseArray,
            },
          },
          ...WRITE,
        },
      },
    },
    async (req, reply) => {
      assertDistrict(req, (await getProjectDetail(db, req.params.id)).district);
      return reply.code(201).send(await checkProject(db, config.clock, req.params.id, req.user.username));
    },
  );
}
