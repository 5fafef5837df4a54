// `onemap import <package>` and `onemap qc <package>`: a 成果汇交 package (a zip or folder of
// layers, or a FileGDB of several) in one go. The --json shapes: the import prints the package
// result (importers/package/package.schemas.ts); qc prints {package, passed, layers: [the
// single-file qc object with file and sourceLayer], unchecked}.
import { writeFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import { renderQcReport, type QcReportFormat } from '../qc/report-file.ts';
import type { SummaryTable } from '../qc/summary-table.ts';
import { importPackage } from '../importers/package/package.ts';
import type { GdalLoader } from '../importers/gdal/loader.ts';
import { parseWebMapDatum } from '../importers/webmap.ts';
import { qcPackage } from '../qc/package.ts';
import { errorLine } from '../qc/staged.ts';
import { formatArea } from '../area/units.ts';
import { int, str, type Args } from './args.ts';
import { print, withDb } from './db.ts';

export async function cmdImportPackage(config: Config, a: Args, path: string, gdal: GdalLoader, validFrom?: string): Promise<void> {
  const dryRun = !!a.flags['dry-run'];
  await withDb(config, async (db) => {
    const r = await importPackage(db, config, path, {
      gdal,
      skipUnknown: !!a.flags['skip-unknown'],
      encoding: str(a, 'encoding'),
      srid: int(a, 'srid'),
      from: parseWebMapDatum(str(a, 'from'), '--from'),
      datum: { spec: str(a, 'datum-params'), coordinateFrame: !!a.flags['coordinate-frame'], via: '命令行 --datum-params' },
      makeValid: !!a.flags['make-valid'],
      skipEmpty: !!a.flags['skip-empty'],
      idField: str(a, 'id-field'),
      allowOutside: !!a.flags['allow-outside'],
      validFrom,
      dryRun,
      qc: !a.flags['no-qc'],
      user: process.env.USER ?? 'cli',
    });
    if (a.flags.json) return print(r);
    console.log(r.message);
    for (const l of r.layers) {
      const x = l.result;
      const state = x.unchanged
        ? `与现行第 ${x.version} 版一致，未生成新版本`
        : `第 ${x.version} 版 (+${x.added} −${x.removed} ~${x.changed})`;
      console.log(
        `  ${l.code} ${l.name} ← ${l.file} 图层「${l.sourceLayer}」: ${state}，${x.featureCount} 个要素，椭球面积 ${formatArea(x.areaM2.ellipsoidal)}`,
      );
      for (const w of x.warnings) console.log(`    提示: ${w}`);
    }
    for (const s of r.skipped)
      console.log(
        `  未导入: ${s.file} 图层「${s.sourceLayer}」${s.featureCount === null ? '' : `（${s.featureCount} 个要素）`}: ${s.reason}`,
      );
  });
}

export async function cmdQcPackage(
  config: Config,
  a: Args,
  path: string,
  gdal: GdalLoader,
  extra: { summary: SummaryTable | null; report: { out: string; format: QcReportFormat } | null },
): Promise<number> {
  const layer = str(a, 'layer');
  const r = await withDb(config, (db) =>
    qcPackage(db, config, path, {
      gdal,
      only: layer ? [layer] : undefined,
      skipUnknown: !!a.flags['skip-unknown'],
      encoding: str(a, 'encoding'),
      srid: int(a, 'srid'),
      allowOutside: !!a.flags['allow-outside'],
      summary: extra.summary,
    }),
  );
  // One report for the package: 按图层统计 gets one row per checked layer.
  if (extra.report)
    writeFileSync(
      extra.report.out,
      await renderQcReport(
        extra.report.format,
        r.layers.map((l) => l.report),
      ),
    );
  if (a.flags.json) {
    print({
      package: r.package,
      passed: r.passed,
      layers: r.layers.map(({ file, sourceLayer, report: x }) => ({
        file,
        sourceLayer,
        passed: x.passed,
        layer: x.layer,
        featureCount: x.featureCount,
        counts: x.counts,
        errors: x.errors.map(errorLine),
        skipped: x.skipped,
      })),
      unchecked: r.unchecked,
    });
  } else {
    console.log(`质检${r.passed ? '通过' : '不通过'}: 数据包 ${r.package}（${r.layers.length} 个图层）`);
    for (const { file, sourceLayer, report: x } of r.layers) {
      console.log(
        `  ${x.passed ? '✓' : '✗'} ${x.layer} ${x.layerName} ← ${file} 图层「${sourceLayer}」（${x.featureCount} 个要素）阻断 ${x.counts.bySeverity.blocking} 处，提示 ${x.counts.bySeverity.warning} 处`,
      );
      for (const e of x.errors.slice(0, 10)) console.log(`    - ${e.rule}: ${e.message}`);
      for (const s of x.skipped) console.log(`    未执行 ${s.rule}: ${s.reason}`);
    }
    for (const u of r.unchecked) console.log(`  未检查: ${u.file} 图层「${u.sourceLayer}」: ${u.reason}`);
  }
  return r.passed ? 0 : 1;
}
