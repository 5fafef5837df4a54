// All SQL of storing coverage runs (access_run and its types, facilities, parcels and figures)
// and reading them back. Re-exported by access.repository.ts, so callers keep one `repo`.
import type { Queryable } from '../db/index.ts';
import { copyValue } from '../db/index.ts';

export interface RunRow {
  id: number;
  network_id: number;
  params: Record<string, unknown>;
  versions: Record<string, number | null>;
  residential_layer_id: number;
  residential_version: number;
  summary: Record<string, unknown>;
  seconds: number | null;
  created_at: Date;
  created_by: string | null;
}

export async function insertRun(
  tx: Queryable,
  r: { networkId: number; params: unknown; versions: unknown; residentialLayerId: number; residentialVersion: number; user: string | null },
): Promise<number> {
  const q = await tx.query<{ id: number }>(
    `INSERT INTO access_run (network_id, params, versions, residential_layer_id, residential_version, summary, created_by)
     VALUES ($1, $2::jsonb, $3::jsonb, $4, $5, '{}'::json, $6) RETURNING id`,
    [r.networkId, JSON.stringify(r.params), JSON.stringify(r.versions), r.residentialLayerId, r.residentialVersion, r.user],
  );
  return q.rows[0].id;
}

export async function finishRun(tx: Queryable, runId: number, summary: unknown, seconds: number): Promise<void> {
  await tx.query(`UPDATE access_run SET summary = $2::json, seconds = $3 WHERE id = $1`, [runId, JSON.stringify(summary), seconds]);
}

export async function runById(db: Queryable, id: number): Promise<RunRow | undefined> {
  return (await db.query<RunRow>(`SELECT * FROM access_run WHERE id = $1`, [id])).rows[0];
}

export async function latestRunId(db: Queryable): Promise<number | null> {
  return (
    (await db.query<{ id: number }>(`SELECT id FROM access_run WHERE seconds IS NOT NULL ORDER BY id DESC LIMIT 1`)).rows[0]?.id ?? null
  );
}

export async function listRuns(db: Queryable, limit: number): Promise<RunRow[]> {
  return (await db.query<RunRow>(`SELECT * FROM access_run WHERE seconds IS NOT NULL ORDER BY id DESC LIMIT $1`, [limit])).rows;
}

export interface RunTypeRow {
  idx: number;
  type: string;
  definition: Record<string, unknown>;
  budget_minutes: number;
  budget_m: number;
  layer_code: string;
  layer_version: number | null;
  facilities: number;
  snapped: number;
}

export async function insertRunTypes(tx: Queryable, runId: number, rows: Omit<RunTypeRow, never>[]): Promise<void> {
  for (const t of rows) {
    await tx.query(
      `INSERT INTO access_run_type (run_id, idx, type, definition, budget_minutes, budget_m, layer_code, layer_version, facilities, snapped)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10)`,
      [
        runId,
        t.idx,
        t.type,
        JSON.stringify(t.definition),
        t.budget_minutes,
        t.budget_m,
        t.layer_code,
        t.layer_version,
        t.facilities,
        t.snapped,
      ],
    );
  }
}

/** The rows of one run in one of its tables: columns `cols`, in `order`. */
async function rowsOfRun<R>(db: Queryable, table: string, cols: readonly (keyof R & string)[], runId: number, order: string): Promise<R[]> {
  return (await db.query<R>(`SELECT ${cols.join(', ')} FROM ${table} WHERE run_id = $1 ORDER BY ${order}`, [runId])).rows;
}

/** Rows of one run into one of its tables by COPY, 20,000 at a time (the row's keys are the columns). */
async function copyRunRows<C extends string>(
  tx: Queryable,
  table: string,
  cols: readonly C[],
  runId: number,
  rows: Record<C, string | number | null>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 20_000) {
    const text = rows
      .slice(i, i + 20_000)
      .map((r) => [runId, ...cols.map((c) => r[c])].map(copyValue).join('\t') + '\n')
      .join('');
    await tx.copyText(table, ['run_id', ...cols], text);
  }
}

export async function runTypes(db: Queryable, runId: number): Promise<RunTypeRow[]> {
  const cols = ['idx', 'type', 'definition', 'budget_minutes', 'budget_m', 'layer_code', 'layer_version', 'facilities', 'snapped'] as const;
  return rowsOfRun<RunTypeRow>(db, 'access_run_type', cols, runId, 'idx');
}

export interface RunFacilityRow {
  type_idx: number;
  feature_id: number;
  fid: string;
  edge_id: number | null;
  offset_m: number | null;
  node_id: number | null;
  leg_m: number | null;
}

const FACILITY_COLS = ['type_idx', 'feature_id', 'fid', 'edge_id', 'offset_m', 'node_id', 'leg_m'] as const;

export async function copyRunFacilities(tx: Queryable, runId: number, rows: RunFacilityRow[]): Promise<void> {
  await copyRunRows(tx, 'access_run_facility', FACILITY_COLS, runId, rows);
}

export async function runFacilities(db: Queryable, runId: number, typeIdx: number): Promise<RunFacilityRow[]> {
  return (
    await db.query<RunFacilityRow>(
      `SELECT ${FACILITY_COLS.join(', ')} FROM access_run_facility WHERE run_id = $1 AND type_idx = $2
        ORDER BY feature_id, node_id NULLS FIRST`,
      [runId, typeIdx],
    )
  ).rows;
}

export interface RunParcelRow {
  feature_id: number;
  fid: string;
  district_code: string | null;
  area_m2: number;
  population: number | null;
  edge_id: number | null;
  offset_m: number | null;
  leg_m: number | null;
  covered_mask: number;
}

const PARCEL_COLS = [
  'feature_id',
  'fid',
  'district_code',
  'area_m2',
  'population',
  'edge_id',
  'offset_m',
  'leg_m',
  'covered_mask',
] as const;

export async function copyRunParcels(tx: Queryable, runId: number, rows: RunParcelRow[]): Promise<void> {
  await copyRunRows(tx, 'access_run_parcel', PARCEL_COLS, runId, rows);
}

export async function runParcels(db: Queryable, runId: number): Promise<RunParcelRow[]> {
  return rowsOfRun<RunParcelRow>(db, 'access_run_parcel', PARCEL_COLS, runId, 'feature_id');
}

export interface FigureRow {
  type: string;
  district_code: string;
  district_name: string | null;
  residential_area_m2: number;
  covered_area_m2: number;
  parcels: number;
  covered_parcels: number;
  population: number | null;
  covered_population: number | null;
}

export async function insertFigures(tx: Queryable, runId: number, rows: FigureRow[]): Promise<void> {
  const cols = [
    'run_id',
    'type',
    'district_code',
    'district_name',
    'residential_area_m2',
    'covered_area_m2',
    'parcels',
    'covered_parcels',
    'population',
    'covered_population',
  ];
  const text = rows
    .map(
      (r) =>
        [
          runId,
          r.type,
          r.district_code,
          r.district_name,
          r.residential_area_m2,
          r.covered_area_m2,
          r.parcels,
          r.covered_parcels,
          r.population,
          r.covered_population,
        ]
          .map(copyValue)
          .join('\t') + '\n',
    )
    .join('');
  if (text) await tx.copyText('access_run_figure', cols, text);
}
