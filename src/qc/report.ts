// The quality-check report as one self-contained HTML page (onemap qc --report out.html): what was
// checked and against which standards (cited by title), counts by rule, by layer and by district,
// then every listed error with its location. Every text from the data goes through esc().
import { basename } from 'node:path';
import type { QcError, QcReport } from './types.ts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);

const SEVERITY_ZH = { blocking: '阻断入库', warning: '提示' } as const;

function table(head: string[], rows: unknown[][]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr || `<tr><td colspan="${head.length}">无</td></tr>`}\n</tbody></table>`;
}

function countBy(errors: QcError[], key: (e: QcError) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const e of errors) m.set(key(e), (m.get(key(e)) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

const where = (e: QcError) => (e.location ? `${e.location[0].toFixed(6)}°E ${e.location[1].toFixed(6)}°N` : '—');

export function qcReportHtml(r: QcReport): string {
  // The file by its name only: an upload's temporary folder says nothing to the reader.
  const source = r.source.kind === 'file' ? `文件 ${basename(r.source.path ?? '')}` : `库中图层第 ${r.source.version} 版`;
  const verdict = r.passed ? '通过（无阻断入库的错误）' : `不通过：${r.counts.bySeverity.blocking} 个阻断入库的错误`;
  const listedAll = r.rules.every((x) => x.listed === x.errors);
  const byRule = r.rules.map((x) => [x.id, x.title, SEVERITY_ZH[x.severity], x.basis ?? '—', x.errors]);
  const byLayer = [[`${r.layer} ${r.layerName}`, r.featureCount, r.counts.bySeverity.blocking, r.counts.bySeverity.warning]];
  const byDistrict = countBy(r.errors, (e) => (e.district ? `${e.district.code} ${e.district.name}` : '（不在任何行政区内）'));
  const errors = r.errors.map((e) => [
    e.layer,
    e.fid ?? '—',
    e.rule,
    SEVERITY_ZH[e.severity],
    e.message,
    e.value ?? '—',
    where(e),
    e.district?.name ?? '—',
  ]);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(`质检报告 ${r.layer} ${r.layerName}`)}</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em}th,td{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eef}.fail{color:#b00}.pass{color:#070}
</style></head><body>
<h1>${esc(`成果质检报告：${r.layerName}（${r.layer}）`)}</h1>
<p>检查对象：${esc(source)}，${esc(r.featureCount)} 个要素；规则集：${esc(r.ruleset.title)}（${esc(r.ruleset.name)}）；检查时间：${esc(r.checkedAt)}</p>
<p>结论：<strong class="${r.passed ? 'pass' : 'fail'}">${esc(verdict)}</strong>；提示 ${esc(r.counts.bySeverity.warning)} 条。</p>
<p>依据标准：${r.ruleset.standards.map(esc).join('；')}</p>
<h2>按规则统计</h2>
${table(['规则', '检查内容', '严重程度', '依据', '错误数'], byRule)}
${
  r.skipped.length
    ? `<h2>未执行的规则</h2>\n${table(
        ['规则', '检查内容', '原因'],
        r.skipped.map((s) => [s.rule, s.title, s.reason]),
      )}`
    : ''
}
<h2>按图层统计</h2>
${table(['图层', '要素数', '阻断入库', '提示'], byLayer)}
<h2>按行政区统计${listedAll ? '' : '（列出的错误）'}</h2>
${table(['行政区', '错误数'], byDistrict)}
<h2>错误清单${listedAll ? '' : '（每条规则至多列出前 1000 条，统计为全部）'}</h2>
${table(['图层', '要素编号', '规则', '严重程度', '说明', '量测值', '位置（CGCS2000 经纬度）', '行政区'], errors)}
</body></html>
`;
}
