// SQL of the yearly ledgers (ledgers.ts). Every query takes the calendar year as [start, end) and
// an optional district list; areas are ellipsoidal m² (land_event.area_m2, the parcel at the step).
import type { Queryable } from '../db/index.ts';

const range = (year: number) => [`${year}-01-01`, `${year + 1}-01-01`];

/**
 * 存量土地供应占比 (seed 003: 存量(含历史批而未供)土地供应占比; domain.md §5: excluding 单独选址项目):
 * a supply in year Y is stock when the land needed no new approval (existing construction land) or
 * was approved before 1 January Y (historical approved-but-unsupplied land).
 */
export async function supplyFigures(q: Queryable, year: number, districts: string[] | null) {
  const [start, end] = range(year);
  return (
    await q.query<{ total_m2: number; stock_m2: number; total_n: number; stock_n: number; standalone_m2: number }>(
      `SELECT coalesce(sum(e.area_m2) FILTER (WHERE NOT p.standalone_site), 0)::float8 AS total_m2,
            coalesce(sum(e.area_m2) FILTER (WHERE NOT p.standalone_site AND (p.approved_on IS NULL OR p.approved_on < $1::date)), 0)::float8 AS stock_m2,
            count(*) FILTER (WHERE NOT p.standalone_site)::int AS total_n,
            count(*) FILTER (WHERE NOT p.standalone_site AND (p.approved_on IS NULL OR p.approved_on < $1::date))::int AS stock_n,
            coalesce(sum(e.area_m2) FILTER (WHERE p.standalone_site), 0)::float8 AS standalone_m2
       FROM land_event e JOIN land_parcel p ON p.land_code = e.land_code
      WHERE e.kind = 'supply' AND e.event_date >= $1::date AND e.event_date < $2::date AND ($3::text[] IS NULL OR p.district = ANY($3))`,
      [start, end, districts],
    )
  ).rows[0];
}

/**
 * 新增工业用地平均容积率 (seed 003: ≥ 1.5, "除特定产业和使用特殊工艺类的项目以外"): the area-weighted
 * FAR of the planning conditions of industrial land supplied in the year, without supplies marked
 * details.specialProcess.
 */
export async function industrialFar(q: Queryable, year: number, districts: string[] | null) {
  const [start, end] = range(year);
  return (
    await q.query<{ n: number; area_m2: number; far: number | null; excluded: number }>(
      `SELECT count(*) FILTER (WHERE NOT special)::int AS n, coalesce(sum(area_m2) FILTER (WHERE NOT special), 0)::float8 AS area_m2,
            (sum(far * area_m2) FILTER (WHERE NOT special) / nullif(sum(area_m2) FILTER (WHERE NOT special), 0))::float8 AS far,
            count(*) FILTER (WHERE special)::int AS excluded
       FROM (SELECT e.area_m2, (e.details->'planningConditions'->>'far')::float8 AS far, coalesce((e.details->>'specialProcess')::boolean, false) AS special
               FROM land_event e JOIN land_parcel p ON p.land_code = e.land_code
              WHERE e.kind = 'supply' AND p.industrial AND e.event_date >= $1::date AND e.event_date < $2::date
                AND e.details->'planningConditions'->>'far' IS NOT NULL AND ($3::text[] IS NULL OR p.district = ANY($3))) s`,
      [start, end, districts],
    )
  ).rows[0];
}

/** 低效用地再开发 completed in the year. */
export async function redeveloped(q: Queryable, year: number, districts: string[] | null) {
  const [start, end] = range(year);
  return (
    await q.query<{ n: number; area_m2: number }>(
      `SELECT count(*)::int AS n, coalesce(sum(redeveloped_m2), 0)::float8 AS area_m2 FROM inefficient_case
      WHERE status = 'redeveloped' AND redeveloped_on >= $1::date AND redeveloped_on < $2::date AND ($3::text[] IS NULL OR district = ANY($3))`,
      [start, end, districts],
    )
  ).rows[0];
}

/** 闲置土地处置 in the year (fee levied, reclaimed or otherwise disposed), and what still waits. */
export async function idleDisposed(q: Queryable, year: number, districts: string[] | null) {
  const [start, end] = range(year);
  return (
    await q.query<{ n: number; area_m2: number; waiting_n: number; waiting_m2: number }>(
      `SELECT count(*) FILTER (WHERE c.disposed_on >= $1::date AND c.disposed_on < $2::date)::int AS n,
            coalesce(sum(p.area_m2) FILTER (WHERE c.disposed_on >= $1::date AND c.disposed_on < $2::date), 0)::float8 AS area_m2,
            count(*) FILTER (WHERE c.status = 'determined')::int AS waiting_n,
            coalesce(sum(p.area_m2) FILTER (WHERE c.status = 'determined'), 0)::float8 AS waiting_m2
       FROM idle_case c JOIN land_parcel p ON p.land_code = c.land_code
      WHERE ($3::text[] IS NULL OR c.district = ANY($3))`,
      [start, end, districts],
    )
  ).rows[0];
}
