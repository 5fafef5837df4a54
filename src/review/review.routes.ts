// HTTP routes of the review: rule sets (versioned, edited by administrators), ad-hoc machine
// review, submissions with human review, the opinion document, run comparison and consistency
// review. Boundaries arrive as GeoJSON or coordinate-TXT text in the JSON body.
import type { FastifyInstance } from 'fastify';
import { requestUser } from '../server/user.ts';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { parcelsFromBody } from './input.ts';
import { runReview, getRun, compareRuns } from './engine.ts';
import { currentRuleSet, listRuleSets, listRuleSetVersions, ruleSetVersion, saveRuleSet, DEFAULT_RULESET } from './ruleset.ts';
import { ruleKindNames } from './rules/registry.ts';
import { submitCase, getCase, listCases, reviewFinding, decideCase, signCase, rerunCase, withdrawDecision, caseTrail, opinionInput } from './workflow.ts';
import { runConsistency, getConsistency, listConsistency, DEFAULT_PAIRS } from './consistency.ts';
import { renderOpinionHtml, renderOpinionPdf } from './opinion/index.ts';
import type { Decision, FindingAction, Verdict } from './types.ts';

const BODY_LIMIT = 50 * 1024 * 1024; // a boundary with many parcels as GeoJSON text

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const indicatorsSchema = {
  type: 'object', additionalProperties: false,
  properties: { far: { type: 'number', minimum: 0 }, height: { type: 'number', minimum: 0 }, density: { type: 'number', minimum: 0, maximum: 100 }, greenRatio: { type: 'number', minimum: 0, maximum: 100 }, groundElevation: { type: 'number' } },
} as const;
const boundaryProps = {
  geojson: { description: 'GeoJSON FeatureCollection, Feature or Polygon/MultiPolygon; lon/lat CGCS2000 unless a crs member says otherwise' },
  coordinateTxt: { type: 'string', description: '国家坐标交换格式 TXT text (建设用地报批)' },
  srid: { type: 'integer', description: 'source CRS when the data does not say (e.g. 4549)' },
  makeValid: { type: 'boolean' },
} as const;

interface BoundaryBody {
  geojson?: unknown;
  coordinateTxt?: string;
  srid?: number;
  makeValid?: boolean;
}

export function reviewRoutes(app: FastifyInstance, db: Db, config: Config): void {
  const parcels = (b: BoundaryBody) => parcelsFromBody(db, config, b, { srid: b.srid, makeValid: b.makeValid });

  // Rule sets -------------------------------------------------------------------------------
  app.get('/api/review/rule-kinds', async () => ruleKindNames());
  app.get('/api/review/rulesets', async () => listRuleSets(db));
  app.get<{ Params: { name: string } }>('/api/review/rulesets/:name', async (req) => ({ ...(await currentRuleSet(db, req.params.name)), versions: await listRuleSetVersions(db, req.params.name) }));
  app.get<{ Params: { name: string; version: number } }>('/api/review/rulesets/:name/versions/:version',
    { schema: { params: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'integer', minimum: 1 } } } } },
    async (req) => ruleSetVersion(db, req.params.name, req.params.version));
  app.put<{ Params: { name: string }; Body: { definition: Record<string, unknown>; note?: string } }>('/api/review/rulesets/:name',
    { schema: { body: { type: 'object', required: ['definition'], properties: { definition: { type: 'object' }, note: { type: 'string' } } } } },
    async (req, reply) => {
      const def = { ...req.body.definition, name: req.params.name };
      const v = await db.transaction((tx) => saveRuleSet(tx, def, requestUser(req), req.body.note));
      return reply.code(201).send(v);
    });
  app.get('/api/review/project-types', async () => (await currentRuleSet(db)).definition.projectTypes ?? DEFAULT_RULESET.projectTypes);

  // Ad-hoc machine review (机审) ------------------------------------------------------------
  app.post<{ Body: BoundaryBody & { name?: string; type: string; indicators?: Record<string, number>; ruleset?: string; geometry?: boolean } }>('/api/review/runs',
    { bodyLimit: BODY_LIMIT, schema: { body: { type: 'object', required: ['type'], properties: { ...boundaryProps, name: { type: 'string', maxLength: 200 }, type: { type: 'string' }, indicators: indicatorsSchema, ruleset: { type: 'string' }, geometry: { type: 'boolean' } } } } },
    async (req, reply) => {
      const b = req.body;
      const r = await runReview(db, { parcels: await parcels(b), name: b.name, type: b.type, indicators: b.indicators, ruleset: b.ruleset, user: requestUser(req), geometry: b.geometry });
      return reply.code(201).send(r);
    });
  app.get<{ Params: { id: number } }>('/api/review/runs/:id', { schema: { params: idParam } }, async (req) => getRun(db, req.params.id));
  app.get<{ Params: { id: number; other: number } }>('/api/review/runs/:id/compare/:other',
    { schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 }, other: { type: 'integer', minimum: 1 } } } } },
    async (req) => compareRuns(db, req.params.id, req.params.other));

  // Submissions and human review (人审) ----------------------------------------------------
  app.get<{ Querystring: { status?: string; limit?: number; offset?: number } }>('/api/review/cases',
    { schema: { querystring: { type: 'object', properties: { status: { type: 'string', enum: ['machine-reviewed', 'in-review', 'decided', 'signed'] }, limit: { type: 'integer', minimum: 1, maximum: 500 }, offset: { type: 'integer', minimum: 0 } } } } },
    async (req) => listCases(db, req.query));
  app.post<{ Body: BoundaryBody & { title: string; applicant?: string; type: string; indicators?: Record<string, number>; ruleset?: string } }>('/api/review/cases',
    { bodyLimit: BODY_LIMIT, schema: { body: { type: 'object', required: ['title', 'type'], properties: { ...boundaryProps, title: { type: 'string', minLength: 1, maxLength: 200 }, applicant: { type: 'string', maxLength: 200 }, type: { type: 'string' }, indicators: indicatorsSchema, ruleset: { type: 'string' } } } } },
    async (req, reply) => {
      const b = req.body;
      const c = await submitCase(db, { title: b.title, applicant: b.applicant, type: b.type, indicators: b.indicators, ruleset: b.ruleset, parcels: await parcels(b), user: requestUser(req) });
      return reply.code(201).send(c);
    });
  app.get<{ Params: { id: number } }>('/api/review/cases/:id', { schema: { params: idParam } }, async (req) => getCase(db, req.params.id));
  app.get<{ Params: { id: number } }>('/api/review/cases/:id/trail', { schema: { params: idParam } }, async (req) => caseTrail(db, req.params.id));
  app.post<{ Params: { id: number } }>('/api/review/cases/:id/rerun', { schema: { params: idParam } }, async (req) => rerunCase(db, req.params.id, requestUser(req)));
  app.post<{ Params: { id: number; key: string }; Body: { action: FindingAction; verdict?: Verdict; reason?: string } }>('/api/review/cases/:id/findings/:key/review',
    { schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 }, key: { type: 'string' } } }, body: { type: 'object', required: ['action'], properties: { action: { type: 'string', enum: ['confirm', 'override', 'false-positive'] }, verdict: { type: 'string', enum: ['pass', 'warn', 'fail'] }, reason: { type: 'string', maxLength: 2000 } } } } },
    async (req) => reviewFinding(db, req.params.id, req.params.key, { ...req.body, user: requestUser(req) }));
  app.post<{ Params: { id: number }; Body: { decision: Decision; conditions?: string[]; opinion?: string } }>('/api/review/cases/:id/decision',
    { schema: { params: idParam, body: { type: 'object', required: ['decision'], properties: { decision: { type: 'string', enum: ['通过', '有条件通过', '不通过'] }, conditions: { type: 'array', items: { type: 'string', maxLength: 2000 }, maxItems: 50 }, opinion: { type: 'string', maxLength: 10000 } } } } },
    async (req) => decideCase(db, req.params.id, { ...req.body, user: requestUser(req) }));
  app.post<{ Params: { id: number }; Body: { reason: string } }>('/api/review/cases/:id/withdraw',
    { schema: { params: idParam, body: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 1 } } } } },
    async (req) => withdrawDecision(db, req.params.id, requestUser(req), req.body.reason));
  app.post<{ Params: { id: number } }>('/api/review/cases/:id/sign', { schema: { params: idParam } }, async (req) => signCase(db, req.params.id, requestUser(req)));

  // Review opinion document (审查意见书) -----------------------------------------------------
  app.get<{ Params: { id: number } }>('/api/review/cases/:id/opinion.html', { schema: { params: idParam } }, async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(renderOpinionHtml(await opinionInput(db, req.params.id))));
  app.get<{ Params: { id: number } }>('/api/review/cases/:id/opinion.pdf', { schema: { params: idParam } }, async (req, reply) => {
    const pdf = await renderOpinionPdf(await opinionInput(db, req.params.id));
    return reply.type('application/pdf').header('content-disposition', `inline; filename="opinion-${req.params.id}.pdf"`).send(pdf);
  });

  // Consistency review (一致性审查) ------------------------------------------------------------
  app.get('/api/review/consistency', async () => ({ defaultPairs: DEFAULT_PAIRS, runs: await listConsistency(db) }));
  app.post<{ Body: { a: string; b: string } }>('/api/review/consistency',
    { schema: { body: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' }, b: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' } } } } },
    async (req, reply) => reply.code(201).send(await runConsistency(db, config, req.body.a, req.body.b, requestUser(req))));
  app.get<{ Params: { id: number } }>('/api/review/consistency/:id', { schema: { params: idParam } }, async (req) => getConsistency(db, req.params.id));
}
