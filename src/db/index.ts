// Chooses the database: DATABASE_URL → PostgreSQL server mode; otherwise embedded PGlite in
// ONEMAP_DATA_DIR (default ./data). Applies migrations before handing the handle out.
import type { Db } from './types.ts';
import { migrate } from './migrate.ts';
import { createSchema, postgisAvailable, serverVersionNum } from './db.repository.ts';

export type { Db, Queryable, QueryResult } from './types.ts';
export type { DbEvents, LayerChange } from './events.ts';
export { copyValue, within } from './types.ts';

export interface DbConfig {
  databaseUrl?: string;
  dataDir?: string;
  /** PostgreSQL only: schema first on the search_path (test isolation). */
  schema?: string;
  /** In-memory embedded database (tests). */
  memory?: boolean;
  /**
   * Embedded only: run PGlite on this thread instead of its worker thread (pglite-worker.ts).
   * Every statement then blocks the event loop; kept only as the named baseline of
   * `npm run bench:responsive` (the server, `onemap start`, always uses the worker).
   */
  inProcess?: boolean;
}

export function dbConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DbConfig {
  return { databaseUrl: env.DATABASE_URL || undefined, dataDir: env.ONEMAP_DATA_DIR || './data' };
}

export async function openDb(cfg: DbConfig): Promise<Db> {
  let db: Db;
  if (cfg.databaseUrl) {
    const { openPostgres } = await import('./postgres.ts');
    db = await openPostgres({ url: cfg.databaseUrl, schema: cfg.schema });
    if (cfg.schema) await createSchema(db, cfg.schema);
    await checkPostgis(db);
  } else {
    const dir = cfg.memory ? undefined : (cfg.dataDir ?? './data');
    if (cfg.inProcess) {
      const { openPglite } = await import('./pglite.ts');
      db = await openPglite(dir);
    } else {
      const { openPgliteWorker } = await import('./pglite-worker.ts');
      db = await openPgliteWorker(dir);
    }
  }
  await migrate(db);
  return db;
}

async function checkPostgis(db: Db): Promise<void> {
  const v = await serverVersionNum(db);
  if (v < 150000) throw new Error(`PostgreSQL ${v} is too old: onemap needs PostgreSQL >= 15`);
  if (!(await postgisAvailable(db)))
    throw new Error('PostGIS is not installed on this PostgreSQL server (Debian: apt-get install postgresql-15-postgis-3)');
}
