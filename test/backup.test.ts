// Backup and restore (issue 22 item 9): a restore gives identical layer versions and audit trail
// (same rows, same chain head) on both databases, and refuses to restore over existing data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../src/db/index.ts';
import { configFromEnv } from '../src/config.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { backupDatabase, restoreDatabase } from '../src/db/backup.ts';
import { verifyAudit } from '../src/audit/audit.ts';

const config = { ...configFromEnv({}), db: {} };

async function load(db: Db) {
  await ensureDefaultCatalogue(db);
  await importFile(db, config, 'fixtures/import/coordtxt/two_parcels_gbk.txt', { layer: 'ZD', user: '王规划' });
  await importFile(db, config, 'fixtures/import/coordtxt/multipart_utf8_bom.txt', { layer: 'ZD', user: '王规划' });
}

/** What must survive: every version of every layer, and the audit trail's rows and chain. */
async function state(db: Db) {
  const versions = (
    await db.query<{ v: string }>(
      `SELECT l.code || ':' || v.version || ':' || v.feature_count || ':' || coalesce(v.created_by, '') AS v
         FROM layer_version v JOIN layer l ON l.id = v.layer_id ORDER BY l.code, v.version`,
    )
  ).rows.map((r) => r.v);
  const features = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM feature`)).rows[0].n;
  const audit = await verifyAudit(db);
  return { versions, features, auditRows: audit.rows, auditHead: audit.headHash, intact: audit.broken === null };
}

test('embedded: onemap backup, then restore into a new folder, gives the same versions and audit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onemap-backup-'));
  const cli = (data: string, ...args: string[]) =>
    spawnSync(process.execPath, ['bin/onemap.js', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ONEMAP_DATA_DIR: data, DATABASE_URL: '' },
    });
  try {
    const a = join(dir, 'a');
    const db = await openDb({ dataDir: a });
    await load(db);
    const before = await state(db);
    await db.close();
    assert.equal(before.versions.length, 2);

    const file = join(dir, 'onemap-backup.tar.gz');
    const b = cli(a, 'backup', file, '--json');
    assert.equal(b.status, 0, b.stderr);
    assert.ok(JSON.parse(b.stdout).bytes > 0);
    const r = cli(join(dir, 'b'), 'restore', file, '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).auditHead, before.auditHead);

    const restored = await openDb({ dataDir: join(dir, 'b') });
    assert.deepEqual(await state(restored), before);
    await restored.close();
    // Over existing data: refused, nothing changed.
    const again = cli(a, 'restore', file);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /数据目录 .* 不为空/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const url = process.env.ONEMAP_TEST_DATABASE_URL;
test(
  'PostgreSQL: pg_dump backup restored into an empty database gives the same versions and audit',
  { skip: !url && 'ONEMAP_TEST_DATABASE_URL not set' },
  async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const target = `onemap_restore_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const dir = mkdtempSync(join(tmpdir(), 'onemap-backup-'));
    const targetUrl = url!.replace(/\/[^/?]+(\?|$)/, `/${target}$1`);
    try {
      const db = await openDb({ databaseUrl: url, schema });
      await load(db);
      const before = await state(db);
      const file = join(dir, 'onemap.dump');
      assert.ok((await backupDatabase(db, { databaseUrl: url, schema }, file)) > 0);
      await db.close();

      await admin.query(`CREATE DATABASE ${target}`);
      const t = new pg.Client({ connectionString: targetUrl });
      await t.connect();
      await t.query('CREATE EXTENSION postgis');
      await t.end();
      await restoreDatabase({ databaseUrl: targetUrl, schema }, file);
      const restored = await openDb({ databaseUrl: targetUrl, schema });
      assert.deepEqual(await state(restored), before);
      await restored.close();
      // Over existing data: refused.
      await assert.rejects(restoreDatabase({ databaseUrl: targetUrl, schema }, file), /目标数据库已有 onemap 数据/);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await admin.query(`DROP DATABASE IF EXISTS ${target} WITH (FORCE)`).catch(() => {});
      await admin.end();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
