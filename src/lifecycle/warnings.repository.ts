// SQL of the lifecycle warnings: idle-case deadlines, idle land that may now be reclaimed, the
// resolution of warnings whose cause is gone, and the board by district.
import type { Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import { activeDistricts } from '../store/fragments.repository.ts';

/**
 * Raises the warnings a `due` query finds (columns kind, id, district, name, message, due_on; $1 is
 * today) on rows of `entity`: each (kind, row, due date) once, with an audit row for each warning
 * raised. Returns how many were raised, by kind.
 */
export async function raiseDue(
  q: Queryable,
  entity: 'idle_case' | 'resettlement_project',
  due: string,
  today: string,
  actor: string,
): Promise<Record<string, number>> {
  const r = await q.query<{ kind: string; n: number }>(
    `WITH due AS (${due}),
     ins AS (
       INSERT INTO lifecycle_warning (kind, entity, entity_id, district, title, message, due_on, raised_on)
       SELECT kind, '${entity}', id::text, district, name, message, due_on, $1::date FROM due
       ON CONFLICT (kind, entity, entity_id, due_on) DO NOTHING
       RETURNING id, kind, entity_id, due_on),
     aud AS (
       INSERT INTO audit_log (actor, action, entity, entity_id, before, after)
       SELECT $2, 'warning.raise', '${entity}', entity_id, NULL, jsonb_build_object('warningId', id, 'kind', kind, 'dueOn', due_on::text) FROM ins
       RETURNING 1)
     SELECT kind, count(*)::int AS n FROM ins GROUP BY kind`,
    [today, actor],
  );
  return Object.fromEntries(r.rows.map((x) => [x.kind, x.n]));
}

/**
 * Idle-land warnings due by `today`:
 * - idle-overdue: an open case past its deadline (第九条 investigate within 30 days, 第十条 answer
 *   within 30 days, 第十七条 pay / hand back within 30 days); due the day after the deadline.
 * - idle-reclaimable: determined or fee-levied land still not started once "未动工开发满两年"
 *   (第十四条(二)), due on addYears(agreed start, 2) + 1 day, as the first year in idle.repository.
 */
export async function raiseIdleWarnings(q: Queryable, today: string, actor: string): Promise<Record<string, number>> {
  return raiseDue(
    q,
    'idle_case',
    `SELECT 'idle-overdue' AS kind, c.id, c.district, p.name, c.deadline + 1 AS due_on,
              '闲置土地案件超过办理期限（' || c.status || '，期限 ' || c.deadline::text || '）(idle-land case past its deadline)' AS message
         FROM idle_case c JOIN land_parcel p ON p.land_code = c.land_code
        WHERE c.deadline IS NOT NULL AND c.deadline < $1::date AND c.status IN ('supervision', 'investigation', 'fee-levied', 'reclaimed')
       UNION ALL
       SELECT 'idle-reclaimable', c.id, c.district, p.name, (c.base_date + interval '2 years')::date + 1,
              '未动工开发满两年，可依法无偿收回 (闲置土地处置办法 第十四条(二): two full years idle, may be reclaimed)'
         FROM idle_case c JOIN land_parcel p ON p.land_code = c.land_code
        WHERE c.basis = 'not-started' AND c.status IN ('determined', 'fee-levied') AND p.works_started_on IS NULL
          AND (c.base_date + interval '2 years')::date < $1::date`,
    today,
    actor,
  );
}

/** Resolves open warnings whose cause is gone (the milestone was reached, the case moved on). */
export async function resolveStale(q: Queryable, today: string): Promise<number> {
  return (
    await q.query(
      `UPDATE lifecycle_warning w SET resolved_on = $1 WHERE w.resolved_on IS NULL AND (
       (w.entity = 'resettlement_project' AND EXISTS (SELECT 1 FROM resettlement_project p WHERE p.id::text = w.entity_id AND (
          (w.kind = 'resettlement+1' AND p.housing_started_on IS NOT NULL) OR
          (w.kind = 'resettlement+4' AND p.housing_completed_on IS NOT NULL) OR
          (w.kind = 'resettlement+5' AND p.resettled_on IS NOT NULL))))
       OR (w.entity = 'idle_case' AND w.kind = 'idle-overdue' AND NOT EXISTS (SELECT 1 FROM idle_case c WHERE c.id::text = w.entity_id
             AND c.deadline + 1 = w.due_on AND c.status IN ('supervision', 'investigation', 'fee-levied', 'reclaimed')))
       OR (w.entity = 'idle_case' AND w.kind = 'idle-reclaimable' AND NOT EXISTS (SELECT 1 FROM idle_case c JOIN land_parcel p ON p.land_code = c.land_code
             WHERE c.id::text = w.entity_id AND c.status IN ('determined', 'fee-levied') AND p.works_started_on IS NULL)))`,
      [today],
    )
  ).rowCount;
}

export interface WarningRow {
  id: number;
  kind: string;
  entity: string;
  entity_id: string;
  district: string;
  title: string;
  message: string;
  due_on: string;
  raised_on: string;
  resolved_on: string | null;
}

export async function listWarnings(
  q: Queryable,
  f: { districts: string[] | null; kind?: string; open: boolean; limit: number; offset: number },
): Promise<{ total: number; rows: WarningRow[] }> {
  const r = await q.query<WarningRow & { total: number }>(
    `SELECT id::int, kind, entity, entity_id, district, title, message, due_on::text, raised_on::text, resolved_on::text, count(*) OVER ()::int AS total
       FROM lifecycle_warning
      WHERE ($1::text[] IS NULL OR district = ANY($1)) AND ($2::text IS NULL OR kind = $2) AND (NOT $3 OR resolved_on IS NULL)
      ORDER BY due_on, id LIMIT $4 OFFSET $5`,
    [f.districts, f.kind ?? null, f.open, f.limit, f.offset],
  );
  return { total: r.rows[0]?.total ?? 0, rows: r.rows.map(({ total: _t, ...w }) => w) };
}

export async function board(
  q: Queryable,
  d: DistrictLayer,
  districts: string[] | null,
): Promise<{ district: string; name: string | null; kind: string; n: number; oldest: string }[]> {
  return (
    await q.query<{ district: string; name: string | null; kind: string; n: number; oldest: string }>(
      `SELECT w.district, (SELECT ad.name FROM ${activeDistricts(d)} ad WHERE ad.code = w.district LIMIT 1) AS name,
            w.kind, count(*)::int AS n, min(w.due_on)::text AS oldest
       FROM lifecycle_warning w WHERE w.resolved_on IS NULL AND ($1::text[] IS NULL OR w.district = ANY($1))
      GROUP BY w.district, w.kind ORDER BY w.district, w.kind`,
      [districts],
    )
  ).rows;
}

/** One row per day in lifecycle_run; returns how many times the run has now run that day. */
export async function recordRun(q: Queryable, today: string, actor: string, summary: unknown): Promise<number> {
  return (
    await q.query<{ runs: number }>(
      `INSERT INTO lifecycle_run (run_on, actor, summary) VALUES ($1, $2, $3)
     ON CONFLICT (run_on) DO UPDATE SET runs = lifecycle_run.runs + 1, last_at = now() RETURNING runs`,
      [today, actor, JSON.stringify(summary)],
    )
  ).rows[0].runs;
}

/** District codes and names (the district layer of the configuration), for the pages' filters. */
export async function districts(q: Queryable, d: DistrictLayer): Promise<{ code: string; name: string }[]> {
  return (
    await q.query<{ code: string; name: string }>(
      `SELECT DISTINCT ad.code, ad.name FROM ${activeDistricts(d)} ad WHERE ad.code IS NOT NULL ORDER BY 1`,
    )
  ).rows;
}
