// `onemap backup <file>` and `onemap restore <file>`: the whole database (embedded data folder or
// PostgreSQL) to one file and back. Both print what the database holds — layers, versions, audit
// entries and the audit chain's head — so a restore can be compared with its backup at a glance.
import type { Config } from '../config.ts';
import { openDb, type Db } from '../db/index.ts';
import { backupDatabase, restoreDatabase } from '../db/backup.ts';
import { verifyAudit } from '../audit/audit.ts';
import { layerSummaries } from '../catalogue/catalogue.service.ts';
import type { Args } from './args.ts';
import { UsageError } from './errors.ts';
import { print } from './db.ts';

export interface Holdings {
  layers: number;
  versions: number;
  auditRows: number;
  auditHead: string | null;
  auditIntact: boolean;
}

async function holdings(db: Db): Promise<Holdings> {
  const layers = await layerSummaries(db);
  const audit = await verifyAudit(db);
  return {
    layers: layers.filter((l) => l.active_version !== null).length,
    versions: layers.reduce((n, l) => n + (l.active_version ?? 0), 0),
    auditRows: audit.rows,
    auditHead: audit.headHash,
    auditIntact: audit.broken === null,
  };
}

const say = (h: Holdings) =>
  `${h.layers} 个图层（现行版本号合计 ${h.versions}），审计日志 ${h.auditRows} 条${h.auditIntact ? '' : '（哈希链已断！）'}，最新哈希 ${h.auditHead ?? '-'}`;

export async function cmdBackup(config: Config, a: Args): Promise<void> {
  const file = a._[1];
  if (!file) throw new UsageError('onemap backup <文件>   备份整个数据库 (back up the whole database to a file)');
  const db = await openDb(config.db);
  try {
    const bytes = await backupDatabase(db, config.db, file);
    const h = await holdings(db);
    if (a.flags.json === true) print({ file, bytes, ...h });
    else console.log(`已备份到 ${file}（${(bytes / 1024 ** 2).toFixed(1)} MB）：${say(h)}`);
  } finally {
    await db.close();
  }
}

export async function cmdRestore(config: Config, a: Args): Promise<void> {
  const file = a._[1];
  if (!file) throw new UsageError('onemap restore <文件>   从备份恢复到一个空数据库 (restore a backup into an empty database)');
  await restoreDatabase(config.db, file);
  const db = await openDb(config.db); // applies any migration newer than the backup
  try {
    const h = await holdings(db);
    if (a.flags.json === true) print({ file, ...h });
    else console.log(`已从 ${file} 恢复：${say(h)}`);
  } finally {
    await db.close();
  }
}
