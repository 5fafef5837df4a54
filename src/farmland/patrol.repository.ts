// SQL of the patrol alerts and cases (天巡地查).
import type { Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import { activeDistricts } from '../store/fragments.repository.ts';
import type { GeoJSONGeometry } from '../review/types.ts';

export const OPEN_STATUSES = ['new', 'assigned', 'verified', 'rectifying'];

export interface GeomCheck {
  ewkb: string | null;
  problem: string | null;
  district: string | null;
}

/** Parses a GeoJSON geometry (EPSG:4490 lon/lat), checks it and finds its district. */
export async function checkGeometry(
  q: Queryable,
  d: DistrictLayer,
  geojson: string,
  extent: [number, number, number, number],
): Promise<GeomCheck> {
  return (
    await q.query<GeomCheck>(
      `WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4490) AS g)
     SELECT CASE WHEN GeometryType(g) NOT IN ('POINT', 'POLYGON', 'MULTIPOLYGON') THEN 'geometry must be a Point, Polygon or MultiPolygon, got ' || GeometryType(g)
                 WHEN ST_IsEmpty(g) THEN 'geometry is empty'
                 WHEN NOT ST_IsValid(g) THEN 'geometry is not valid: ' || ST_IsValidReason(g)
                 WHEN NOT ST_Within(g, ST_MakeEnvelope($2, $3, $4, $5, 4490)) THEN 'geometry lies outside the city extent (lon ' || $2 || '–' || $4 || ', lat ' || $3 || '–' || $5 || '): are the coordinates lon/lat in EPSG:4490?'
            END AS problem,
            encode(ST_AsEWKB(g), 'hex') AS ewkb,
            (SELECT ad.code FROM ${activeDistricts(d)} ad WHERE ST_Intersects(ad.geom, ST_PointOnSurface(g)) LIMIT 1) AS district
       FROM g`,
      [geojson, ...extent],
    )
  ).rows[0];
}

/** One alert intake at a time: the merge decision reads the open cases and may create one. */
export async function lockIntake(q: Queryable): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('farmland_alert_intake'))`);
}

export async function findDuplicate(q: Queryable, source: string, externalId: string): Promise<{ id: number; case_id: number } | null> {
  return (
    (
      await q.query<{ id: number; case_id: number }>(`SELECT id, case_id FROM farmland_alert WHERE source = $1 AND external_id = $2`, [
        source,
        externalId,
      ])
    ).rows[0] ?? null
  );
}

/** The open case an alert joins: overlapping or within `distanceM` (ellipsoidal), nearest first. */
export async function findMergeCase(q: Queryable, ewkb: string, distanceM: number): Promise<{ id: number; distance_m: number } | null> {
  return (
    (
      await q.query<{ id: number; distance_m: number }>(
        `WITH a AS (SELECT ST_GeomFromEWKB(decode($1, 'hex')) AS g)
     SELECT c.id, ST_Distance(c.geom::geography, a.g::geography) AS distance_m
       FROM farmland_case c, a
      WHERE c.status = ANY($3::text[]) AND c.geom && ST_Expand(a.g, $2 / 90000.0 + 0.0001)
        AND (ST_Intersects(c.geom, a.g) OR ST_DWithin(c.geom::geography, a.g::geography, $2))
      ORDER BY ST_Distance(c.geom::geography, a.g::geography), c.id LIMIT 1 FOR UPDATE OF c`,
        [ewkb, distanceM, OPEN_STATUSES],
      )
    ).rows[0] ?? null
  );
}

export async function insertCase(
  q: Queryable,
  c: { ewkb: string; district: string | null; openedOn: string; deadline: string },
): Promise<number> {
  return (
    await q.query<{ id: number }>(
      `INSERT INTO farmland_case (status, district, geom, opened_on, deadline) VALUES ('new', $1, ST_GeomFromEWKB(decode($2, 'hex')), $3, $4) RETURNING id`,
      [c.district, c.ewkb, c.openedOn, c.deadline],
    )
  ).rows[0].id;
}

/** The case's spot grows to cover every merged alert. */
export async function growCase(q: Queryable, caseId: number, ewkb: string): Promise<void> {
  await q.query(
    `UPDATE farmland_case SET geom = ST_UnaryUnion(ST_Collect(geom, ST_GeomFromEWKB(decode($2, 'hex')))), updated_at = now() WHERE id = $1`,
    [caseId, ewkb],
  );
}

export async function insertAlert(
  q: Queryable,
  a: {
    source: string;
    externalId: string | null;
    observedAt: string;
    ewkb: string;
    evidenceUrl: string | null;
    description: string | null;
    caseId: number;
  },
  user: string,
): Promise<number> {
  return (
    await q.query<{ id: number }>(
      `INSERT INTO farmland_alert (source, external_id, observed_at, geom, evidence_url, description, case_id, created_by)
     VALUES ($1, $2, $3, ST_GeomFromEWKB(decode($4, 'hex')), $5, $6, $7, $8) RETURNING id`,
      [a.source, a.externalId, a.observedAt, a.ewkb, a.evidenceUrl, a.description, a.caseId, user],
    )
  ).rows[0].id;
}

export interface CaseRow {
  id: number;
  status: string;
  district: string | null;
  opened_on: string;
  deadline: string;
  assignee: string | null;
  verification: Record<string, unknown> | null;
  outcome_note: string | null;
  closed_on: string | null;
  geometry: GeoJSONGeometry;
  alert_count: number;
  sources: string[];
  area_m2: number;
}

const CASE_COLS = `c.id, c.status, c.district, c.opened_on::text, c.deadline::text, c.assignee, c.verification, c.outcome_note, c.closed_on::text,
  ST_AsGeoJSON(c.geom, 7)::json AS geometry,
  (SELECT count(*)::int FROM farmland_alert a WHERE a.case_id = c.id) AS alert_count,
  (SELECT coalesce(array_agg(DISTINCT a.source ORDER BY a.source), '{}') FROM farmland_alert a WHERE a.case_id = c.id) AS sources,
  CASE WHEN ST_Dimension(c.geom) = 2 THEN onemap_area(c.geom) ELSE 0 END AS area_m2`;

export async function getCase(q: Queryable, id: number, lock = false): Promise<CaseRow | null> {
  if (lock) await q.query(`SELECT id FROM farmland_case WHERE id = $1 FOR UPDATE`, [id]);
  return (await q.query<CaseRow>(`SELECT ${CASE_COLS} FROM farmland_case c WHERE c.id = $1`, [id])).rows[0] ?? null;
}

export async function listCases(
  q: Queryable,
  f: { status: string[] | null; districts: string[] | null; source: string | null; limit: number },
): Promise<CaseRow[]> {
  return (
    await q.query<CaseRow>(
      `SELECT ${CASE_COLS} FROM farmland_case c
      WHERE ($1::text[] IS NULL OR c.status = ANY($1::text[])) AND ($2::text[] IS NULL OR c.district = ANY($2::text[]))
        AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM farmland_alert a WHERE a.case_id = c.id AND a.source = $3))
      ORDER BY c.id DESC LIMIT $4`,
      [f.status, f.districts, f.source, f.limit],
    )
  ).rows;
}

export async function caseAlerts(q: Queryable, caseId: number) {
  return (
    await q.query<{
      id: number;
      source: string;
      external_id: string | null;
      observed_at: string;
      evidence_url: string | null;
      description: string | null;
      geometry: GeoJSONGeometry;
    }>(
      `SELECT id, source, external_id, to_char(observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS observed_at, evidence_url, description, ST_AsGeoJSON(geom, 7)::json AS geometry
       FROM farmland_alert WHERE case_id = $1 ORDER BY id`,
      [caseId],
    )
  ).rows;
}

export async function caseEvents(q: Queryable, caseId: number) {
  return (
    await q.query<{ at_date: string; actor: string; action: string; from_status: string | null; to_status: string; note: string | null }>(
      `SELECT at_date::text, actor, action, from_status, to_status, note FROM farmland_case_event WHERE case_id = $1 ORDER BY id`,
      [caseId],
    )
  ).rows;
}

export async function updateCase(
  q: Queryable,
  id: number,
  s: {
    status: string;
    deadline: string;
    assignee?: string | null;
    verification?: unknown;
    outcomeNote?: string | null;
    closedOn?: string | null;
  },
): Promise<void> {
  await q.query(
    `UPDATE farmland_case SET status = $2, deadline = $3,
            assignee = CASE WHEN $4::boolean THEN $5 ELSE assignee END,
            verification = CASE WHEN $6::boolean THEN $7::jsonb ELSE verification END,
            outcome_note = CASE WHEN $8::boolean THEN $9 ELSE outcome_note END,
            closed_on = $10, updated_at = now()
      WHERE id = $1`,
    [
      id,
      s.status,
      s.deadline,
      s.assignee !== undefined,
      s.assignee ?? null,
      s.verification !== undefined,
      s.verification === undefined ? null : JSON.stringify(s.verification),
      s.outcomeNote !== undefined,
      s.outcomeNote ?? null,
      s.closedOn ?? null,
    ],
  );
}

export async function insertEvent(
  q: Queryable,
  e: { caseId: number; date: string; actor: string; action: string; from: string | null; to: string; note: string | null },
): Promise<void> {
  await q.query(
    `INSERT INTO farmland_case_event (case_id, at_date, actor, action, from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [e.caseId, e.date, e.actor, e.action, e.from, e.to, e.note],
  );
}

export interface StatRow {
  district: string | null;
  source: string;
  status: string;
  cases: number;
  alerts: number;
  overdue: number;
}

/** Cases and alerts by district × source × status; a case with alerts from two sources counts under each. */
export async function stats(q: Queryable, today: string, districts: string[] | null): Promise<StatRow[]> {
  return (
    await q.query<StatRow>(
      `SELECT c.district, a.source, c.status, count(DISTINCT c.id)::int AS cases, count(a.id)::int AS alerts,
            count(DISTINCT c.id) FILTER (WHERE c.status = ANY($2::text[]) AND c.deadline < $1::date)::int AS overdue
       FROM farmland_case c JOIN farmland_alert a ON a.case_id = c.id
      WHERE ($3::text[] IS NULL OR c.district = ANY($3::text[]))
      GROUP BY c.district, a.source, c.status ORDER BY 1, 2, 3`,
      [today, OPEN_STATUSES, districts],
    )
  ).rows;
}

/** Cases by district × status (each case once), with the overdue count. */
export async function caseStats(
  q: Queryable,
  today: string,
  districts: string[] | null,
): Promise<{ district: string | null; status: string; cases: number; overdue: number; alerts: number }[]> {
  return (
    await q.query<{ district: string | null; status: string; cases: number; overdue: number; alerts: number }>(
      `SELECT c.district, c.status, count(*)::int AS cases,
            count(*) FILTER (WHERE c.status = ANY($2::text[]) AND c.deadline < $1::date)::int AS overdue,
            sum((SELECT count(*) FROM farmland_alert a WHERE a.case_id = c.id))::int AS alerts
       FROM farmland_case c WHERE ($3::text[] IS NULL OR c.district = ANY($3::text[]))
      GROUP BY c.district, c.status ORDER BY 1, 2`,
      [today, OPEN_STATUSES, districts],
    )
  ).rows;
}
