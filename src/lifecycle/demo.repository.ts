// SQL of the lifecycle demo data (demo.ts): the land codes of the demo city's 宗地 (layer ZD) with
// their history, approval batches and their disposals, yearly facts and expropriation–resettlement
// projects, written set-based; and the draws that choose which cases the demo moves along their
// workflows (which it then does through the services, as a user would). Deterministic: every draw
// is md5(ZDDM, salt); dates are relative to `today`.
import type { Queryable } from '../db/index.ts';
import { aliveAt } from '../store/fragments.repository.ts';

/** Uniform [0, 1) from a text and a salt, the same on every PostgreSQL. */
const R = (expr: string, salt: string) => `(('x' || substr(md5(${expr} || ':${salt}'), 1, 8))::bit(32)::bigint / 4294967296.0)`;

export async function hasParcels(q: Queryable): Promise<boolean> {
  return (await q.query(`SELECT 1 FROM land_parcel LIMIT 1`)).rows.length > 0;
}

/** Land codes with their history, straight from the ZD parcels (ZDDM starts with the district code). */
export async function seedParcels(q: Queryable, today: string): Promise<number> {
  return (await q.query(PARCELS, [today])).rowCount;
}
const PARCELS = `WITH z AS (
         SELECT f.fid, f.props, f.geom, f.area_m2, left(f.fid, 6) AS district, coalesce(f.props->>'TDYT', '') AS use,
                ${R('f.fid', 'a')} r1, ${R('f.fid', 'b')} r2, ${R('f.fid', 'c')} r3, ${R('f.fid', 'd')} r4, ${R('f.fid', 'e')} r5, ${R('f.fid', 'f')} r6
           FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'ZD' WHERE l.active_version IS NOT NULL AND ${aliveAt('f', 'l.active_version')} AND f.fid ~ '^[0-9]{6}'),
       s AS (SELECT z.*, CASE WHEN r6 < 0.06 THEN NULL ELSE $1::date - (r2 * 2400)::int END AS sup FROM z),
       a AS (SELECT s.*, CASE WHEN r1 < 0.45 THEN coalesce(sup, $1::date - 200) - (120 + r3 * 700)::int END AS appr,
                    CASE WHEN r1 < 0.7 AND sup IS NOT NULL THEN sup - (30 + r3 * 80)::int END AS resv,
                    sup + (60 + r4 * 200)::int AS ast FROM s),
       w AS (SELECT a.*, CASE WHEN r5 < 0.9 AND ast + (r5 * 200 - 60)::int <= $1::date THEN greatest(ast + (r5 * 200 - 60)::int, sup + 21) END AS ws FROM a),
       c AS (SELECT w.*, CASE WHEN ws IS NOT NULL AND r3 >= 0.04 AND ws + (540 + r6 * 540)::int <= $1::date THEN ws + (540 + r6 * 540)::int END AS done FROM w)
       INSERT INTO land_parcel (land_code, name, district, zd_code, bdcdyh, land_use, industrial, geom, area_m2, stage, approved_on, reserved_on,
                                supplied_on, supply_m2, price_yuan, agreed_start, agreed_completion, planned_far, total_investment_yuan, permits_on,
                                works_started_on, developed_m2, invested_yuan, halted_since, completed_on, registered_on, created_by)
       SELECT 'T' || fid, coalesce(use, '') || '地块 ' || right(fid, 5), district, fid,
              CASE WHEN done + 60 <= $1::date THEN fid || 'F00010001' END, use, use = '工业用地', ST_Multi(geom), area_m2,
              CASE WHEN done + 60 <= $1::date THEN 'titled' WHEN done IS NOT NULL THEN 'completed' WHEN ws IS NOT NULL THEN 'under-construction'
                   WHEN sup + 20 <= $1::date THEN 'permitted' WHEN sup IS NOT NULL THEN 'supplied' WHEN appr IS NOT NULL THEN 'approved' ELSE 'registered' END,
              appr, resv, sup, CASE WHEN sup IS NOT NULL THEN area_m2 END,
              CASE WHEN sup IS NULL THEN NULL WHEN props->>'GYFS' = '划拨' THEN 0
                   ELSE round(area_m2 * CASE use WHEN '工业用地' THEN 600 WHEN '城镇住宅用地' THEN 15000 WHEN '商服用地' THEN 8000 ELSE 2000 END) END,
              CASE WHEN sup IS NOT NULL THEN ast END, CASE WHEN sup IS NOT NULL THEN ast + (730 + r4 * 365)::int END,
              (props->>'RJL')::float8, CASE WHEN sup IS NOT NULL THEN round(area_m2 * 3000) END,
              CASE WHEN sup + 20 <= $1::date THEN sup + 20 END, ws,
              CASE WHEN ws IS NOT NULL AND done IS NULL AND r3 < 0.04 THEN area_m2 * 0.2 END,
              CASE WHEN ws IS NOT NULL AND done IS NULL AND r3 < 0.04 THEN round(area_m2 * 3000 * 0.15) END,
              CASE WHEN ws IS NOT NULL AND done IS NULL AND r3 < 0.04 AND ws + 120 <= $1::date THEN ws + 120 END,
              done, CASE WHEN done + 60 <= $1::date THEN done + 60 END, 'demo'
         FROM c`;

/**
 * Approval batches per district and year of approval, 25 % more than the parcels approved in them
 * (the unsupplied remainder), mapped (with a geometry) when older than last year; the parcels
 * joined to their batch.
 */
export async function seedBatches(q: Queryable, today: string): Promise<number> {
  const n = (
    await q.query(
      `INSERT INTO approval_batch (batch_no, name, approval_no, approval_type, approved_on, district, approved_m2, geom, status, created_by)
       SELECT district || '-' || y || '-01', y || ' 年第 1 批次 (' || district || ')', '浙政土〔' || y || '〕' || (100 + row_number() OVER (ORDER BY district, y)) || '号',
              CASE WHEN y % 2 = 0 THEN '农转用' ELSE '农转用及征收' END, min(approved_on), district, sum(area_m2) * 1.25,
              CASE WHEN y < extract(year FROM $1::date) - 1 THEN ST_Multi(ST_Union(ST_Envelope(geom))) END,
              'identified', 'demo'
         FROM (SELECT district, extract(year FROM approved_on)::int AS y, approved_on, area_m2, geom FROM land_parcel WHERE approved_on IS NOT NULL) p
        GROUP BY district, y`,
      [today],
    )
  ).rowCount;
  await q.query(
    `UPDATE land_parcel p SET batch_id = b.id FROM approval_batch b WHERE b.batch_no = p.district || '-' || extract(year FROM p.approved_on)::int || '-01'`,
  );
  return n;
}

/** The parcels' events, in order, from their dates; each carries the parcel's geometry. */
export async function seedEvents(q: Queryable, today: string): Promise<number> {
  return (
    await q.query(
      `INSERT INTO land_event (land_code, kind, event_date, doc_no, details, operator, geom, area_m2)
       SELECT p.land_code, e.kind, e.d, e.doc, e.details, 'demo', p.geom, p.area_m2
         FROM land_parcel p LEFT JOIN approval_batch b ON b.id = p.batch_id,
         LATERAL (VALUES
           (1, 'approval', p.approved_on, b.approval_no, jsonb_build_object('approvalType', b.approval_type, 'batchNo', b.batch_no)),
           (2, 'reserve', p.reserved_on, '收储〔' || p.land_code || '〕', '{}'::jsonb),
           (3, 'supply', p.supplied_on, 'HT' || p.land_code, jsonb_build_object('method', CASE WHEN p.price_yuan = 0 THEN '划拨' ELSE '出让' END, 'priceYuan', p.price_yuan,
              'agreedStart', p.agreed_start::text, 'agreedCompletion', p.agreed_completion::text, 'totalInvestmentYuan', p.total_investment_yuan,
              'planningConditions', jsonb_build_object('far', p.planned_far, 'landUse', p.land_use))),
           (4, 'permits', p.permits_on, '浙(' || extract(year FROM p.permits_on) || ')不动产权第' || right(p.land_code, 7) || '号',
              jsonb_build_object('landPlanningPermit', '地字' || right(p.land_code, 12), 'propertyCertificate', '浙(' || extract(year FROM p.permits_on) || ')不动产权第' || right(p.land_code, 7) || '号', 'engineeringPermit', '建字' || right(p.land_code, 12))),
           (5, 'works_start', p.works_started_on, NULL, '{}'::jsonb),
           (6, 'progress', CASE WHEN p.halted_since IS NOT NULL THEN p.halted_since + 30 END, NULL,
              jsonb_build_object('developedM2', p.developed_m2, 'investedYuan', p.invested_yuan, 'haltedSince', p.halted_since::text)),
           (7, 'completion', p.completed_on, NULL, '{}'::jsonb),
           (8, 'registration', p.registered_on, p.bdcdyh, jsonb_build_object('bdcdyh', p.bdcdyh))) AS e(n, kind, d, doc, details)
        WHERE e.d IS NOT NULL AND e.d <= $1::date
        ORDER BY p.land_code, e.n`,
      [today],
    )
  ).rowCount;
}

/** Yearly facts of built industrial land for last year (亩均效益评价). */
export async function seedFacts(q: Queryable, today: string): Promise<void> {
  await q.query(
    `INSERT INTO land_fact (land_code, year, far, tax_yuan, vacant, derelict, polluting, source)
       SELECT land_code, extract(year FROM $1::date)::int - 1, round((coalesce(planned_far, 1.2) * (0.5 + ${R('land_code', 'far')} * 0.7))::numeric, 2)::float8,
              round(area_m2 * 15 / 10000 * (20000 + ${R('land_code', 'tax')} * 300000)), ${R('land_code', 'v')} < 0.03, ${R('land_code', 'dr')} < 0.02, ${R('land_code', 'po')} < 0.02, '演示数据'
         FROM land_parcel WHERE industrial AND completed_on IS NOT NULL`,
    [today],
  );
}

/**
 * Expropriation–resettlement projects to register: the land taken is a ZD parcel, the resettlement
 * plot the second-nearest parcel to it (resettlement stays near the village it serves), with the
 * dates of the milestones each has reached.
 */
export interface ProjectDraw {
  code: string;
  name: string;
  district: string;
  households: number;
  geometry: unknown;
  plotName: string;
  /** The plot, when it was located; on plotOn. */
  plotGeometry: unknown;
  plotOn: string | null;
  /** The milestones reached, each on its date (null: not yet). */
  started: string | null;
  housingStarted: string | null;
  housingCompleted: string | null;
  resettled: string | null;
}

export async function projectDraws(q: Queryable, today: string, n: number): Promise<ProjectDraw[]> {
  return (
    await q.query<ProjectDraw>(
      `WITH pick AS (SELECT f.layer_id, fid, geom, left(fid, 6) AS district, row_number() OVER (ORDER BY md5(fid || ':rs')) AS k
                       FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'ZD' WHERE l.active_version IS NOT NULL AND ${aliveAt('f', 'l.active_version')} AND f.fid ~ '^[0-9]{6}'),
            pr AS (SELECT a.k, a.fid, a.district, a.geom, b.geom AS plot, ${R('a.fid', 'p1')} r1, ${R('a.fid', 'p2')} r2, ${R('a.fid', 'p3')} r3, ${R('a.fid', 'p4')} r4
                     FROM pick a CROSS JOIN LATERAL (
                       SELECT f.geom FROM feature f JOIN layer l ON l.id = f.layer_id WHERE f.layer_id = a.layer_id AND ${aliveAt('f', 'l.active_version')} AND f.fid <> a.fid
                        ORDER BY f.geom <-> a.geom LIMIT 1 OFFSET 1) b
                    WHERE a.k <= $2::int),
            d AS (SELECT pr.*, CASE WHEN r1 < 0.08 THEN NULL ELSE $1::date - (r1 * 2555)::int END AS e FROM pr),
            h1 AS (SELECT d.*, CASE WHEN e + (100 + r2 * 560)::int <= $1::date THEN e + (100 + r2 * 560)::int END AS hs FROM d),
            h2 AS (SELECT h1.*, CASE WHEN hs + (700 + r3 * 800)::int <= $1::date THEN hs + (700 + r3 * 800)::int END AS hc FROM h1),
            h3 AS (SELECT h2.*, CASE WHEN hc + (60 + r4 * 500)::int <= $1::date THEN hc + (60 + r4 * 500)::int END AS rs FROM h2)
       SELECT 'ZS' || district || lpad(k::text, 4, '0') AS code, '征收项目 ' || k AS name, district, (20 + r4 * 300)::int AS households,
              ST_AsGeoJSON(geom)::jsonb AS geometry, '安置地块 ' || k AS "plotName",
              CASE WHEN e IS NOT NULL OR r2 < 0.4 THEN ST_AsGeoJSON(plot)::jsonb END AS "plotGeometry",
              (CASE WHEN e IS NOT NULL THEN e - 30 WHEN r2 < 0.4 THEN $1::date - 10 END)::text AS "plotOn",
              e::text AS started, hs::text AS "housingStarted", hc::text AS "housingCompleted", rs::text AS resettled
         FROM h3`,
      [today, n],
    )
  ).rows;
}

/** The idle cases in 服务监管 with the draws that decide how far the demo takes each. */
export async function idleDraws(q: Queryable): Promise<{ id: number; move: number; fee: number; feeDay: number; priced: boolean }[]> {
  return (
    await q.query<{ id: number; move: number; fee: number; feeDay: number; priced: boolean }>(
      `SELECT c.id, ${R('c.land_code', 'i')}::float8 AS move, ${R('c.land_code', 'fee')}::float8 AS fee, ${R('c.land_code', 'fl')}::float8 AS "feeDay",
              p.price_yuan IS NOT NULL AS priced
         FROM idle_case c JOIN land_parcel p ON p.land_code = c.land_code WHERE c.status = 'supervision' ORDER BY c.id`,
    )
  ).rows;
}

/**
 * Cases still in 服务监管 were found over the last 50 days, as if the nightly run had been running
 * every night; the 30-day investigation deadline (第九条) of the older ones has passed.
 */
export async function backdateSupervision(q: Queryable, today: string): Promise<void> {
  await q.query(
    `UPDATE idle_case SET detected_on = greatest(idle_from, $1::date - (${R('land_code', 'sv')} * 50)::int), deadline = greatest(idle_from, $1::date - (${R('land_code', 'sv')} * 50)::int) + 30
        WHERE status = 'supervision'`,
    [today],
  );
}

/** The inefficient-land candidates with the draw that decides how far the demo takes each, and their area. */
export async function inefficientDraws(q: Queryable): Promise<{ id: number; x: number; areaM2: number }[]> {
  return (
    await q.query<{ id: number; x: number; areaM2: number }>(
      `SELECT c.id, ${R('c.land_code', 'n')}::float8 AS x, p.area_m2 AS "areaM2"
         FROM inefficient_case c JOIN land_parcel p ON p.land_code = c.land_code WHERE c.status = 'identified' ORDER BY c.id`,
    )
  ).rows;
}

/** The batches with their year of approval, for the demo to take the older ones along the clearing workflow. */
export async function batchDraws(q: Queryable): Promise<{ id: number; year: number; approvedOn: string; approvedM2: number }[]> {
  return (
    await q.query<{ id: number; year: number; approvedOn: string; approvedM2: number }>(
      `SELECT id, extract(year FROM approved_on)::int AS year, approved_on::text AS "approvedOn", approved_m2 AS "approvedM2"
         FROM approval_batch ORDER BY id`,
    )
  ).rows;
}
