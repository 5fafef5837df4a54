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
import { submitCase, getCase, listCases, reviewFinding, decideCase, signCase, rerunCase, withdrawDecision, caseTrail, opinionInput } from './workflow.ts';
import { runConsistency, getConsistency, listConsistency, DEFAULT_PAIRS } from './consistency.ts';
import { renderOpinionHtml, renderOpinionPdf } from './opinion/index.ts';
import type { Decision, FindingAction, Verdict } from './types.ts';
import type { FastifyRequest } from 'fastify';
import type { ProjectParcel } from './input.ts';
import { parcelsFromFile } from './input.ts';
import { assertParcelsInDistricts } from '../auth/districts.ts';
import { withUpload, numberField, booleanField } from '../server/upload.ts';
import { HttpError } from '../server/errors.ts';

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
  // A district officer's boundary must lie inside their districts (refused before anything is stored).
  const inScope = async (req: FastifyRequest, p: ProjectParcel[]) => {
    await assertParcelsInDistricts(db, req.user, p);
    return p;
  };
  const parcels = async (req: FastifyRequest, b: BoundaryBody) => inScope(req, await parcelsFromBody(db, config, b, { srid: b.srid, makeValid: b.makeValid }));
  // District officers read the cases they submitted; other staff read all.
  const mayRead = async (req: FastifyRequest, id: number) => {
    if (req.user.role !== 'district') return;
    const c = await getCase(db, id);
    if (c.createdBy !== req.user.username) throw new HttpError(403, `区县人员只能查看本人提交的报审项目 (case ${id} was submitted by someone else)`);
  };

  // Rule sets -------------------------------------------------------------------------------
  app.get('/api/review/rule-kinds', { config: READ }, async () => ruleKindNames());
  app.get('/api/review/rulesets', { config: READ }, async () => listRuleSets(db));
  app.get<{ Params: { name: string } }>('/api/review/rulesets/:name', { config: READ }, async (req) => ({ ...(await currentRuleSet(db, req.params.name)), versions: await listRuleSetVersions(db, req.params.name) }));
  app.get<{ Params: { name: string; version: number } }>('/api/review/rulesets/:name/versions/:version',
    { config: READ, schema: { params: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'integer', minimum: 1 } } } } },
    async (req) => ruleSetVersion(db, req.params.name, req.params.version));
  app.put<{ Params: { name: string }; Body: { definition: Record<string, unknown>; note?: string } }>('/api/review/rulesets/:name',
    { config: { access: ['admin'] }, schema: { body: { type: 'object', required: ['definition'], properties: { definition: { type: 'object' }, note: { type: 'string' } } } } },
    async (req, reply) => {
      const def = { ...req.body.definition, name: req.params.name };
      const v = await db.transaction((tx) => saveRuleSet(tx, def, req.user.username, req.body.note));
      return reply.code(201).send(v);
    });
  app.get('/api/review/project-types', { config: READ }, async () => (await currentRuleSet(db)).definition.projectTypes ?? DEFAULT_RULESET.projectTypes);

  // Ad-hoc machine review (机审) ------------------------------------------------------------
  app.post<{ Body: BoundaryBody & { name?: string; type: string; indicators?: Record<string, number>; ruleset?: string; geometry?: boolean } }>('/api/review/runs',
    { config: RUN, bodyLimit: config.limits.jsonBytes, schema: { body: { type: 'object', required: ['type'], properties: { ...boundaryProps, name: { type: 'string', maxLength: 200 }, type: { type: 'string' }, indicators: indicatorsSchema, ruleset: { type: 'string' }, geometry: { type: 'boolean' } } } } },
    async (req, reply) => {
      const b = req.body;
      const r = await runReview(db, { parcels: await parcels(req, b), name: b.name, type: b.type, indicators: b.indicators, ruleset: b.ruleset, user: req.user.username, geometry: b.geometry });
      return reply.code(201).send(r);
    });
  app.get<{ Params: { id: number } }>('/api/review/runs/:id', { config: READ, schema: { params: idParam } }, async (req) => {
    const run = await getRun(db, req.params.id);
    if (req.user.role === 'district' && run.createdBy !== req.user.username) throw new HttpError(403, `区县人员只能查看本人的审查记录 (run ${req.params.id} is someone else's)`);
    return run;
  });
  app.get<{ Params: { id: number; other: number } }>('/api/review/runs/:id/compare/:other',
    { config: READ, schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 }, other: { type: 'integer', minimum: 1 } } } } },
    async (req) => compareRuns(db, req.params.id, req.params.other));

  // Submissions and human review (人审) ----------------------------------------------------
  app.get<{ Querystring: { status?: string; limit?: number; offset?: number } }>('/api/review/cases',
    { config: READ, schema: { querystring: { type: 'object', properties: { status: { type: 'string', enum: ['machine-reviewed', 'in-review', 'decided', 'signed'] }, limit: { type: 'integer', minimum: 1, maximum: 500 }, offset: { type: 'integer', minimum: 0 } } } } },
    async (req) => listCases(db, { ...req.query, createdBy: req.user.role === 'district' ? req.user.username : undefined }));
  app.post<{ Body: BoundaryBody & { title: string; applicant?: string; type: string; indicators?: Record<string, number>; ruleset?: string } }>('/api/review/cases',
    { config: SUBMIT, bodyLimit: config.limits.jsonBytes, schema: { body: { type: 'object', required: ['title', 'type'], properties: { ...boundaryProps, title: { type: 'string', minLength: 1, maxLength: 200 }, applicant: { type: 'string', maxLength: 200 }, type: { type: 'string' }, indicators: indicatorsSchema, ruleset: { type: 'string' } } } } },
    async (req, reply) => {
      const b = req.body;
      const c = await submitCase(db, { title: b.title, applicant: b.applicant, type: b.type, indicators: b.indicators, ruleset: b.ruleset, parcels: await parcels(req, b), user: req.user.username });
      return reply.code(201).send(c);
    });
  app.get<{ Params: { id: number } }>('/api/review/cases/:id', { config: READ, schema: { params: idParam } }, async (req) => {
    await mayRead(req, req.params.id);
    return getCase(db, req.params.id);
  });
  app.get<{ Params: { id: number } }>('/api/review/cases/:id/trail', { config: READ, schema: { params: idParam } }, async (req) => {
    await mayRead(req, req.params.id);
    return caseTrail(db, req.params.id);
  });
  app.post<{ Params: { id: number } }>('/api/review/cases/:id/rerun', { config: { access: ['planner', 'reviewer'] }, schema: { params: idParam } }, async (req) => rerunCase(db, req.params.id, req.user.username));
  app.post<{ Params: { id: number; key: string }; Body: { action: FindingAction; verdict?: Verdict; reason?: string } }>('/api/review/cases/:id/findings/:key/review',
    { config: JUDGE, schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 }, key: { type: 'string' } } }, body: { type: 'object', required: ['action'], properties: { action: { type: 'string', enum: ['confirm', 'override', 'false-positive'] }, verdict: { type: 'string', enum: ['pass', 'warn', 'fail'] }, reason: { type: 'string', maxLength: 2000 } } } } },
    async (req) => reviewFinding(db, req.params.id, req.params.key, { ...req.body, user: req.user.username }));
  app.post<{ Params: { id: number }; Body: { decision: Decision; conditions?: string[]; opinion?: string } }>('/api/review/cases/:id/decision',
    { config: JUDGE, schema: { params: idParam, body: { type: 'object', required: ['decision'], properties: { decision: { type: 'string', enum: ['通过', '有条件通过', '不通过'] }, conditions: { type: 'array', items: { type: 'string', maxLength: 2000 }, maxItems: 50 }, opinion: { type: 'string', maxLength: 10000 } } } } },
    async (req) => decideCase(db, req.params.id, { ...req.body, user: req.user.username }));
  app.post<{ Params: { id: number }; Body: { reason: string } }>('/api/review/cases/:id/withdraw',
    { config: JUDGE, schema: { params: idParam, body: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 1 } } } } },
    async (req) => withdrawDecision(db, req.params.id, req.user.username, req.body.reason));
  app.post<{ Params: { id: number } }>('/api/review/cases/:id/sign', { config: JUDGE, schema: { params: idParam } }, async (req) => signCase(db, req.params.id, req.user.username));

  // The same two, with the boundary as an uploaded file (Shapefile .zip or parts, GeoPackage,
  // GeoJSON, coordinate TXT). Form fields: type, name/title, applicant, indicators (JSON text),
  // srid, encoding, sourceLayer, makeValid, ruleset.
  const fileParcels = async (req: FastifyRequest, u: { path: string; fields: Record<string, string> }) =>
    inScope(req, await parcelsFromFile(db, config, u.path, { srid: numberField(u.fields, 'srid'), encoding: u.fields.encoding || undefined, sourceLayer: u.fields.sourceLayer || undefined, makeValid: booleanField(u.fields, 'makeValid') }));
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
  const uploadSchema = (summary: string) => ({ consumes: ['multipart/form-data'], summary, tags: ['review'] });

  app.post('/api/review/runs/file', { config: { ...RUN, timeoutMs: config.limits.uploadTimeoutMs }, schema: uploadSchema('机审：上传项目红线文件 (machine review of an uploaded boundary file)') }, async (req, reply) =>
    reply.code(201).send(await withUpload(req, async (u) => runReview(db, {
      parcels: await fileParcels(req, u), name: u.fields.name || u.name, type: needType(u.fields), indicators: indicatorsField(u.fields), ruleset: u.fields.ruleset || undefined, user: req.user.username,
    }))));

  app.post('/api/review/cases/file', { config: { ...SUBMIT, timeoutMs: config.limits.uploadTimeoutMs }, schema: uploadSchema('报审：上传项目红线文件 (submit a case with an uploaded boundary file)') }, async (req, reply) =>
    reply.code(201).send(await withUpload(req, async (u) => submitCase(db, {
      title: u.fields.title || u.fields.name || '', applicant: u.fields.applicant || undefined, type: needType(u.fields), indicators: indicatorsField(u.fields), ruleset: u.fields.ruleset || undefined,
      parcels: await fileParcels(req, u), user: req.user.username,
    }))));

  // Review opinion document (审查意见书) -----------------------------------------------------
  app.get<{ Params: { id: number } }>('/api/review/cases/:id/opinion.html', { config: READ, schema: { params: idParam } }, async (req, reply) =>
    (await mayRead(req, req.params.id), reply).type('text/html; charset=utf-8').send(renderOpinionHtml(await opinionInput(db, req.params.id))));
  app.get<{ Params: { id: number } }>('/api/review/cases/:id/opinion.pdf', { config: READ, schema: { params: idParam } }, async (req, reply) => {
    await mayRead(req, req.params.id);
    const pdf = await renderOpinionPdf(await opinionInput(db, req.params.id));
    return reply.type('application/pdf').header('content-disposition', `inline; filename="opinion-${req.params.id}.pdf"`).send(pdf);
  });

  // Consistency review (一致性审查) ------------------------------------------------------------
  app.get('/api/review/consistency', { config: READ }, async () => ({ defaultPairs: DEFAULT_PAIRS, runs: await listConsistency(db) }));
  app.post<{ Body: { a: string; b: string } }>('/api/review/consistency',
    { config: CONSISTENCY, schema: { body: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' }, b: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' } } } } },
    async (req, reply) => reply.code(201).send(await runConsistency(db, config, req.body.a, req.body.b, req.user.username)));
  app.get<{ Params: { id: number } }>('/api/review/consistency/:id', { config: READ, schema: { params: idParam } }, async (req) => getConsistency(db, req.params.id));
}
