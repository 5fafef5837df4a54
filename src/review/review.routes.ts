// HTTP routes of the review: rule sets (versioned, edited by administrators), ad-hoc machine
// review, submissions with human review, the opinion document, run comparison and consistency
// review. Boundaries arrive as GeoJSON or coordinate-TXT text in the JSON body, or as a file.
//
// Who may do what (domain.md §1, §4): staff read; planners, reviewers and district officers run
// machine reviews (district officers inside their districts); planners and district officers
// submit; only reviewers judge findings, decide and sign; administrators edit rule sets.
import type { FastifyInstance } from 'fastify';
import { endpoint, get, mount, post, put, type Route } from '../server/route.ts';
import type { StaffRole } from '../auth/types.ts';
import { currentRuleSet, listRuleSets, listRuleSetVersions, ruleSetVersion, saveRuleSet, DEFAULT_RULESET } from './ruleset.ts';
import { ruleKindNames } from './rules/registry.ts';
import { runConsistency, getConsistency, listConsistency, DEFAULT_PAIRS } from './consistency.ts';
import * as h from './review.handlers.ts';
import * as s from './review.schemas.ts';

const RUN: StaffRole[] = ['planner', 'reviewer', 'district'];
const SUBMIT: StaffRole[] = ['planner', 'district'];
const JUDGE: StaffRole[] = ['reviewer'];
const RERUN: StaffRole[] = ['planner', 'reviewer'];
const CONSISTENCY: StaffRole[] = ['planner', 'reviewer'];

export function reviewRoutes(app: FastifyInstance): void {
  const { limits } = app.ctx.config;
  const json = { bodyLimit: limits.jsonBytes };
  const upload = { timeoutMs: limits.uploadTimeoutMs };
  const table: Route[] = [
    get('/api/review/rule-kinds', 'staff', ruleKinds),
    get('/api/review/rulesets', 'staff', ruleSets),
    get('/api/review/rulesets/:name', 'staff', ruleSet),
    get('/api/review/rulesets/:name/versions/:version', 'staff', ruleSetAt),
    put('/api/review/rulesets/:name', ['admin'], saveRules),
    get('/api/review/project-types', 'staff', projectTypes),

    post('/api/review/runs', RUN, h.runReview, json),
    post('/api/review/runs/file', RUN, h.runReviewFile, upload),
    get('/api/review/runs/:id', 'staff', h.getRun),
    get('/api/review/runs/:id/compare/:other', 'staff', h.compareRuns),

    get('/api/review/cases', 'staff', h.listCases),
    post('/api/review/cases', SUBMIT, h.submitCase, json),
    post('/api/review/cases/file', SUBMIT, h.submitCaseFile, upload),
    get('/api/review/cases/:id', 'staff', h.getCase),
    get('/api/review/cases/:id/trail', 'staff', h.caseTrail),
    post('/api/review/cases/:id/rerun', RERUN, h.rerunCase),
    post('/api/review/cases/:id/findings/:key/review', JUDGE, h.reviewFinding),
    post('/api/review/cases/:id/decision', JUDGE, h.decideCase),
    post('/api/review/cases/:id/withdraw', JUDGE, h.withdrawDecision),
    post('/api/review/cases/:id/sign', JUDGE, h.signCase),
    get('/api/review/cases/:id/opinion.html', 'staff', h.opinionHtml),
    get('/api/review/cases/:id/opinion.pdf', 'staff', h.opinionPdf),

    get('/api/review/consistency', 'staff', consistencyRuns),
    post('/api/review/consistency', CONSISTENCY, compareLayers),
    get('/api/review/consistency/:id', 'staff', consistencyRun),
  ];
  mount(app, table);
}

// Rule sets ---------------------------------------------------------------------------------

const ruleKinds = endpoint(s.ruleKinds, async () => ruleKindNames());

const ruleSets = endpoint(s.listRuleSets, async (req) => listRuleSets(req.server.ctx.db));

const ruleSet = endpoint(s.currentRuleSet, async (req) => {
  const { db } = req.server.ctx;
  return { ...(await currentRuleSet(db, req.params.name)), versions: await listRuleSetVersions(db, req.params.name) };
});

const ruleSetAt = endpoint(s.ruleSetVersion, async (req) => ruleSetVersion(req.server.ctx.db, req.params.name, req.params.version));

// Every save is a new version; an invalid definition is refused with every problem.
const saveRules = endpoint(s.saveRuleSet, async (req, reply) => {
  const def = { ...req.body.definition, name: req.params.name };
  const v = await req.server.ctx.db.transaction((tx) => saveRuleSet(tx, def, req.user.username, req.body.note));
  return reply.code(201).send(v);
});

const projectTypes = endpoint(
  s.projectTypes,
  async (req) => (await currentRuleSet(req.server.ctx.db)).definition.projectTypes ?? DEFAULT_RULESET.projectTypes,
);

// Consistency review (一致性审查) -------------------------------------------------------------

const consistencyRuns = endpoint(s.listConsistency, async (req) => ({
  defaultPairs: DEFAULT_PAIRS,
  runs: await listConsistency(req.server.ctx.db),
}));

const compareLayers = endpoint(s.runConsistency, async (req, reply) => {
  const { db, config } = req.server.ctx;
  return reply.code(201).send(await runConsistency(db, config, req.body.a, req.body.b, req.user.username));
});

const consistencyRun = endpoint(s.getConsistency, async (req) => getConsistency(req.server.ctx.db, req.params.id));
