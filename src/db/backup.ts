// Backup and restore (issue 22 item 9), for both databases:
// - embedded: the data folder as PGlite dumps it (a gzipped tar, taken between statements, so it is
//   consistent); restored into a folder that holds no database yet;
// - server: `pg_dump --format=custom` (a consistent snapshot while the platform serves), restored
//   with `pg_restore` into a database (or schema) that holds no onemap tables yet.
// Restoring over live data is refused: a restore never mixes two histories.
import { readdirSync, existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import pg from 'pg';
import type { Db } from './types.ts';
import type { DbConfig } from './index.ts';
import { Conflict, Invalid, Unavailable } from '../errors.ts';
import { onemapTablesPresent } from './db.repository.ts';

const PG_MAGIC = 'PGDMP';

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += String(d)));
    p.on('error', (e) =>
      reject(
        new Unavailable(`找不到 ${cmd}：服务器模式的备份与恢复需要 PostgreSQL 客户端工具（Debian: postgresql-client-15） (${e.message})`),
      ),
    );
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} 失败 (exit ${code}): ${err.trim().slice(0, 2000)}`))));
  });
}

/** Writes a backup of the open database to `file`; returns its size in bytes. */
export async function backupDatabase(db: Db, cfg: DbConfig, file: string): Promise<number> {
  if (db.kind === 'pglite') {
    if (!db.dumpDataDir) throw new Error('this embedded database cannot dump its data folder');
    const blob = await db.dumpDataDir();
    await writeFile(file, Buffer.from(await blob.arrayBuffer()));
  } else {
    if (!cfg.databaseUrl) throw new Error('no DATABASE_URL');
    await run('pg_dump', [
      '--format=custom',
      `--file=${file}`,
      ...(cfg.schema ? [`--schema=${cfg.schema}`] : []),
      `--dbname=${cfg.databaseUrl}`,
    ]);
  }
  return statSync(file).size;
}

/** Restores `file` into the database `cfg` names, which must hold no onemap data yet. */
export async function restoreDatabase(cfg: DbConfig, file: string): Promise<void> {
  if (!existsSync(file)) throw new Invalid(`备份文件 ${file} 不存在 (no such backup file)`);
  const head = (await readFile(file)).subarray(0, 5);
  const isPgDump = head.toString('latin1') === PG_MAGIC;
  if (cfg.databaseUrl) {
    if (!isPgDump)
      throw new Invalid(`${file} 不是服务器模式（pg_dump）的备份；内置数据库的备份只能恢复到内置数据库 (not a pg_dump archive)`);
    const client = new pg.Client({
      connectionString: cfg.databaseUrl,
      options: cfg.schema ? `-c search_path=${cfg.schema},public` : undefined,
    });
    await client.connect();
    try {
      const q = { query: async <T>(sql: string) => ({ rows: (await client.query(sql)).rows as T[], rowCount: 0 }) };
      if (await onemapTablesPresent(q))
        throw new Conflict('目标数据库已有 onemap 数据：请恢复到一个空数据库 (the target database already holds onemap data)');
    } finally {
      await client.end();
    }
    await run('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${cfg.databaseUrl}`, file]);
  } else {
    if (isPgDump) throw new Invalid(`${file} 是服务器模式（pg_dump）的备份，请设置 DATABASE_URL 后恢复到 PostgreSQL (a pg_dump archive)`);
    const dir = cfg.dataDir ?? './data';
    if (existsSync(dir) && readdirSync(dir).some((n) => n !== 'onemap.lock'))
      throw new Conflict(`数据目录 ${dir} 不为空：请恢复到一个新的数据目录（ONEMAP_DATA_DIR） (the data folder is not empty)`);
    const { restorePglite } = await import('./pglite.ts');
    await restorePglite(dir, new Blob([await readFile(file)]));
  }
}
