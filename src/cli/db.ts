// What every command shares: open the database named by the environment, make sure the default
// catalogue exists, close it afterwards; print JSON results (the contracts other tools read).
import type { Config } from '../config.ts';
import { openDb, type Db } from '../db/index.ts';
import { ensureDefaultCatalogue } from '../catalogue/catalogue.service.ts';

export async function withDb<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(config.db);
  try {
    await ensureDefaultCatalogue(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

export const print = (v: unknown): void => {
  process.stdout.write(JSON.stringify(v, null, 2) + '\n');
};
