// All SQL of the public portal (规划一点通): what lies at a point in the public layers, what is
// near it, and the consultations with their comments. Layer queries read the active version of
// layers the caller (the portal always asks as the anonymous public) may read; the service picks
// which layers.
import type { Queryable } from '../db/index.ts';
import { aliveAt } from '../store/fragments.repository.ts';

export interface FeatureAtRow {
  fid: string;
  props: Record<string, unknown>;
  area_m2: number | null;
}

const alive = aliveAt;
const POINT = `ST_SetSRID(ST_MakePoint($3::float8, $4::float8), 4490)`;

/** Features of one layer version containing the point (lon/lat, EPSG:4490), smallest first. */
export async function featuresAt(
  q: Queryable,
  layerId: number,
  version: number,
  lon: number,
  lat: number,
  limit = 20,
): Promise<FeatureAtRow[]> {
  return (
    await q.query<FeatureAtRow>(
      `SELECT f.fid, f.props, f.area_m2 FROM feature f
      WHERE f.layer_id = $1 AND ${alive('f', '$2')} AND f.geom && ${POINT} AND ST_Intersects(f.geom, ${POINT})
      ORDER BY f.area_m2 NULLS LAST, f.fid LIMIT ${Math.max(1, Math.min(limit, 100))}`,
      [layerId, version, lon, lat],
      { prepare: true },
    )
  ).rows;
}

export interface NearbyRow {
  fid: string;
  props: Record<string, unknown>;
  distance_m: number;
  area_m2: number | null;
  lon: number;
  lat: number;
}

/**
 * Features of one layer version within `radiusM` metres of the point, nearest first. Distances are
 * planar in the point's 3° Gauss-Krüger zone (onemap_planar_srid): ST_Distance over geography
 * returned 0 for polygons a few metres apart in the PostGIS we ship (see review/rules/setback.ts),
 * and within a zone at 1 km the Gauss-Krüger scale error is below 1 cm. A polygon containing the
 * point is at 0 m. The box filter: 1° of longitude is ≥ 95 km and 1° of latitude ≥ 110 km in
 * Hangzhou (≤ 31°N), so radius / 90000 degrees covers at least the radius both ways.
 */
export async function featuresNear(
  q: Queryable,
  layerId: number,
  version: number,
  lon: number,
  lat: number,
  radiusM: number,
  limit: number,
): Promise<NearbyRow[]> {
  return (
    await q.query<NearbyRow>(
      `WITH p AS (SELECT ${POINT} AS g),
          z AS (SELECT g, onemap_planar_srid(g) AS srid FROM p),
          c AS (
            SELECT f.fid, f.props, f.area_m2, f.geom,
                   ST_Distance(ST_Transform(f.geom, z.srid), ST_Transform(z.g, z.srid)) AS distance_m
              FROM feature f, z
             WHERE f.layer_id = $1 AND ${alive('f', '$2')} AND f.geom && ST_Expand(z.g, $5::float8 / 90000))
     SELECT fid, props, area_m2, distance_m,
            ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
       FROM c WHERE distance_m <= $5::float8
      ORDER BY distance_m, fid LIMIT ${Math.max(1, Math.min(limit, 500))}`,
      [layerId, version, lon, lat, radiusM],
      { prepare: true },
    )
  ).rows;
}

export interface ParcelHitRow {
  fid: string;
  props: Record<string, unknown>;
  bbox: [number, number, number, number];
  lon: number;
  lat: number;
}

/** Escapes LIKE wildcards so a code with "_" or "%" matches itself only. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Features of one layer version whose id (地块编码) contains `text`, case-insensitive: the exact
 * code first, then codes starting with it, then the rest. The point to query is a point on the
 * surface (a bbox centre can fall outside an L-shaped parcel).
 */
export async function findByCode(q: Queryable, layerId: number, version: number, text: string, limit: number): Promise<ParcelHitRow[]> {
  return (
    await q.query<ParcelHitRow>(
      `SELECT f.fid, f.props,
            json_build_array(ST_XMin(f.geom), ST_YMin(f.geom), ST_XMax(f.geom), ST_YMax(f.geom)) AS bbox,
            ST_X(ST_PointOnSurface(f.geom)) AS lon, ST_Y(ST_PointOnSurface(f.geom)) AS lat
       FROM feature f
      WHERE f.layer_id = $1 AND ${alive('f', '$2')} AND f.fid ILIKE $3
      ORDER BY CASE WHEN upper(f.fid) = upper($4) THEN 0 WHEN f.fid ILIKE $5 THEN 1 ELSE 2 END, length(f.fid), f.fid
      LIMIT ${Math.max(1, Math.min(limit, 50))}`,
      [layerId, version, `%${likeEscape(text)}%`, text, `${likeEscape(text)}%`],
    )
  ).rows;
}

// Consultations --------------------------------------------------------------------------------

export interface ConsultationRow {
  id: number;
  title: string;
  summary: string;
  plan_type: string | null;
  organiser: string | null;
  start_date: string;
  end_date: string;
  documents: { title: string; url?: string }[];
  bbox: [number, number, number, number];
  area_m2: number;
  created_by: string;
  created_at: string;
  updated_at: string;
  approved_comments: number;
  pending_comments: number;
  rejected_comments: number;
}

const CONSULTATION_COLS = `c.id, c.title, c.summary, c.plan_type, c.organiser,
  to_char(c.start_date, 'YYYY-MM-DD') AS start_date, to_char(c.end_date, 'YYYY-MM-DD') AS end_date, c.documents,
  json_build_array(ST_XMin(c.geom), ST_YMin(c.geom), ST_XMax(c.geom), ST_YMax(c.geom)) AS bbox,
  onemap_area(c.geom) AS area_m2, c.created_by,
  to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
  to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at,
  (SELECT count(*)::int FROM consultation_comment m WHERE m.consultation_id = c.id AND m.status = 'approved') AS approved_comments,
  (SELECT count(*)::int FROM consultation_comment m WHERE m.consultation_id = c.id AND m.status = 'pending') AS pending_comments,
  (SELECT count(*)::int FROM consultation_comment m WHERE m.consultation_id = c.id AND m.status = 'rejected') AS rejected_comments`;

/**
 * Consultations, newest start first. `state` compares with `today` (YYYY-MM-DD, the platform
 * clock): open = start ≤ today ≤ end, upcoming = today < start, closed = end < today.
 */
export async function listConsultations(
  q: Queryable,
  f: { today: string; state?: 'open' | 'upcoming' | 'closed'; lon?: number; lat?: number; limit: number },
): Promise<ConsultationRow[]> {
  return (
    await q.query<ConsultationRow>(
      `SELECT ${CONSULTATION_COLS} FROM consultation c
      WHERE ($2::text IS NULL
             OR ($2 = 'open' AND c.start_date <= $1::date AND c.end_date >= $1::date)
             OR ($2 = 'upcoming' AND c.start_date > $1::date)
             OR ($2 = 'closed' AND c.end_date < $1::date))
        AND ($3::float8 IS NULL OR ST_Intersects(c.geom, ST_SetSRID(ST_MakePoint($3::float8, $4::float8), 4490)))
      ORDER BY c.start_date DESC, c.id DESC LIMIT $5`,
      [f.today, f.state ?? null, f.lon ?? null, f.lat ?? null, f.limit],
    )
  ).rows;
}

/** Consultation areas as GeoJSON geometries (for the public map), newest start first. */
export async function consultationAreas(
  q: Queryable,
  f: { today: string; state?: 'open' | 'upcoming' | 'closed'; limit: number },
): Promise<(ConsultationRow & { geometry: unknown })[]> {
  return (
    await q.query<ConsultationRow & { geometry: unknown }>(
      `SELECT ${CONSULTATION_COLS}, ST_AsGeoJSON(c.geom, 7, 0)::json AS geometry FROM consultation c
      WHERE ($2::text IS NULL
             OR ($2 = 'open' AND c.start_date <= $1::date AND c.end_date >= $1::date)
             OR ($2 = 'upcoming' AND c.start_date > $1::date)
             OR ($2 = 'closed' AND c.end_date < $1::date))
      ORDER BY c.start_date DESC, c.id DESC LIMIT $3`,
      [f.today, f.state ?? null, f.limit],
    )
  ).rows;
}

export async function findConsultation(
  q: Queryable,
  id: number,
  opts: { lock?: boolean } = {},
): Promise<(ConsultationRow & { geometry: unknown }) | undefined> {
  return (
    await q.query<ConsultationRow & { geometry: unknown }>(
      `SELECT ${CONSULTATION_COLS}, ST_AsGeoJSON(c.geom, 7, 0)::json AS geometry FROM consultation c WHERE c.id = $1${opts.lock ? ' FOR UPDATE' : ''}`,
      [id],
    )
  ).rows[0];
}

export interface ConsultationWrite {
  title: string;
  summary: string;
  planType: string | null;
  organiser: string | null;
  startDate: string;
  endDate: string;
  documents: { title: string; url?: string }[];
}

/** `ewkb`: hex EWKB, EPSG:4490, (multi)polygon parts already checked by the import readers. */
export async function insertConsultation(q: Queryable, c: ConsultationWrite, ewkbParts: string[], user: string): Promise<number> {
  return (
    await q.query<{ id: number }>(
      `INSERT INTO consultation (title, summary, plan_type, organiser, geom, start_date, end_date, documents, created_by)
     SELECT $1, $2, $3, $4, ST_Multi(ST_CollectionExtract(ST_Union(ST_GeomFromEWKB(decode(p, 'hex'))), 3)), $5::date, $6::date, $7::jsonb, $8
       FROM unnest($9::text[]) AS p
     RETURNING id`,
      [c.title, c.summary, c.planType, c.organiser, c.startDate, c.endDate, JSON.stringify(c.documents), user, ewkbParts],
    )
  ).rows[0].id;
}

export async function updateConsultation(q: Queryable, id: number, c: ConsultationWrite, ewkbParts: string[] | null): Promise<void> {
  await q.query(
    `UPDATE consultation SET title = $2, summary = $3, plan_type = $4, organiser = $5, start_date = $6::date, end_date = $7::date,
            documents = $8::jsonb, updated_at = now(),
            geom = CASE WHEN $9::text[] IS NULL THEN geom
                        ELSE (SELECT ST_Multi(ST_CollectionExtract(ST_Union(ST_GeomFromEWKB(decode(p, 'hex'))), 3)) FROM unnest($9::text[]) AS p) END
      WHERE id = $1`,
    [id, c.title, c.summary, c.planType, c.organiser, c.startDate, c.endDate, JSON.stringify(c.documents), ewkbParts],
  );
}

export async function deleteConsultation(q: Queryable, id: number): Promise<void> {
  await q.query(`DELETE FROM consultation WHERE id = $1`, [id]);
}

/** How many consultations exist (the demo seeds only into an empty table). */
export async function countConsultations(q: Queryable): Promise<number> {
  return (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM consultation`)).rows[0].n;
}

// Comments ------------------------------------------------------------------------------------

export interface CommentRow {
  id: number;
  consultation_id: number;
  consultation_title: string;
  author_name: string | null;
  contact: string | null;
  body: string;
  status: 'pending' | 'approved' | 'rejected';
  submitted_on: string;
  created_at: string;
  moderated_by: string | null;
  moderated_at: string | null;
  moderation_reason: string | null;
}

const COMMENT_COLS = `m.id, m.consultation_id, c.title AS consultation_title, m.author_name, m.contact, m.body, m.status,
  to_char(m.submitted_on, 'YYYY-MM-DD') AS submitted_on,
  to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at, m.moderated_by,
  to_char(m.moderated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS moderated_at, m.moderation_reason`;

export async function insertComment(
  q: Queryable,
  c: { consultationId: number; name: string | null; contact: string | null; body: string; today: string },
): Promise<CommentRow> {
  const id = (
    await q.query<{ id: number }>(
      `INSERT INTO consultation_comment (consultation_id, author_name, contact, body, submitted_on) VALUES ($1, $2, $3, $4, $5::date) RETURNING id`,
      [c.consultationId, c.name, c.contact, c.body, c.today],
    )
  ).rows[0].id;
  return (await findComment(q, id))!;
}

export async function findComment(q: Queryable, id: number, opts: { lock?: boolean } = {}): Promise<CommentRow | undefined> {
  return (
    await q.query<CommentRow>(
      `SELECT ${COMMENT_COLS} FROM consultation_comment m JOIN consultation c ON c.id = m.consultation_id WHERE m.id = $1${opts.lock ? ' FOR UPDATE OF m' : ''}`,
      [id],
    )
  ).rows[0];
}

/** Comments by status and/or consultation, oldest first (moderation works through a queue). */
export async function listComments(
  q: Queryable,
  f: { status?: string; consultationId?: number; limit: number; offset: number },
): Promise<CommentRow[]> {
  return (
    await q.query<CommentRow>(
      `SELECT ${COMMENT_COLS} FROM consultation_comment m JOIN consultation c ON c.id = m.consultation_id
      WHERE ($1::text IS NULL OR m.status = $1) AND ($2::int IS NULL OR m.consultation_id = $2)
      ORDER BY m.id LIMIT $3 OFFSET $4`,
      [f.status ?? null, f.consultationId ?? null, f.limit, f.offset],
    )
  ).rows;
}

export async function setCommentStatus(
  q: Queryable,
  id: number,
  status: 'approved' | 'rejected',
  user: string,
  reason: string | null,
): Promise<void> {
  await q.query(
    `UPDATE consultation_comment SET status = $2, moderated_by = $3, moderated_at = now(), moderation_reason = $4 WHERE id = $1`,
    [id, status, user, reason],
  );
}

export async function commentCount(q: Queryable, consultationId: number): Promise<number> {
  return (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM consultation_comment WHERE consultation_id = $1`, [consultationId]))
    .rows[0].n;
}

/** The unit (XXGHDY feature) or any polygon feature to seed a demo consultation over. */
export async function polygonAt(
  q: Queryable,
  layerId: number,
  version: number,
  lon: number,
  lat: number,
): Promise<{ fid: string; props: Record<string, unknown>; ewkb: string } | undefined> {
  return (
    await q.query<{ fid: string; props: Record<string, unknown>; ewkb: string }>(
      `SELECT f.fid, f.props, encode(ST_AsEWKB(f.geom), 'hex') AS ewkb FROM feature f
      WHERE f.layer_id = $1 AND ${alive('f', '$2')} AND ST_Intersects(f.geom, ${POINT}) ORDER BY f.fid LIMIT 1`,
      [layerId, version, lon, lat],
    )
  ).rows[0];
}

/** A square of `halfM` metres around the point, built in its Gauss-Krüger zone, as hex EWKB 4490. */
export async function squareAround(q: Queryable, lon: number, lat: number, halfM: number): Promise<string> {
  return (
    await q.query<{ ewkb: string }>(
      `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4490) AS g)
     SELECT encode(ST_AsEWKB(ST_Transform(ST_Expand(ST_Transform(g, onemap_planar_srid(g)), $3::float8), 4490)), 'hex') AS ewkb FROM p`,
      [lon, lat, halfM],
    )
  ).rows[0].ewkb;
}

/**
 * Comments sent from one address (the audit trail's `consultation.comment` rows, so every process
 * on the database counts the same, across restarts): to this consultation in the last `dayHours`
 * hours and to any in the last `hourMinutes` minutes, with the oldest of each window (for Retry-After).
 * Takes a transaction-scoped lock on the address first, so two servers cannot both pass the count.
 */
export async function recentCommentsFrom(
  q: Queryable,
  ip: string,
  consultationId: number,
  windows: { consultationHours: number; addressMinutes: number },
): Promise<{ to_consultation: number; from_address: number; oldest_consultation: string | null; oldest_address: string | null }> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('onemap.comment:' || $1::text))`, [ip]);
  const r = await q.query<{
    to_consultation: number;
    from_address: number;
    oldest_consultation: string | null;
    oldest_address: string | null;
  }>(
    `WITH recent AS (
       SELECT at, (after->>'consultationId')::int AS consultation_id FROM audit_log
        WHERE action = 'consultation.comment' AND after->>'ip' = $1
          AND at > clock_timestamp() - greatest(make_interval(hours => $3::int), make_interval(mins => $4::int))),
     c AS (SELECT at FROM recent WHERE consultation_id = $2 AND at > clock_timestamp() - make_interval(hours => $3::int)),
     a AS (SELECT at FROM recent WHERE at > clock_timestamp() - make_interval(mins => $4::int))
     SELECT (SELECT count(*)::int FROM c) AS to_consultation, (SELECT count(*)::int FROM a) AS from_address,
            (SELECT to_char(min(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM c) AS oldest_consultation,
            (SELECT to_char(min(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM a) AS oldest_address`,
    [ip, consultationId, windows.consultationHours, windows.addressMinutes],
  );
  // Aggregates: one row always; none is a lost result, and a limit must not pass on it.
  if (r.rows.length !== 1) throw new Error(`comment limits: expected one row, got ${r.rows.length}`);
  return r.rows[0];
}
