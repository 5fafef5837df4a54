// SQL of the versioned rule sets (review_ruleset): one row per version, never updated.
import type { Queryable } from '../db/index.ts';
import type { RuleSetDef } from './types.ts';

export interface RuleSetRow {
  name: string;
  version: number;
  definition: RuleSetDef;
  created_at: string;
  created_by: string;
  note: string | null;
}

const COLUMNS = `name, version, definition, created_at::text, created_by, note`;

export async function exists(q: Queryable, name: string): Promise<boolean> {
  return (await q.query(`SELECT 1 FROM review_ruleset WHERE name = $1 LIMIT 1`, [name])).rowCount > 0;
}

/** Version 1 of a rule set, unless a concurrent caller wrote it first. */
export async function insertFirst(q: Queryable, def: RuleSetDef, user: string, note: string): Promise<void> {
  await q.query(
    `INSERT INTO review_ruleset (name, version, definition, created_by, note) VALUES ($1, 1, $2, $3, $4)
     ON CONFLICT DO NOTHING`,
    [def.name, JSON.stringify(def), user, note],
  );
}

export async function latest(q: Queryable, name: string): Promise<RuleSetRow | undefined> {
  return (await q.query<RuleSetRow>(`SELECT ${COLUMNS} FROM review_ruleset WHERE name = $1 ORDER BY version DESC LIMIT 1`, [name])).rows[0];
}

export async function version(q: Queryable, name: string, v: number): Promise<RuleSetRow | undefined> {
  return (await q.query<RuleSetRow>(`SELECT ${COLUMNS} FROM review_ruleset WHERE name = $1 AND version = $2`, [name, v])).rows[0];
}

/** Each rule set's newest version, with the number of versions. */
export async function listLatest(q: Queryable) {
  return (
    await q.query<{ name: string; version: number; versions: number; created_at: string; created_by: string }>(
      `SELECT DISTINCT ON (name) name, version, count(*) OVER (PARTITION BY name)::int AS versions, created_at::text, created_by
         FROM review_ruleset ORDER BY name, version DESC`,
    )
  ).rows;
}

export async function listVersions(q: Queryable, name: string) {
  return (
    await q.query<Omit<RuleSetRow, 'definition'>>(
      `SELECT name, version, created_at::text, created_by, note FROM review_ruleset WHERE name = $1 ORDER BY version`,
      [name],
    )
  ).rows;
}

export async function insert(q: Queryable, def: RuleSetDef, v: number, user: string, note: string | null): Promise<RuleSetRow> {
  return (
    await q.query<RuleSetRow>(
      `INSERT INTO review_ruleset (name, version, definition, created_by, note) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [def.name, v, JSON.stringify(def), user, note],
    )
  ).rows[0];
}
