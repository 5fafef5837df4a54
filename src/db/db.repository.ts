// The statements the database layer itself runs: server checks when opening, the migrations'
// bookkeeping, cancelling a statement past its deadline, and the versions /health reports.
import type { Queryable } from './types.ts';
import { sqlFile } from './sql.ts';

/** PostgreSQL's server_version_num (150000 = 15.0). */
export async function serverVersionNum(q: Queryable): Promise<number> {
  return Number((await q.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
}

/** Whether the PostGIS extension is installed on the server (available to CREATE EXTENSION). */
export async function postgisAvailable(q: Queryable): Promise<boolean> {
  return (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'postgis'`)).rows[0].n > 0;
}

/** A schema to put first on the search_path (tests isolate themselves this way); `name` is checked by the caller. */
export async function createSchema(q: Queryable, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`schema name "${name}" is not a plain identifier`);
  await q.exec(`CREATE SCHEMA IF NOT EXISTS ${name}`);
}

/**
 * PostGIS first and outside the numbered files: on a server it may already exist in `public`
 * (shared by every schema on the search_path), which IF NOT EXISTS tolerates. Then the table
 * that records which migrations ran.
 */
export async function prepareMigrations(q: Queryable): Promise<void> {
  await q.exec('CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public');
  await q.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
}

export async function appliedMigrations(q: Queryable): Promise<Set<number>> {
  return new Set((await q.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
}

export async function recordMigration(q: Queryable, version: number, name: string): Promise<void> {
  await q.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [version, name]);
}

/** Cancels the statement running on backend `pid`, from another connection of the pool. */
export async function cancelBackend(pool: { query(sql: string, params: unknown[]): Promise<unknown> }, pid: number): Promise<void> {
  await pool.query('SELECT pg_cancel_backend($1)', [pid]);
}

/** What /health reports of the database server. */
export async function serverVersions(q: Queryable): Promise<{ postgres: string; postgis: string }> {
  const r = await q.query<{ postgis: string; pg: string }>(
    `SELECT postgis_lib_version() AS postgis, current_setting('server_version') AS pg`,
  );
  return { postgres: r.rows[0].pg, postgis: r.rows[0].postgis };
}

/** Whether onemap's tables exist on the search path (a restore goes only into an empty database). */
export async function onemapTablesPresent(q: Pick<Queryable, 'query'>): Promise<boolean> {
  const r = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('layer', 'audit_log') AND schemaname = ANY (current_schemas(false))`,
  );
  return r.rows[0].n > 0;
}

/** Sends a notice to every process listening on `channel` (delivered at once: not in a transaction). */
export async function notify(q: Pick<Queryable, 'query'>, channel: string, payload: string): Promise<void> {
  await q.query(`SELECT pg_notify($1, $2)`, [channel, payload]);
}

/** The role this connection is logged in as. */
export async function currentRole(q: Queryable): Promise<string> {
  return (await q.query<{ r: string }>('SELECT current_user AS r')).rows[0].r;
}

const ROLES_SQL = sqlFile(new URL('./roles.sql', import.meta.url));

/**
 * Separates the application role from the audit trail's owner (roles.sql, decision 0009). Runs as
 * the migration role inside one transaction; the role names travel as transaction settings
 * because a DO block takes no parameters.
 */
export async function separateRoles(tx: Queryable, roles: { app: string; audit: string }): Promise<void> {
  await tx.query(`SELECT set_config('onemap.app_role', $1, true), set_config('onemap.audit_role', $2, true)`, [roles.app, roles.audit]);
  await tx.exec(ROLES_SQL);
}

/** How many of these layer versions (distinct pairs) the server has: a replica that has not replayed one has fewer. */
export async function versionsPresent(q: Queryable, versions: readonly { layerId: number; version: number }[]): Promise<number> {
  const r = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM layer_version v
       JOIN unnest($1::int[], $2::int[]) AS w(layer_id, version) ON v.layer_id = w.layer_id AND v.version = w.version`,
    [versions.map((v) => v.layerId), versions.map((v) => v.version)],
  );
  return r.rows[0].n;
}
