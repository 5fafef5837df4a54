// Handlers of the machine review runs and the cases (人审): each takes the request, checks the
// caller's scope and calls the service (engine.ts, workflow.ts). The route table is in
// review.routes.ts.
import type { FastifyRequest } from 'fastify';
import { endpoint } from '../server/route.ts';
import { withUpload, numberField, booleanField, asUploaded, type Upload } from '../server/upload.ts';
import { assertParcelsInDistricts } from '../auth/districts.ts';
import { Forbidden, Invalid } from '../errors.ts';
import { boundaryFromBody, boundaryFromFile, type Boundary } from './input.ts';
import { parseWebMapDatum } from '../importers/webmap.ts';
import * as engine from './engine.ts';
import * as workflow from './workflow.ts';
import { renderOpinionHtml, renderOpinionPdf } from './opinion/index.ts';
import * as s from './review.schemas.ts';

interface BoundaryBody {
  geojson?: unknown;
  coordinateTxt?: string;
  srid?: number;
  from?: string;
  makeValid?: boolean;
}

/** A district officer's boundary must lie inside their districts (refused before anything is stored). */
async function inScope(req: FastifyRequest, b: Boundary): Promise<Boundary> {
  const { db, config } = req.server.ctx;
  await assertParcelsInDistricts(db, config.districts, req.user, b.parcels);
  return b;
}

/** The boundary of a request body: its parcels and where their coordinates came from. */
async function bodyBoundary(req: FastifyRequest, b: BoundaryBody): Promise<Boundary> {
  const { db, config } = req.server.ctx;
  const from = parseWebMapDatum(b.from, 'from');
  return inScope(req, await boundaryFromBody(db, config, b, { srid: b.srid, from, makeValid: b.makeValid }));
}

async function fileBoundary(req: FastifyRequest, u: Upload): Promise<Boundary> {
  const { db, config, gdal } = req.server.ctx;
  const f = u.fields;
  const b = await boundaryFromFile(db, config, u.path, {
    srid: numberField(f, 'srid'),
    from: parseWebMapDatum(f.from, 'from'),
    encoding: f.encoding || undefined,
    sourceLayer: f.sourceLayer || undefined,
    makeValid: booleanField(f, 'makeValid'),
    // A red line in DXF/DWG, KML or a point table is read with the app's one gdal3.js.
    gdal,
  });
  // The warnings are kept with the run: they name the file as uploaded, not its temporary folder.
  b.source.warnings = asUploaded(u, b.source.warnings);
  return inScope(req, b);
}

function indicatorsField(f: Record<string, string>): Record<string, number> | undefined {
  if (!f.indicators) return undefined;
  try {
    return JSON.parse(f.indicators) as Record<string, number>;
  } catch {
    throw new Invalid(
      `字段 indicators 须为 JSON，如 {"far": 2.5, "height": 60} (field indicators must be JSON, got "${f.indicators.slice(0, 60)}")`,
    );
  }
}

function typeField(f: Record<string, string>): string {
  if (!f.type) throw new Invalid('缺少字段 type（项目类型），如 urban-construction (field type is required)');
  return f.type;
}

/** District officers read the cases they submitted; other staff read all. */
async function mayReadCase(req: FastifyRequest, id: number): Promise<void> {
  if (req.user.role !== 'district') return;
  const c = await workflow.getCase(req.server.ctx.db, id);
  if (c.createdBy !== req.user.username)
    throw new Forbidden(`区县人员只能查看本人提交的报审项目 (case ${id} was submitted by someone else)`);
}

// Machine review (机审) ----------------------------------------------------------------------

export const runReview = endpoint(s.runReview, async (req, reply) => {
  const b = req.body;
  const r = await engine.runReview(req.server.ctx.db, {
    ...(await bodyBoundary(req, b)),
    name: b.name,
    type: b.type,
    indicators: b.indicators,
    ruleset: b.ruleset,
    user: req.user.username,
    geometry: b.geometry,
  });
  return reply.code(201).send(r);
});

export const runReviewFile = endpoint(s.runReviewFile, async (req, reply) => {
  const r = await withUpload(req, async (u) =>
    engine.runReview(req.server.ctx.db, {
      ...(await fileBoundary(req, u)),
      name: u.fields.name || u.name,
      type: typeField(u.fields),
      indicators: indicatorsField(u.fields),
      ruleset: u.fields.ruleset || undefined,
      user: req.user.username,
    }),
  );
  return reply.code(201).send(r);
});

/** District officers read their own runs; other staff read all (the same rule for a run and a comparison). */
async function readableRun(req: FastifyRequest, id: number) {
  const run = await engine.getRun(req.server.ctx.db, id);
  if (req.user.role === 'district' && run.createdBy !== req.user.username)
    throw new Forbidden(`区县人员只能查看本人的审查记录 (run ${id} is someone else's)`);
  return run;
}

export const getRun = endpoint(s.getRun, async (req) => readableRun(req, req.params.id));

export const compareRuns = endpoint(s.compareRuns, async (req) => {
  // A comparison shows both runs' findings: the caller must be able to read each (issue 22 item 5).
  await readableRun(req, req.params.id);
  await readableRun(req, req.params.other);
  return engine.compareRuns(req.server.ctx.db, req.params.id, req.params.other);
});

// Cases and human review (人审) ---------------------------------------------------------------

export const listCases = endpoint(s.listCases, async (req) =>
  workflow.listCases(req.server.ctx.db, { ...req.query, createdBy: req.user.role === 'district' ? req.user.username : undefined }),
);

export const submitCase = endpoint(s.submitCase, async (req, reply) => {
  const b = req.body;
  const c = await workflow.submitCase(req.server.ctx.db, {
    title: b.title,
    applicant: b.applicant,
    type: b.type,
    indicators: b.indicators,
    ruleset: b.ruleset,
    ...(await bodyBoundary(req, b)),
    user: req.user.username,
  });
  return reply.code(201).send(c);
});

export const submitCaseFile = endpoint(s.submitCaseFile, async (req, reply) => {
  const c = await withUpload(req, async (u) =>
    workflow.submitCase(req.server.ctx.db, {
      title: u.fields.title || u.fields.name || '',
      applicant: u.fields.applicant || undefined,
      type: typeField(u.fields),
      indicators: indicatorsField(u.fields),
      ruleset: u.fields.ruleset || undefined,
      ...(await fileBoundary(req, u)),
      user: req.user.username,
    }),
  );
  return reply.code(201).send(c);
});

export const getCase = endpoint(s.getCase, async (req) => {
  await mayReadCase(req, req.params.id);
  return workflow.getCase(req.server.ctx.db, req.params.id);
});

export const caseTrail = endpoint(s.caseTrail, async (req) => {
  await mayReadCase(req, req.params.id);
  return workflow.caseTrail(req.server.ctx.db, req.params.id);
});

export const rerunCase = endpoint(s.rerunCase, async (req) => workflow.rerunCase(req.server.ctx.db, req.params.id, req.user.username));

export const reviewFinding = endpoint(s.reviewFinding, async (req) =>
  workflow.reviewFinding(req.server.ctx.db, req.params.id, req.params.key, { ...req.body, user: req.user.username }),
);

export const decideCase = endpoint(s.decideCase, async (req) =>
  workflow.decideCase(req.server.ctx.db, req.params.id, { ...req.body, user: req.user.username }),
);

export const withdrawDecision = endpoint(s.withdrawDecision, async (req) =>
  workflow.withdrawDecision(req.server.ctx.db, req.params.id, req.user.username, req.body.reason),
);

export const signCase = endpoint(s.signCase, async (req) => workflow.signCase(req.server.ctx.db, req.params.id, req.user.username));

// The review opinion document (审查意见书) -----------------------------------------------------

export const opinionHtml = endpoint(s.opinionHtml, async (req, reply) => {
  await mayReadCase(req, req.params.id);
  const html = renderOpinionHtml(await workflow.opinionInput(req.server.ctx.db, req.params.id, req.server.ctx.config.bureau));
  return reply.type('text/html; charset=utf-8').send(html);
});

export const opinionPdf = endpoint(s.opinionPdf, async (req, reply) => {
  await mayReadCase(req, req.params.id);
  const pdf = await renderOpinionPdf(await workflow.opinionInput(req.server.ctx.db, req.params.id, req.server.ctx.config.bureau));
  return reply.type('application/pdf').header('content-disposition', `inline; filename="opinion-${req.params.id}.pdf"`).send(pdf);
});
