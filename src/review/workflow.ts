// Human review (人审) of a submission: machine review → the reviewer confirms or overrides each
// finding with a reason → decision (通过 / 有条件通过 / 不通过) with conditions → signed. Every step
// appends to the audit trail with before/after; finding reviews are rows that are only appended.
import type { Db, Queryable } from '../db/index.ts';
import { appendAudit, auditFor } from '../audit/audit.ts';
import { runReview, getRun, checkIndicators, type ReviewInput } from './engine.ts';
import type { Decision, FindingAction, FindingReview, OpinionInput, ReviewResult, TrailEntry, Verdict } from './types.ts';
import type { ProjectParcel } from './input.ts';

export type CaseStatus = 'machine-reviewed' | 'in-review' | 'decided' | 'signed';
export const STATUS_ZH: Record<CaseStatus, string> = {
  'machine-reviewed': '机审完成',
  'in-review': '人审中',
  decided: '已决定',
  signed: '已签发',
};

export class WorkflowError extends Error {
  constructor(
    message: string,
    readonly statusCode = 409,
  ) {
    super(message);
    this.name = 'WorkflowError';
  }
}

interface CaseRow {
  id: number;
  title: string;
  applicant: string | null;
  project_type: string;
  indicators: Record<string, number>;
  status: CaseStatus;
  run_id: number;
  decision: Decision | null;
  conditions: string[];
  opinion: string | null;
  signed_by: string | null;
  signed_at: string | null;
  created_by: string;
  created_at: string;
}

export interface ReviewCase {
  id: number;
  title: string;
  applicant: string | null;
  projectType: string;
  status: CaseStatus;
  statusName: string;
  decision: Decision | null;
  conditions: string[];
  opinion: string | null;
  signedBy: string | null;
  signedAt: string | null;
  createdBy: string;
  createdAt: string;
  run: ReviewResult;
  /** Latest reviewer word per finding of the current run. */
  reviews: FindingReview[];
  /** Each finding with its verdict after human review (the machine's when not reviewed yet). */
  findings: { key: string; title: string; layer: string; machineVerdict: Verdict; finalVerdict: Verdict; reviewed: boolean }[];
  /** Non-passing findings not yet confirmed or overridden: a decision waits for these. */
  pending: string[];
}

const iso = (v: string | null) => (v ? new Date(v).toISOString() : null);

async function caseRow(q: Queryable, id: number, lock = false): Promise<CaseRow> {
  const r = await q.query<CaseRow>(
    `SELECT id, title, applicant, project_type, indicators, status, run_id, decision, conditions, opinion, signed_by, signed_at::text, created_by, created_at::text
       FROM review_case WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  if (r.rows.length === 0) throw new WorkflowError(`review case ${id} does not exist (审查案卷不存在)`, 404);
  return r.rows[0];
}

async function latestReviews(q: Queryable, runId: number): Promise<FindingReview[]> {
  const r = await q.query<{
    finding_key: string;
    action: FindingAction;
    verdict_before: Verdict;
    verdict_after: Verdict;
    reason: string | null;
    created_by: string;
    created_at: string;
  }>(
    `SELECT DISTINCT ON (finding_key) finding_key, action, verdict_before, verdict_after, reason, created_by, created_at::text
       FROM review_finding_review WHERE run_id = $1 ORDER BY finding_key, id DESC`,
    [runId],
  );
  return r.rows.map((x) => ({
    findingKey: x.finding_key,
    action: x.action,
    verdictBefore: x.verdict_before,
    verdictAfter: x.verdict_after,
    reason: x.reason,
    by: x.created_by,
    at: iso(x.created_at)!,
  }));
}

export async function getCase(q: Queryable, id: number): Promise<ReviewCase> {
  const c = await caseRow(q, id);
  const run = await getRun(q, c.run_id);
  const reviews = await latestReviews(q, c.run_id);
  const byKey = new Map(reviews.map((r) => [r.findingKey, r]));
  const findings = run.findings.map((f) => ({
    key: f.key,
    title: f.title,
    layer: f.layer,
    machineVerdict: f.verdict,
    finalVerdict: byKey.get(f.key)?.verdictAfter ?? f.verdict,
    reviewed: byKey.has(f.key),
  }));
  return {
    id: c.id,
    title: c.title,
    applicant: c.applicant,
    projectType: c.project_type,
    status: c.status,
    statusName: STATUS_ZH[c.status],
    decision: c.decision,
    conditions: c.conditions,
    opinion: c.opinion,
    signedBy: c.signed_by,
    signedAt: iso(c.signed_at),
    createdBy: c.created_by,
    createdAt: iso(c.created_at)!,
    run,
    reviews,
    findings,
    pending: findings.filter((f) => f.machineVerdict !== 'pass' && !f.reviewed).map((f) => f.key),
  };
}

/** `q` finds cases whose title or applicant contains it (the workbench's search box; % and _ match literally). */
export async function listCases(
  q: Queryable,
  o: { status?: string; limit?: number; offset?: number; createdBy?: string; q?: string } = {},
) {
  const text = o.q?.trim() ? `%${o.q.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
  const r = await q.query<{
    id: number;
    title: string;
    applicant: string | null;
    project_type: string;
    status: CaseStatus;
    decision: string | null;
    verdict: string;
    created_by: string;
    created_at: string;
  }>(
    `SELECT c.id, c.title, c.applicant, c.project_type, c.status, c.decision, r.verdict, c.created_by, c.created_at::text
       FROM review_case c JOIN review_run r ON r.id = c.run_id
      WHERE ($1::text IS NULL OR c.status = $1) AND ($4::text IS NULL OR c.created_by = $4)
        AND ($5::text IS NULL OR c.title ILIKE $5 OR c.applicant ILIKE $5) ORDER BY c.id DESC LIMIT $2 OFFSET $3`,
    [o.status ?? null, Math.min(o.limit ?? 50, 500), o.offset ?? 0, o.createdBy ?? null, text],
  );
  return r.rows.map((x) => ({
    id: x.id,
    title: x.title,
    applicant: x.applicant,
    projectType: x.project_type,
    status: x.status,
    statusName: STATUS_ZH[x.status],
    decision: x.decision,
    machineVerdict: x.verdict,
    createdBy: x.created_by,
    createdAt: iso(x.created_at),
  }));
}

export interface SubmitInput {
  title: string;
  applicant?: string;
  type: string;
  indicators?: Record<string, unknown>;
  parcels: ProjectParcel[];
  user: string;
  ruleset?: string;
}

/** A submission: the case is created and machine-reviewed at once (one click, 一键智审). */
export async function submitCase(db: Db, s: SubmitInput): Promise<ReviewCase> {
  if (!s.title?.trim()) throw new WorkflowError('a submission needs a title (项目名称)', 400);
  const indicators = checkIndicators(s.indicators);
  const id = await db.transaction(async (tx) => {
    const r = await tx.query<{ id: number }>(
      `INSERT INTO review_case (title, applicant, project_type, indicators, status, created_by) VALUES ($1, $2, $3, $4, 'machine-reviewed', $5) RETURNING id`,
      [s.title.trim(), s.applicant ?? null, s.type, JSON.stringify(indicators), s.user],
    );
    await appendAudit(tx, {
      actor: s.user,
      action: 'case.submit',
      entity: 'review_case',
      entityId: r.rows[0].id,
      after: { title: s.title, applicant: s.applicant ?? null, type: s.type, indicators, parcels: s.parcels.length },
    });
    return r.rows[0].id;
  });
  try {
    await machineReview(db, id, { parcels: s.parcels, type: s.type, indicators, user: s.user, ruleset: s.ruleset, name: s.title });
  } catch (e) {
    // The case row was committed first so the run can reference it; a failed machine review
    // must not leave a case without a run behind.
    await db.transaction(async (tx) => {
      await tx.query(`DELETE FROM review_case WHERE id = $1 AND run_id IS NULL`, [id]);
      await appendAudit(tx, {
        actor: s.user,
        action: 'case.submit-failed',
        entity: 'review_case',
        entityId: id,
        after: { error: (e as Error).message },
      });
    });
    throw e;
  }
  return getCase(db, id);
}

async function machineReview(db: Db, caseId: number, input: ReviewInput): Promise<ReviewResult> {
  const run = await runReview(db, { ...input, caseId });
  await db.transaction(async (tx) => {
    const before = await caseRow(tx, caseId, true);
    await tx.query(
      `UPDATE review_case SET run_id = $2, status = 'machine-reviewed', decision = NULL, conditions = '[]', opinion = NULL, updated_at = now() WHERE id = $1`,
      [caseId, run.runId],
    );
    await appendAudit(tx, {
      actor: input.user ?? 'anonymous',
      action: 'case.machine-review',
      entity: 'review_case',
      entityId: caseId,
      before: { runId: before.run_id, status: before.status, decision: before.decision },
      after: { runId: run.runId, status: 'machine-reviewed', verdict: run.verdict },
    });
  });
  return run;
}

/**
 * Re-runs the machine review of a case on the current data and rules (a new frozen run; the old
 * run and its reviews stay). Not allowed once signed.
 */
export async function rerunCase(db: Db, id: number, user: string): Promise<ReviewCase> {
  const c = await caseRow(db, id);
  if (c.status === 'signed') throw new WorkflowError(`case ${id} is signed (已签发): it can no longer be re-reviewed; submit a new case`);
  // The frozen boundary (union of the parcels) is what gets re-reviewed.
  const g = await db.query<{ ewkb: string }>(`SELECT encode(ST_AsEWKB(geom), 'hex') AS ewkb FROM review_run WHERE id = $1`, [c.run_id]);
  await machineReview(db, id, {
    parcels: [{ fid: 'boundary', ewkb: g.rows[0].ewkb }],
    type: c.project_type,
    indicators: c.indicators,
    user,
    name: c.title,
  });
  return getCase(db, id);
}

export interface FindingReviewInput {
  action: FindingAction;
  /** For override: the verdict the reviewer sets. confirm keeps the machine's; false-positive means pass. */
  verdict?: Verdict;
  reason?: string;
  user: string;
}

export async function reviewFinding(db: Db, id: number, key: string, i: FindingReviewInput): Promise<ReviewCase> {
  await db.transaction(async (tx) => {
    const c = await caseRow(tx, id, true);
    if (c.status === 'signed' || c.status === 'decided')
      throw new WorkflowError(
        `case ${id} is ${STATUS_ZH[c.status]}: findings can no longer be changed${c.status === 'decided' ? ' (withdraw the decision first)' : ''}`,
      );
    const run = await getRun(tx, c.run_id);
    const f = run.findings.find((x) => x.key === key);
    if (!f)
      throw new WorkflowError(
        `finding "${key}" is not in the current run ${c.run_id} of case ${id}; findings: ${run.findings.map((x) => x.key).join(', ')}`,
        404,
      );
    if (!['confirm', 'override', 'false-positive'].includes(i.action))
      throw new WorkflowError(`action must be confirm, override or false-positive`, 400);
    const reason = i.reason?.trim() || null;
    if (i.action !== 'confirm' && !reason)
      throw new WorkflowError(
        `${i.action === 'override' ? '改判' : '误报'}必须填写理由 (a reason is required to ${i.action} a finding)`,
        400,
      );
    let after: Verdict;
    if (i.action === 'confirm') after = f.verdict;
    else if (i.action === 'false-positive') after = 'pass';
    else {
      if (!i.verdict || !['pass', 'warn', 'fail'].includes(i.verdict))
        throw new WorkflowError('override needs the new verdict: pass, warn or fail', 400);
      after = i.verdict;
    }
    const prev = (await latestReviews(tx, c.run_id)).find((r) => r.findingKey === key) ?? null;
    await tx.query(
      `INSERT INTO review_finding_review (case_id, run_id, finding_key, action, verdict_before, verdict_after, reason, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, c.run_id, key, i.action, f.verdict, after, reason, i.user],
    );
    if (c.status === 'machine-reviewed')
      await tx.query(`UPDATE review_case SET status = 'in-review', updated_at = now() WHERE id = $1`, [id]);
    await appendAudit(tx, {
      actor: i.user,
      action: `finding.${i.action}`,
      entity: 'review_case',
      entityId: id,
      before: { findingKey: key, verdict: prev?.verdictAfter ?? f.verdict, review: prev },
      after: { findingKey: key, runId: c.run_id, action: i.action, verdict: after, reason },
    });
  });
  return getCase(db, id);
}

export interface DecisionInput {
  decision: Decision;
  conditions?: string[];
  opinion?: string;
  user: string;
}

export async function decideCase(db: Db, id: number, d: DecisionInput): Promise<ReviewCase> {
  const current = await getCase(db, id);
  if (current.status === 'signed') throw new WorkflowError(`case ${id} is signed (已签发): the decision is final`);
  if (!['通过', '有条件通过', '不通过'].includes(d.decision)) throw new WorkflowError('decision must be 通过, 有条件通过 or 不通过', 400);
  if (current.pending.length)
    throw new WorkflowError(
      `${current.pending.length} finding(s) still need the reviewer's confirmation or override before a decision (待人审): ${current.pending.join(', ')}`,
    );
  const conditions = (d.conditions ?? []).map((c) => String(c).trim()).filter(Boolean);
  if (d.decision === '有条件通过' && conditions.length === 0)
    throw new WorkflowError('有条件通过 needs at least one condition (附加条件)', 400);
  const failing = current.findings.filter((f) => f.finalVerdict === 'fail');
  if (d.decision !== '不通过' && failing.length) {
    throw new WorkflowError(
      `cannot decide ${d.decision} while ${failing.length} finding(s) stand as 不通过: ${failing.map((f) => `${f.title}（${f.key}）`).join('、')}; override them with a reason or decide 不通过`,
    );
  }
  await db.transaction(async (tx) => {
    const c = await caseRow(tx, id, true);
    await tx.query(
      `UPDATE review_case SET decision = $2, conditions = $3, opinion = $4, status = 'decided', updated_at = now() WHERE id = $1`,
      [id, d.decision, JSON.stringify(conditions), d.opinion?.trim() || null],
    );
    await appendAudit(tx, {
      actor: d.user,
      action: 'case.decide',
      entity: 'review_case',
      entityId: id,
      before: { status: c.status, decision: c.decision, conditions: c.conditions, opinion: c.opinion },
      after: { status: 'decided', decision: d.decision, conditions, opinion: d.opinion?.trim() || null },
    });
  });
  return getCase(db, id);
}

/** Withdraws an unsigned decision so findings can be reviewed again. */
export async function withdrawDecision(db: Db, id: number, user: string, reason: string): Promise<ReviewCase> {
  await db.transaction(async (tx) => {
    const c = await caseRow(tx, id, true);
    if (c.status !== 'decided')
      throw new WorkflowError(`case ${id} is ${STATUS_ZH[c.status]}: only a decided, unsigned case can be withdrawn`);
    if (!reason?.trim()) throw new WorkflowError('a reason is required to withdraw a decision', 400);
    await tx.query(`UPDATE review_case SET status = 'in-review', updated_at = now() WHERE id = $1`, [id]);
    await appendAudit(tx, {
      actor: user,
      action: 'case.withdraw',
      entity: 'review_case',
      entityId: id,
      before: { status: c.status, decision: c.decision },
      after: { status: 'in-review', reason },
    });
  });
  return getCase(db, id);
}

export async function signCase(db: Db, id: number, user: string): Promise<ReviewCase> {
  await db.transaction(async (tx) => {
    const c = await caseRow(tx, id, true);
    if (c.status !== 'decided')
      throw new WorkflowError(`case ${id} is ${STATUS_ZH[c.status]}: only a decided case can be signed (先作出审查结论再签发)`);
    await tx.query(`UPDATE review_case SET status = 'signed', signed_by = $2, signed_at = now(), updated_at = now() WHERE id = $1`, [
      id,
      user,
    ]);
    await appendAudit(tx, {
      actor: user,
      action: 'case.sign',
      entity: 'review_case',
      entityId: id,
      before: { status: c.status },
      after: { status: 'signed', signedBy: user, decision: c.decision },
    });
  });
  return getCase(db, id);
}

export async function caseTrail(q: Queryable, id: number): Promise<TrailEntry[]> {
  await caseRow(q, id);
  const rows = await auditFor(q, 'review_case', id);
  return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, before: r.before, after: r.after }));
}

/** Everything the opinion document (审查意见书) needs. */
export async function opinionInput(q: Queryable, id: number): Promise<OpinionInput> {
  const c = await getCase(q, id);
  return {
    caseId: c.id,
    title: c.title,
    applicant: c.applicant,
    status: c.statusName,
    decision: c.decision,
    conditions: c.conditions,
    opinion: c.opinion,
    signedBy: c.signedBy,
    signedAt: c.signedAt,
    run: c.run,
    reviews: c.reviews,
    trail: await caseTrail(q, id),
    generatedAt: new Date().toISOString(),
  };
}
