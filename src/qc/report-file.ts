// The quality-check report in the form a name asks for: .html, .pdf or .xlsx (onemap qc --report,
// and the 数据管理 pages' downloads by format).
import { extname } from 'node:path';
import { Invalid } from '../errors.ts';
import { qcReportHtml } from './report.ts';
import { qcReportPdf } from './report-pdf.ts';
import { qcReportXlsx } from './report-xlsx.ts';
import type { QcReport } from './types.ts';

export type QcReportFormat = 'html' | 'pdf' | 'xlsx';

export const QC_REPORT_TYPES: Record<QcReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The format a file name asks for; refused for any other extension. */
export function qcReportFormat(name: string): QcReportFormat {
  const ext = extname(name).toLowerCase().slice(1);
  if (ext === 'html' || ext === 'htm') return 'html';
  if (ext === 'pdf' || ext === 'xlsx') return ext;
  throw new Invalid(`质检报告只能写成 .html、.pdf 或 .xlsx 文件，而不是“${extname(name) || name}” (report must be .html, .pdf or .xlsx)`, {
    code: 'qc_report_format',
  });
}

/** One layer's report or a package's several, as the bytes of `format`. */
export async function renderQcReport(format: QcReportFormat, reports: QcReport | QcReport[]): Promise<Buffer> {
  if (format === 'pdf') return qcReportPdf(reports);
  if (format === 'xlsx') return qcReportXlsx(reports);
  return Buffer.from(qcReportHtml(reports), 'utf8');
}
