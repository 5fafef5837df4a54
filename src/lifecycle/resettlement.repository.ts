// SQL of the expropriation–resettlement closed loop (征收–安置) and its +1/+4/+5 warnings.
import type { Queryable } from '../db/index.ts';
import { pageWhere, updateRow, type ListPage } from './rows.repository.ts';
import type { GeoJson } from './landcode.repository.ts';
import { raiseDue } from './warnings.repository.ts';

export interface ProjectRow {
  id: number;
  code: string;
  name: string;
  district: string;
  households: number;
  plot_name: string | null;
  plot_located: boolean;
  plot_located_on: string | null;
  status: string;
  expropriated_on: string | null;
  housing_started_on: string | null;
  housing_completed_on: string | null;
  resettled_on: string | null;
  households_resettled: number;
  plot_geometry?: GeoJson | null;
  geometry?: GeoJson | null;
  plot_area_m2?: number | null;
  area_m2?: number | null;
}

const COLS = `id, code, name, district, households, plot_name, plot_geom IS NOT NULL AS plot_located, plot_located_on::text, status, expropriated_on::text,
  housing_started_on::text, housing_completed_on::text, resettled_on::text, households_resettled`;

export async function insertProject(
  q: Queryable,
  p: {
    code: string;
    name: string;
    district: string;
    households: number;
    ewkb: string | null;
    plotName: string | null;
    plotEwkb: string | null;
    plotOn: string | null;
    user: string;
  },
): Promise<number> {
  return (
    await q.query<{ id: number }>(
      `INSERT INTO resettlement_project (code, name, district, households, geom, plot_name, plot_geom, plot_located_on, created_by)
     VALUES ($1, $2, $3, $4, CASE WHEN $5::text IS NULL THEN NULL ELSE ST_GeomFromEWKB(decode($5, 'hex')) END, $6,
             CASE WHEN $7::text IS NULL THEN NULL ELSE ST_GeomFromEWKB(decode($7, 'hex')) END, $8, $9) RETURNING id`,
      [p.code, p.name, p.district, p.households, p.ewkb, p.plotName, p.plotEwkb, p.plotOn, p.user],
    )
  ).rows[0].id;
}

export async function codeExists(q: Queryable, code: string): Promise<boolean> {
  return (await q.query(`SELECT 1 FROM resettlement_project WHERE code = $1`, [code])).rows.length > 0;
}

export async function projectRow(q: Queryable, id: number, opts: { lock?: boolean; geometry?: boolean } = {}): Promise<ProjectRow | null> {
  const geo = opts.geometry
    ? `, ST_AsGeoJSON(plot_geom, 7)::jsonb AS plot_geometry, ST_AsGeoJSON(geom, 7)::jsonb AS geometry,
    onemap_area(plot_geom) AS plot_area_m2, onemap_area(geom) AS area_m2`
    : '';
  return (
    (await q.query<ProjectRow>(`SELECT ${COLS}${geo} FROM resettlement_project WHERE id = $1${opts.lock ? ' FOR UPDATE' : ''}`, [id]))
      .rows[0] ?? null
  );
}

export async function listProjects(q: Queryable, f: ListPage): Promise<ProjectRow[]> {
  return (
    await q.query<ProjectRow>(
      `SELECT ${COLS} FROM resettlement_project WHERE ${pageWhere()}
      ORDER BY id LIMIT $3 OFFSET $4`,
      [f.districts, f.status ?? null, f.limit, f.offset],
    )
  ).rows;
}

export async function setPlot(q: Queryable, id: number, name: string | null, ewkb: string, today: string): Promise<void> {
  await q.query(
    `UPDATE resettlement_project SET plot_name = coalesce($2, plot_name), plot_geom = ST_GeomFromEWKB(decode($3, 'hex')), plot_located_on = $4, updated_at = now() WHERE id = $1`,
    [id, name, ewkb, today],
  );
}

export const updateProject = (q: Queryable, id: number, set: Record<string, unknown>) => updateRow(q, 'resettlement_project', id, set);

/** Every warning raised for a project, open or resolved, by due date. */
export async function projectWarnings(
  q: Queryable,
  id: number,
): Promise<{ kind: string; due_on: string; raised_on: string; resolved_on: string | null }[]> {
  return (
    await q.query<{ kind: string; due_on: string; raised_on: string; resolved_on: string | null }>(
      `SELECT kind, due_on::text, raised_on::text, resolved_on::text FROM lifecycle_warning WHERE entity = 'resettlement_project' AND entity_id = $1 ORDER BY due_on, kind`,
      [String(id)],
    )
  ).rows;
}

/** The +n warning each milestone resolves. */
export const MILESTONE_WARNING: Record<string, string> = {
  'housing-started': 'resettlement+1',
  'housing-completed': 'resettlement+4',
  resettled: 'resettlement+5',
};

export async function resolveWarnings(q: Queryable, projectId: number, kinds: string[], today: string): Promise<number> {
  return (
    await q.query(
      `UPDATE lifecycle_warning SET resolved_on = $3 WHERE entity = 'resettlement_project' AND entity_id = $1 AND kind = ANY($2) AND resolved_on IS NULL`,
      [String(projectId), kinds, today],
    )
  ).rowCount;
}

/**
 * Raises the +1 / +4 / +5 warnings due by `today` (seed 001: "按照'+1、+4、+5'设置预警时点(意思是
 * 征迁后1年内安置房开工、4年内安置房竣工、5年内完成安置)"). The warning point is the anniversary
 * itself: on addYears(expropriated_on, n) a project that has not reached the milestone is warned
 * (the day before: no warning). Returns the warnings raised, by kind.
 */
export async function raiseWarnings(q: Queryable, today: string, actor: string): Promise<Record<string, number>> {
  return raiseDue(
    q,
    'resettlement_project',
    `SELECT 'resettlement+1' AS kind, id, district, name, (expropriated_on + interval '1 year')::date AS due_on,
              '征收后 1 年安置房未开工 (+1: resettlement housing not started one year after expropriation)' AS message
         FROM resettlement_project WHERE status = 'started' AND (expropriated_on + interval '1 year')::date <= $1::date
       UNION ALL
       SELECT 'resettlement+4', id, district, name, (expropriated_on + interval '4 years')::date,
              '征收后 4 年安置房未竣工 (+4: resettlement housing not completed four years after expropriation)'
         FROM resettlement_project WHERE status IN ('started', 'housing-started') AND (expropriated_on + interval '4 years')::date <= $1::date
       UNION ALL
       SELECT 'resettlement+5', id, district, name, (expropriated_on + interval '5 years')::date,
              '征收后 5 年仍未完成回迁安置 (+5: households not resettled five years after expropriation)'
         FROM resettlement_project WHERE status IN ('started', 'housing-started', 'housing-completed') AND (expropriated_on + interval '5 years')::date <= $1::date`,
    today,
    actor,
  );
}
