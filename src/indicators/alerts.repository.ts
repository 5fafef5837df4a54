// SQL of the early-warning alerts and their notes (migration 008).
import type { Queryable } from '../db/index.ts';

export interface AlertRow {
  id: number;
  indicator: string;
  region: string;
  region_name: string;
  year: number;
  level: 'yellow' | 'red';
  reason: string;
  value: number | null;
  target: number | null;
  target_year: number | null;
  assessment: Record<string, unknown>;
  department: string | null;
  status: 'open' | 'acknowledged' | 'resolved';
  raised_on: string;
  raised_run: number | null;
  updated_run: number | null;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  resolved_on: string | null;
  webhook_status: string | null;
  webhook_at: string | null;
  notes: number;
}

const ts = (c: string) => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
const COLS = `a.id, a.indicator, a.region, a.region_name, a.year, a.level, a.reason, a.value, a.target, a.target_year, a.assessment, a.department, a.status,
  to_char(a.raised_on, 'YYYY-MM-DD') AS raised_on, a.raised_run, a.updated_run, a.acknowledged_by, ${ts('a.acknowledged_at')} AS acknowledged_at,
  to_char(a.resolved_on, 'YYYY-MM-DD') AS resolved_on, a.webhook_status, ${ts('a.webhook_at')} AS webhook_at,
  (SELECT count(*) FROM indicator_alert_note n WHERE n.alert_id = a.id)::int AS notes`;

export async function openAlert(q: Queryable, indicator: string, region: string, year: number): Promise<AlertRow | null> {
  return (
    (
      await q.query<AlertRow>(
        `SELECT ${COLS} FROM indicator_alert a WHERE indicator = $1 AND region = $2 AND year = $3 AND status <> 'resolved' FOR UPDATE`,
        [indicator, region, year],
      )
    ).rows[0] ?? null
  );
}

export interface AlertInput {
  indicator: string;
  region: string;
  regionName: string;
  year: number;
  level: 'yellow' | 'red';
  reason: string;
  value: number | null;
  target: number | null;
  targetYear: number | null;
  assessment: unknown;
  department: string | null;
  today: string;
  runId: number;
}

export async function insertAlert(q: Queryable, a: AlertInput): Promise<number> {
  return (
    await q.query<{ id: number }>(
      `INSERT INTO indicator_alert (indicator, region, region_name, year, level, reason, value, target, target_year, assessment, department, raised_on, raised_run, updated_run)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
      [
        a.indicator,
        a.region,
        a.regionName,
        a.year,
        a.level,
        a.reason,
        a.value,
        a.target,
        a.targetYear,
        JSON.stringify(a.assessment),
        a.department,
        a.today,
        a.runId,
      ],
    )
  ).rows[0].id;
}

export async function updateAlert(q: Queryable, id: number, a: AlertInput): Promise<void> {
  await q.query(
    `UPDATE indicator_alert SET level = $2, reason = $3, value = $4, target = $5, target_year = $6, assessment = $7, department = $8, updated_run = $9 WHERE id = $1`,
    [id, a.level, a.reason, a.value, a.target, a.targetYear, JSON.stringify(a.assessment), a.department, a.runId],
  );
}

export async function resolveAlert(q: Queryable, id: number, today: string, runId: number): Promise<void> {
  await q.query(`UPDATE indicator_alert SET status = 'resolved', resolved_on = $2, updated_run = $3 WHERE id = $1`, [id, today, runId]);
}

export async function acknowledge(q: Queryable, id: number, user: string): Promise<void> {
  await q.query(`UPDATE indicator_alert SET status = 'acknowledged', acknowledged_by = $2, acknowledged_at = now() WHERE id = $1`, [
    id,
    user,
  ]);
}

export async function setWebhook(q: Queryable, id: number, status: string): Promise<void> {
  await q.query(`UPDATE indicator_alert SET webhook_status = $2, webhook_at = now() WHERE id = $1`, [id, status.slice(0, 500)]);
}

export async function alert(q: Queryable, id: number, lock = false): Promise<AlertRow | null> {
  return (await q.query<AlertRow>(`SELECT ${COLS} FROM indicator_alert a WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id])).rows[0] ?? null;
}

export interface AlertFilter {
  status?: string | null;
  level?: string | null;
  year?: number | null;
  indicator?: string | null;
  regions?: string[] | null;
  limit: number;
  offset: number;
}

export async function alerts(q: Queryable, f: AlertFilter): Promise<{ total: number; rows: AlertRow[] }> {
  const where = `($1::text IS NULL OR status = $1 OR ($1 = 'active' AND status <> 'resolved')) AND ($2::text IS NULL OR level = $2) AND ($3::int IS NULL OR year = $3)
                 AND ($4::text IS NULL OR indicator = $4) AND ($5::text[] IS NULL OR region = ANY($5))`;
  const params = [f.status ?? null, f.level ?? null, f.year ?? null, f.indicator ?? null, f.regions ?? null];
  const total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM indicator_alert WHERE ${where}`, params)).rows[0].n;
  const rows = (
    await q.query<AlertRow>(
      `SELECT ${COLS} FROM indicator_alert a WHERE ${where}
      ORDER BY (status = 'resolved'), (level = 'red') DESC, year DESC, id DESC LIMIT $6 OFFSET $7`,
      [...params, f.limit, f.offset],
    )
  ).rows;
  return { total, rows };
}

export interface NoteRow {
  id: number;
  author: string;
  body: string;
  created_at: string;
}

export async function notes(q: Queryable, alertId: number): Promise<NoteRow[]> {
  return (
    await q.query<NoteRow>(
      `SELECT id, author, body, ${ts('created_at')} AS created_at FROM indicator_alert_note WHERE alert_id = $1 ORDER BY id`,
      [alertId],
    )
  ).rows;
}

export async function addNote(q: Queryable, alertId: number, author: string, body: string): Promise<number> {
  return (
    await q.query<{ id: number }>(`INSERT INTO indicator_alert_note (alert_id, author, body) VALUES ($1, $2, $3) RETURNING id`, [
      alertId,
      author,
      body,
    ])
  ).rows[0].id;
}

/** Name and unit of every indicator in the registry, for the alert lists. */
export async function indicatorNames(q: Queryable): Promise<{ code: string; name: string; unit: string }[]> {
  return (
    await q.query<{ code: string; name: string; unit: string }>(
      `SELECT code, definition->>'name' AS name, coalesce(definition->>'unit', '') AS unit FROM indicator_def`,
    )
  ).rows;
}
