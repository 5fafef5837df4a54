// Tamper-evident audit trail (issue 22 item 8): rows carry a hash chain; whoever edits or removes
// a row behind the append-only triggers (the table's owner can disable them) breaks the chain at
// that row, and `onemap audit verify` names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from './helpers/db.ts';
import { appendAudit, verifyAudit } from '../src/audit/audit.ts';
import { openDb } from '../src/db/index.ts';

for (const t of testDatabases()) {
  test(`${t.name}: an edited or removed audit row breaks the chain at that row`, async () => {
    const { db, close } = await t.open({ catalogue: false });
    try {
      const empty = await verifyAudit(db);
      assert.equal(empty.broken, null);
      for (let i = 1; i <= 5; i++)
        await appendAudit(db, { actor: '王规划', action: 'layer.import', entity: 'layer', entityId: `L${i}`, after: { version: i } });
      // Rows written in one statement chain too (each sees the one before).
      await db.query(
        `INSERT INTO audit_log (actor, action, entity, entity_id) SELECT 'demo', 'x.batch', 'x', g::text FROM generate_series(1, 3) g`,
      );
      const ok = await verifyAudit(db);
      assert.equal(ok.rows, 8);
      assert.equal(ok.broken, null);
      assert.match(ok.headHash ?? '', /^[0-9a-f]{64}$/);
      const ids = (await db.query<{ id: number }>('SELECT id FROM audit_log ORDER BY id')).rows.map((r) => r.id);

      // The application cannot edit a row (migration 002's trigger) ...
      await assert.rejects(db.query(`UPDATE audit_log SET actor = 'x' WHERE id = $1`, [ids[2]]), /append-only/);
      // ... but the owner can pause the trigger: the edit is then found, at that row.
      await db.exec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`);
      await db.query(`UPDATE audit_log SET after = '{"version": 99}' WHERE id = $1`, [ids[2]]);
      const edited = await verifyAudit(db);
      assert.deepEqual([edited.broken?.id, edited.broken?.reason], [ids[2], 'content']);
      // Putting the content back restores the chain (the hash covers content, not the act of writing).
      await db.query(`UPDATE audit_log SET after = '{"version": 3}' WHERE id = $1`, [ids[2]]);
      assert.equal((await verifyAudit(db)).broken, null);
      // A removed row: the next row's link no longer matches.
      await db.query(`DELETE FROM audit_log WHERE id = $1`, [ids[1]]);
      await db.exec(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`);
      const cut = await verifyAudit(db);
      assert.deepEqual([cut.broken?.id, cut.broken?.reason, cut.broken?.actor], [ids[2], 'link', '王规划']);
    } finally {
      await close();
    }
  });
}

test('onemap audit verify: exit 0 and the head hash when intact, exit 1 naming the row when not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onemap-auditv-'));
  const data = join(dir, 'data');
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/onemap.js', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ONEMAP_DATA_DIR: data, DATABASE_URL: '' },
    });
  try {
    const db = await openDb({ dataDir: data });
    for (let i = 1; i <= 3; i++) await appendAudit(db, { actor: '李审查', action: 'review.run', entity: 'review_run', entityId: i });
    await db.close();
    const good = cli('audit', 'verify', '--json');
    assert.equal(good.status, 0, good.stderr);
    const r = JSON.parse(good.stdout) as { rows: number; broken: unknown; headHash: string };
    assert.equal(r.rows, 3);
    assert.equal(r.broken, null);
    const human = cli('audit', 'verify');
    assert.match(human.stdout, /审计日志完整：共 3 条/);

    const db2 = await openDb({ dataDir: data });
    const second = (await db2.query<{ id: number }>('SELECT id FROM audit_log ORDER BY id')).rows[1].id;
    await db2.exec(`SET session_replication_role = replica`);
    await db2.query(`UPDATE audit_log SET actor = '某人' WHERE id = $1`, [second]);
    await db2.exec(`SET session_replication_role = origin`);
    await db2.close();
    const bad = cli('audit', 'verify');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, new RegExp(`审计日志被篡改：第 #${second} 条`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
