// The quality-check report as one self-contained HTML page (onemap qc --report out.html): what was
// checked and against which standards (cited by title), counts by rule, by layer and by district,
// then every listed error with its location. The content is report-content.ts, shared with the PDF
// and the workbook; every text goes through esc() here.
import { qcReportContent } from './report-content.ts';
import type { QcReport } from './types.ts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);

function table(head: string[], rows: unknown[][]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr || `<tr><td colspan="${head.length}">无</td></tr>`}\n</tbody></table>`;
}

/** One layer's report, or a package's several layers in one document. */
export function qcReportHtml(input: QcReport | QcReport[]): string {
  const c = qcReportContent(input);
  const several = c.byLayer.length > 1;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(c.title)}</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em}th,td{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eef}.fail{color:#b00}.pass{color:#070}
</style></head><body>
<h1>${esc(c.title)}</h1>
${c.checked.map((l) => `<p>检查对象：${esc(l)}</p>`).join('\n')}
<p>结论：<strong class="${c.passed ? 'pass' : 'fail'}">${esc(c.verdict)}</strong>；提示 ${esc(c.counts.warning)} 条${c.counts.skipped ? `；${esc(c.counts.skipped)} 条规则未执行` : ''}。</p>
<p>依据标准：${c.standards.map(esc).join('；')}</p>
<h2>按规则统计</h2>
${table(
  [...(several ? ['图层'] : []), '规则', '检查内容', '严重程度', '依据', '结果'],
  c.byRule.map((x) => [...(several ? [x.layer] : []), x.rule, x.title, x.severity, x.basis, x.result]),
)}
${
  c.skipped.length
    ? `<h2>未执行的规则</h2>\n${table(
        ['图层', '规则', '检查内容', '原因'],
        c.skipped.map((s) => [s.layer, s.rule, s.title, s.reason]),
      )}`
    : ''
}
<h2>按图层统计</h2>
${table(
  ['图层', '检查对象', '要素数', '阻断入库', '提示', '结论'],
  c.byLayer.map((l) => [`${l.layer} ${l.name}`, l.source, l.features, l.blocking, l.warning, l.verdict]),
)}
<h2>按行政区统计${c.listedAll ? '' : '（列出的错误）'}</h2>
${table(
  ['行政区', '阻断入库', '提示', '错误数'],
  c.byDistrict.map((d) => [d.district, d.blocking, d.warning, d.blocking + d.warning]),
)}
<h2>错误清单${c.listedAll ? '' : '（每条规则至多列出前 1000 条，统计为全部）'}</h2>
${table(
  ['图层', '要素编号', '规则', '严重程度', '说明', '量测值', '位置（CGCS2000 经纬度）', '行政区'],
  c.errors.map((e) => [e.layer, e.fid, e.rule, e.severity, e.message, e.value, e.location, e.district]),
)}
</body></html>
`;
}
