// SQL of 成果提交 (migration 015): submissions, their kept files, and the diff of a checked file
// against the version in force, read inside the check's rolled-back transaction.
import type { Queryable } from '../db/index.ts';
import { aliveAt, sameGeometry } from '../store/fragments.repository.ts';

export type SubmissionStatus = 'pending' | 'qc_failed' | 'accepted' | 'returned';

export interface SubmissionRow {
  id: number;
  layer_id: number;
  layer_code: string;
  layer_name: string;
  status: SubmissionStatus;
  file_name: string;
  file_bytes: number;
  options: Record<string, unknown>;
  base_version: number | null;
  result: unknown;
  qc: unknown;
  problems: unknown[];
  diff: unknown;
  note: string | null;
  submitted_by: string;
  submitted_at: string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
  version: number | null;
  active_version: number | null;
}

const COLUMNS = `s.id::int AS id, s.layer_id, l.code AS layer_code, l.name_zh AS layer_name, s.status, s.file_name,
  s.file_bytes::float8 AS file_bytes, s.options, s.base_version, s.note, s.submitted_by, s.submitted_at, s.decided_by,
  s.decided_at, s.reason, s.version, l.active_version`;

export interface NewSubmission {
  layerId: number;
  status: SubmissionStatus;
  fileName: string;
  fileBytes: number;
  options: Record<string, unknown>;
  baseVersion: number | null;
  result: unknown;
  qc: unknown;
  problems: unknown[];
  diff: unknown;
  note: string | null;
  submittedBy: string;
}

export async function insert(q: Queryable, s: NewSubmission): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO submission (layer_id, status, file_name, file_bytes, options, base_version, result, qc, problems, diff, note, submitted_by)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12) RETURNING id::int AS id`,
    [
      s.layerId,
      s.status,
      s.fileName,
      s.fileBytes,
      JSON.stringify(s.options),
      s.baseVersion,
      JSON.stringify(s.result ?? null),
      JSON.stringify(s.qc ?? null),
      JSON.stringify(s.problems),
      JSON.stringify(s.diff ?? null),
      s.note,
      s.submittedBy,
    ],
  );
  return r.rows[0].id;
}

export async function insertFile(q: Queryable, id: number, name: string, content: Uint8Array): Promise<void> {
  await q.query(`INSERT INTO submission_file (submission_id, name, content) VALUES ($1, $2, $3)`, [id, name, content]);
}

export async function files(q: Queryable, id: number): Promise<{ name: string; content: Uint8Array }[]> {
  return (
    await q.query<{ name: string; content: Uint8Array }>(
      `SELECT name, content FROM submission_file WHERE submission_id = $1 ORDER BY name`,
      [id],
    )
  ).rows;
}

export interface ListFilter {
  layer?: string;
  status?: SubmissionStatus;
  /** Only the submissions of this user (a district officer sees their own). */
  submittedBy?: string;
  limit: number;
}

export type SubmissionListRow = Omit<SubmissionRow, 'result' | 'qc' | 'problems' | 'diff'> & {
  qc_blocking: number | null;
  qc_warning: number | null;
  problem_count: number;
  diff_summary: unknown;
};

export async function list(q: Queryable, f: ListFilter): Promise<SubmissionListRow[]> {
  return (
    await q.query<SubmissionListRow>(
      `SELECT ${COLUMNS}, (s.qc->'counts'->'bySeverity'->>'blocking')::int AS qc_blocking,
              (s.qc->'counts'->'bySeverity'->>'warning')::int AS qc_warning,
              jsonb_array_length(s.problems) AS problem_count, s.diff->'summary' AS diff_summary
         FROM submission s JOIN layer l ON l.id = s.layer_id
        WHERE ($1::text IS NULL OR l.code = $1) AND ($2::text IS NULL OR s.status = $2) AND ($3::text IS NULL OR s.submitted_by = $3)
        ORDER BY s.id DESC LIMIT $4`,
      [f.layer ?? null, f.status ?? null, f.submittedBy ?? null, f.limit],
    )
  ).rows;
}

/** One submission with its check; `lock`: FOR UPDATE (入库 and 退回 decide on it). */
export async function get(q: Queryable, id: number, lock = false): Promise<SubmissionRow | null> {
  const r = await q.query<SubmissionRow>(
    `SELECT ${COLUMNS}, s.result, s.qc, s.problems, s.diff
       FROM submission s JOIN layer l ON l.id = s.layer_id WHERE s.id = $1 ${lock ? 'FOR UPDATE OF s' : ''}`,
    [id],
  );
  return r.rows[0] ?? null;
}

/** The layer's version in force, the row locked so that no import slips in before 入库 commits. */
export async function lockLayer(q: Queryable, layerId: number): Promise<number | null> {
  const r = await q.query<{ v: number | null }>(`SELECT active_version AS v FROM layer WHERE id = $1 FOR UPDATE`, [layerId]);
  if (r.rows.length !== 1) throw new Error(`lockLayer: layer ${layerId} not found`);
  return r.rows[0].v;
}

export async function decide(
  q: Queryable,
  id: number,
  d: { status: 'accepted' | 'returned'; by: string; reason: string | null; version: number | null },
): Promise<void> {
  const r = await q.query(
    `UPDATE submission SET status = $2, decided_by = $3, decided_at = now(), reason = $4, version = $5
      WHERE id = $1 AND status IN ('pending', 'qc_failed')`,
    [id, d.status, d.by, d.reason, d.version],
  );
  if (r.rowCount !== 1) throw new Error(`decide: submission ${id} was not open`);
}

/** Submissions that became versions of a layer, by version. */
export async function byVersion(
  q: Queryable,
  layerId: number,
): Promise<{ id: number; version: number; file_name: string; submitted_by: string; decided_by: string; qc_passed: boolean | null }[]> {
  return (
    await q.query(
      `SELECT id::int AS id, version, file_name, submitted_by, decided_by, (qc->>'passed')::boolean AS qc_passed
         FROM submission WHERE layer_id = $1 AND status = 'accepted' ORDER BY version`,
      [layerId],
    )
  ).rows as never;
}

export async function acceptedAt(q: Queryable, layerId: number, version: number): Promise<SubmissionRow | null> {
  const r = await q.query<{ id: number }>(
    `SELECT id::int AS id FROM submission WHERE layer_id = $1 AND version = $2 AND status = 'accepted'`,
    [layerId, version],
  );
  return r.rows[0] ? get(q, r.rows[0].id) : null;
}

export interface DiffRow {
  status: 'added' | 'removed' | 'changed';
  fid: string;
  area_before: number | null;
  area_after: number | null;
  geometry_changed: boolean;
  props_before: Record<string, unknown> | null;
  props_after: Record<string, unknown> | null;
  /** The new geometry (the old one for a removed feature) as GeoJSON, for the first `listed` rows. */
  geometry: { type: string; coordinates: unknown } | null;
}

/**
 * Features that differ between version `from` (NULL: none, every feature is new) and `to`,
 * matched by feature id as the store's diff does (history.repository.ts): rows shared by both
 * versions are the unchanged ones. Geometry for the first `listed` rows only.
 */
export async function diff(q: Queryable, layerId: number, from: number | null, to: number, listed: number): Promise<DiffRow[]> {
  return (
    await q.query<DiffRow>(
      `WITH va AS (SELECT * FROM feature f WHERE f.layer_id = $1 AND $2::int IS NOT NULL AND ${aliveAt('f', '$2::int')}),
            vb AS (SELECT * FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$3::int')}),
            d AS (
              SELECT CASE WHEN va.id IS NULL THEN 'added' WHEN vb.id IS NULL THEN 'removed' ELSE 'changed' END AS status,
                     coalesce(va.fid, vb.fid) AS fid, va.area_m2 AS area_before, vb.area_m2 AS area_after,
                     (va.id IS NOT NULL AND vb.id IS NOT NULL AND NOT ${sameGeometry('va.geom', 'vb.geom')}) AS geometry_changed,
                     va.props AS props_before, vb.props AS props_after, coalesce(vb.geom, va.geom) AS geom
                FROM va FULL JOIN vb ON va.fid = vb.fid
               WHERE va.id IS DISTINCT FROM vb.id)
       SELECT status, fid, area_before, area_after, geometry_changed, props_before, props_after,
              CASE WHEN row_number() OVER (ORDER BY status, fid) <= $4 THEN ST_AsGeoJSON(geom, 7)::json END AS geometry
         FROM d ORDER BY status, fid`,
      [layerId, from, to, listed],
    )
  ).rows;
}

/** Area (ellipsoidal, m²) by class of version `version`: the first `prefix` characters of `field`. */
export async function areaByClass(
  q: Queryable,
  layerId: number,
  version: number,
  cls: { field: string; prefix: number } | null,
): Promise<{ cls: string; m2: number; n: number }[]> {
  return (
    await q.query<{ cls: string; m2: number; n: number }>(
      `SELECT coalesce(CASE WHEN $3::text IS NULL THEN '' ELSE left(f.props->>$3::text, $4::int) END, '') AS cls,
              coalesce(sum(f.area_m2), 0)::float8 AS m2, count(*)::int AS n
         FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$2::int')}
        GROUP BY 1 ORDER BY 1`,
      [layerId, version, cls?.field ?? null, cls?.prefix ?? 0],
    )
  ).rows;
}
