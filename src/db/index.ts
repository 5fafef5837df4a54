// Chooses the database: DATABASE_URL → PostgreSQL server mode; otherwise embedded PGlite in
// ONEMAP_DATA_DIR (default ./data). Applies migrations before handing the handle out.
import type { Db } from './types.ts';
import { migrate } from './migrate.ts';

export type { Db, Queryable, QueryResult } from './types.ts';
export { copyValue } from './types.ts';

export interface DbConfig {
  databaseUrl?: string;
  dataDir?: string;
  /** PostgreSQL only: schema first on the search_path (test isolation). */
  schema?: string;
  /** In-memory embedded database (tests). */
  memory?: boolean;
}

export function dbConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DbConfig {
  return { databaseUrl: env.DATABASE_URL || undefined, dataDir: env.ONEMAP_DATA_DIR || './data' };
}

export async function openDb(cfg: DbConfig): Promise<Db> {
  let db: Db;
  if (cfg.databaseUrl) {
    const { openPostgres } = await import('./postgres.ts');
    db = await openPostgres({ url: cfg.databaseUrl, schema: cfg.schema });
    if (cfg.schema) await db.exec(`CREATE SCHEMA IF NOT EXISTS ${cfg.schema}`);
    await checkPostgis(db);
  } else {
    const { openPglite } = await import('./pglite.ts');
    db = await openPglite(cfg.memory ? undefined : (cfg.dataDir ?? './data'));
  }
  await migrate(db);
  return db;
}

async function checkPostgis(db: Db): Promise<void> {
  const r = await db.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
  if (Number(r.rows[0].v) < 150000) throw new Error(`PostgreSQL ${r.rows[0].v} is too old: onemap needs PostgreSQL >= 15`);
  const ext = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'postgis'`);
  if (ext.rows[0].n === 0)
    throw new Error('PostGIS is not installed on this PostgreSQL server (Debian: apt-get install postgresql-15-postgis-3)');
}
