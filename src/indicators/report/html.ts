// The check-up report as one printable HTML page (Chinese), self-contained: styles inline, trend
// charts as SVG, no external resources (the machines are offline).
import { chartSvg, trendChart } from './chart.ts';
import { fmt, LEVEL_COLOR, LEVEL_TEXT, type ReportContent, type ReportIndicator } from './content.ts';

const esc = (s: string | number | null | undefined) =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
const badge = (level: string | null, text: string) =>
  `<span class="lv" style="background:${LEVEL_COLOR[(level ?? 'none') as keyof typeof LEVEL_COLOR]}">${esc(text)}</span>`;

function indicatorSection(i: ReportIndicator, n: number): string {
  const g = trendChart(i.trend, i.targetValue, 420, 150, i.decimals);
  const top = i.districts.filter((d) => d.value !== null);
  return `<section class="ind" id="${esc(i.code)}">
  <h3>${n}. ${esc(i.name)} <small>${esc(i.code)}</small> ${badge(i.level, i.levelText)}</h3>
  <table class="kv"><tr><th>当年值</th><td>${esc(i.valueText)}${i.cumulativeIndicator ? `；累计 ${esc(fmt(i.cumulative, i.decimals, i.unit))}` : ''}</td><th>目标</th><td>${esc(i.targetText)}</td></tr>
  <tr><th>评估</th><td colspan="3">${esc(i.reason)}</td></tr>
  <tr><th>定义</th><td colspan="3">${esc(i.definition)}</td></tr>
  <tr><th>依据</th><td colspan="3">${esc(i.basis ?? '—')}</td></tr>
  <tr><th>数据来源</th><td colspan="3">${esc(i.provenance)}</td></tr>
  <tr><th>责任部门</th><td colspan="3">${esc(i.department ?? '—')}</td></tr></table>
  <div class="row"><figure><figcaption>近五年${i.cumulativeIndicator ? '累计' : ''}趋势</figcaption>${chartSvg(g, '#1f5fa8')}</figure>
  ${
    top.length
      ? `<table class="rank"><thead><tr><th>排名</th><th>区县</th><th class="num">${i.cumulativeIndicator ? '累计值' : '数值'}</th><th>预警</th></tr></thead><tbody>
  ${i.districts.map((d) => `<tr><td class="num">${d.rank ?? '—'}</td><td>${esc(d.name)}</td><td class="num">${esc(fmt(d.value, i.decimals, i.unit))}</td><td>${d.level ? badge(d.level, LEVEL_TEXT[d.level]) : '—'}</td></tr>`).join('')}
  </tbody></table>`
      : '<p class="muted">无分区县数据</p>'
  }</div>
</section>`;
}

export function renderReportHtml(c: ReportContent): string {
  let n = 0;
  const ev = c.evaluation;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(c.title)}</title>
<style>
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1f2328;max-width:960px;margin:24px auto;padding:0 16px;font-size:14px;line-height:1.6}
h1{font-size:24px;text-align:center;margin:8px 0 4px}h2{font-size:18px;border-bottom:2px solid #1f5fa8;padding-bottom:4px;margin-top:28px}
h3{font-size:15px;margin:18px 0 6px}h3 small{color:#6b7280;font-weight:normal}
.meta{text-align:center;color:#6b7280}.lv{display:inline-block;color:#fff;border-radius:3px;padding:0 6px;font-size:12px;font-weight:normal}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d9dde3;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f0f2f5;font-weight:600;white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums}.kv th{width:72px}.row{display:flex;gap:16px;align-items:flex-start;margin-top:6px}
.row figure{margin:0}.row figcaption{font-size:12px;color:#6b7280}.rank{width:auto;min-width:300px;font-size:12px}.muted{color:#6b7280}
.counts span{margin-right:16px}.ind{break-inside:avoid}@media print{body{margin:0}}
</style></head><body>
<h1>${esc(c.title)}</h1>
<p class="meta">评估日期 ${esc(c.evaluatedOn)} · 生成日期 ${esc(c.generatedOn)} · 国土空间规划“一张图”实施监督信息系统</p>
<h2>一、总体情况</h2>
${c.summary.map((p) => `<p>${esc(p)}</p>`).join('\n')}
<p class="counts">${badge('green', `正常 ${c.counts.green}`)} ${badge('yellow', `预警 ${c.counts.yellow}`)} ${badge('red', `告警 ${c.counts.red}`)} ${badge(null, `无目标/无数据 ${c.counts.none}`)}</p>
<table><thead><tr><th>维度</th><th>指标</th><th class="num">当年值</th><th>目标</th><th>预警</th></tr></thead><tbody>
${c.indicators.map((i) => `<tr><td>${esc(i.dimension)}</td><td><a href="#${esc(i.code)}">${esc(i.name)}</a></td><td class="num">${esc(i.valueText)}</td><td>${esc(i.targetText)}</td><td>${badge(i.level, i.levelText)}</td></tr>`).join('\n')}
</tbody></table>
<h2>二、分项指标体检</h2>
${c.dimensions.map((d) => `<h2 style="font-size:16px;border:none">${esc(d.dimension)}维度</h2>${d.indicators.map((i) => indicatorSection(i, ++n)).join('\n')}`).join('\n')}
<h2>三、五年评估（${ev.from}–${ev.to} 年）</h2>
<table><thead><tr><th>指标</th>${ev.years.map((y) => `<th class="num">${y}</th>`).join('')}<th class="num">变化</th><th>趋势</th></tr></thead><tbody>
${ev.indicators.map((i) => `<tr><td>${esc(i.name)}${i.unit ? `（${esc(i.unit)}）` : ''}</td>${i.values.map((v) => `<td class="num">${esc(fmt(v.value, i.decimals))}</td>`).join('')}<td class="num">${esc(fmt(i.change, i.decimals))}</td><td>${i.improving === null ? '—' : i.improving ? '向好' : '趋弱'}</td></tr>`).join('\n')}
</tbody></table>
<h2>四、预警清单</h2>
${
  c.alerts.length
    ? `<table><thead><tr><th>指标</th><th>地区</th><th>等级</th><th>说明</th><th>责任部门</th><th>状态</th></tr></thead><tbody>
${c.alerts.map((a) => `<tr><td>${esc(a.indicatorName ?? a.indicator)}</td><td>${esc(a.regionName)}</td><td>${badge(a.level, LEVEL_TEXT[a.level])}</td><td>${esc(a.reason)}</td><td>${esc(a.department ?? '—')}</td><td>${a.status === 'open' ? '待处理' : '已确认'}</td></tr>`).join('\n')}
</tbody></table>`
    : '<p>本年度没有未解除的预警。</p>'
}
</body></html>`;
}
