// The quality check inside an import: the staged file is checked by its layer's rules before
// anything is written, and a blocking error rolls the whole import back (decision 0013). Kept apart
// from qc.service.ts, which reads files through the import pipeline, so the two never import each
// other.
import type { Queryable } from '../db/index.ts';
import type { Config } from '../config.ts';
import { Invalid } from '../errors.ts';
import { subjectFromStage } from './qc.repository.ts';
import { blockingSummary, defaultQcSetup, hasQcRules, runRules } from './engine.ts';
import type { QcError, QcReport } from './types.ts';
import type { SummaryTable } from './summary-table.ts';

/** What a refusal lists per error: the CLI's --json error shape, without the geometry. */
export const errorLine = (e: QcError) => ({
  layer: e.layer,
  fid: e.fid,
  rule: e.rule,
  severity: e.severity,
  message: e.message,
  value: e.value,
});

/** The file has blocking quality-check errors: nothing was written. Code `qc_rejected`. */
export class QcRejected extends Invalid {
  constructor(
    readonly file: string,
    readonly report: QcReport,
  ) {
    super(
      `文件 ${file} 未通过图层 ${report.layer} 的质检，有 ${report.counts.bySeverity.blocking} 个阻断入库的错误：${blockingSummary(report)} (quality check failed: ${report.counts.bySeverity.blocking} blocking errors)`,
      { code: 'qc_rejected', problems: report.errors.filter((e) => e.severity === 'blocking').map(errorLine) },
    );
  }
}

const WARNINGS_LISTED = 20;

/**
 * Checks the staged features (onemap_stage in `srid`, repaired as the import will when
 * `makeValid`) against layer `layer`'s rules; throws QcRejected on a blocking error. Returns the
 * warnings to show with the import: warning-severity errors and rules that could not run.
 * A layer without rules in the rule set is not checked. `summary`: the package's summary table of
 * this layer, for 图数一致 (a package import passes it; a single file has none and that rule is skipped).
 */
export async function checkStaged(
  tx: Queryable,
  config: Config,
  layer: { code: string; name_zh: string },
  srid: number,
  makeValid: boolean,
  path: string,
  summary?: SummaryTable | null,
): Promise<string[]> {
  const setup = defaultQcSetup();
  if (!hasQcRules(setup, layer.code)) return [];
  const featureCount = await subjectFromStage(tx, srid, makeValid);
  const report = await runRules(tx, config, setup, {
    layer: layer.code,
    layerName: layer.name_zh,
    source: { kind: 'file', path },
    featureCount,
    summary,
  });
  if (!report.passed) throw new QcRejected(path, report);
  const lines = report.errors.slice(0, WARNINGS_LISTED).map((e) => `质检提示（${e.rule}）：${e.message}`);
  if (report.counts.bySeverity.warning > WARNINGS_LISTED)
    lines.push(`质检提示共 ${report.counts.bySeverity.warning} 条，仅列出前 ${WARNINGS_LISTED} 条`);
  return [...lines, ...report.skipped.map((s) => `质检未执行（${s.rule} ${s.title}）：${s.reason}`)];
}
