// Chooses the database: DATABASE_URL → PostgreSQL server mode; otherwise embedded PGlite in
// ONEMAP_DATA_DIR (default ./data). Applies migrations before handing the handle out — on
// PostgreSQL through ONEMAP_MIGRATE_URL when it is set, as a role that owns the audit trail the
// application's role cannot touch (decision 0009).
import type { Db } from './types.ts';
import { migrate, pendingMigrations } from './migrate.ts';
import { createSchema, currentRole, postgisAvailable, separateRoles, serverVersionNum } from './db.repository.ts';

export type { Db, Queryable, QueryResult, LayerVersionRef } from './types.ts';
export type { DbEvents, LayerChange } from './events.ts';
export { copyValue, within, readerFor } from './types.ts';

export interface DbConfig {
  databaseUrl?: string;
  /**
   * PostgreSQL only: the same database as the role that runs the migrations and owns the audit
   * trail's role setup (superuser, or CREATEROLE and a member of the application role). Unset:
   * DATABASE_URL migrates, one role for everything (the hash chain is then the only defence).
   */
  migrateUrl?: string;
  /** The role that owns audit_log when the roles are separated (default onemap_audit). */
  auditRole?: string;
  /** PostgreSQL only: a streaming replica for reads of committed layer versions (db/replica.ts). */
  readUrl?: string;
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
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    migrateUrl: env.ONEMAP_MIGRATE_URL || undefined,
    auditRole: env.ONEMAP_AUDIT_ROLE || undefined,
    readUrl: env.DATABASE_READ_URL || undefined,
    dataDir: env.ONEMAP_DATA_DIR || './data',
  };
}

export async function openDb(cfg: DbConfig): Promise<Db> {
  if (cfg.databaseUrl && cfg.migrateUrl) return openSeparated(cfg, cfg.databaseUrl, cfg.migrateUrl);
  let db: Db;
  if (cfg.databaseUrl) {
    const { openPostgres } = await import('./postgres.ts');
    db = await openPostgres({ url: cfg.databaseUrl, schema: cfg.schema, readUrl: cfg.readUrl });
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

export const DEFAULT_AUDIT_ROLE = 'onemap_audit';

/**
 * Two roles (decision 0009): the migration role migrates and hands the audit trail to the audit
 * role and everything else to the application role (db.repository separateRoles, run every time:
 * a new migration's tables are handed over too); the handle returned is the application role's,
 * which never migrates.
 */
async function openSeparated(cfg: DbConfig, appUrl: string, migrateUrl: string): Promise<Db> {
  const { openPostgres, redact } = await import('./postgres.ts');
  const db = await openPostgres({ url: appUrl, schema: cfg.schema, readUrl: cfg.readUrl });
  try {
    const app = await currentRole(db);
    const owner = await openPostgres({ url: migrateUrl, schema: cfg.schema, max: 2 });
    try {
      if (cfg.schema) await createSchema(owner, cfg.schema);
      await checkPostgis(owner);
      await migrate(owner);
      await owner.transaction((tx) => separateRoles(tx, { app, audit: cfg.auditRole ?? DEFAULT_AUDIT_ROLE }));
    } catch (e) {
      throw new Error(`迁移失败（ONEMAP_MIGRATE_URL ${redact(migrateUrl)}）: ${(e as Error).message}`, { cause: e });
    } finally {
      await owner.close();
    }
    // Fail closed: the application role must see the schema the migrations just finished.
    const pending = await pendingMigrations(db);
    if (pending.length)
      throw new Error(`应用角色 ${app} 看到未完成的迁移 ${pending.join(', ')}：DATABASE_URL 与 ONEMAP_MIGRATE_URL 是否指向同一数据库？`);
    return db;
  } catch (e) {
    await db.close();
    throw e;
  }
}

async function checkPostgis(db: Db): Promise<void> {
  const v = await serverVersionNum(db);
  if (v < 150000) throw new Error(`PostgreSQL ${v} is too old: onemap needs PostgreSQL >= 15`);
  if (!(await postgisAvailable(db)))
    throw new Error('PostGIS is not installed on this PostgreSQL server (Debian: apt-get install postgresql-15-postgis-3)');
}
