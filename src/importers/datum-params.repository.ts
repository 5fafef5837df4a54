// All SQL of the named datum parameter sets (migration 012, decision 0012).
import type { Queryable } from '../db/index.ts';

export interface ParamSetRow {
  name: string;
  datum: 'xian80' | 'beijing54' | null;
  kind: 4 | 7;
  params: number[];
  convention: 'position_vector' | 'coordinate_frame';
  note: string | null;
  created_by: string;
  created_at: string;
}

const COLS = `name, datum, kind::int AS kind, params, convention, note, created_by,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`;

export async function insertSet(q: Queryable, s: Omit<ParamSetRow, 'created_at'>): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO datum_param_set (name, datum, kind, params, convention, note, created_by)
     VALUES ($1, $2, $3, $4::float8[], $5, $6, $7) ON CONFLICT (name) DO NOTHING RETURNING name`,
    [s.name, s.datum, s.kind, s.params, s.convention, s.note, s.created_by],
  );
  return r.rows.length === 1;
}

export async function findSet(q: Queryable, name: string): Promise<ParamSetRow | undefined> {
  return (await q.query<ParamSetRow>(`SELECT ${COLS} FROM datum_param_set WHERE name = $1`, [name])).rows[0];
}

export async function listSets(q: Queryable): Promise<ParamSetRow[]> {
  return (await q.query<ParamSetRow>(`SELECT ${COLS} FROM datum_param_set ORDER BY name`)).rows;
}
