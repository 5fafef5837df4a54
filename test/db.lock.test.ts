// One writer per embedded data folder (issue 22 item 4): a second process on a folder the server
// holds is refused with a clear message and exit code, and nothing is lost; a lock left by a
// process that died is taken over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/db/index.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';

const cli = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['bin/onemap.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ONEMAP_DATA_DIR: dataDir, DATABASE_URL: '' },
  });

test('a second process on an open data folder is refused and loses nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onemap-lock-'));
  const data = join(dir, 'data');
  try {
    const db = await openDb({ dataDir: data });
    await ensureDefaultCatalogue(db);
    // In this process too: opening the folder twice would be two copies of one database.
    await assert.rejects(
      openDb({ dataDir: data }),
      (e: Error & { code?: string }) => e.code === 'data_dir_in_use' && /本进程/.test(e.message),
    );
    // Another process (the CLI importing while "the server" holds the folder).
    const r = cli(data, 'import', 'fixtures/import/coordtxt/two_parcels_gbk.txt', '--layer', 'ZD');
    assert.notEqual(r.status, 0, 'the import must not report success');
    assert.match(r.stderr, /数据目录.*已被占用/);
    assert.match(r.stderr, new RegExp(`进程 ${process.pid}`));
    // Nothing was written behind the holder's back; the holder still works and writes.
    const n = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM layer_version`);
    assert.equal(n.rows[0].n, 0);
    await db.close();
    assert.equal(existsSync(join(data, 'onemap.lock')), false, 'close releases the lock');
    // Once the holder is gone the same command works.
    const ok = cli(data, 'import', 'fixtures/import/coordtxt/two_parcels_gbk.txt', '--layer', 'ZD', '--json');
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).version, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock left by a process that no longer runs is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onemap-lock-'));
  try {
    // A pid far above Linux's default pid_max (4194304) cannot be running.
    writeFileSync(
      join(dir, 'onemap.lock'),
      JSON.stringify({ pid: 99999999, host: hostname(), started: '2026-01-01T00:00:00Z', command: 'crashed' }),
    );
    const db = await openDb({ dataDir: dir });
    assert.equal((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0].one, 1);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
