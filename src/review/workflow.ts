// Human review (人审) of a submission: machine review → the reviewer confirms or overrides each
// finding with a reason → decision (通过 / 有条件通过 / 不通过) with conditions → signed. Every step
// appends to the audit trail with before/after; finding reviews are rows that are only appended.
import type { Db, Queryable } from '../db/index.ts';
import { appendAudit, auditFor } from '../audit/audit.ts';
import { runReview, getRun, checkIndicators, type ReviewInput } from './engine.ts';
import type { Bureau, Decision, FindingAction, FindingReview, OpinionInput, ReviewResult, TrailEntry, Verdict } from './types.ts';
import { DEFAULT_BUREAU } from '../config.ts';
import { peopleLabels } from '../auth/users.service.ts';
import { layerLabels } from '../catalogue/catalogue.service.ts';
import type { BoundarySource, ProjectParcel } from './input.ts';
import { Conflict, Invalid, NotFound } from '../errors.ts';
import { assertAllowed, table } from '../workflow/machine.ts';
import { runBoundary } from './review.repository.ts';
import * as repo from './workflow.repository.ts';
import type { CaseStatus } from './workflow.repository.ts';

export type { CaseStatus };
export const STATUS_ZH: Record<CaseStatus, string> = {
  'machine-reviewed': '机审完成',
  'in-review': '人审中',
  decided: '已决定',
  signed: '已签发',
};

/** The steps of a case (the workflow kernel refuses any other with illegal_transition). */
export const CASE_WORKFLOW = table({
  what: '报审案卷',
  states: STATUS_ZH,
  transitions: {
    review: { from: ['machine-reviewed', 'in-review'], to: 'in-review', label: '人审意见' },
    decide: { from: ['machine-reviewed', 'in-review', 'decided'], to: 'decided', label: '作出审查决定' },
    withdraw: { from: ['decided'], to: 'in-review', label: '撤回决定' },
    sign: { from: ['decided'], to: 'signed', label: '签发' },
    rerun: { from: ['machine-reviewed', 'in-review', 'decided'], to: 'machine-reviewed', label: '重新机审' },
  },
});

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
  /** 姓名（角色） of each login the case names (submitter, machine reviewer, reviewers, signer). */
  people: Record<string, string>;
  /** Catalogue names (别名) of the attributes of each layer a finding names: BHTBBH → 保护图斑编号. */
  fields: Record<string, Record<string, string>>;
}

const iso = (v: string | null) => (v ? new Date(v).toISOString() : null);

async function caseRow(q: Queryable, id: number, lock = false): Promise<repo.CaseRow> {
  const c = await repo.caseRow(q, id, lock);
  if (!c) throw new NotFound(`审查案卷 ${id} 不存在 (review case ${id} does not exist)`);
  return c;
}

async function latestReviews(q: Queryable, runId: number): Promise<FindingReview[]> {
  return (await repo.latestReviews(q, runId)).map((x) => ({
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
    people: await peopleLabels(q, [c.created_by, c.signed_by, run.createdBy, ...reviews.map((r) => r.by)]),
    fields: await findingFields(q, run),
  };
}

async function findingFields(q: Queryable, run: ReviewResult): Promise<Record<string, Record<string, string>>> {
  const all = await layerLabels(q);
  return Object.fromEntries([...new Set(run.findings.map((f) => f.layer))].filter((l) => all[l]).map((l) => [l, all[l].fields]));
}

/** `q` finds cases whose title or applicant contains it (the workbench's search box; % and _ match literally). */
export async function listCases(
  q: Queryable,
  o: { status?: string; limit?: number; offset?: number; createdBy?: string; q?: string } = {},
) {
  const text = o.q?.trim() ? `%${o.q.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
  const rows = await repo.listCases(q, {
    status: o.status ?? null,
    limit: Math.min(o.limit ?? 50, 500),
    offset: o.offset ?? 0,
    createdBy: o.createdBy ?? null,
    text,
  });
  return rows.map((x) => ({
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
  /** Where the boundary's coordinates came from (a web-map conversion), recorded with the run. */
  source?: BoundarySource;
  user: string;
  ruleset?: string;
}

/** A submission: the case is created and machine-reviewed at once (one click, 一键智审). */
export async function submitCase(db: Db, s: SubmitInput): Promise<ReviewCase> {
  if (!s.title?.trim()) throw new Invalid('报审须填写项目名称 (a submission needs a title)', { code: 'title_missing' });
  const indicators = checkIndicators(s.indicators);
  const id = await db.transaction(async (tx) => {
    const id = await repo.insertCase(tx, {
      title: s.title.trim(),
      applicant: s.applicant ?? null,
      type: s.type,
      indicators: indicators as Record<string, number>,
      user: s.user,
    });
    await appendAudit(tx, {
      actor: s.user,
      action: 'case.submit',
      entity: 'review_case',
      entityId: id,
      after: { title: s.title, applicant: s.applicant ?? null, type: s.type, indicators, parcels: s.parcels.length },
    });
    return id;
  });
  try {
    await machineReview(db, id, {
      parcels: s.parcels,
      source: s.source,
      type: s.type,
      indicators,
      user: s.user,
      ruleset: s.ruleset,
      name: s.title,
    });
  } catch (e) {
    // The case row was committed first so the run can reference it; a failed machine review
    // must not leave a case without a run behind.
    await db.transaction(async (tx) => {
      await repo.deleteCaseWithoutRun(tx, id);
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
    await repo.setRun(tx, caseId, run.runId);
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
  assertAllowed(CASE_WORKFLOW, id, c.status, 'rerun');
  // The frozen boundary (union of the parcels) is what gets re-reviewed.
  const ewkb = (await runBoundary(db, c.run_id))!;
  await machineReview(db, id, {
    parcels: [{ fid: 'boundary', ewkb }],
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
    assertAllowed(CASE_WORKFLOW, id, c.status, 'review');
    const run = await getRun(tx, c.run_id);
    const f = run.findings.find((x) => x.key === key);
    if (!f)
      throw new NotFound(
        `审查意见 "${key}" 不在案卷 ${id} 的本次机审 ${c.run_id} 中 (finding not in the current run); findings: ${run.findings.map((x) => x.key).join(', ')}`,
      );
    if (!['confirm', 'override', 'false-positive'].includes(i.action))
      throw new Invalid(`人审操作须为 confirm、override 或 false-positive (action must be confirm, override or false-positive)`);
    const reason = i.reason?.trim() || null;
    if (i.action !== 'confirm' && !reason)
      throw new Invalid(`${i.action === 'override' ? '改判' : '误报'}必须填写理由 (a reason is required to ${i.action} a finding)`, {
        code: 'reason_missing',
      });
    let after: Verdict;
    if (i.action === 'confirm') after = f.verdict;
    else if (i.action === 'false-positive') after = 'pass';
    else {
      if (!i.verdict || !['pass', 'warn', 'fail'].includes(i.verdict))
        throw new Invalid('改判须给出新的结论：pass、warn 或 fail (override needs the new verdict)');
      after = i.verdict;
    }
    const prev = (await latestReviews(tx, c.run_id)).find((r) => r.findingKey === key) ?? null;
    await repo.insertFindingReview(tx, {
      caseId: id,
      runId: c.run_id,
      key,
      action: i.action,
      before: f.verdict,
      after,
      reason,
      user: i.user,
    });
    if (c.status === 'machine-reviewed') await repo.setStatus(tx, id, CASE_WORKFLOW.target('review'));
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
  assertAllowed(CASE_WORKFLOW, id, current.status, 'decide');
  if (!['通过', '有条件通过', '不通过'].includes(d.decision)) throw new Invalid('审查决定须为 通过、有条件通过 或 不通过 (decision)');
  if (current.pending.length)
    throw new Conflict(
      `尚有 ${current.pending.length} 项审查意见待人审确认或改判，之后才能作出决定 (${current.pending.length} finding(s) still need the reviewer's confirmation or override before a decision): ${current.pending.join(', ')}`,
      { code: 'findings_pending' },
    );
  const conditions = (d.conditions ?? []).map((c) => String(c).trim()).filter(Boolean);
  if (d.decision === '有条件通过' && conditions.length === 0)
    throw new Invalid('有条件通过须至少附一项条件 (附加条件; a conditional approval needs at least one condition)', {
      code: 'conditions_missing',
    });
  const failing = current.findings.filter((f) => f.finalVerdict === 'fail');
  if (d.decision !== '不通过' && failing.length) {
    throw new Conflict(
      `有 ${failing.length} 项审查意见仍为不通过：${failing.map((f) => `${f.title}（${f.key}）`).join('、')}，不能作出“${d.decision}”决定；请说明理由改判，或决定不通过 (cannot decide ${d.decision} while findings stand as 不通过)`,
      { code: 'findings_failing' },
    );
  }
  await db.transaction(async (tx) => {
    const c = await caseRow(tx, id, true);
    assertAllowed(CASE_WORKFLOW, id, c.status, 'decide');
    await repo.setDecision(tx, id, { decision: d.decision, conditions, opinion: d.opinion?.trim() || null });
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
    assertAllowed(CASE_WORKFLOW, id, c.status, 'withdraw');
    if (!reason?.trim()) throw new Invalid('撤回决定须填写理由 (a reason is required to withdraw a decision)', { code: 'reason_missing' });
    await repo.setStatus(tx, id, CASE_WORKFLOW.target('withdraw'));
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
    assertAllowed(CASE_WORKFLOW, id, c.status, 'sign');
    await repo.sign(tx, id, user);
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
  const people = await peopleLabels(
    q,
    rows.map((r) => r.actor),
  );
  return rows.map((r) => ({
    at: r.at,
    actor: r.actor,
    actorName: people[r.actor] ?? r.actor,
    action: r.action,
    before: r.before,
    after: r.after,
  }));
}

/** Everything the opinion document (审查意见书) needs. */
export async function opinionInput(q: Queryable, id: number, bureau: Bureau = DEFAULT_BUREAU): Promise<OpinionInput> {
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
    people: c.people,
    layers: await layerLabels(q),
    bureau,
  };
}
