// The check-up report as an A4 PDF in Chinese, from the same content as the HTML: summary, the
// overview table, one section per indicator (value, target, level, reason, provenance, the trend
// chart drawn as vector paths, the districts ranked), the five-year evaluation and the alert list.
import PDFDocument from 'pdfkit';
import { FontBook, pdfBytes, pdfOptionsFromEnv, type PdfOptions } from '../../review/opinion/pdf-fonts.ts';
import { trendChart, type ChartGeometry } from './chart.ts';
import { fmt, LEVEL_COLOR, LEVEL_TEXT, type ReportContent, type ReportIndicator } from './content.ts';
import { PAGE, Writer } from './pdf-layout.ts';

const BLUE = '#1f3a93';
const levelColor = (l: string | null) => LEVEL_COLOR[(l ?? 'none') as keyof typeof LEVEL_COLOR];

function drawChart(w: Writer, g: ChartGeometry, x0: number, y0: number) {
  const d = w.doc;
  const X = (x: number) => x0 + x;
  const Y = (y: number) => y0 + y;
  const small = (text: string, x: number, y: number, align: 'left' | 'right' | 'center', color = '#6b7280') => {
    const line = w.lines(text, 7, false, 200)[0];
    const lw = w.lineWidth(line);
    w.drawLine(line, align === 'right' ? x - lw : align === 'center' ? x - lw / 2 : x, y, 7, color);
  };
  for (const t of g.yTicks) {
    d.lineWidth(0.3).strokeColor('#e5e7eb').moveTo(X(g.plot.x0), Y(t.y)).lineTo(X(g.plot.x1), Y(t.y)).stroke();
    small(t.label, X(g.plot.x0 - 4), Y(t.y - 5), 'right');
  }
  for (const t of g.xTicks) small(String(t.year), X(t.x), Y(g.height - 14), 'center');
  if (g.target) {
    d.lineWidth(0.8)
      .strokeColor('#c0392b')
      .dash(3, { space: 2 })
      .moveTo(X(g.plot.x0), Y(g.target.y))
      .lineTo(X(g.plot.x1), Y(g.target.y))
      .stroke()
      .undash();
    small(g.target.label, X(g.plot.x1), Y(g.target.y - 10), 'right', '#c0392b');
  }
  if (g.points.length > 1) {
    d.lineWidth(1.5).strokeColor('#1f5fa8').moveTo(X(g.points[0].x), Y(g.points[0].y));
    for (const p of g.points.slice(1)) d.lineTo(X(p.x), Y(p.y));
    d.stroke();
  }
  for (const p of g.points) d.circle(X(p.x), Y(p.y), 2.2).fill('#1f5fa8');
  if (!g.points.length) small('暂无数据', X((g.plot.x0 + g.plot.x1) / 2), Y((g.plot.y0 + g.plot.y1) / 2), 'center');
}

function indicatorSection(w: Writer, i: ReportIndicator, n: number) {
  // Heading, the seven lines under it and the chart stay on one page.
  w.ensure(7 * 13 + 30 + 150);
  w.text(`${n}. ${i.name}（${i.code}）  ${i.levelText}`, { size: 11.5, bold: true, color: i.level ? levelColor(i.level) : BLUE, gap: 3 });
  const kv: [string, string][] = [
    ['当年值', `${i.valueText}${i.cumulativeIndicator ? `；累计 ${fmt(i.cumulative, i.decimals, i.unit)}` : ''}`],
    ['目标', i.targetText],
    ['评估', i.reason],
    ['定义', i.definition],
    ['依据', i.basis ?? '—'],
    ['数据来源', i.provenance],
    ['责任部门', i.department ?? '—'],
  ];
  for (const [k, v] of kv) w.text(`${k}：${v}`, { size: 9, indent: 8, gap: 0 });
  w.y += 4;
  const g = trendChart(i.trend, i.targetValue, 250, 120, i.decimals);
  const ranked = i.districts.filter((d) => d.value !== null);
  const rowsH = Math.max(g.height, (ranked.length + 1) * 11);
  w.ensure(Math.min(rowsH, 300) + 8);
  const top = w.y;
  w.text(`近五年${i.cumulativeIndicator ? '累计' : ''}趋势`, { size: 8, color: '#6b7280', gap: 0 });
  drawChart(w, g, w.left, w.y);
  const chartBottom = w.y + g.height;
  // The district ranking to the right of the chart, as compact lines.
  let y = top;
  const x = w.left + 270;
  const line = (text: string, color = '#222222', bold = false) => {
    if (y + 11 > w.bottom) return;
    const l = w.lines(text, 8, bold, w.width - 270)[0];
    w.drawLine(l, x, y, 8, color);
    y += 11;
  };
  if (ranked.length) {
    line(`区县排名（${i.cumulativeIndicator ? '累计值' : '数值'}，${i.better === 'higher' ? '高者在前' : '低者在前'}）`, '#6b7280');
    for (const d of i.districts)
      line(
        `${d.rank ? `${d.rank}. ` : '　 '}${d.name}  ${d.value === null ? '无数据' : fmt(d.value, i.decimals, i.unit)}${d.level ? `  ${LEVEL_TEXT[d.level]}` : ''}`,
        d.level ? levelColor(d.level) : '#6b7280',
      );
  } else line('无分区县数据', '#6b7280');
  w.y = Math.max(chartBottom, y) + 10;
}

export async function renderReportPdf(c: ReportContent, options: PdfOptions = pdfOptionsFromEnv()): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    bufferPages: true,
    info: { Title: c.title, Author: '国土空间规划“一张图”实施监督信息系统', Subject: `${c.year}年度体检评估报告` },
  });
  const done = pdfBytes(doc);
  const w = new Writer(doc, new FontBook(doc, options.font ?? null));

  w.text(c.title, { size: 17, bold: true, align: 'center', color: BLUE, gap: 4 });
  w.text(`评估日期 ${c.evaluatedOn}　生成日期 ${c.generatedOn}`, { size: 9, align: 'center', color: '#6b7280', gap: 10 });
  w.text('一、总体情况', { size: 13, bold: true, color: BLUE, gap: 4 });
  for (const p of c.summary) w.text(p, { size: 10, gap: 3 });
  w.y += 4;
  w.table(
    [
      { title: '维度', width: 0.08 },
      { title: '指标', width: 0.32 },
      { title: '当年值', width: 0.2, align: 'right' },
      { title: '目标', width: 0.28 },
      { title: '预警', width: 0.12, align: 'center' },
    ],
    c.indicators.map((i) => [
      { text: i.dimension },
      { text: i.name },
      { text: i.valueText },
      { text: i.targetText },
      { text: i.levelText, color: levelColor(i.level), bold: true },
    ]),
  );
  w.text('二、分项指标体检', { size: 13, bold: true, color: BLUE, gap: 4 });
  let n = 0;
  for (const d of c.dimensions) {
    w.ensure(40);
    w.text(`【${d.dimension}维度】`, { size: 11, bold: true, gap: 2 });
    for (const i of d.indicators) indicatorSection(w, i, ++n);
  }
  const ev = c.evaluation;
  w.newPage();
  w.text(`三、五年评估（${ev.from}–${ev.to} 年）`, { size: 13, bold: true, color: BLUE, gap: 4 });
  const yw = 0.5 / ev.years.length;
  w.table(
    [
      { title: '指标', width: 0.28 },
      ...ev.years.map((y) => ({ title: String(y), width: yw, align: 'right' as const })),
      { title: '变化', width: 0.12, align: 'right' },
      { title: '趋势', width: 0.1, align: 'center' },
    ],
    ev.indicators.map((i) => [
      { text: `${i.name}${i.unit ? `（${i.unit}）` : ''}` },
      ...i.values.map((v) => ({ text: fmt(v.value, i.decimals), color: v.level ? levelColor(v.level) : undefined })),
      { text: fmt(i.change, i.decimals) },
      {
        text: i.improving === null ? '—' : i.improving ? '向好' : '趋弱',
        color: i.improving === null ? undefined : i.improving ? LEVEL_COLOR.green : LEVEL_COLOR.red,
      },
    ]),
    8,
  );
  w.text('四、预警清单', { size: 13, bold: true, color: BLUE, gap: 4 });
  if (!c.alerts.length) w.text('本年度没有未解除的预警。', { size: 10 });
  else {
    w.table(
      [
        { title: '指标', width: 0.2 },
        { title: '地区', width: 0.1 },
        { title: '等级', width: 0.07, align: 'center' },
        { title: '说明', width: 0.38 },
        { title: '责任部门', width: 0.25 },
      ],
      c.alerts.map((a) => [
        { text: a.indicatorName ?? a.indicator },
        { text: a.regionName },
        { text: LEVEL_TEXT[a.level], color: levelColor(a.level), bold: true },
        { text: a.reason },
        { text: a.department ?? '—' },
      ]),
      8,
    );
  }
  // Page numbers once the page count is known.
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    const label = `${c.title}　第 ${p - range.start + 1} 页 / 共 ${range.count} 页`;
    const line = w.lines(label, 8, false, w.width)[0];
    w.drawLine(line, w.left + (w.width - w.lineWidth(line)) / 2, doc.page.height - 36, 8, '#9ca3af');
  }
  doc.end();
  return done;
}
