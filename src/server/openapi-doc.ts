// The OpenAPI document without a database: the route table and its schemas are all it takes, so
// the web client can be generated (scripts/gen-client.ts) and checked (test/client.test.ts) on a
// machine with no data. Any handler that reached for the database here would be a bug: none runs.
import type { Db } from '../db/index.ts';
import { configFromEnv } from '../config.ts';
import { DbEvents } from '../db/events.ts';
import { buildApp } from './app.ts';

/** A handle with no database behind it. Caches subscribe to its notices when the app is built: that is all it allows. */
const noDatabase = (): Db =>
  new Proxy({ kind: 'pglite', events: new DbEvents() } as Record<string | symbol, unknown>, {
    get(target, p) {
      if (p in target) return target[p];
      if (p === 'then') return undefined;
      return () => {
        throw new Error(`the OpenAPI document is built without a database (${String(p)} was called)`);
      };
    },
  }) as unknown as Db;

export async function openapiDocument(): Promise<Record<string, unknown>> {
  const app = await buildApp({ db: noDatabase(), config: configFromEnv({}) });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
