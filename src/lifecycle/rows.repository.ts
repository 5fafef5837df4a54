// SQL the lifecycle registers share: the page filter every case list starts with, and the update
// of a case's columns (idle cases, inefficient cases, resettlement projects, approval batches).
import type { Queryable } from '../db/index.ts';

/** A page of a case list (machine.ts listPage): the districts in scope (null: all), statuses (comma-separated), limit, offset. */
export interface ListPage {
  districts: string[] | null;
  status?: string;
  limit: number;
  offset: number;
}

/** $1 the districts, $2 the statuses of a ListPage; `c` is the alias of the table ('' for none). */
export const pageWhere = (c = '') =>
  `($1::text[] IS NULL OR ${c}district = ANY($1)) AND ($2::text IS NULL OR ${c}status = ANY(string_to_array($2, ',')))`;

/** Sets the columns of row `id` of `table` (names are fixed by the caller, values parameterised) and its updated_at. */
export async function updateRow(q: Queryable, table: string, id: number, set: Record<string, unknown>): Promise<void> {
  const cols = Object.keys(set);
  await q.query(`UPDATE ${table} SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1`, [
    id,
    ...cols.map((c) => set[c]),
  ]);
}
