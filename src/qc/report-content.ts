// What a quality-check report says, once, for its three forms (report.ts HTML, report-pdf.ts,
// report-xlsx.ts): what was checked, the standards by title, the verdict, counts by rule, by layer
// and by district, then every listed error. One report or several (a package checks several
// layers). Text from the data is cleaned of control characters here (they are not allowed in the
// XML of a workbook and print as boxes in a PDF); each form escapes what its own syntax needs.
import { basename } from 'node:path';
import type { QcReport, Severity } from './types.ts';

export const SEVERITY_ZH: Record<Severity, string> = { blocking: '阻断入库', warning: '提示' };

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g;
/** Data text as it may appear in any of the documents. */
export const clean = (s: unknown): string => String(s ?? '').replace(CONTROL, '�');

export interface ContentError {
  layer: string;
  fid: string;
  rule: string;
  severity: string;
  message: string;
  /** A number stays a number (the workbook keeps it as one). */
  value: number | string;
  location: string;
  lon: number | null;
  lat: number | null;
  district: string;
}

export interface QcReportContent {
  title: string;
  passed: boolean;
  verdict: string;
  /** Lines saying what was checked: per layer its source and feature count, the rule set, the time. */
  checked: string[];
  standards: string[];
  byRule: { layer: string; rule: string; title: string; severity: string; basis: string; errors: number | null; result: string }[];
  skipped: { layer: string; rule: string; title: string; reason: string }[];
  byLayer: { layer: string; name: string; source: string; features: number; blocking: number; warning: number; verdict: string }[];
  byDistrict: { district: string; blocking: number; warning: number }[];
  errors: ContentError[];
  /** False when a rule found more errors than it listed (1,000 per rule); the lists say so. */
  listedAll: boolean;
  counts: { blocking: number; warning: number; skipped: number };
}

const sourceText = (r: QcReport) =>
  // The file by its name only: an upload's temporary folder says nothing to the reader.
  r.source.kind === 'file' ? `文件 ${clean(basename(r.source.path ?? ''))}` : `库中图层第 ${r.source.version} 版`;

const where = (loc: [number, number] | null) => (loc ? `${loc[0].toFixed(6)}°E ${loc[1].toFixed(6)}°N` : '—');
const NO_DISTRICT = '（不在任何行政区内）';

export function qcReportContent(input: QcReport | QcReport[]): QcReportContent {
  const reports = Array.isArray(input) ? input : [input];
  if (!reports.length) throw new Error('a quality-check report needs at least one layer checked');
  const one = reports.length === 1 ? reports[0] : null;
  const blocking = reports.reduce((s, r) => s + r.counts.bySeverity.blocking, 0);
  const warning = reports.reduce((s, r) => s + r.counts.bySeverity.warning, 0);
  const skipped = reports.flatMap((r) => r.skipped.map((s) => ({ layer: r.layer, rule: s.rule, title: s.title, reason: clean(s.reason) })));
  const passed = reports.every((r) => r.passed);
  const skippedIds = new Set(skipped.map((s) => `${s.layer} ${s.rule}`));
  const standards = [...new Set(reports.flatMap((r) => r.ruleset.standards))];
  const checked = reports.map(
    (r) =>
      `${clean(r.layerName)}（${r.layer}）：${sourceText(r)}，${r.featureCount} 个要素${r.summaryTable ? `；汇总表 ${clean(basename(r.summaryTable.name))}（${r.summaryTable.rows} 行，单位 ${r.summaryTable.unit}）` : ''}`,
  );
  const rulesets = [...new Set(reports.map((r) => `${r.ruleset.title}（${r.ruleset.name}）`))];
  const times = reports.map((r) => r.checkedAt).sort();
  checked.push(
    `规则集：${rulesets.join('、')}；检查时间：${times[0]}${times.length > 1 && times.at(-1) !== times[0] ? ` 至 ${times.at(-1)}` : ''}`,
  );
  const errors: ContentError[] = reports.flatMap((r) =>
    r.errors.map((e) => ({
      layer: e.layer,
      fid: clean(e.fid ?? '—'),
      rule: e.rule,
      severity: SEVERITY_ZH[e.severity],
      message: clean(e.message),
      value: typeof e.value === 'number' ? e.value : e.value === null ? '—' : clean(e.value),
      location: where(e.location),
      lon: e.location?.[0] ?? null,
      lat: e.location?.[1] ?? null,
      district: e.district ? clean(`${e.district.code} ${e.district.name}`.trim()) : NO_DISTRICT,
    })),
  );
  const districts = new Map<string, { blocking: number; warning: number }>();
  for (const r of reports)
    for (const e of r.errors) {
      const k = e.district ? clean(`${e.district.code} ${e.district.name}`.trim()) : NO_DISTRICT;
      const d = districts.get(k) ?? { blocking: 0, warning: 0 };
      d[e.severity]++;
      districts.set(k, d);
    }
  return {
    title: one ? `成果质检报告：${clean(one.layerName)}（${one.layer}）` : `成果质检报告（${reports.length} 个图层）`,
    passed,
    verdict: passed ? '通过（无阻断入库的错误）' : `不通过：${blocking} 个阻断入库的错误`,
    checked,
    standards,
    byRule: reports.flatMap((r) =>
      r.rules.map((x) => {
        const notRun = skippedIds.has(`${r.layer} ${x.id}`);
        return {
          layer: r.layer,
          rule: x.id,
          title: x.title,
          severity: SEVERITY_ZH[x.severity],
          basis: x.basis ?? '—',
          errors: notRun ? null : x.errors,
          result: notRun ? '未执行' : x.errors === 0 ? '通过' : `${x.errors} 处错误`,
        };
      }),
    ),
    skipped,
    byLayer: reports.map((r) => ({
      layer: r.layer,
      name: clean(r.layerName),
      source: sourceText(r),
      features: r.featureCount,
      blocking: r.counts.bySeverity.blocking,
      warning: r.counts.bySeverity.warning,
      verdict: r.passed ? '通过' : '不通过',
    })),
    byDistrict: [...districts]
      .map(([district, c]) => ({ district, ...c }))
      .sort((a, b) => b.blocking + b.warning - (a.blocking + a.warning) || a.district.localeCompare(b.district)),
    errors,
    listedAll: reports.every((r) => r.rules.every((x) => x.listed === x.errors)),
    counts: { blocking, warning, skipped: skipped.length },
  };
}
