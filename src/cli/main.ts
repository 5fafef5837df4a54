// `onemap` command line. Every command opens the database named by DATABASE_URL (server) or
// ONEMAP_DATA_DIR (embedded, default ./data). JSON outputs are contracts other tools rely on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFromEnv, type Config } from '../config.ts';
import { openDb } from '../db/index.ts';
import { ensureDefaultCatalogue, layerSummaries } from '../catalogue/catalogue.service.ts';
import { importFile, ImportRejected } from '../importers/pipeline.ts';
import { GdalLoader } from '../importers/gdal/loader.ts';
import { parseWebMapDatum } from '../importers/webmap.ts';
import { listVersions, diffVersions } from '../store/store.service.ts';
import { exportLayer, type ExportFormat } from '../exporters/index.ts';
import { formatArea, m2ToMu } from '../area/units.ts';
import { progressBar } from '../util/progress.ts';
import { parseArgs, str, int, type Args } from './args.ts';
import { cliFailure, UsageError } from './errors.ts';
import { withDb, print } from './db.ts';
import { cmdReview, cmdConsistency } from './review.ts';
import { cmdQc } from './qc.ts';
import { cmdImportPackage } from './package.ts';
import { QcRejected } from '../qc/staged.ts';
import { cmdAccess } from '../access/access.cli.ts';
import { cmdUser } from './user.ts';
import { cmdAudit } from './audit.ts';
import { cmdDatumParams } from './datum-params.ts';
import { cmdBackup, cmdRestore } from './backup.ts';
import { cmdLifecycle, cmdWarnings } from '../lifecycle/lifecycle.cli.ts';
import { cmdFarmland } from '../farmland/farmland.cli.ts';
import { cmdIndicators } from '../indicators/indicators.cli.ts';

const BOOLEANS = new Set([
  'json',
  'geometry',
  'make-valid',
  'allow-outside',
  'dry-run',
  'help',
  'no-demo',
  'skip-empty',
  'password-stdin',
  'no-password',
  'coordinate-frame',
  'no-qc',
  'skip-unknown',
]);

const USAGE = `onemap — 国土空间规划“一张图”实施监督信息系统

  onemap start [--port N] [--no-demo]      start the platform (creates the demo city on first start)
  onemap serve [--port N]                  start the HTTP server
  onemap demo --scale small|demo|large [--seed N]
  onemap layers [--json]
  onemap import <package.zip|folder|.gdb> [--skip-unknown] [--dry-run] [--no-qc] [--json]   成果汇交数据包：按规范图层名对应图层，全部入库或全不入库
  onemap import <path> --layer CODE [--id-field F] [--encoding E] [--srid N] [--from gcj02|bd09] [--datum-params 7:…|4:…|NAME [--coordinate-frame]] [--make-valid] [--skip-empty] [--source-layer L] [--allow-outside] [--as-of DATE] [--dry-run] [--no-qc] [--json]
  onemap qc <file> [--layer CODE] [--summary 汇总表.xlsx|.csv] [--rule ID,…] [--report out.html|.pdf|.xlsx] [--json]   成果质检（阻断错误时退出码 1）
  onemap qc --layer CODE [--version N] [--summary 汇总表.xlsx|.csv] [--report out.html|.pdf|.xlsx] [--json]          质检库中图层
  onemap qc <package> [--layer CODE] [--skip-unknown] [--report out.html|.pdf|.xlsx] [--json]          质检数据包中每个能对应的图层
  onemap export --layer CODE --format geojson|shp|txt <out> [--version N] [--as-of DATE] [--encoding UTF-8|GBK] [--fid ID,...]
  onemap versions CODE [--json]
  onemap diff CODE V1 V2 [--json]
  onemap review <file> [--type urban-construction|major-infrastructure|rural|land-consolidation|ecological-restoration|plan]
                [--far F] [--height H] [--density D%] [--green G%] [--ground E] [--name N] [--srid N] [--from gcj02|bd09] [--json] [--geometry]
  onemap consistency LAYER_A LAYER_B [--json]   e.g. YJJBNT CZKFBJ
  onemap access network|coverage|runs|run|what-if|uncovered …   15分钟生活圈 (onemap access: details)
  onemap user add|list|passwd|set|token|tokens|revoke …          用户与 API 令牌 (onemap user: details)
  onemap lifecycle nightly|timeline|ledgers|demo …               土地全生命周期 (onemap lifecycle: details)
  onemap farmland accounts|change|taohe|ledger|cases|projects|demo …  耕地保护 (onemap farmland: details)
  onemap indicators compute|list|targets|alerts|report …         指标监测预警与体检评估 (onemap indicators: details)
  onemap backup <file> [--json]                                     备份整个数据库（内置数据目录或 PostgreSQL）
  onemap restore <file> [--json]                                    从备份恢复到一个空数据库
  onemap migrate                                                   迁移数据库；设 ONEMAP_MIGRATE_URL 时以其角色迁移并分离审计角色
  onemap datum-params add|list …                                  西安80/北京54 转换参数集 (onemap datum-params: details)
  onemap audit verify [--json]                                     核验审计日志哈希链（被改、被删的第一条）
  onemap warnings [board] [--district D] [--kind K] [--json]     全生命周期预警 (+1/+4/+5, 闲置土地)

Database: DATABASE_URL=postgres://… (PostgreSQL ≥ 15 + PostGIS ≥ 3.3), otherwise embedded in ONEMAP_DATA_DIR (default ./data).`;

function parseDate(a: Args, name: string): Date | undefined {
  const v = str(a, name);
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} must be a date like 2025-06-30, got "${v}"`);
  return d;
}

async function cmdLayers(config: Config, a: Args) {
  await withDb(config, async (db) => {
    const layers = (await layerSummaries(db)).map((l) => ({
      code: l.code,
      name: l.name_zh,
      class: l.class,
      version: l.active_version,
      featureCount: l.feature_count,
      public: l.public,
    }));
    if (a.flags.json) return print(layers);
    for (const l of layers) {
      console.log(
        `${l.code.padEnd(10)} ${l.class}  v${String(l.version ?? '-').padEnd(3)} ${String(l.featureCount).padStart(9)}  ${l.public ? '公开' : '内部'}  ${l.name}`,
      );
    }
  });
}

async function cmdImport(config: Config, a: Args) {
  const path = a._[1];
  const layer = str(a, 'layer');
  if (!path)
    throw new UsageError(
      'usage: onemap import <path> --layer CODE [--source-layer NAME] [--id-field F] [--encoding E] [--srid N] [--from gcj02|bd09] [--make-valid] [--json]   or   onemap import <package> [--skip-unknown]',
    );
  // gdal3.js is loaded only if the file is one of the formats read through it (decision 0014).
  const gdal = new GdalLoader();
  // Without --layer the path is a 汇交 package: its layers say by their names where they go.
  if (!layer) return cmdImportPackage(config, a, path, gdal, parseDate(a, 'as-of')?.toISOString());
  const bar = progressBar();
  await withDb(config, async (db) => {
    const r = await importFile(db, config, path, {
      gdal,
      layer,
      encoding: str(a, 'encoding'),
      srid: int(a, 'srid'),
      from: parseWebMapDatum(str(a, 'from'), '--from'),
      datum: { spec: str(a, 'datum-params'), coordinateFrame: !!a.flags['coordinate-frame'], via: '命令行 --datum-params' },
      makeValid: !!a.flags['make-valid'],
      skipEmpty: !!a.flags['skip-empty'],
      sourceLayer: str(a, 'source-layer'),
      idField: str(a, 'id-field'),
      allowOutside: !!a.flags['allow-outside'],
      validFrom: parseDate(a, 'as-of')?.toISOString(),
      dryRun: !!a.flags['dry-run'],
      // 质检 before 入库: a blocking error writes nothing (decision 0013); --no-qc skips it.
      qc: !a.flags['no-qc'],
      user: process.env.USER ?? 'cli',
      onProgress: (p) =>
        bar.update(
          p.bytes,
          p.totalBytes,
          `${p.phase === 'read' ? '读取' : p.phase === 'check' ? '检查' : '写入'} ${p.features.toLocaleString('zh-CN')} 个要素`,
        ),
    });
    bar.done();
    if (a.flags.json) return print(r);
    if (r.unchanged) console.log(`${a.flags['dry-run'] ? '检查通过（未写入）: ' : ''}${r.layer}: ${r.message}, ${r.featureCount} 个要素`);
    else
      console.log(
        `${a.flags['dry-run'] ? '检查通过（未写入）' : '导入完成'}: ${r.layer} v${r.version}, ${r.featureCount} 个要素 (+${r.added} −${r.removed} ~${r.changed})`,
      );
    console.log(`  匹配: ${r.matchedBy.note}`);
    console.log(`  坐标系: EPSG:${r.sourceSrid} (${r.sridSource}) → EPSG:4490`);
    console.log(`  椭球面积: ${formatArea(r.areaM2.ellipsoidal)}`);
    console.log(`  投影面积: ${formatArea(r.areaM2.planar)}`);
    for (const p of r.invalid) console.log(`  已修复: ${p.fid} ${p.location ?? ''} ${p.reason}`);
    for (const p of r.skipped) console.log(`  已跳过（无几何）: ${p.fid} ${p.location ?? ''}`);
    for (const w of r.warnings) console.log(`  提示: ${w}`);
    for (const d of r.declaredAreas ?? []) {
      console.log(
        `  地块 ${d.fid}: 申报 ${d.declaredM2 === null ? '—' : d.declaredM2.toFixed(2)} m², 计算 ${d.computedPlanarM2.toFixed(2)} m², 差 ${d.differenceM2?.toFixed(2) ?? '—'} m²`,
      );
    }
  });
}

async function cmdExport(config: Config, a: Args) {
  const layer = str(a, 'layer');
  const format = str(a, 'format') as ExportFormat | undefined;
  const out = a._[1];
  if (!layer || !format || !out) throw new UsageError('usage: onemap export --layer CODE --format geojson|shp|txt <out>');
  if (!['geojson', 'shp', 'txt'].includes(format)) throw new UsageError(`--format must be geojson, shp or txt, got "${format}"`);
  const enc = str(a, 'encoding')?.toUpperCase().replace('UTF8', 'UTF-8');
  if (enc && enc !== 'UTF-8' && enc !== 'GBK') throw new UsageError('--encoding must be UTF-8 or GBK');
  await withDb(config, async (db) => {
    const r = await exportLayer(db, layer, format, out, {
      version: int(a, 'version'),
      asOf: parseDate(a, 'as-of'),
      encoding: enc as 'UTF-8' | 'GBK' | undefined,
      fids: str(a, 'fid')?.split(','),
    });
    if (a.flags.json) return print(r);
    console.log(`导出 ${r.featureCount} 个要素: ${r.files.join(', ')}`);
    for (const w of r.warnings ?? []) console.log(`  提示: ${w}`);
  });
}

async function cmdVersions(config: Config, a: Args) {
  const code = a._[1];
  if (!code) throw new UsageError('usage: onemap versions CODE');
  await withDb(config, async (db) => {
    const v = await listVersions(db, code);
    if (a.flags.json) return print(v);
    for (const x of v) {
      console.log(
        `v${x.version}${x.active ? '*' : ' '} ${x.validFrom.slice(0, 19)}  ${String(x.featureCount).padStart(8)} 个要素  ${x.areaM2.ellipsoidal !== null ? m2ToMu(x.areaM2.ellipsoidal).toFixed(2) + ' 亩' : ''}  +${x.added} −${x.removed} ~${x.changed}  ${x.source ?? ''}${x.sridSource ? `  坐标: ${x.sridSource}` : ''}`,
      );
    }
  });
}

async function cmdDiff(config: Config, a: Args) {
  const [, code, v1, v2] = a._;
  if (!code || !v1 || !v2) throw new UsageError('usage: onemap diff CODE V1 V2 [--json]');
  await withDb(config, async (db) => {
    const d = await diffVersions(db, code, Number(v1), Number(v2));
    if (a.flags.json) return print(d);
    console.log(
      `${d.layer} v${d.from} → v${d.to}: 新增 ${d.summary.added}, 删除 ${d.summary.removed}, 变更 ${d.summary.changed}; 面积变化 ${formatArea(d.summary.areaChangeM2)}`,
    );
    for (const c of d.changed) {
      const attrs = (c.attributeChanges ?? []).map((x) => `${x.name}: ${JSON.stringify(x.before)} → ${JSON.stringify(x.after)}`);
      console.log(
        `  ~ ${c.fid}: ${[...(c.geometryChanged ? [`图形变化，面积 ${c.areaChangeM2 >= 0 ? '+' : ''}${formatArea(c.areaChangeM2)}`] : []), ...attrs].join('；') || '无差异'}`,
      );
    }
  });
}

async function cmdDemo(config: Config, a: Args) {
  const scale = (str(a, 'scale') ?? 'demo') as 'small' | 'demo' | 'large';
  if (!['small', 'demo', 'large'].includes(scale)) throw new UsageError('--scale must be small, demo or large');
  const { generateDemo } = await import('../demo/index.ts');
  const bar = progressBar();
  await withDb(config, async (db) => {
    const r = await generateDemo(db, config, {
      scale,
      seed: int(a, 'seed'),
      onProgress: (msg, done, total) => bar.update(done, total, msg),
    });
    bar.done();
    if (a.flags.json) return print(r);
    console.log(
      `演示城市已生成 (${scale}): ${r.layers.length} 个图层, ${r.layers.reduce((s, l) => s + l.featureCount, 0).toLocaleString('zh-CN')} 个要素, ${r.seconds.toFixed(1)} s`,
    );
  });
}

async function serve(config: Config, a: Args, withDemo: boolean) {
  const t0 = Date.now();
  const db = await openDb(config.db);
  await ensureDefaultCatalogue(db);
  if (withDemo && !a.flags['no-demo']) {
    const layers = await layerSummaries(db);
    if (!layers.some((l) => l.feature_count > 0)) {
      console.log('首次启动：正在生成演示城市（demo 规模）…');
      const { generateDemo } = await import('../demo/index.ts');
      const bar = progressBar();
      const r = await generateDemo(db, config, { scale: 'demo', onProgress: (msg, done, total) => bar.update(done, total, msg) });
      bar.done(`演示城市已生成: ${r.layers.length} 个图层, ${r.seconds.toFixed(1)} s`);
      const { ensureDemoAccounts, DEMO_ACCOUNTS } = await import('../demo/accounts.ts');
      const pw = await ensureDemoAccounts(db, config.districts);
      if (pw) {
        const lines = DEMO_ACCOUNTS.map((u) => `  ${u.username.padEnd(10)} ${u.displayName}`).join('\n');
        const note = `演示账号 (demo accounts), 密码 (password): ${pw}\n${lines}\n`;
        if (config.db.dataDir && db.kind === 'pglite') writeFileSync(join(config.db.dataDir, 'demo-accounts.txt'), note, { mode: 0o600 });
        console.log(note + (db.kind === 'pglite' ? `(已保存在 ${join(config.db.dataDir!, 'demo-accounts.txt')})` : ''));
      }
    }
  }
  const { buildApp } = await import('../server/app.ts');
  const { loggerOptions } = await import('../server/logging.ts');
  const app = await buildApp({ db, config, logger: loggerOptions() });
  const port = int(a, 'port') ?? config.port;
  await app.listen({ port, host: config.host });
  const { listUsers } = await import('../auth/users.service.ts');
  if ((await listUsers(db)).length === 0)
    console.log('提示：还没有用户。公众可浏览公开图层；添加管理员: onemap user add admin --role admin');
  console.log(
    `onemap 已启动: http://localhost:${port}  (${db.kind === 'pglite' ? `内置数据库 ${config.db.dataDir}` : 'PostgreSQL'}, 用时 ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  const stop = async () => {
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export async function main(argv: string[]): Promise<number> {
  let a: Args;
  try {
    a = parseArgs(argv, BOOLEANS);
  } catch (e) {
    return fail(e, false);
  }
  const config = configFromEnv();
  const cmd = a._[0];
  try {
    switch (cmd) {
      case 'start':
        await serve(config, a, true);
        return 0;
      case 'serve':
        await serve(config, a, false);
        return 0;
      case 'demo':
        await cmdDemo(config, a);
        return 0;
      case 'layers':
        await cmdLayers(config, a);
        return 0;
      case 'import':
        await cmdImport(config, a);
        return 0;
      case 'qc':
        return await cmdQc(config, a);
      case 'export':
        await cmdExport(config, a);
        return 0;
      case 'versions':
        await cmdVersions(config, a);
        return 0;
      case 'diff':
        await cmdDiff(config, a);
        return 0;
      case 'review':
        await cmdReview(config, a);
        return 0;
      case 'consistency':
        await cmdConsistency(config, a);
        return 0;
      case 'access':
        await cmdAccess(config, a);
        return 0;
      case 'user':
        await cmdUser(config, a);
        return 0;
      case 'lifecycle':
        await cmdLifecycle(config, a);
        return 0;
      case 'farmland':
        await cmdFarmland(config, a);
        return 0;
      case 'indicators':
        await cmdIndicators(config, a);
        return 0;
      case 'backup':
        await cmdBackup(config, a);
        return 0;
      case 'restore':
        await cmdRestore(config, a);
        return 0;
      case 'audit':
        return await cmdAudit(config, a);
      case 'datum-params':
        await cmdDatumParams(config, a);
        return 0;
      case 'migrate': {
        // openDb migrates (through ONEMAP_MIGRATE_URL when set) and separates the roles.
        const db = await openDb(config.db);
        await db.close();
        console.log('数据库已迁移到最新 (migrations applied)');
        return 0;
      }
      case 'warnings':
        await cmdWarnings(config, a);
        return 0;
      case undefined:
      case 'help':
        console.log(USAGE);
        return cmd ? 0 : 2;
      default:
        console.error(`unknown command "${cmd}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    return fail(e, !!a.flags.json);
  }
}

/**
 * A command that failed: the exit status and the lines of cli/errors.ts, after the one error that
 * gets more than a line — a rejected import lists its first problems (the database is unchanged).
 */
function fail(e: unknown, json: boolean): number {
  const f = cliFailure(e);
  if (e instanceof ImportRejected) {
    if (json) print({ error: e.message, code: e.code, file: e.file, total: e.total, problems: e.problems });
    else {
      console.error(`导入被拒绝（数据库未作任何修改）: ${e.message}`);
      for (const p of e.problems.slice(0, 20)) console.error(`  - 要素 ${p.fid}${p.location ? ` (${p.location})` : ''}: ${p.reason}`);
      if (e.total > 20) console.error(`  … 共 ${e.total} 个问题`);
    }
    return f.exitCode;
  }
  if (e instanceof QcRejected && !json) {
    console.error(`${f.lines[0]}`);
    for (const x of e.report.errors.filter((x) => x.severity === 'blocking').slice(0, 20)) console.error(`  - ${x.rule}: ${x.message}`);
    return f.exitCode;
  }
  if (json && f.exitCode !== 2) print(f.json);
  else for (const line of f.lines) console.error(line);
  if (process.env.ONEMAP_DEBUG) console.error(e);
  return f.exitCode;
}
