// Test databases: every storage test runs on embedded PGlite+PostGIS, and also on PostgreSQL +
// PostGIS when ONEMAP_TEST_DATABASE_URL is set (CI). Each test suite gets a fresh database: a
// new in-memory PGlite, or a new schema on the server that is dropped afterwards.
import { randomBytes } from 'node:crypto';
import { openDb, type Db } from '../../src/db/index.ts';
import { configFromEnv, type Config } from '../../src/config.ts';
import { ensureDefaultCatalogue } from '../../src/catalogue/catalogue.service.ts';

export interface TestDb {
  name: 'pglite' | 'postgres';
  open(opts?: { catalogue?: boolean }): Promise<{ db: Db; config: Config; close(): Promise<void> }>;
}

export function testDatabases(): TestDb[] {
  const list: TestDb[] = [{ name: 'pglite', open: (o) => openTest(undefined, o) }];
  const url = process.env.ONEMAP_TEST_DATABASE_URL;
  if (url) list.push({ name: 'postgres', open: (o) => openTest(url, o) });
  return list;
}

async function openTest(url: string | undefined, o: { catalogue?: boolean } = {}) {
  const schema = url ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const db = await openDb(url ? { databaseUrl: url, schema } : { memory: true });
  if (o.catalogue !== false) await ensureDefaultCatalogue(db);
  const config = { ...configFromEnv({}), db: {} };
  return {
    db,
    config,
    async close() {
      if (schema) await db.exec(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    },
  };
}

/** A snapshot of everything an import may touch, to prove a failed import changed nothing. */
export async function storeSnapshot(db: Db): Promise<string> {
  const r = await db.query<{ s: string }>(
    `SELECT (SELECT count(*) FROM layer)::text || '/' || (SELECT count(*) FROM layer_version)::text || '/' ||
            (SELECT count(*) FROM feature)::text || '/' || (SELECT count(*) FROM feature_part)::text || '/' ||
            coalesce((SELECT string_agg(code || ':' || coalesce(active_version::text, '-'), ',' ORDER BY code) FROM layer), '') AS s`,
  );
  return r.rows[0].s;
}
