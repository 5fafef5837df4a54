// SQL of the indicator registry, targets, statistics, runs and values (migration 008). Spatial SQL
// lives in layers.repository.ts, alerts in alerts.repository.ts.
import type { Queryable } from '../db/index.ts';
import type { Target } from './types.ts';

// ---- definitions ---------------------------------------------------------------------------

export interface DefRow {
  code: string;
  definition: Record<string, unknown>;
  builtin: boolean;
  enabled: boolean;
  sort_order: number;
  updated_by: string;
  updated_at: string;
}

const DEF_COLS = `code, definition, builtin, enabled, sort_order, updated_by, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at`;

export async function defs(q: Queryable, enabledOnly: boolean): Promise<DefRow[]> {
  return (await q.query<DefRow>(`SELECT ${DEF_COLS} FROM indicator_def ${enabledOnly ? 'WHERE enabled' : ''} ORDER BY sort_order, code`))
    .rows;
}

export async function def(q: Queryable, code: string, lock = false): Promise<DefRow | null> {
  return (
    (await q.query<DefRow>(`SELECT ${DEF_COLS} FROM indicator_def WHERE code = $1 ${lock ? 'FOR UPDATE' : ''}`, [code])).rows[0] ?? null
  );
}

export async function upsertDef(
  q: Queryable,
  d: { code: string; definition: unknown; builtin: boolean; enabled: boolean; order: number; user: string },
  onlyNew = false,
): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO indicator_def (code, definition, builtin, enabled, sort_order, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (code) DO ${onlyNew ? 'NOTHING' : 'UPDATE SET definition = EXCLUDED.definition, enabled = EXCLUDED.enabled, sort_order = EXCLUDED.sort_order, updated_by = EXCLUDED.updated_by, updated_at = now()'}`,
    [d.code, JSON.stringify(d.definition), d.builtin, d.enabled, d.order, d.user],
  );
  return r.rowCount > 0;
}

// ---- settings ------------------------------------------------------------------------------

export async function settings(q: Queryable): Promise<Map<string, unknown>> {
  return new Map(
    (await q.query<{ key: string; value: unknown }>(`SELECT key, value FROM indicator_setting`)).rows.map((r) => [r.key, r.value]),
  );
}

/** Serialises loading the defaults: requests arriving together on a fresh database load them once. */
export async function lockDefaults(q: Queryable): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('indicator_defaults'))`);
}

export async function putSetting(q: Queryable, key: string, value: unknown, user: string): Promise<void> {
  await q.query(
    `INSERT INTO indicator_setting (key, value, updated_by) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [key, JSON.stringify(value), user],
  );
}

// ---- targets -------------------------------------------------------------------------------

export interface TargetRow {
  indicator: string;
  region: string;
  region_name: string;
  year: number;
  value: number;
  bound: 'min' | 'max';
  hard: boolean;
  base_year: number | null;
  baseline: number | null;
  source: string;
  updated_by: string;
  updated_at: string;
}

export interface TargetFilter {
  indicator?: string | null;
  region?: string | null;
  year?: number | null;
}

export async function targets(q: Queryable, f: TargetFilter = {}): Promise<TargetRow[]> {
  return (
    await q.query<TargetRow>(
      `SELECT indicator, region, region_name, year, value, bound, hard, base_year, baseline, source, updated_by,
            to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at
       FROM indicator_target
      WHERE ($1::text IS NULL OR indicator = $1) AND ($2::text IS NULL OR region = $2) AND ($3::int IS NULL OR year = $3)
      ORDER BY region, indicator, year`,
      [f.indicator ?? null, f.region ?? null, f.year ?? null],
    )
  ).rows;
}

/** A target as written: the fields of a stored one without who changed it last and when. */
export type TargetInput = Omit<Target, 'updatedBy' | 'updatedAt'>;

/** Inserts or replaces; `onlyNew` keeps an existing row (defaults never overwrite an administrator's edit). */
export async function upsertTarget(q: Queryable, t: TargetInput, user: string, onlyNew = false): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO indicator_target (indicator, region, region_name, year, value, bound, hard, base_year, baseline, source, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (indicator, region, year) DO ${
       onlyNew
         ? 'NOTHING'
         : `UPDATE SET region_name = EXCLUDED.region_name, value = EXCLUDED.value, bound = EXCLUDED.bound,
       hard = EXCLUDED.hard, base_year = EXCLUDED.base_year, baseline = EXCLUDED.baseline, source = EXCLUDED.source, updated_by = EXCLUDED.updated_by, updated_at = now()`
     }`,
    [t.indicator, t.region, t.regionName, t.year, t.value, t.bound, t.hard, t.baseYear, t.baseline, t.source, user],
  );
  return r.rowCount > 0;
}

export async function deleteTarget(q: Queryable, indicator: string, region: string, year: number): Promise<TargetRow | null> {
  const before = (await targets(q, { indicator, region, year }))[0] ?? null;
  if (before) await q.query(`DELETE FROM indicator_target WHERE indicator = $1 AND region = $2 AND year = $3`, [indicator, region, year]);
  return before;
}

// ---- statistics ----------------------------------------------------------------------------

export interface StatisticRow {
  code: string;
  region: string;
  year: number;
  value: number;
  source: string | null;
  updated_by: string;
}

export async function statistics(
  q: Queryable,
  f: { code?: string | null; region?: string | null; year?: number | null } = {},
): Promise<StatisticRow[]> {
  return (
    await q.query<StatisticRow>(
      `SELECT code, region, year, value, source, updated_by FROM indicator_statistic
      WHERE ($1::text IS NULL OR code = $1) AND ($2::text IS NULL OR region = $2) AND ($3::int IS NULL OR year = $3)
      ORDER BY code, year, region`,
      [f.code ?? null, f.region ?? null, f.year ?? null],
    )
  ).rows;
}

export async function upsertStatistic(
  q: Queryable,
  s: { code: string; region: string; year: number; value: number; source: string | null },
  user: string,
): Promise<void> {
  await q.query(
    `INSERT INTO indicator_statistic (code, region, year, value, source, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (code, region, year) DO UPDATE SET value = EXCLUDED.value, source = EXCLUDED.source, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [s.code, s.region, s.year, s.value, s.source, user],
  );
}

// ---- runs and values -----------------------------------------------------------------------

export async function insertRun(q: Queryable, r: { year: number; asOf: string; indicators: string[]; user: string }): Promise<number> {
  return (
    await q.query<{ id: number }>(`INSERT INTO indicator_run (year, as_of, indicators, created_by) VALUES ($1, $2, $3, $4) RETURNING id`, [
      r.year,
      r.asOf,
      r.indicators,
      r.user,
    ])
  ).rows[0].id;
}

/** What a run wrote, as kept with it: each indicator's city value and level, the alert counts, the earlier years filled in. */
export interface RunSummary {
  indicators: { code: string; value: number | null; level: 'green' | 'yellow' | 'red' | null }[];
  alerts: { raised: number; escalated: number; updated: number; resolved: number; open: number };
  earlierYears: string[];
}

export async function finishRun(q: Queryable, id: number, summary: RunSummary, durationMs: number): Promise<void> {
  await q.query(`UPDATE indicator_run SET summary = $2, duration_ms = $3 WHERE id = $1`, [id, JSON.stringify(summary), durationMs]);
}

export interface RunRow {
  id: number;
  year: number;
  as_of: string;
  indicators: string[];
  summary: RunSummary;
  duration_ms: number | null;
  created_by: string;
  created_at: string;
}

export async function runs(q: Queryable, limit: number): Promise<RunRow[]> {
  return (
    await q.query<RunRow>(
      `SELECT id, year, to_char(as_of, 'YYYY-MM-DD') AS as_of, indicators, summary, duration_ms, created_by,
            to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at
       FROM indicator_run ORDER BY id DESC LIMIT $1`,
      [limit],
    )
  ).rows;
}

export interface ValueRow {
  indicator: string;
  region: string;
  year: number;
  source: 'computed' | 'reported';
  value: number | null;
  note: string | null;
  provenance: Record<string, unknown>;
  run_id: number | null;
  updated_by: string;
  updated_at: string;
}

export async function upsertValue(
  q: Queryable,
  v: Pick<ValueRow, 'indicator' | 'region' | 'year' | 'source' | 'value' | 'note'> & {
    provenance: unknown;
    runId: number | null;
    user: string;
  },
  onlyNew = false,
): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO indicator_value (indicator, region, year, source, value, note, provenance, run_id, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (indicator, region, year, source) DO ${
       onlyNew
         ? 'NOTHING'
         : `UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note, provenance = EXCLUDED.provenance,
       run_id = EXCLUDED.run_id, updated_by = EXCLUDED.updated_by, updated_at = now()`
     }`,
    [v.indicator, v.region, v.year, v.source, v.value, v.note, JSON.stringify(v.provenance ?? {}), v.runId, v.user],
  );
  return r.rowCount > 0;
}

export async function deleteValue(q: Queryable, indicator: string, region: string, year: number, source: string): Promise<boolean> {
  return (
    (
      await q.query(`DELETE FROM indicator_value WHERE indicator = $1 AND region = $2 AND year = $3 AND source = $4`, [
        indicator,
        region,
        year,
        source,
      ])
    ).rowCount > 0
  );
}

/** Stored values (both sources) filtered by years, regions and indicators (null = all). */
export async function values(
  q: Queryable,
  f: { years?: number[] | null; regions?: string[] | null; indicators?: string[] | null },
): Promise<ValueRow[]> {
  return (
    await q.query<ValueRow>(
      `SELECT indicator, region, year, source, value, note, provenance, run_id, updated_by,
            to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at
       FROM indicator_value
      WHERE ($1::int[] IS NULL OR year = ANY($1)) AND ($2::text[] IS NULL OR region = ANY($2)) AND ($3::text[] IS NULL OR indicator = ANY($3))
      ORDER BY indicator, region, year, source`,
      [f.years ?? null, f.regions ?? null, f.indicators ?? null],
    )
  ).rows;
}

/** Years that have any value, newest first. */
export async function valueYears(q: Queryable): Promise<number[]> {
  return (await q.query<{ year: number }>(`SELECT DISTINCT year FROM indicator_value ORDER BY year DESC`)).rows.map((r) => r.year);
}
