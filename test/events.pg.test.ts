// Two application servers on one PostgreSQL database (issue 22 item 10): a new layer version or a
// change to users committed through one is heard by the other at once (LISTEN/NOTIFY), so its tile
// cache and caller cache do not serve stale answers; a server on another schema hears nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb } from '../src/db/index.ts';
import { configFromEnv } from '../src/config.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { addUser, updateUser } from '../src/auth/users.service.ts';
import { buildApp } from '../src/server/app.ts';
import type { LayerChange } from '../src/db/index.ts';
import { authHeaders } from './helpers/auth.ts';

const url = process.env.ONEMAP_TEST_DATABASE_URL;
const config = { ...configFromEnv({}), db: {} };

/** Resolves when `check` holds, polling every 50 ms, or fails after `ms`. */
async function eventually(check: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('PostgreSQL: notices travel between servers on one database', { skip: !url && 'ONEMAP_TEST_DATABASE_URL not set' }, async () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const other = `t_${randomBytes(6).toString('hex')}`;
  const a = await openDb({ databaseUrl: url, schema });
  const b = await openDb({ databaseUrl: url, schema });
  const c = await openDb({ databaseUrl: url, schema: other });
  const appB = await buildApp({ db: b, config });
  try {
    await ensureDefaultCatalogue(a);
    await importFile(a, config, 'fixtures/import/coordtxt/two_parcels_gbk.txt', { layer: 'ZD' });
    // B has served ZD's TileJSON for version 1 (its snapshot and cache hold it).
    const staff = await authHeaders(a, 'planner');
    const tilejson = async () => (await appB.inject({ url: '/tiles/ZD.json', headers: staff })).json().version;
    assert.equal(await tilejson(), '1.1.0');

    const heardB: LayerChange[] = [];
    const heardC: LayerChange[] = [];
    let usersB = 0;
    b.events.onLayerChanged((x) => heardB.push(x));
    b.events.onUsersChanged(() => usersB++);
    c.events.onLayerChanged((x) => heardC.push(x));

    await importFile(a, config, 'fixtures/import/coordtxt/multipart_utf8_bom.txt', { layer: 'ZD' });
    await eventually(() => heardB.some((x) => x.code === 'ZD' && x.version === 2), 5000, 'B hears version 2 of ZD');
    // B's TileJSON follows at once, without waiting for its re-check interval.
    assert.equal(await tilejson(), '1.2.0');

    await addUser(a, config.districts, { username: '王规划', role: 'planner', password: 'correct horse 1' }, 'test');
    // Deactivating an account must reach every server's caller cache.
    await updateUser(a, config.districts, '王规划', { active: false }, 'test');
    await eventually(() => usersB > 0, 5000, 'B hears the deactivation');
    assert.equal(heardC.length, 0, 'a server on another schema hears nothing');
  } finally {
    await appB.close();
    await Promise.all([a.close(), b.close(), c.close()]);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${other} CASCADE`);
    await admin.end();
  }
});
