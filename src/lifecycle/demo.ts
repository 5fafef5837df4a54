// Lifecycle demo data on the demo city: one land code per 宗地 of layer ZD with its history (批准,
// 收储, 供应, 三证齐发, 开工, 进度核查, 竣工, 登记), approval batches with disposals, yearly facts of
// industrial land, expropriation–resettlement projects (~1,000 at the large scale, as Hangzhou's
// 954), then the nightly rules and a share of the cases moved along their workflows.
// Deterministic: every draw is md5(ZDDM, salt); dates are relative to `today` (ONEMAP_CLOCK pins it).
// Written set-based in SQL inside one transaction; rows written here carry the actor 'demo'.
import type { Db } from '../db/index.ts';
import type { Scale } from '../demo/grid.ts';
import { nightlyIn, type NightlySummary } from './rules.ts';
import { refreshAll } from './unsupplied.repository.ts';
import { raiseIdleWarnings } from './warnings.repository.ts';

const PROJECTS: Record<Scale, number> = { small: 40, demo: 300, large: 1000 };
/** Uniform [0, 1) from a text and a salt, the same on every PostgreSQL. */
const R = (expr: string, salt: string) => `(('x' || substr(md5(${expr} || ':${salt}'), 1, 8))::bit(32)::bigint / 4294967296.0)`;

export interface LifecycleDemoResult {
  parcels: number;
  events: number;
  batches: number;
  projects: number;
  nightly: Omit<NightlySummary, 'runOfDay' | 'durationMs'>;
}

export async function hasLifecycleDemo(db: Db): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM land_parcel LIMIT 1`)).rows.length > 0;
}

export async function generateLifecycleDemo(db: Db, today: string, opts: { scale: Scale }): Promise<LifecycleDemoResult> {
  return db.transaction(async (tx) => {
    const t = [today];
    // Land codes with their history, straight from the ZD parcels (ZDDM starts with the district code).
    const parcels = (
      await tx.query(
        `WITH z AS (
         SELECT f.fid, f.props, f.geom, f.area_m2, left(f.fid, 6) AS district, coalesce(f.props->>'TDYT', '') AS use,
                ${R('f.fid', 'a')} r1, ${R('f.fid', 'b')} r2, ${R('f.fid', 'c')} r3, ${R('f.fid', 'd')} r4, ${R('f.fid', 'e')} r5, ${R('f.fid', 'f')} r6
           FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'ZD' WHERE f.v_to IS NULL AND f.fid ~ '^[0-9]{6}'),
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
         FROM c`,
        t,
      )
    ).rowCount;

    // Approval batches per district and year of approval, 25 % more than the parcels approved in
    // them (the unsupplied remainder), older ones further along the clearing workflow.
    const batches = (
      await tx.query(
        `INSERT INTO approval_batch (batch_no, name, approval_no, approval_type, approved_on, district, approved_m2, geom, status, created_by)
       SELECT district || '-' || y || '-01', y || ' 年第 1 批次 (' || district || ')', '浙政土〔' || y || '〕' || (100 + row_number() OVER (ORDER BY district, y)) || '号',
              CASE WHEN y % 2 = 0 THEN '农转用' ELSE '农转用及征收' END, min(approved_on), district, sum(area_m2) * 1.25,
              CASE WHEN y < extract(year FROM $1::date) - 1 THEN ST_Multi(ST_Union(ST_Envelope(geom))) END,
              CASE WHEN y < extract(year FROM $1::date) - 2 THEN 'disposing' WHEN y < extract(year FROM $1::date) - 1 THEN 'mapped' ELSE 'identified' END, 'demo'
         FROM (SELECT district, extract(year FROM approved_on)::int AS y, approved_on, area_m2, geom FROM land_parcel WHERE approved_on IS NOT NULL) p
        GROUP BY district, y`,
        t,
      )
    ).rowCount;
    await tx.query(
      `UPDATE land_parcel p SET batch_id = b.id FROM approval_batch b WHERE b.batch_no = p.district || '-' || extract(year FROM p.approved_on)::int || '-01'`,
    );
    await tx.query(
      `INSERT INTO unsupplied_disposal (batch_id, disposed_on, mode, area_m2, doc_no, operator)
       SELECT id, approved_on + 400, CASE WHEN id % 3 = 0 THEN '撤回' ELSE '核减' END, approved_m2 * 0.1, '处置〔' || id || '〕号', 'demo'
         FROM approval_batch WHERE status = 'disposing' AND approved_on + 400 <= $1::date`,
      t,
    );

    // Events, in order, from the parcels' dates; each carries the parcel's geometry.
    const events = (
      await tx.query(
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
        t,
      )
    ).rowCount;
    await refreshAll(tx, today, 'demo');

    // Yearly facts of built industrial land for last year (亩均效益评价).
    await tx.query(
      `INSERT INTO land_fact (land_code, year, far, tax_yuan, vacant, derelict, polluting, source)
       SELECT land_code, extract(year FROM $1::date)::int - 1, round((coalesce(planned_far, 1.2) * (0.5 + ${R('land_code', 'far')} * 0.7))::numeric, 2)::float8,
              round(area_m2 * 15 / 10000 * (20000 + ${R('land_code', 'tax')} * 300000)), ${R('land_code', 'v')} < 0.03, ${R('land_code', 'dr')} < 0.02, ${R('land_code', 'po')} < 0.02, '演示数据'
         FROM land_parcel WHERE industrial AND completed_on IS NOT NULL`,
      t,
    );

    // Expropriation–resettlement projects: the land taken is a ZD parcel, the resettlement plot the
    // second-nearest parcel to it (resettlement stays near the village it serves).
    const n = PROJECTS[opts.scale];
    const projects = (
      await tx.query(
        `WITH pick AS (SELECT f.layer_id, fid, geom, left(fid, 6) AS district, row_number() OVER (ORDER BY md5(fid || ':rs')) AS k
                       FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'ZD' WHERE f.v_to IS NULL AND f.fid ~ '^[0-9]{6}'),
            pr AS (SELECT a.k, a.fid, a.district, a.geom, b.geom AS plot, ${R('a.fid', 'p1')} r1, ${R('a.fid', 'p2')} r2, ${R('a.fid', 'p3')} r3, ${R('a.fid', 'p4')} r4
                     FROM pick a CROSS JOIN LATERAL (
                       SELECT f.geom FROM feature f WHERE f.layer_id = a.layer_id AND f.v_to IS NULL AND f.fid <> a.fid
                        ORDER BY f.geom <-> a.geom LIMIT 1 OFFSET 1) b
                    WHERE a.k <= $2::int),
            d AS (SELECT pr.*, CASE WHEN r1 < 0.08 THEN NULL ELSE $1::date - (r1 * 2555)::int END AS e FROM pr),
            h1 AS (SELECT d.*, CASE WHEN e + (100 + r2 * 560)::int <= $1::date THEN e + (100 + r2 * 560)::int END AS hs FROM d),
            h2 AS (SELECT h1.*, CASE WHEN hs + (700 + r3 * 800)::int <= $1::date THEN hs + (700 + r3 * 800)::int END AS hc FROM h1),
            h3 AS (SELECT h2.*, CASE WHEN hc + (60 + r4 * 500)::int <= $1::date THEN hc + (60 + r4 * 500)::int END AS rs FROM h2)
       INSERT INTO resettlement_project (code, name, district, households, geom, plot_name, plot_geom, plot_located_on, status, expropriated_on,
                                         housing_started_on, housing_completed_on, resettled_on, households_resettled, created_by)
       SELECT 'ZS' || district || lpad(k::text, 4, '0'), '征收项目 ' || k, district, (20 + r4 * 300)::int, ST_Multi(geom),
              '安置地块 ' || k, CASE WHEN e IS NOT NULL OR r2 < 0.4 THEN ST_Multi(plot) END,
              CASE WHEN e IS NOT NULL THEN e - 30 WHEN r2 < 0.4 THEN $1::date - 10 END,
              CASE WHEN rs IS NOT NULL THEN 'resettled' WHEN hc IS NOT NULL THEN 'housing-completed' WHEN hs IS NOT NULL THEN 'housing-started' WHEN e IS NOT NULL THEN 'started' ELSE 'planning' END,
              e, hs, hc, rs, CASE WHEN rs IS NOT NULL THEN (20 + r4 * 300)::int ELSE 0 END, 'demo'
         FROM h3`,
        [today, n],
      )
    ).rowCount;

    const nightly = await nightlyIn(tx, today, 'demo');

    // Move a share of the cases along their workflows so every page has something to show.
    await tx.query(
      `WITH u AS (UPDATE idle_case SET status = CASE WHEN ${R('land_code', 'i')} < 0.3 THEN 'investigation' ELSE 'determined' END,
                    determination_no = CASE WHEN ${R('land_code', 'i')} >= 0.3 THEN '闲认〔' || id || '〕号' END, deadline = CASE WHEN ${R('land_code', 'i')} < 0.3 THEN $1::date + 20 END
                   WHERE ${R('land_code', 'i')} < 0.5 RETURNING id, status)
       INSERT INTO audit_log (actor, action, entity, entity_id, after) SELECT 'demo', 'idle.' || status, 'idle_case', id::text, jsonb_build_object('status', status) FROM u`,
      t,
    );
    // About 40 % of the determined cases had the idle fee levied this year (第十四条(一): 20 % of the price).
    await tx.query(
      `WITH u AS (UPDATE idle_case c SET status = 'fee-levied', disposal = '征缴土地闲置费', decision_no = '闲费〔' || c.id || '〕号',
                    fee_yuan = round((p.price_yuan * 0.2)::numeric, 2)::float8,
                    disposed_on = greatest(date_trunc('year', $1::date)::date, $1::date - (${R('c.land_code', 'fl')} * 150)::int),
                    deadline = greatest(date_trunc('year', $1::date)::date, $1::date - (${R('c.land_code', 'fl')} * 150)::int) + 30
                    FROM land_parcel p WHERE p.land_code = c.land_code AND c.status = 'determined' AND p.price_yuan IS NOT NULL AND ${R('c.land_code', 'fee')} < 0.4
                  RETURNING c.id, c.fee_yuan)
       INSERT INTO audit_log (actor, action, entity, entity_id, after) SELECT 'demo', 'idle.fee-levied', 'idle_case', id::text, jsonb_build_object('status', 'fee-levied', 'fee_yuan', fee_yuan) FROM u`,
      t,
    );
    // Cases still in 服务监管 were found over the last 50 days, as if the nightly run had been running
    // every night; the 30-day investigation deadline (第九条) of the older ones has passed.
    await tx.query(
      `UPDATE idle_case SET detected_on = greatest(idle_from, $1::date - (${R('land_code', 'sv')} * 50)::int), deadline = greatest(idle_from, $1::date - (${R('land_code', 'sv')} * 50)::int) + 30
        WHERE status = 'supervision'`,
      t,
    );
    await tx.query(
      `WITH u AS (UPDATE inefficient_case c SET
                    status = CASE WHEN x < 0.1 THEN 'redeveloped' WHEN x < 0.2 THEN 'redeveloping' WHEN x < 0.45 THEN 'inventoried' ELSE 'confirmed' END,
                    survey_note = '现场调查确认', category = CASE WHEN x < 0.45 THEN '低效工业用地' END,
                    mode = CASE WHEN x < 0.45 THEN (ARRAY['self', 'joint', 'merge', 'industrial-to-industrial', 'government-enterprise'])[1 + (x * 100)::int % 5] END,
                    project_name = CASE WHEN x < 0.2 THEN '再开发项目 ' || c.id END, started_on = CASE WHEN x < 0.2 THEN $1::date - 200 END,
                    redeveloped_on = CASE WHEN x < 0.1 THEN greatest(date_trunc('year', $1::date)::date, $1::date - 30) END,
                    redeveloped_m2 = CASE WHEN x < 0.1 THEN (SELECT area_m2 FROM land_parcel p WHERE p.land_code = c.land_code) END
                    FROM (SELECT id, ${R('land_code', 'n')} AS x FROM inefficient_case) r WHERE r.id = c.id AND r.x < 0.6 RETURNING c.id, c.status)
       INSERT INTO audit_log (actor, action, entity, entity_id, after) SELECT 'demo', 'inefficient.' || status, 'inefficient_case', id::text, jsonb_build_object('status', status) FROM u`,
      t,
    );
    // The warnings of the moved cases (overdue, reclaimable), as the next night would raise them.
    const moved = await raiseIdleWarnings(tx, today, 'demo');
    for (const [k, n] of Object.entries(moved)) nightly.warningsRaised[k] = (nightly.warningsRaised[k] ?? 0) + n;
    await tx.query(
      `INSERT INTO audit_log (actor, action, entity, entity_id, after)
       SELECT 'demo', 'lifecycle.demo', 'land_parcel', NULL, jsonb_build_object('parcels', $1::int, 'events', $2::int, 'batches', $3::int, 'projects', $4::int, 'today', $5::text)`,
      [parcels, events, batches, projects, today],
    );
    return { parcels, events, batches, projects, nightly };
  });
}
