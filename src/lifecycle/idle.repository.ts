// SQL of 闲置土地: the two candidate rules of 闲置土地处置办法 (2012) 第二条 as one set-based
// statement for the nightly run, and the case rows of the workflow.
import type { Queryable } from '../db/index.ts';
import { pageWhere, updateRow, type ListPage } from './rows.repository.ts';

/**
 * Creates the idle-land candidates of `today` with their audit entries, returns how many.
 *
 * 闲置土地处置办法 (2012) 第二条: idle land is land "超过…约定、规定的动工开发日期满一年未动工开发", or
 * started but "开发建设用地面积占应动工开发建设用地总面积不足三分之一或者已投资额占总投资额不足百分之二十五，
 * 中止开发建设满一年". When is a year "满"? Under 民法典 第二百零一条 the day of the agreed start
 * (or of the halt) is not counted and the period begins the next day; under 第二百零二条 the
 * period's last day is the corresponding date a year later, i.e. addYears(base, 1). The year is
 * complete at the end of that day, so the land counts as idle from the day after:
 *     idle_from = addYears(base, 1) + 1 day,   candidate when today ≥ idle_from.
 * On addYears(base, 1) itself works may still start in time: no candidate that day.
 * PostgreSQL's `date + interval '1 year'` turns 29 February into 28 February, as util/clock.addYears.
 *
 * One open case per parcel; a (parcel, basis, base date) that already had a case — even one
 * closed as not idle — is not raised again, so the run is idempotent.
 */
export async function createCandidates(q: Queryable, today: string, actor: string): Promise<number> {
  const r = await q.query(
    `WITH cand AS (
       SELECT land_code, district, 'not-started' AS basis, agreed_start AS base FROM land_parcel
        WHERE works_started_on IS NULL AND agreed_start IS NOT NULL AND (agreed_start + interval '1 year')::date < $1::date
       UNION ALL
       SELECT land_code, district, 'halted', halted_since FROM land_parcel
        WHERE halted_since IS NOT NULL AND completed_on IS NULL AND works_started_on IS NOT NULL
          AND (halted_since + interval '1 year')::date < $1::date
          AND (developed_m2 * 3 < coalesce(supply_m2, area_m2) OR invested_yuan * 4 < total_investment_yuan)),
     ins AS (
       INSERT INTO idle_case (land_code, basis, base_date, idle_from, district, status, detected_on, deadline)
       SELECT c.land_code, c.basis, c.base, (c.base + interval '1 year')::date + 1, c.district, 'supervision', $1::date,
              -- 第九条: the bureau investigates within 30 days of finding suspected idle land.
              $1::date + 30
         FROM cand c
        WHERE NOT EXISTS (SELECT 1 FROM idle_case i WHERE i.land_code = c.land_code AND i.status NOT IN ('not-idle', 'resolved', 'closed'))
       ON CONFLICT (land_code, basis, base_date) DO NOTHING
       RETURNING id, land_code, basis, base_date, idle_from)
     INSERT INTO audit_log (actor, action, entity, entity_id, before, after)
     SELECT $2, 'idle.candidate', 'idle_case', id::text, NULL,
            jsonb_build_object('landCode', land_code, 'basis', basis, 'baseDate', base_date::text, 'idleFrom', idle_from::text, 'status', 'supervision', 'rule', '闲置土地处置办法 (2012) 第二条')
       FROM ins`,
    [today, actor],
  );
  return r.rowCount;
}

export interface IdleRow {
  id: number;
  land_code: string;
  name: string;
  basis: string;
  base_date: string;
  idle_from: string;
  district: string;
  status: string;
  detected_on: string;
  deadline: string | null;
  determination_no: string | null;
  disposal: string | null;
  fee_yuan: number | null;
  decision_no: string | null;
  disposed_on: string | null;
  closed_on: string | null;
  note: string | null;
  price_yuan: number | null;
  area_m2: number;
  works_started_on: string | null;
  halted_since: string | null;
}

const COLS = `c.id, c.land_code, p.name, c.basis, c.base_date::text, c.idle_from::text, c.district, c.status, c.detected_on::text, c.deadline::text,
  c.determination_no, c.disposal, c.fee_yuan, c.decision_no, c.disposed_on::text, c.closed_on::text, c.note, p.price_yuan, p.area_m2,
  p.works_started_on::text, p.halted_since::text`;

export async function caseRow(q: Queryable, id: number, lock = false): Promise<IdleRow | null> {
  return (
    (
      await q.query<IdleRow>(
        `SELECT ${COLS} FROM idle_case c JOIN land_parcel p ON p.land_code = c.land_code WHERE c.id = $1${lock ? ' FOR UPDATE OF c' : ''}`,
        [id],
      )
    ).rows[0] ?? null
  );
}

export async function listCases(q: Queryable, f: ListPage & { landCode?: string }): Promise<IdleRow[]> {
  return (
    await q.query<IdleRow>(
      `SELECT ${COLS} FROM idle_case c JOIN land_parcel p ON p.land_code = c.land_code
      WHERE ${pageWhere('c.')} AND ($3::text IS NULL OR c.land_code = $3)
      ORDER BY c.id LIMIT $4 OFFSET $5`,
      [f.districts, f.status ?? null, f.landCode ?? null, f.limit, f.offset],
    )
  ).rows;
}

export const updateCase = (q: Queryable, id: number, set: Record<string, unknown>) => updateRow(q, 'idle_case', id, set);
