// Role separation on PostgreSQL (issue 22 item 8, decision 0009): the application connects as a
// role that owns no part of the audit trail, so it can neither switch the triggers off nor edit,
// delete or truncate rows; migrations run as the owner (ONEMAP_MIGRATE_URL). The test creates its
// own roles and schema under a random tag and drops them afterwards, so it can run again and again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { openDb, type Db } from '../src/db/index.ts';
import { configFromEnv } from '../src/config.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { appendAudit, verifyAudit } from '../src/audit/audit.ts';

const url = process.env.ONEMAP_TEST_DATABASE_URL;
const config = { ...configFromEnv({}), db: {} };

test(
  'postgres: the application role cannot rewrite the audit trail; audited work still chains',
  { skip: !url && 'ONEMAP_TEST_DATABASE_URL is not set' },
  async () => {
    const tag = randomBytes(5).toString('hex');
    const app = `onemap_t_app_${tag}`;
    const audit = `onemap_t_audit_${tag}`;
    const schema = `t_roles_${tag}`;
    const password = randomBytes(9).toString('hex');
    const appUrl = (() => {
      const u = new URL(url!);
      u.username = app;
      u.password = password;
      return u.toString();
    })();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    let db: Db | null = null;
    try {
      await admin.query(`CREATE ROLE ${app} LOGIN PASSWORD '${password}'`);
      await admin.query(`CREATE SCHEMA ${schema}`);
      // For the CLI below, which takes no schema option.
      await admin.query(`ALTER ROLE ${app} SET search_path = ${schema}, public`);

      // A superuser as the application role would defeat the separation: refused.
      await assert.rejects(openDb({ databaseUrl: url, migrateUrl: url, schema }), /DATABASE_URL must name a role other than/);

      db = await openDb({ databaseUrl: appUrl, migrateUrl: url, auditRole: audit, schema });
      await ensureDefaultCatalogue(db);
      // Ordinary audited work as the application role: the first import creates and attaches the
      // layer's partitions (the application owns the feature tables), the second diffs against it.
      await importFile(db, config, 'fixtures/import/coordtxt/two_parcels_gbk.txt', { layer: 'ZD', user: '王规划' });
      await importFile(db, config, 'fixtures/import/coordtxt/multipart_utf8_bom.txt', { layer: 'ZD', user: '王规划' });
      await appendAudit(db, { actor: '李审查', action: 'review.run', entity: 'review_run', entityId: 1 });
      const before = await verifyAudit(db);
      assert.equal(before.broken, null);
      const imports = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'layer.import'`);
      assert.equal(imports.rows[0].n, 2, 'each import wrote its audit row');
      const rows = (
        await db.query<{ id: number; prev: string | null; hash: string }>(
          `SELECT id, encode(prev_hash, 'hex') AS prev, encode(hash, 'hex') AS hash FROM audit_log ORDER BY id`,
        )
      ).rows;
      assert.equal(rows.length, before.rows);
      for (let i = 1; i < rows.length; i++) assert.equal(rows[i].prev, rows[i - 1].hash, `row #${rows[i].id} links to the one before`);

      const owners = await admin.query<{ rel: string; owner: string }>(
        `SELECT c.relname AS rel, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
        WHERE c.relnamespace = $1::regnamespace AND c.relname IN ('audit_log', 'feature', 'layer', 'layer_version')`,
        [schema],
      );
      assert.deepEqual(Object.fromEntries(owners.rows.map((r) => [r.rel, r.owner])), {
        audit_log: audit,
        feature: app,
        layer: app,
        layer_version: app,
      });

      // Every way around the triggers, as the application role: refused by PostgreSQL itself.
      const refused = /permission denied|must be owner|must have admin option/;
      const attacks = [
        `UPDATE audit_log SET actor = '某人' WHERE id = ${rows[0].id}`,
        `DELETE FROM audit_log WHERE id = ${rows[rows.length - 1].id}`,
        `TRUNCATE audit_log`,
        `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`,
        `ALTER TABLE audit_log DISABLE TRIGGER ALL`,
        `SET session_replication_role = replica`,
        `DROP TABLE audit_log`,
        `ALTER TABLE audit_log OWNER TO ${app}`,
        `GRANT ${audit} TO ${app}`,
        `CREATE OR REPLACE FUNCTION onemap_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
        `SELECT setval(pg_get_serial_sequence('audit_log', 'id'), 1)`,
      ];
      for (const sql of attacks) await assert.rejects(db.query(sql), refused, sql);

      const after = await verifyAudit(db);
      assert.deepEqual([after.rows, after.headHash, after.broken], [before.rows, before.headHash, null]);

      // `onemap audit verify` as the application role (search path from ALTER ROLE above).
      const cli = spawnSync(process.execPath, ['bin/onemap.js', 'audit', 'verify', '--json'], {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: appUrl, ONEMAP_MIGRATE_URL: '' },
      });
      assert.equal(cli.status, 0, cli.stderr);
      const r = JSON.parse(cli.stdout) as { rows: number; broken: unknown; headHash: string };
      assert.deepEqual([r.rows, r.broken, r.headHash], [before.rows, null, before.headHash]);
    } finally {
      await db?.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      for (const role of [app, audit]) {
        const exists = await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
        if (exists.rowCount) {
          await admin.query(`DROP OWNED BY ${role}`);
          await admin.query(`DROP ROLE ${role}`);
        }
      }
      await admin.end();
    }
  },
);
