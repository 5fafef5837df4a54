// SQL of land consolidation projects (土地综合整治): projects, sub-areas, the spatial figures the
// checks need, and stored check runs.
import type { Queryable } from '../db/index.ts';
import type { Finding, GeoJSONGeometry, Verdict } from '../review/types.ts';
import { allRows } from '../db/geos.repository.ts';
import { overlay } from './taohe.repository.ts';
import { aliveIn } from '../store/fragments.repository.ts';

export interface ProjectRow {
  id: number;
  code: string;
  name: string;
  district: string;
  pilot: boolean;
  start_year: number;
  status: 'planned' | 'implementing' | 'accepted';
  figures: Record<string, number | boolean>;
  before_ref: { layer: string; version: number } | null;
  after_ref: { layer: string; version: number } | null;
  created_by: string;
  project_m2: number;
  consolidation_m2: number;
}

const COLS = `p.id, p.code, p.name, p.district, p.pilot, p.start_year, p.status, p.figures, p.before_ref, p.after_ref, p.created_by,
  coalesce((SELECT sum(a.area_m2) FROM farmland_project_area a WHERE a.project_id = p.id AND a.kind = 'project'), 0) AS project_m2,
  coalesce((SELECT sum(a.area_m2) FROM farmland_project_area a WHERE a.project_id = p.id AND a.kind = 'consolidation'), 0) AS consolidation_m2`;

export async function insertProject(
  q: Queryable,
  p: Omit<ProjectRow, 'id' | 'created_by' | 'project_m2' | 'consolidation_m2'>,
  user: string,
): Promise<number> {
  return (
    await q.query<{ id: number }>(
      `INSERT INTO farmland_project (code, name, district, pilot, start_year, status, figures, before_ref, after_ref, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [
        p.code,
        p.name,
        p.district,
        p.pilot,
        p.start_year,
        p.status,
        JSON.stringify(p.figures),
        p.before_ref ? JSON.stringify(p.before_ref) : null,
        p.after_ref ? JSON.stringify(p.after_ref) : null,
        user,
      ],
    )
  ).rows[0].id;
}

export async function updateProject(
  q: Queryable,
  id: number,
  p: Partial<Pick<ProjectRow, 'name' | 'status' | 'figures' | 'pilot' | 'before_ref' | 'after_ref'>>,
): Promise<void> {
  await q.query(
    `UPDATE farmland_project SET name = coalesce($2, name), status = coalesce($3, status), figures = coalesce($4::jsonb, figures), pilot = coalesce($5, pilot),
            before_ref = CASE WHEN $6::boolean THEN $7::jsonb ELSE before_ref END, after_ref = CASE WHEN $8::boolean THEN $9::jsonb ELSE after_ref END, updated_at = now()
      WHERE id = $1`,
    [
      id,
      p.name ?? null,
      p.status ?? null,
      p.figures ? JSON.stringify(p.figures) : null,
      p.pilot ?? null,
      p.before_ref !== undefined,
      p.before_ref ? JSON.stringify(p.before_ref) : null,
      p.after_ref !== undefined,
      p.after_ref ? JSON.stringify(p.after_ref) : null,
    ],
  );
}

export async function codeTaken(q: Queryable, code: string): Promise<boolean> {
  return (await q.query(`SELECT 1 FROM farmland_project WHERE code = $1`, [code])).rowCount > 0;
}

/** Adds a sub-area from GeoJSON (EPSG:4490); returns its problem instead when the geometry is bad. */
export async function insertArea(
  q: Queryable,
  projectId: number,
  a: { kind: string; name: string; geojson: string },
): Promise<{ id: number | null; problem: string | null; area_m2: number | null }> {
  return (
    await q.query<{ id: number | null; problem: string | null; area_m2: number | null }>(
      `WITH g AS (SELECT ST_Multi(ST_CollectionExtract(ST_SetSRID(ST_GeomFromGeoJSON($4), 4490), 3)) AS g),
          chk AS (SELECT g, CASE WHEN ST_IsEmpty(g) THEN 'geometry has no polygon' WHEN NOT ST_IsValid(g) THEN 'geometry is not valid: ' || ST_IsValidReason(g) END AS problem FROM g),
          ins AS (INSERT INTO farmland_project_area (project_id, kind, name, geom, area_m2)
                  SELECT $1, $2, $3, g, onemap_area(g) FROM chk WHERE problem IS NULL RETURNING id, area_m2)
     SELECT (SELECT id FROM ins) AS id, (SELECT area_m2 FROM ins) AS area_m2, (SELECT problem FROM chk) AS problem`,
      [projectId, a.kind, a.name, a.geojson],
    )
  ).rows[0];
}

export async function getProject(q: Queryable, id: number): Promise<ProjectRow | null> {
  return (await q.query<ProjectRow>(`SELECT ${COLS} FROM farmland_project p WHERE p.id = $1`, [id])).rows[0] ?? null;
}

export async function listProjects(
  q: Queryable,
  districts: string[] | null,
): Promise<(ProjectRow & { last_verdict: Verdict | null; last_check_id: number | null; last_facts: Record<string, unknown> | null })[]> {
  return (
    await q.query<ProjectRow & { last_verdict: Verdict | null; last_check_id: number | null; last_facts: Record<string, unknown> | null }>(
      `SELECT ${COLS}, c.verdict AS last_verdict, c.id AS last_check_id, c.facts AS last_facts
       FROM farmland_project p
       LEFT JOIN LATERAL (SELECT id, verdict, facts FROM farmland_project_check k WHERE k.project_id = p.id ORDER BY k.id DESC LIMIT 1) c ON true
      WHERE ($1::text[] IS NULL OR p.district = ANY($1::text[])) ORDER BY p.id`,
      [districts],
    )
  ).rows;
}

export async function areas(q: Queryable, projectId: number) {
  return (
    await q.query<{ id: number; kind: 'project' | 'consolidation'; name: string; area_m2: number; geometry: GeoJSONGeometry }>(
      `SELECT id, kind, name, area_m2, ST_AsGeoJSON(geom, 7)::json AS geometry FROM farmland_project_area WHERE project_id = $1 ORDER BY id`,
      [projectId],
    )
  ).rows;
}

/** The union of the project's sub-areas of one kind as hex EWKB (null when there is none). */
export async function areaUnion(
  q: Queryable,
  projectId: number,
  kind: string,
): Promise<{ ewkb: string; area_m2: number; planar_m2: number; srid: number } | null> {
  const r = (
    await q.query<{ ewkb: string | null; area_m2: number; planar_m2: number; srid: number }>(
      `WITH u AS (SELECT ST_Multi(ST_UnaryUnion(ST_Collect(geom))) AS g FROM farmland_project_area WHERE project_id = $1 AND kind = $2)
     SELECT encode(ST_AsEWKB(g), 'hex') AS ewkb, onemap_area(g) AS area_m2, onemap_planar_area(g) AS planar_m2, onemap_planar_srid(g) AS srid FROM u WHERE g IS NOT NULL`,
      [projectId, kind],
    )
  ).rows[0];
  return r?.ewkb ? { ewkb: r.ewkb, area_m2: r.area_m2, planar_m2: r.planar_m2, srid: r.srid } : null;
}

/** Area (ellipsoidal) of a layer version inside a geometry; cultivatedOnly = 三调 耕地 codes only. */
export async function areaWithin(
  q: Queryable,
  ewkb: string,
  layerId: number,
  version: number,
  cultivatedOnly: boolean,
  grid: number | null = null,
): Promise<number> {
  const rows = await allRows<{ m2: number | null }>(
    q,
    '整治项目面积统计',
    `WITH s AS (SELECT ST_GeomFromEWKB(decode($1, 'hex')) AS g)
     SELECT sum(onemap_area(${overlay(grid).inter('f.geom', 's.g')})) AS m2
       FROM feature f, s
      WHERE ${aliveIn('f', '$2', '$3')} AND f.geom && s.g AND ST_Intersects(f.geom, s.g)
        AND (NOT $4::boolean OR f.props->>'DLBM' IN ('0101', '0102', '0103'))`,
    [ewkb, layerId, version, cultivatedOnly],
  );
  return rows[0]?.m2 ?? 0;
}

export async function insertCheck(
  q: Queryable,
  c: { projectId: number; ruleset: string; version: number; facts: unknown; findings: unknown; verdict: string; checkedOn: string },
  user: string,
): Promise<number> {
  return (
    await q.query<{ id: number }>(
      `INSERT INTO farmland_project_check (project_id, ruleset_name, ruleset_version, facts, findings, verdict, checked_on, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [c.projectId, c.ruleset, c.version, JSON.stringify(c.facts), JSON.stringify(c.findings), c.verdict, c.checkedOn, user],
    )
  ).rows[0].id;
}

export async function checks(q: Queryable, projectId: number) {
  return (
    await q.query<{
      id: number;
      ruleset_name: string;
      ruleset_version: number;
      facts: Record<string, unknown>;
      findings: Finding[];
      verdict: Verdict;
      checked_on: string;
      created_by: string;
    }>(
      `SELECT id, ruleset_name, ruleset_version, facts, findings, verdict, checked_on::text, created_by FROM farmland_project_check WHERE project_id = $1 ORDER BY id DESC`,
      [projectId],
    )
  ).rows;
}
