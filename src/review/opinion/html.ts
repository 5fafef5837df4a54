// The review opinion (审查意见书) as one self-contained, printable HTML page: inline CSS, inline SVG
// map, no scripts, no external resources. The document content (labels, formatted figures, rows) is
// built once by opinionContent(); pdf.ts lays out the same content, so the two never disagree.
import { formatArea, m2ToMu } from '../../area/units.ts';
import { DEFAULT_BUREAU } from '../../config.ts';
import type { FindingAction, FindingReview, OpinionInput, Verdict } from '../types.ts';
import { buildOpinionMap, pathData, scaleLabel, VERDICT_TEXT, type MapDrawing, type ShapeStyle } from './map.ts';

export const ACTION_TEXT: Record<FindingAction, string> = {
  confirm: '确认',
  override: '改判',
  'false-positive': '误报（相邻地块）',
};

/** 12,345.67 — grouping and fixed decimals, the way bureau staff write figures. */
export function num(v: number, digits: number): string {
  if (!Number.isFinite(v)) return '—';
  return v.toLocaleString('zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** ISO time → "2026年11月22日 14:05" in Beijing time, whatever the server's zone. */
export function formatTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = Object.fromEntries(timeFormat.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

export interface FindingRow {
  no: string;
  title: string;
  layer: string;
  verdict: Verdict;
  verdictText: string;
  areaM2: string;
  areaMu: string;
  percent: string;
  features: string;
  legalBasis: string;
  message: string;
}

export interface ReviewRow {
  no: string;
  finding: string;
  action: string;
  change: string;
  reason: string;
  by: string;
  at: string;
}

export interface Column<R> {
  key: keyof R;
  label: string;
  /** Share of the table width (the PDF uses it as is; the HTML as a percentage). */
  width: number;
  align: 'left' | 'right' | 'center';
}

export const FINDING_COLUMNS: Column<FindingRow>[] = [
  { key: 'no', label: '序号', width: 4.5, align: 'center' },
  { key: 'title', label: '审查规则', width: 12, align: 'left' },
  { key: 'layer', label: '图层', width: 11, align: 'left' },
  { key: 'verdictText', label: '结论', width: 7, align: 'center' },
  { key: 'areaM2', label: '重叠面积（m²）', width: 11.5, align: 'right' },
  { key: 'areaMu', label: '重叠面积（亩）', width: 8.5, align: 'right' },
  { key: 'percent', label: '占项目（%）', width: 7.5, align: 'right' },
  { key: 'features', label: '涉及要素', width: 12, align: 'left' },
  { key: 'legalBasis', label: '依据', width: 12, align: 'left' },
  { key: 'message', label: '说明', width: 14, align: 'left' },
];

export const REVIEW_COLUMNS: Column<ReviewRow>[] = [
  { key: 'no', label: '序号', width: 5, align: 'center' },
  { key: 'finding', label: '审查事项', width: 19, align: 'left' },
  { key: 'action', label: '处理', width: 11, align: 'left' },
  { key: 'change', label: '结论变化', width: 14, align: 'left' },
  { key: 'reason', label: '理由', width: 25, align: 'left' },
  { key: 'by', label: '审查人', width: 9, align: 'left' },
  { key: 'at', label: '时间', width: 17, align: 'left' },
];

export interface OpinionContent {
  title: string;
  meta: [string, string][];
  overview: [string, string][];
  map: MapDrawing;
  mapCaption: string;
  verdict: Verdict;
  verdictText: string;
  verdictSummary: string;
  findings: FindingRow[];
  areaNote: string;
  reviews: ReviewRow[];
  decision: string;
  conditions: string[];
  opinion: string[];
  signed: boolean;
  signature: [string, string][];
  /** The issuing bureau (running header) and its seal's text (beside the signature). */
  bureau: string;
  seal: string;
  versions: [string, string][];
}

const MAX_FEATURES_LISTED = 3;

/**
 * A feature as a reviewer recognises it: fid plus its first two attributes under their catalogue
 * names (保护图斑编号：330106JB0001). Attributes the catalogue does not name are left out: a field
 * code such as BHTBBH means nothing to the reader of an official document.
 */
function featureLabel(fid: string, props: Record<string, unknown>, fields: Record<string, string>): string {
  const attrs = Object.entries(fields)
    .filter(([k]) => {
      const v = props[k];
      return (typeof v === 'string' && v.trim() !== '') || typeof v === 'number';
    })
    .slice(0, 2)
    .map(([k, label]) => {
      const s = String(props[k]);
      return `${label}：${s.length > 30 ? `${s.slice(0, 30)}…` : s}`;
    });
  return attrs.length ? `${fid}（${attrs.join('，')}）` : fid;
}

/** 姓名（角色） of a login, or the login itself when the document was given no name for it. */
const person = (input: OpinionInput, login: string | null) => (login ? (input.people?.[login] ?? login) : '');

function reviewRow(r: FindingReview, i: number, input: OpinionInput): ReviewRow {
  const f = input.run.findings.find((x) => x.key === r.findingKey);
  return {
    no: String(i + 1),
    finding: f ? `${f.title}（${f.layerName}）` : r.findingKey,
    action: ACTION_TEXT[r.action] ?? r.action,
    change: `${VERDICT_TEXT[r.verdictBefore] ?? r.verdictBefore} → ${VERDICT_TEXT[r.verdictAfter] ?? r.verdictAfter}`,
    reason: r.reason?.trim() || '—',
    by: person(input, r.by),
    at: formatTime(r.at),
  };
}

export function documentTitle(input: OpinionInput): string {
  return input.run.project.type.startsWith('plan') ? '规划方案“3+X”审查意见书' : '建设项目“3+X”审查意见书';
}

export function opinionContent(input: OpinionInput): OpinionContent {
  const { run } = input;
  const p = run.project;
  const ind = p.indicators ?? {};
  const indicators = [
    ind.far != null ? `容积率 ${ind.far}` : null,
    ind.height != null ? `建筑高度 ${ind.height} m` : null,
    ind.density != null ? `建筑密度 ${ind.density}%` : null,
    ind.greenRatio != null ? `绿地率 ${ind.greenRatio}%` : null,
    ind.groundElevation != null ? `场地高程 ${ind.groundElevation} m` : null,
  ].filter((x): x is string => x !== null);

  const counts = (['fail', 'warn', 'pass', 'no-data'] as Verdict[])
    .map((v) => [v, run.findings.filter((f) => f.verdict === v).length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${VERDICT_TEXT[v]} ${n} 项`);

  const findings: FindingRow[] = run.findings.map((f, i) => {
    const fields = input.layers?.[f.layer]?.fields ?? {};
    const listed = f.features.slice(0, MAX_FEATURES_LISTED).map((h) => featureLabel(h.fid, h.props, fields));
    const more = f.features.length > MAX_FEATURES_LISTED ? ' 等' : '';
    return {
      no: String(i + 1),
      title: f.title,
      layer: f.layerName,
      verdict: f.verdict,
      verdictText: VERDICT_TEXT[f.verdict],
      areaM2: num(f.overlapAreaM2, 2),
      areaMu: num(m2ToMu(f.overlapAreaM2), 2),
      percent: num(f.overlapPercent, 2),
      features: f.features.length ? `${f.features.length} 个：${listed.join('；')}${more}` : '无',
      legalBasis: f.legalBasis?.trim() || '—',
      message: f.belowTolerance ? `${f.message}（重叠低于碎片容差，未计入）` : f.message,
    };
  });

  const layerNames = new Map(run.findings.map((f) => [f.layer, f.layerName]));
  const layerName = (code: string) => input.layers?.[code]?.name ?? layerNames.get(code) ?? code;
  const map = buildOpinionMap(input);
  const signed = Boolean(input.signedBy && input.signedAt);

  return {
    title: documentTitle(input),
    meta: [
      ['案件编号', String(input.caseId)],
      ['案件名称', input.title],
      ['申请单位', input.applicant?.trim() || '—'],
      ['项目名称', p.name],
      ['项目类型', p.typeName],
    ],
    overview: [
      ['地块数量', `${p.parcelCount} 块`],
      ['用地面积（椭球面积）', formatArea(p.areaM2)],
      ['用地面积（投影面积）', formatArea(p.areaPlanarM2)],
      ['各地块（椭球面积）', p.parcels.map((x) => `${x.fid}：${num(x.areaM2, 2)} m²`).join('；') || '—'],
      ...(indicators.length ? [['方案指标', indicators.join('，')] as [string, string]] : []),
    ],
    map,
    mapCaption: `CGCS2000（EPSG:4490）经纬度，局部等距圆柱投影示意，上北下南；比例尺 ${scaleLabel(map.scaleBarMetres)}。`,
    verdict: run.verdict,
    verdictText: VERDICT_TEXT[run.verdict],
    verdictSummary: `共审查 ${run.findings.length} 项${counts.length ? `：${counts.join('，')}` : ''}。`,
    findings,
    areaNote: '重叠面积为椭球面积（CGCS2000），亩按 1 公顷 = 15 亩换算，占比为占项目椭球面积的百分比。',
    reviews: input.reviews.map((r, i) => reviewRow(r, i, input)),
    decision: input.decision ?? '尚未作出审查结论',
    conditions: input.conditions,
    opinion: (input.opinion ?? '')
      .split(/\n+/)
      .map((s) => s.trim())
      .filter(Boolean),
    signed,
    bureau: input.bureau?.name ?? DEFAULT_BUREAU.name,
    seal: input.bureau?.seal ?? DEFAULT_BUREAU.seal,
    signature: signed
      ? [
          ['签发人', person(input, input.signedBy)],
          ['签发时间', formatTime(input.signedAt)],
        ]
      : [],
    versions: [
      ['规则集', `${run.versions.ruleset.name} v${run.versions.ruleset.version}`],
      ...Object.entries(run.versions.layers).map(([code, v]): [string, string] => [
        layerName(code),
        v == null ? '无可用版本' : `第 ${v} 版`,
      ]),
      ['输入几何哈希（SHA-256）', p.hash],
      ['机审运行编号', String(run.runId)],
      ['机审时间', formatTime(run.createdAt)],
      ['机审执行人', person(input, run.createdBy)],
      [
        '碎片容差',
        `重叠面积小于 ${num(run.tolerance.areaM2, 2)} m² 或小于项目面积的 ${num(run.tolerance.percent, 2)}% 视为数字化误差，不计入`,
      ],
      ['文书生成时间', formatTime(input.generatedAt)],
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// HTML

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every user-supplied string (titles, props, reasons) goes through here, in text and attributes. */
export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function svgMap(d: MapDrawing): string {
  const hatches: string[] = [];
  const patternFor = (st: ShapeStyle): string | null => {
    if (!st.hatch) return null;
    const { color, spacing, angle } = st.hatch;
    const id = `hatch-${color.replace('#', '')}-${spacing}-${angle}`;
    if (!hatches.some((h) => h.includes(`id="${id}"`))) {
      hatches.push(
        `<pattern id="${id}" patternUnits="userSpaceOnUse" width="${spacing}" height="${spacing}" patternTransform="rotate(${angle})">` +
          `<line x1="0" y1="0" x2="0" y2="${spacing}" stroke="${color}" stroke-width="0.8"/></pattern>`,
      );
    }
    return `url(#${id})`;
  };
  const body = d.shapes
    .map((s) => {
      if (s.type === 'text') {
        const anchor = s.anchor === 'start' ? '' : ` text-anchor="${s.anchor}"`;
        return `<text x="${s.x}" y="${s.y}" font-size="${s.size}"${anchor}${s.bold ? ' font-weight="bold"' : ''} fill="${s.color}">${esc(s.text)}</text>`;
      }
      const st = s.style;
      const fill = patternFor(st) ?? st.fill ?? 'none';
      const attrs = [
        `class="${s.role}"`,
        s.ref ? `data-ref="${esc(s.ref)}"` : '',
        s.verdict ? `data-verdict="${s.verdict}"` : '',
        `d="${pathData(s.rings)}"`,
        `fill="${fill}"`,
        st.fill && !st.hatch && st.fillOpacity < 1 ? `fill-opacity="${st.fillOpacity}"` : '',
        'fill-rule="evenodd"',
        `stroke="${st.stroke ?? 'none'}"`,
        st.stroke ? `stroke-width="${st.strokeWidth}"` : '',
        st.dash ? `stroke-dasharray="${st.dash.join(' ')}"` : '',
      ];
      return `<path ${attrs.filter(Boolean).join(' ')}/>`;
    })
    .join('\n');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${d.width} ${Math.ceil(d.height)}" width="${d.width}" height="${Math.ceil(d.height)}" role="img" aria-label="审查范围与冲突分析图">\n` +
    `<defs>${hatches.join('')}</defs>\n${body}\n</svg>`
  );
}

function keyValues(rows: [string, string][], cls = 'kv'): string {
  return `<table class="${cls}"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`;
}

function table<R>(cols: Column<R>[], rows: R[], cls: string, rowClass?: (r: R) => string): string {
  const total = cols.reduce((a, c) => a + c.width, 0);
  const head = cols.map((c) => `<th style="width:${((c.width / total) * 100).toFixed(1)}%">${esc(c.label)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr${rowClass ? ` class="${rowClass(r)}"` : ''}>${cols.map((c) => `<td class="${c.align}">${esc(r[c.key])}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table class="${cls}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const CSS = `
@page { size: A4; margin: 16mm 14mm 18mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #222; background: #fff;
  font-family: "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimHei", sans-serif;
  font-size: 10.5pt; line-height: 1.55; }
main { max-width: 190mm; margin: 0 auto; padding: 8mm 0; }
h1 { text-align: center; font-size: 18pt; margin: 0 0 6mm; letter-spacing: 0.05em; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 1px solid #1f3a93; color: #1f3a93; break-after: avoid; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 2mm; }
th, td { border: 0.5pt solid #999; padding: 1.2mm 1.5mm; vertical-align: top; word-break: break-word; }
thead { display: table-header-group; }
thead th { background: #eef1f7; font-weight: bold; text-align: center; }
tr { break-inside: avoid; }
table.kv th { width: 30%; text-align: left; background: #f6f7f9; font-weight: normal; color: #555; }
table.findings, table.reviews { font-size: 8.5pt; }
td.right { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.center { text-align: center; }
tr.v-fail td:nth-child(4) { color: #b10026; font-weight: bold; }
tr.v-warn td:nth-child(4) { color: #d95f02; font-weight: bold; }
tr.v-no-data td:nth-child(4) { color: #666; }
figure { margin: 2mm 0; text-align: center; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 8.5pt; color: #555; }
.verdict { font-size: 13pt; font-weight: bold; }
.verdict-fail { color: #b10026; } .verdict-warn { color: #d95f02; } .verdict-pass { color: #1b7837; }
.note { font-size: 8.5pt; color: #555; }
.decision { font-size: 12pt; font-weight: bold; }
.signature { margin-top: 8mm; text-align: right; }
.bureau { text-align: center; font-size: 11pt; color: #b10026; letter-spacing: 0.2em; margin: 0 0 2mm; }
.seal { display: inline-block; border: 1.5pt solid #c0392b; color: #c0392b; border-radius: 2mm; padding: 1mm 3mm; font-weight: bold; }
.unsigned { color: #b10026; font-weight: bold; }
.watermark { position: fixed; top: 40%; left: 0; right: 0; text-align: center; font-size: 72pt; color: rgba(177, 0, 38, 0.08);
  transform: rotate(-30deg); pointer-events: none; z-index: 0; }
`;

export function renderOpinionHtml(input: OpinionInput): string {
  const c = opinionContent(input);
  const reviews = c.reviews.length ? table(REVIEW_COLUMNS, c.reviews, 'reviews') : '<p class="note">无人审记录。</p>';
  const conditions = c.conditions.length
    ? `<p>附加条件：</p><ol class="conditions">${c.conditions.map((x) => `<li>${esc(x)}</li>`).join('')}</ol>`
    : '';
  const opinion = c.opinion.length ? `<p>审查意见：</p>${c.opinion.map((x) => `<p>${esc(x)}</p>`).join('')}` : '';
  const signature = c.signed
    ? `<div class="signature"><p class="issuer">${esc(c.bureau)}</p>${c.signature.map(([k, v]) => `<p>${esc(k)}：${esc(v)}</p>`).join('')}<p><span class="seal">${esc(c.seal)}</span></p></div>`
    : '<div class="signature"><p class="unsigned">未签发（本文书尚未签发，不具效力）</p></div>';
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(c.title)} · ${esc(input.title)}</title>
<style>${CSS}</style>
</head>
<body>
${c.signed ? '' : '<div class="watermark" aria-hidden="true">未签发</div>'}
<main>
<p class="bureau">${esc(c.bureau)}</p>
<h1>${esc(c.title)}</h1>
${keyValues(c.meta)}
<section><h2>一、项目概况</h2>
${keyValues(c.overview)}
</section>
<section><h2>二、审查范围与冲突分析图</h2>
<figure>
${svgMap(c.map)}
<figcaption>${esc(c.mapCaption)}</figcaption>
</figure>
</section>
<section><h2>三、机审结论</h2>
<p class="verdict verdict-${c.verdict}">${esc(c.verdictText)}</p>
<p>${esc(c.verdictSummary)}</p>
</section>
<section><h2>四、审查要点</h2>
${table(FINDING_COLUMNS, c.findings, 'findings', (r) => `v-${r.verdict}`)}
<p class="note">${esc(c.areaNote)}</p>
</section>
<section><h2>五、人审意见</h2>
${reviews}
</section>
<section><h2>六、审查结论</h2>
<p class="decision">${esc(c.decision)}</p>
${conditions}
${opinion}
${signature}
</section>
<section><h2>七、数据与规则版本</h2>
${keyValues(c.versions, 'kv versions')}
</section>
</main>
</body>
</html>
`;
}
