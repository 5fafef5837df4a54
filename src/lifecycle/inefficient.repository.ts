// SQL of 低效用地: the yearly rules, the parcels' yearly facts, candidates and the yearly
// re-evaluation of the inventory (动态更新).
import type { Queryable } from '../db/index.ts';
import { pageWhere, updateRow, type ListPage } from './rows.repository.ts';

/** A rule a parcel's facts hit: the rule, its threshold and the value compared (null for yes/no rules). */
export interface RuleHit {
  code: string;
  name: string;
  kind: string;
  threshold: number | null;
  value: number | null;
}

export interface RuleRow {
  year: number;
  code: string;
  name: string;
  kind: string;
  threshold: number | null;
  industrial_only: boolean;
  enabled: boolean;
  note: string | null;
}

/** The rule year in force for `year`: the latest configured year not after it. */
export async function ruleYear(q: Queryable, year: number): Promise<number | null> {
  return (await q.query<{ y: number | null }>(`SELECT max(year) AS y FROM inefficient_rule WHERE year <= $1`, [year])).rows[0].y;
}

export async function rules(q: Queryable, year: number): Promise<RuleRow[]> {
  return (
    await q.query<RuleRow>(
      `SELECT year, code, name, kind, threshold, industrial_only, enabled, note FROM inefficient_rule WHERE year = $1 ORDER BY code`,
      [year],
    )
  ).rows;
}

export async function replaceRules(q: Queryable, year: number, list: Omit<RuleRow, 'year'>[]): Promise<void> {
  await q.query(`DELETE FROM inefficient_rule WHERE year = $1`, [year]);
  for (const r of list) {
    await q.query(
      `INSERT INTO inefficient_rule (year, code, name, kind, threshold, industrial_only, enabled, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [year, r.code, r.name, r.kind, r.threshold, r.industrial_only, r.enabled, r.note],
    );
  }
}

export async function upsertFact(
  q: Queryable,
  f: {
    landCode: string;
    year: number;
    far: number | null;
    taxYuan: number | null;
    vacant: boolean;
    derelict: boolean;
    polluting: boolean;
    source: string | null;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO land_fact (land_code, year, far, tax_yuan, vacant, derelict, polluting, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (land_code, year) DO UPDATE SET far = EXCLUDED.far, tax_yuan = EXCLUDED.tax_yuan, vacant = EXCLUDED.vacant,
       derelict = EXCLUDED.derelict, polluting = EXCLUDED.polluting, source = EXCLUDED.source`,
    [f.landCode, f.year, f.far, f.taxYuan, f.vacant, f.derelict, f.polluting, f.source],
  );
}

/** Which of these land codes are registered. */
export async function knownLandCodes(q: Queryable, codes: string[]): Promise<string[]> {
  return (await q.query<{ c: string }>(`SELECT land_code AS c FROM land_parcel WHERE land_code = ANY($1)`, [codes])).rows.map((r) => r.c);
}

/** The newest fact year not after `year`. */
export async function factYear(q: Queryable, year: number): Promise<number | null> {
  return (await q.query<{ y: number | null }>(`SELECT max(year) AS y FROM land_fact WHERE year <= $1`, [year])).rows[0].y;
}

// Which parcels hit which enabled rules of rule year $2 with the facts of year $1. 亩均税收 is the
// year's tax over the parcel's ellipsoidal area in 亩 (1 亩 = 10000/15 m², domain.md §2).
const HITS = `
  fp AS MATERIALIZED (
    -- The year's facts joined to their parcels once (then matched against the few rules), not once per rule.
    SELECT f.*, p.district, p.industrial, p.area_m2 FROM land_fact f JOIN land_parcel p ON p.land_code = f.land_code WHERE f.year = $1),
  hits AS (
    SELECT f.land_code, f.district,
           jsonb_agg(jsonb_build_object('code', r.code, 'name', r.name, 'kind', r.kind, 'threshold', r.threshold,
             'value', CASE r.kind WHEN 'far-below' THEN f.far WHEN 'tax-per-mu-below' THEN round((f.tax_yuan / (f.area_m2 * 15 / 10000.0))::numeric, 2)::float8 END)
             ORDER BY r.code) AS hits
      FROM fp f JOIN inefficient_rule r ON r.year = $2 AND r.enabled AND (NOT r.industrial_only OR f.industrial)
     WHERE CASE r.kind
             WHEN 'far-below' THEN f.far < r.threshold
             WHEN 'tax-per-mu-below' THEN f.tax_yuan / (f.area_m2 * 15 / 10000.0) < r.threshold
             WHEN 'vacant' THEN f.vacant WHEN 'derelict' THEN f.derelict WHEN 'polluting' THEN f.polluting ELSE false END
     GROUP BY f.land_code, f.district)`;

/** 智能识别: candidates from the year's facts (one open case per parcel, one case per parcel and year). */
export async function createCandidates(q: Queryable, factYear: number, ruleYear: number, actor: string): Promise<number> {
  return (
    await q.query(
      `WITH ${HITS},
     ins AS (
       INSERT INTO inefficient_case (land_code, year, district, hits, status)
       SELECT h.land_code, $1, h.district, h.hits, 'identified' FROM hits h
        WHERE NOT EXISTS (SELECT 1 FROM inefficient_case c WHERE c.land_code = h.land_code AND c.status NOT IN ('rejected', 'redeveloped', 'exited'))
       ON CONFLICT (land_code, year) DO NOTHING
       RETURNING id, land_code, hits)
     INSERT INTO audit_log (actor, action, entity, entity_id, before, after)
     SELECT $3, 'inefficient.candidate', 'inefficient_case', id::text, NULL,
            jsonb_build_object('landCode', land_code, 'factYear', $1::int, 'ruleYear', $2::int, 'hits', hits, 'status', 'identified') FROM ins`,
      [factYear, ruleYear, actor],
    )
  ).rowCount;
}

/** 动态更新: once per fact year, each inventoried case records whether it still hits a rule. */
export async function reevaluate(q: Queryable, factYear: number, ruleYear: number, actor: string): Promise<number> {
  return (
    await q.query(
      `WITH ${HITS},
     upd AS (
       UPDATE inefficient_case c SET evaluated_year = $1, still_hits = EXISTS (SELECT 1 FROM hits h WHERE h.land_code = c.land_code), updated_at = now()
        WHERE c.status IN ('inventoried', 'redeveloping') AND c.year < $1 AND (c.evaluated_year IS NULL OR c.evaluated_year < $1)
       RETURNING c.id, c.still_hits)
     INSERT INTO audit_log (actor, action, entity, entity_id, before, after)
     SELECT $3, 'inefficient.reevaluate', 'inefficient_case', id::text, NULL, jsonb_build_object('factYear', $1::int, 'ruleYear', $2::int, 'stillHits', still_hits) FROM upd`,
      [factYear, ruleYear, actor],
    )
  ).rowCount;
}

export interface CaseRow {
  id: number;
  land_code: string;
  name: string;
  year: number;
  district: string;
  hits: RuleHit[];
  status: string;
  category: string | null;
  mode: string | null;
  mode_name: string | null;
  survey_note: string | null;
  project_name: string | null;
  started_on: string | null;
  redeveloped_on: string | null;
  redeveloped_m2: number | null;
  evaluated_year: number | null;
  still_hits: boolean | null;
  area_m2: number;
}

const COLS = `c.id, c.land_code, p.name, c.year, c.district, c.hits, c.status, c.category, c.mode, m.name AS mode_name, c.survey_note, c.project_name,
  c.started_on::text, c.redeveloped_on::text, c.redeveloped_m2, c.evaluated_year, c.still_hits, p.area_m2`;
const FROM = `inefficient_case c JOIN land_parcel p ON p.land_code = c.land_code LEFT JOIN redevelopment_mode m ON m.code = c.mode`;

export async function caseRow(q: Queryable, id: number, lock = false): Promise<CaseRow | null> {
  return (await q.query<CaseRow>(`SELECT ${COLS} FROM ${FROM} WHERE c.id = $1${lock ? ' FOR UPDATE OF c' : ''}`, [id])).rows[0] ?? null;
}

export async function listCases(q: Queryable, f: ListPage & { year?: number }): Promise<CaseRow[]> {
  return (
    await q.query<CaseRow>(
      `SELECT ${COLS} FROM ${FROM} WHERE ${pageWhere('c.')} AND ($3::int IS NULL OR c.year = $3)
      ORDER BY c.id LIMIT $4 OFFSET $5`,
      [f.districts, f.status ?? null, f.year ?? null, f.limit, f.offset],
    )
  ).rows;
}

export const updateCase = (q: Queryable, id: number, set: Record<string, unknown>) => updateRow(q, 'inefficient_case', id, set);

export async function modes(q: Queryable): Promise<{ code: string; name: string; source: string }[]> {
  return (await q.query<{ code: string; name: string; source: string }>(`SELECT code, name, source FROM redevelopment_mode ORDER BY name`))
    .rows;
}
