// SQL of review cases (review_case) and reviewers' words on findings (review_finding_review,
// rows only appended).
import type { Queryable } from '../db/index.ts';
import type { Decision, FindingAction, Verdict } from './types.ts';

export type CaseStatus = 'machine-reviewed' | 'in-review' | 'decided' | 'signed';

export interface CaseRow {
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

/** A case, or undefined; `lock` takes the row for the rest of the transaction. */
export async function caseRow(q: Queryable, id: number, lock = false): Promise<CaseRow | undefined> {
  return (
    await q.query<CaseRow>(
      `SELECT id, title, applicant, project_type, indicators, status, run_id, decision, conditions, opinion, signed_by, signed_at::text, created_by, created_at::text
         FROM review_case WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    )
  ).rows[0];
}

export interface FindingReviewRow {
  finding_key: string;
  action: FindingAction;
  verdict_before: Verdict;
  verdict_after: Verdict;
  reason: string | null;
  created_by: string;
  created_at: string;
}

/** The latest review of each finding of a run. */
export async function latestReviews(q: Queryable, runId: number): Promise<FindingReviewRow[]> {
  return (
    await q.query<FindingReviewRow>(
      `SELECT DISTINCT ON (finding_key) finding_key, action, verdict_before, verdict_after, reason, created_by, created_at::text
         FROM review_finding_review WHERE run_id = $1 ORDER BY finding_key, id DESC`,
      [runId],
    )
  ).rows;
}

export interface CaseFilter {
  status: string | null;
  createdBy: string | null;
  /** An ILIKE pattern on title or applicant, already escaped. */
  text: string | null;
  limit: number;
  offset: number;
}

export async function listCases(q: Queryable, f: CaseFilter) {
  return (
    await q.query<{
      id: number;
      title: string;
      applicant: string | null;
      project_type: string;
      status: CaseStatus;
      decision: Decision | null;
      verdict: 'pass' | 'warn' | 'fail';
      created_by: string;
      created_at: string;
    }>(
      `SELECT c.id, c.title, c.applicant, c.project_type, c.status, c.decision, r.verdict, c.created_by, c.created_at::text
         FROM review_case c JOIN review_run r ON r.id = c.run_id
        WHERE ($1::text IS NULL OR c.status = $1) AND ($4::text IS NULL OR c.created_by = $4)
          AND ($5::text IS NULL OR c.title ILIKE $5 OR c.applicant ILIKE $5) ORDER BY c.id DESC LIMIT $2 OFFSET $3`,
      [f.status, f.limit, f.offset, f.createdBy, f.text],
    )
  ).rows;
}

export async function insertCase(
  q: Queryable,
  c: { title: string; applicant: string | null; type: string; indicators: Record<string, number>; user: string },
): Promise<number> {
  return (
    await q.query<{ id: number }>(
      `INSERT INTO review_case (title, applicant, project_type, indicators, status, created_by) VALUES ($1, $2, $3, $4, 'machine-reviewed', $5) RETURNING id`,
      [c.title, c.applicant, c.type, JSON.stringify(c.indicators), c.user],
    )
  ).rows[0].id;
}

/** Removes a case whose machine review failed (it has no run yet). */
export async function deleteCaseWithoutRun(q: Queryable, id: number): Promise<void> {
  await q.query(`DELETE FROM review_case WHERE id = $1 AND run_id IS NULL`, [id]);
}

/** The case's current run is a new machine review: back to machine-reviewed, decision cleared. */
export async function setRun(q: Queryable, id: number, runId: number): Promise<void> {
  await q.query(
    `UPDATE review_case SET run_id = $2, status = 'machine-reviewed', decision = NULL, conditions = '[]', opinion = NULL, updated_at = now() WHERE id = $1`,
    [id, runId],
  );
}

export async function setStatus(q: Queryable, id: number, status: CaseStatus): Promise<void> {
  await q.query(`UPDATE review_case SET status = $2, updated_at = now() WHERE id = $1`, [id, status]);
}

export async function setDecision(q: Queryable, id: number, d: { decision: Decision; conditions: string[]; opinion: string | null }) {
  await q.query(
    `UPDATE review_case SET decision = $2, conditions = $3, opinion = $4, status = 'decided', updated_at = now() WHERE id = $1`,
    [id, d.decision, JSON.stringify(d.conditions), d.opinion],
  );
}

export async function sign(q: Queryable, id: number, user: string): Promise<void> {
  await q.query(`UPDATE review_case SET status = 'signed', signed_by = $2, signed_at = now(), updated_at = now() WHERE id = $1`, [
    id,
    user,
  ]);
}

export async function insertFindingReview(
  q: Queryable,
  r: {
    caseId: number;
    runId: number;
    key: string;
    action: FindingAction;
    before: Verdict;
    after: Verdict;
    reason: string | null;
    user: string;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO review_finding_review (case_id, run_id, finding_key, action, verdict_before, verdict_after, reason, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [r.caseId, r.runId, r.key, r.action, r.before, r.after, r.reason, r.user],
  );
}
