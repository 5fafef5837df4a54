// Numbered SQL migrations (src/db/migrations/NNN_name.sql), applied in order on start, each in
// its own transaction, recorded in schema_migrations. The same files run on PGlite and PostgreSQL.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Db } from './types.ts';
import { appliedMigrations, prepareMigrations, recordMigration } from './db.repository.ts';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

const files = () =>
  readdirSync(DIR)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort();

export async function migrate(db: Db): Promise<string[]> {
  await prepareMigrations(db);
  const done = await appliedMigrations(db);
  const applied: string[] = [];
  for (const file of files()) {
    const version = Number(file.slice(0, 3));
    if (done.has(version)) continue;
    const sql = readFileSync(join(DIR, file), 'utf8');
    await db.transaction(async (tx) => {
      await tx.exec(sql);
      await recordMigration(tx, version, file);
    });
    applied.push(file);
  }
  return applied;
}

/** Migration files not yet applied (the application role, which does not migrate, checks this). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const done = await appliedMigrations(db);
  return files().filter((f) => !done.has(Number(f.slice(0, 3))));
}
