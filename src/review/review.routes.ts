// HTTP routes of the review: rule sets (versioned, edited by administrators), ad-hoc machine
// review, submissions with human review, the opinion document, run comparison and consistency
// review. Boundaries arrive as GeoJSON or coordinate-TXT text in the JSON body.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { parcelsFromBody } from './input.ts';
import { runReview, getRun, compareRuns } from './engine.ts';
import { currentRuleSet, listRuleSets, listRuleSetVersions, ruleSetVersion, saveRuleSet, DEFAULT_RULESET } from './ruleset.ts';
import { ruleKindNames } from './rules/registry.ts';
import {
  submitCase,
  getCase,
  listCases,
  reviewFinding,
  decideCase,
  signCase,
  rerunCase,
  withdrawDecision,
  caseTrail,
  opinionInput,
} from './workflow.ts';
import { runConsistency, getConsistency, listConsistency, DEFAULT_PAIRS } from './consistency.ts';
import { renderOpinionHtml, renderOpinionPdf } from './opinion/index.ts';
import type { Decision, FindingAction, Verdict } from './types.ts';
import type { FastifyRequest } from 'fastify';
import type { ProjectParcel } from './input.ts';
import { parcelsFromFile } from './input.ts';
import { assertParcelsInDistricts } from '../auth/districts.ts';
import { withUpload, numberField, booleanField } from '../server/upload.ts';
import { HttpError, errorSchema } from '../server/errors.ts';

// Who may do what in review (domain.md §1, §4): staff read; planners, reviewers and district
// officers run machine reviews (district officers inside their districts); planners and district
// officers submit; only reviewers judge findings, decide and sign; administrators edit rule sets.
const READ = { access: 'staff' } as const;
const RUN = { access: ['planner', 'reviewer', 'district'] } as const;
const SUBMIT = { access: ['planner', 'district'] } as const;
const JUDGE = { access: ['reviewer'] } as const;
const CONSISTENCY = { access: ['planner', 'reviewer'] } as const;

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const indicatorsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    far: { type: 'number', minimum: 0 },
    height: { type: 'number', minimum: 0 },
    density: { type: 'number', minimum: 0, maximum: 100 },
    greenRatio: { type: 'number', minimum: 0, maximum: 100 },
    groundElevation: { type: 'number' },
  },
} as const;
const boundaryProps = {
  geojson: {
    description: 'GeoJSON FeatureCollection, Feature or Polygon/MultiPolygon; lon/lat CGCS2000 unless a crs member says otherwise',
  },
  coordinateTxt: { type: 'string', description: '国家坐标交换格式 TXT text (建设用地报批)' },
  srid: { type: 'integer', description: 'source CRS when the data does not say (e.g. 4549)' },
  makeValid: { type: 'boolean' },
} as const;

// Response schemas. fast-json-stringify drops what a schema does not list and coerces null to
// "" / 0 / {} unless the type allows null, so every field is listed with its exact (nullable)
// type, and objects whose shape is open (GeoJSON, rule-specific details, rule-set definitions,
// audit before/after) keep `additionalProperties: true`.
const loose = { type: 'object', additionalProperties: true } as const;
const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const intOrNull = { type: ['integer', 'null'] } as const;
const num = { type: 'number' } as const;
const numOrNull = { type: ['number', 'null'] } as const;
const strings = { type: 'array', items: str } as const;
const verdictOut = { type: 'string', enum: ['pass', 'warn', 'fail', 'no-data'] } as const;
const geometryOut = { type: ['object', 'null'], additionalProperties: true, description: 'GeoJSON geometry, EPSG:4490 lon/lat' } as const;
const err = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorSchema]));
/** Errors of a signed-in read: bad parameter, not signed in, not allowed, no such thing. */
const READ_ERRORS = err(400, 401, 403, 404);
/** Errors of a write: also a workflow conflict and an oversized body. */
const WRITE_ERRORS = err(400, 401, 403, 404, 409, 413);
const UPLOAD_ERRORS = err(400, 401, 403, 404, 409, 413, 415);

const findingSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    key: { type: 'string', description: '${ruleId}:${layer}; human review refers to findings by key' },
    ruleId: str,
    rule: str,
    title: str,
    layer: str,
    layerName: str,
    layerVersion: intOrNull,
    verdict: verdictOut,
    message: str,
    legalBasis: strOrNull,
    overlapAreaM2: num,
    overlapAreaPlanarM2: num,
    overlapAreaMu: num,
    overlapPercent: num,
    belowTolerance: { type: 'boolean' },
    features: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: { fid: str, props: loose, overlapAreaM2: num, overlapAreaPlanarM2: num, overlapAreaMu: num, distanceM: num },
      },
    },
    geometry: geometryOut,
    details: { ...loose, description: 'rule-specific figures: share outside, indicator comparisons, limit elevations …' },
  },
} as const;
const reviewResultSchema = {
  type: 'object',
  additionalProperties: true,
  description: '机审结果 (ReviewResult, src/review/types.ts)',
  properties: {
    runId: int,
    caseId: intOrNull,
    verdict: { type: 'string', enum: ['pass', 'warn', 'fail'] },
    project: {
      type: 'object',
      additionalProperties: true,
      properties: {
        name: str,
        type: str,
        typeName: str,
        indicators: loose,
        parcelCount: int,
        parcels: {
          type: 'array',
          items: { type: 'object', additionalProperties: true, properties: { fid: str, areaM2: num, planarM2: num } },
        },
        areaM2: num,
        areaPlanarM2: num,
        areaMu: num,
        geometry: geometryOut,
        bbox: { type: 'array', items: num },
        hash: str,
      },
    },
    findings: { type: 'array', items: findingSchema },
    versions: {
      type: 'object',
      additionalProperties: true,
      properties: {
        ruleset: { type: 'object', additionalProperties: true, properties: { name: str, version: int } },
        layers: { type: 'object', additionalProperties: intOrNull },
      },
    },
    tolerance: { type: 'object', additionalProperties: true, properties: { areaM2: num, percent: num } },
    createdAt: str,
    createdBy: str,
    durationMs: num,
  },
} as const;
const caseStatusOut = { type: 'string', enum: ['machine-reviewed', 'in-review', 'decided', 'signed'] } as const;
const reviewCaseSchema = {
  type: 'object',
  additionalProperties: true,
  description: '报审案卷 (ReviewCase, src/review/workflow.ts)',
  properties: {
    id: int,
    title: str,
    applicant: strOrNull,
    projectType: str,
    status: caseStatusOut,
    statusName: str,
    decision: strOrNull,
    conditions: strings,
    opinion: strOrNull,
    signedBy: strOrNull,
    signedAt: strOrNull,
    createdBy: str,
    createdAt: str,
    run: reviewResultSchema,
    reviews: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: {
          findingKey: str,
          action: str,
          verdictBefore: verdictOut,
          verdictAfter: verdictOut,
          reason: strOrNull,
          by: str,
          at: str,
        },
      },
    },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: {
          key: str,
          title: str,
          layer: str,
          machineVerdict: verdictOut,
          finalVerdict: verdictOut,
          reviewed: { type: 'boolean' },
        },
      },
    },
    pending: { ...strings, description: 'keys of non-passing findings not yet confirmed or overridden' },
  },
} as const;
const ruleSetVersionSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    name: str,
    version: int,
    definition: { ...loose, description: 'the rule set: name, title, tolerance, projectTypes, rules' },
    createdAt: str,
    createdBy: str,
    note: strOrNull,
  },
} as const;
const comparisonSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    a: { type: 'object', additionalProperties: true, properties: { runId: int, createdAt: str, verdict: str, hash: str } },
    b: { type: 'object', additionalProperties: true, properties: { runId: int, createdAt: str, verdict: str, hash: str } },
    sameBoundary: { type: 'boolean' },
    ruleset: { type: 'object', additionalProperties: true, properties: { a: str, b: str, changed: { type: 'boolean' } } },
    layerVersions: {
      type: 'array',
      items: { type: 'object', additionalProperties: true, properties: { layer: str, a: intOrNull, b: intOrNull } },
    },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: {
          key: str,
          title: str,
          layer: str,
          verdictA: { type: ['string', 'null'] },
          verdictB: { type: ['string', 'null'] },
          areaA: numOrNull,
          areaB: numOrNull,
          deltaM2: numOrNull,
          changed: { type: 'boolean' },
        },
      },
    },
  },
} as const;
const caseListItem = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: int,
    title: str,
    applicant: strOrNull,
    projectType: str,
    status: caseStatusOut,
    statusName: str,
    decision: strOrNull,
    machineVerdict: str,
    createdBy: str,
    createdAt: strOrNull,
  },
} as const;
const trailEntry = {
  type: 'object',
  additionalProperties: true,
  properties: {
    at: str,
    actor: str,
    action: str,
    before: { description: 'state before (any JSON)' },
    after: { description: 'state after (any JSON)' },
  },
} as const;
const layerRef = { type: 'object', additionalProperties: true, properties: { code: str, name: str, version: int } } as const;
const byDistrict = {
  type: 'array',
  items: { type: 'object', additionalProperties: true, properties: { code: str, name: str, count: int, areaM2: num, areaMu: num } },
} as const;
const consistencyResult = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: int,
    layerA: layerRef,
    layerB: layerRef,
    resultLayer: str,
    resultVersion: intOrNull,
    conflictCount: int,
    areaM2: num,
    planarM2: num,
    areaMu: num,
    byDistrict,
    tolerance: { type: 'object', additionalProperties: true, properties: { areaM2: num } },
    durationMs: num,
    createdBy: str,
  },
} as const;
/** A stored consistency run as its database row (snake_case). */
const consistencyRow = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: int,
    layer_a: str,
    version_a: int,
    layer_b: str,
    version_b: int,
    result_layer: str,
    result_version: intOrNull,
    conflict_count: int,
    area_m2: num,
    planar_m2: num,
    by_district: byDistrict,
    duration_ms: numOrNull,
    created_by: str,
    created_at: str,
  },
} as const;
const nameParam = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', description: '规则集名称 (rule set name), e.g. default' } },
} as const;

interface BoundaryBody {
  geojson?: unknown;
  coordinateTxt?: string;
  srid?: number;
  makeValid?: boolean;
}

export function reviewRoutes(app: FastifyInstance, db: Db, config: Config): void {
  // A district officer's boundary must lie inside their districts (refused before anything is stored).
  const inScope = async (req: FastifyRequest, p: ProjectParcel[]) => {
    await assertParcelsInDistricts(db, config.districts, req.user, p);
    return p;
  };
  const parcels = async (req: FastifyRequest, b: BoundaryBody) =>
    inScope(req, await parcelsFromBody(db, config, b, { srid: b.srid, makeValid: b.makeValid }));
  // District officers read the cases they submitted; other staff read all.
  const mayRead = async (req: FastifyRequest, id: number) => {
    if (req.user.role !== 'district') return;
    const c = await getCase(db, id);
    if (c.createdBy !== req.user.username)
      throw new HttpError(403, `区县人员只能查看本人提交的报审项目 (case ${id} was submitted by someone else)`);
  };

  // Rule sets -------------------------------------------------------------------------------
  app.get(
    '/api/review/rule-kinds',
    {
      config: READ,
      schema: { tags: ['review'], summary: '规则类型 (the rule kinds a rule set may use)', response: { 200: strings, ...err(401, 403) } },
    },
    async () => ruleKindNames(),
  );
  app.get(
    '/api/review/rulesets',
    {
      config: READ,
      schema: {
        tags: ['review'],
        summary: '规则集列表 (rule sets, each with its current version)',
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: true,
              properties: { name: str, version: int, versions: int, createdAt: str, createdBy: str },
            },
          },
          ...err(401, 403),
        },
      },
    },
    async () => listRuleSets(db),
  );
  app.get<{ Params: { name: string } }>(
    '/api/review/rulesets/:name',
    {
      config: READ,
      schema: {
        tags: ['review'],
        summary: '规则集当前版本 (the current version of a rule set, with its version history)',
        params: nameParam,
        response: {
          200: {
            ...ruleSetVersionSchema,
            properties: {
              ...ruleSetVersionSchema.properties,
              versions: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: true,
                  properties: { version: int, createdAt: str, createdBy: str, note: strOrNull },
                },
              },
            },
          },
          ...READ_ERRORS,
        },
      },
    },
    async (req) => ({ ...(await currentRuleSet(db, req.params.name)), versions: await listRuleSetVersions(db, req.params.name) }),
  );
  app.get<{ Params: { name: string; version: number } }>(
    '/api/review/rulesets/:name/versions/:version',
    {
      config: READ,
      schema: {
        tags: ['review'],
        summary: '规则集历史版本 (one version of a rule set)',
        params: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'integer', minimum: 1 } } },
        response: { 200: ruleSetVersionSchema, ...READ_ERRORS },
      },
    },
    async (req) => ruleSetVersion(db, req.params.name, req.params.version),
  );
  app.put<{ Params: { name: string }; Body: { definition: Record<string, unknown>; note?: string } }>(
    '/api/review/rulesets/:name',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['review'],
        summary: '保存规则集新版本 (save a new version of a rule set; refused with every problem when invalid)',
        params: nameParam,
        body: { type: 'object', required: ['definition'], properties: { definition: { type: 'object' }, note: { type: 'string' } } },
        response: { 201: ruleSetVersionSchema, ...err(400, 401, 403, 413) },
      },
    },
    async (req, reply) => {
      const def = { ...req.body.definition, name: req.params.name };
      const v = await db.transaction((tx) => saveRuleSet(tx, def, req.user.username, req.body.note));
      return reply.code(201).send(v);
    },
  );
  app.get(
    '/api/review/project-types',
    {
      config: READ,
      schema: {
        tags: ['review'],
        summary: '项目类型 (project types of the default rule set)',
        response: {
          200: { type: 'array', items: { type: 'object', additionalProperties: true, properties: { code: str, name: str } } },
          ...err(401, 403),
        },
      },
    },
    async () => (await currentRuleSet(db)).definition.projectTypes ?? DEFAULT_RULESET.projectTypes,
  );

  // Ad-hoc machine review (机审) ------------------------------------------------------------
  app.post<{
    Body: BoundaryBody & { name?: string; type: string; indicators?: Record<string, number>; ruleset?: string; geometry?: boolean };
  }>(
    '/api/review/runs',
    {
      config: RUN,
      bodyLimit: config.limits.jsonBytes,
      schema: {
        tags: ['review'],
        summary: '机审 (machine review of a project boundary against the control layers)',
        body: {
          type: 'object',
          required: ['type'],
          properties: {
            ...boundaryProps,
            name: { type: 'string', maxLength: 200 },
            type: { type: 'string' },
            indicators: indicatorsSchema,
            ruleset: { type: 'string' },
            geometry: { type: 'boolean' },
          },
        },
        response: { 201: reviewResultSchema, ...WRITE_ERRORS },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const r = await runReview(db, {
        parcels: await parcels(req, b),
        name: b.name,
        type: b.type,
        indicators: b.indicators,
        ruleset: b.ruleset,
        user: req.user.username,
        geometry: b.geometry,
      });
      return reply.code(201).send(r);
    },
  );
  app.get<{ Params: { id: number } }>(
    '/api/review/runs/:id',
    {
      config: READ,
      schema: {
        tags: ['review'],
        summary: '审查记录 (a stored machine-review run, frozen as it was)',
        params: idParam,
        response: { 200: reviewResultSchema, ...READ_ERRORS },
      },
    },
    async (req) => {
      const run = await getRun(db, req.params.id);
      if (req.user.role === 'district' && run.createdBy !== req.user.username)
        throw new HttpError(403, `区县人员只能查看本人的审查记录 (run ${req.params.id} is someone else's)`);
      return run;
    },
  );
  app.get<{ Params: { id: number; other: number } }>(
    '/api/review/runs/:id/compare/:other',
    {
      config: READ,
      schema: {
        tags: ['review'],
        summary: '两次审查对比 (what changed between two runs: boundary, rule set, layer versions, findings)',
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 }, other: { type: 'integer', minimum: 1 } } },
        response: { 200: comparisonSchema, ...READ_ERRORS },
      },
    },
    async (req) => compareRuns(db, req.params.id, req.params.other),
  );

  // Submissions and human review (人审) ----------------------------------------------------
  app.get<{ Querystring: { status?: string; q?: string; limit?: number; offset?: number } }>(
    '/api/review/cases',
    {
      config: READ,
      schema: {
        tags: ['review'],
        summary: '报审案卷列表 (review cases, newest first; district officers see their own)',
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['machine-reviewed', 'in-review', 'decided', 'signed'] },
            q: { type: 'string', maxLength: 100, description: '项目名称或申请单位包含的文字 (text in the title or applicant)' },
            limit: { type: 'integer', minimum: 1, maximum: 500 },
            offset: { type: 'integer', minimum: 0 },
          },
        },
        response: { 200: { type: 'array', items: caseListItem }, ...err(400, 401, 403) },
      },
    },
    async (req) => listCases(db, { ...req.query, createdBy: req.user.role === 'district' ? req.user.username : undefined }),
  );
  app.post<{
    Body: BoundaryBody & { title: string; applicant?: string; type: string; indicators?: Record<string, number>; ruleset?: string };
  }>(
    '/api/review/cases',
    {
      config: SUBMIT,
      bodyLimit: config.limits.jsonBytes,
      schema: {
        tags: ['review'],
        summary: '报审 (submit a case: created and machine-reviewed at once)',
        body: {
          type: 'object',
          required: ['title', 'type'],
          properties: {
            ...boundaryProps,
            title: { type: 'string', minLength: 1, maxLength: 200 },
            applicant: { type: 'string', maxLength: 200 },
            type: { type: 'string' },
            indicators: indicatorsSchema,
            ruleset: { type: 'string' },
          },
        },
        response: { 201: reviewCaseSchema, ...WRITE_ERRORS },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const c = await submitCase(db, {
        title: b.title,
        applicant: b.applicant,
        type: b.type,
        indicators: b.indicators,
        ruleset: b.ruleset,
        parcels: await parcels(req, b),
        user: req.user.username,
      });
      return reply.code(201).send(c);
    },
  );
  app.get<{ Params: { id: number } }>(
    '/api/review/cases/:id',
    {
      config: READ,
      schema: {
        tags: ['review'],
        summary: '报审案卷 (a case: its run, reviews, findings after human review, pending findings)',
        params: idParam,
        response: { 200: reviewCaseSchema, ...READ_ERRORS },
      },
    },
    async (req) => {
      await mayRead(req, req.params.id);
      return getCase(db, req.params.id);
    },
  );
  app.get<{ Params: { id: number } }>(
    '/api/review/cases/:id/trail',
    {
      config: READ,
      schema: {
        tags: ['review'],
        summary: '案卷留痕 (the append-only audit trail of a case, with before and after)',
        params: idParam,
        response: { 200: { type: 'array', items: trailEntry }, ...READ_ERRORS },
      },
    },
    async (req) => {
      await mayRead(req, req.params.id);
      return caseTrail(db, req.params.id);
    },
  );
  app.post<{ Params: { id: number } }>(
    '/api/review/cases/:id/rerun',
    {
      config: { access: ['planner', 'reviewer'] },
      schema: {
        tags: ['review'],
        summary: '重新机审 (re-run the machine review of a case on the current data)',
        params: idParam,
        response: { 200: reviewCaseSchema, ...WRITE_ERRORS },
      },
    },
    async (req) => rerunCase(db, req.params.id, req.user.username),
  );
  app.post<{ Params: { id: number; key: string }; Body: { action: FindingAction; verdict?: Verdict; reason?: string } }>(
    '/api/review/cases/:id/findings/:key/review',
    {
      config: JUDGE,
      schema: {
        tags: ['review'],
        summary: '人审意见 (confirm, override or mark a finding as a false positive, with a reason)',
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 }, key: { type: 'string' } } },
        body: {
          type: 'object',
          required: ['action'],
          properties: {
            action: { type: 'string', enum: ['confirm', 'override', 'false-positive'] },
            verdict: { type: 'string', enum: ['pass', 'warn', 'fail'] },
            reason: { type: 'string', maxLength: 2000 },
          },
        },
        response: { 200: reviewCaseSchema, ...WRITE_ERRORS },
      },
    },
    async (req) => reviewFinding(db, req.params.id, req.params.key, { ...req.body, user: req.user.username }),
  );
  app.post<{ Params: { id: number }; Body: { decision: Decision; conditions?: string[]; opinion?: string } }>(
    '/api/review/cases/:id/decision',
    {
      config: JUDGE,
      schema: {
        tags: ['review'],
        summary: '审查决定 (decide: 通过 / 有条件通过 with conditions / 不通过)',
        params: idParam,
        body: {
          type: 'object',
          required: ['decision'],
          properties: {
            decision: { type: 'string', enum: ['通过', '有条件通过', '不通过'] },
            conditions: { type: 'array', items: { type: 'string', maxLength: 2000 }, maxItems: 50 },
            opinion: { type: 'string', maxLength: 10000 },
          },
        },
        response: { 200: reviewCaseSchema, ...WRITE_ERRORS },
      },
    },
    async (req) => decideCase(db, req.params.id, { ...req.body, user: req.user.username }),
  );
  app.post<{ Params: { id: number }; Body: { reason: string } }>(
    '/api/review/cases/:id/withdraw',
    {
      config: JUDGE,
      schema: {
        tags: ['review'],
        summary: '撤回决定 (withdraw an unsigned decision, with a reason)',
        params: idParam,
        body: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 1 } } },
        response: { 200: reviewCaseSchema, ...WRITE_ERRORS },
      },
    },
    async (req) => withdrawDecision(db, req.params.id, req.user.username, req.body.reason),
  );
  app.post<{ Params: { id: number } }>(
    '/api/review/cases/:id/sign',
    {
      config: JUDGE,
      schema: {
        tags: ['review'],
        summary: '签发 (sign the decision; the case is frozen)',
        params: idParam,
        response: { 200: reviewCaseSchema, ...WRITE_ERRORS },
      },
    },
    async (req) => signCase(db, req.params.id, req.user.username),
  );

  // The same two, with the boundary as an uploaded file (Shapefile .zip or parts, GeoPackage,
  // GeoJSON, coordinate TXT). Form fields: type, name/title, applicant, indicators (JSON text),
  // srid, encoding, sourceLayer, makeValid, ruleset.
  const fileParcels = async (req: FastifyRequest, u: { path: string; fields: Record<string, string> }) =>
    inScope(
      req,
      await parcelsFromFile(db, config, u.path, {
        srid: numberField(u.fields, 'srid'),
        encoding: u.fields.encoding || undefined,
        sourceLayer: u.fields.sourceLayer || undefined,
        makeValid: booleanField(u.fields, 'makeValid'),
      }),
    );
  const indicatorsField = (f: Record<string, string>): Record<string, number> | undefined => {
    if (!f.indicators) return undefined;
    try {
      return JSON.parse(f.indicators) as Record<string, number>;
    } catch {
      throw new HttpError(400, `field indicators must be JSON such as {"far": 2.5, "height": 60}, got "${f.indicators.slice(0, 60)}"`);
    }
  };
  const needType = (f: Record<string, string>) => {
    if (!f.type) throw new HttpError(400, 'field type (项目类型) is required, e.g. urban-construction');
    return f.type;
  };
  const uploadSchema = (summary: string, created: object) => ({
    consumes: ['multipart/form-data'],
    summary,
    tags: ['review'],
    response: { 201: created, ...UPLOAD_ERRORS },
  });

  app.post(
    '/api/review/runs/file',
    {
      config: { ...RUN, timeoutMs: config.limits.uploadTimeoutMs },
      schema: uploadSchema('机审：上传项目红线文件 (machine review of an uploaded boundary file)', reviewResultSchema),
    },
    async (req, reply) =>
      reply.code(201).send(
        await withUpload(req, async (u) =>
          runReview(db, {
            parcels: await fileParcels(req, u),
            name: u.fields.name || u.name,
            type: needType(u.fields),
            indicators: indicatorsField(u.fields),
            ruleset: u.fields.ruleset || undefined,
            user: req.user.username,
          }),
        ),
      ),
  );

  app.post(
    '/api/review/cases/file',
    {
      config: { ...SUBMIT, timeoutMs: config.limits.uploadTimeoutMs },
      schema: uploadSchema('报审：上传项目红线文件 (submit a case with an uploaded boundary file)', reviewCaseSchema),
    },
    async (req, reply) =>
      reply.code(201).send(
        await withUpload(req, async (u) =>
          submitCase(db, {
            title: u.fields.title || u.fields.name || '',
            applicant: u.fields.applicant || undefined,
            type: needType(u.fields),
            indicators: indicatorsField(u.fields),
            ruleset: u.fields.ruleset || undefined,
            parcels: await fileParcels(req, u),
            user: req.user.username,
          }),
        ),
      ),
  );

  // Review opinion document (审查意见书) -----------------------------------------------------
  app.get<{ Params: { id: number } }>(
    '/api/review/cases/:id/opinion.html',
    {
      config: READ,
      schema: {
        tags: ['review'],
        summary: '审查意见书 HTML (the review opinion document as a printable page)',
        params: idParam,
        response: {
          200: { description: '审查意见书 (HTML page)', content: { 'text/html': { schema: { type: 'string' } } } },
          ...READ_ERRORS,
        },
      },
    },
    async (req, reply) =>
      (await mayRead(req, req.params.id), reply)
        .type('text/html; charset=utf-8')
        .send(renderOpinionHtml(await opinionInput(db, req.params.id))),
  );
  app.get<{ Params: { id: number } }>(
    '/api/review/cases/:id/opinion.pdf',
    {
      config: READ,
      schema: {
        tags: ['review'],
        summary: '审查意见书 PDF (the review opinion document as PDF)',
        params: idParam,
        response: {
          200: {
            description: '审查意见书 (PDF, inline)',
            content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
          },
          ...READ_ERRORS,
        },
      },
    },
    async (req, reply) => {
      await mayRead(req, req.params.id);
      const pdf = await renderOpinionPdf(await opinionInput(db, req.params.id));
      return reply.type('application/pdf').header('content-disposition', `inline; filename="opinion-${req.params.id}.pdf"`).send(pdf);
    },
  );

  // Consistency review (一致性审查) ------------------------------------------------------------
  app.get(
    '/api/review/consistency',
    {
      config: READ,
      schema: {
        tags: ['review'],
        summary: '一致性审查记录 (the default layer pairs and the latest 100 consistency runs)',
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            properties: { defaultPairs: { type: 'array', items: strings }, runs: { type: 'array', items: consistencyRow } },
          },
          ...err(401, 403),
        },
      },
    },
    async () => ({ defaultPairs: DEFAULT_PAIRS, runs: await listConsistency(db) }),
  );
  app.post<{ Body: { a: string; b: string } }>(
    '/api/review/consistency',
    {
      config: CONSISTENCY,
      schema: {
        tags: ['review'],
        summary: '一致性审查 (compare two polygon layers; conflicts are stored as a layer and summed by district)',
        body: {
          type: 'object',
          required: ['a', 'b'],
          properties: {
            a: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' },
            b: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' },
          },
        },
        response: { 201: consistencyResult, ...WRITE_ERRORS },
      },
    },
    async (req, reply) => reply.code(201).send(await runConsistency(db, config, req.body.a, req.body.b, req.user.username)),
  );
  app.get<{ Params: { id: number } }>(
    '/api/review/consistency/:id',
    {
      config: READ,
      schema: {
        tags: ['review'],
        summary: '一致性审查结果 (one stored consistency run)',
        params: idParam,
        response: { 200: consistencyRow, ...READ_ERRORS },
      },
    },
    async (req) => getConsistency(db, req.params.id),
  );
}
