// `onemap qc` — 成果质检. The --json shape is a contract other tools read:
// {passed, layer, featureCount, counts: {byRule, bySeverity}, errors: [{layer, fid, rule, severity,
// message, value}], skipped}. Exit status 1 when a blocking error exists, so scripts can gate 入库 on it.
// --summary 汇总表.xlsx|.csv gives 图数一致 its table; --report out.html|out.pdf|out.xlsx picks the form
// by the extension.
import { writeFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import { qcFile, qcLayer } from '../qc/qc.service.ts';
import { qcReportFormat, renderQcReport } from '../qc/report-file.ts';
import { readSummaryTable } from '../qc/summary-table.ts';
import { errorLine } from '../qc/staged.ts';
import { int, str, UsageError, type Args } from './args.ts';
import { print, withDb } from './db.ts';
import { GdalLoader } from '../importers/gdal/loader.ts';
import { isPackage } from '../importers/package/scan.ts';
import { cmdQcPackage } from './package.ts';

const SEVERITY_ZH = { blocking: '阻断', warning: '提示' } as const;

export async function cmdQc(config: Config, a: Args): Promise<number> {
  const file = a._[1];
  const layer = str(a, 'layer');
  if (!file && !layer)
    throw new UsageError(
      'usage: onemap qc <file> [--layer CODE] [--summary 汇总表.xlsx|.csv] [--rule ID,…] [--report out.html|.pdf|.xlsx] [--json]   or   onemap qc --layer CODE [--version N] [--summary …]',
    );
  const only = str(a, 'rule')?.split(',');
  // Both refused before the database is opened: a wrong name costs nothing.
  const out = str(a, 'report');
  const format = out ? qcReportFormat(out) : null;
  const summaryPath = str(a, 'summary');
  const summary = summaryPath ? await readSummaryTable(summaryPath) : null;
  // A package (several layers: a zip, a folder, a FileGDB) is checked layer by layer, unless one
  // layer of it is named with --source-layer.
  if (file && !str(a, 'source-layer')) {
    const gdal = new GdalLoader();
    if (await isPackage(file, gdal))
      return cmdQcPackage(config, a, file, gdal, { summary, report: out && format ? { out, format } : null });
  }
  const r = await withDb(config, (db) =>
    file
      ? qcFile(db, config, file, {
          layer,
          encoding: str(a, 'encoding'),
          sourceLayer: str(a, 'source-layer'),
          srid: int(a, 'srid'),
          allowOutside: !!a.flags['allow-outside'],
          only,
          summary,
        })
      : qcLayer(db, config, layer!, { version: int(a, 'version'), only, summary }),
  );
  if (out && format) writeFileSync(out, await renderQcReport(format, r));
  if (a.flags.json) {
    print({
      passed: r.passed,
      layer: r.layer,
      featureCount: r.featureCount,
      counts: r.counts,
      errors: r.errors.map(errorLine),
      skipped: r.skipped,
    });
  } else {
    const what = r.source.kind === 'file' ? `文件 ${r.source.path}` : `图层 ${r.layer} 第 ${r.source.version} 版`;
    console.log(
      `质检${r.passed ? '通过' : '不通过'}: ${what}（${r.layerName}，${r.featureCount} 个要素）阻断 ${r.counts.bySeverity.blocking} 处，提示 ${r.counts.bySeverity.warning} 处`,
    );
    for (const x of r.rules) console.log(`  ${x.errors === 0 ? '✓' : '✗'} ${x.id} ${x.title}（${SEVERITY_ZH[x.severity]}）: ${x.errors}`);
    for (const s of r.skipped) console.log(`  未执行 ${s.rule}: ${s.reason}`);
    for (const e of r.errors.slice(0, 20)) console.log(`  - [${SEVERITY_ZH[e.severity]}] ${e.rule}: ${e.message}`);
    if (r.errors.length > 20) console.log(`  … 共 ${r.counts.bySeverity.blocking + r.counts.bySeverity.warning} 处`);
    if (out) console.log(`  报告: ${out}`);
  }
  return r.passed ? 0 : 1;
}
