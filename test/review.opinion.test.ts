import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Finding, OpinionInput, ReviewResult } from '../src/review/types.ts';
import { renderOpinionHtml, renderOpinionPdf, pdfOptionsFromEnv } from '../src/review/opinion/index.ts';
import { buildOpinionMap, niceScaleMetres, polygonRings } from '../src/review/opinion/map.ts';
import { formatTime } from '../src/review/opinion/html.ts';
import { pdfText } from './helpers/pdf-text.ts';

const XSS = '<script>alert(1)</script>';
const rect = (x0: number, y0: number, x1: number, y1: number) => [
  [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ],
];

// Two parcels near 30.3°N, 120°E: P1 ≈ 250 m × 200 m, P2 ≈ 150 m × 200 m. The areas below are the
// run's facts (what PostGIS would have reported); the geometry is only drawn.
const P1 = rect(120.0, 30.3, 120.0026, 30.3018);
const P2 = rect(120.0026, 30.3, 120.00416, 30.3018);

function finding(over: Partial<Finding> & Pick<Finding, 'layer' | 'layerName' | 'title' | 'verdict'>): Finding {
  return {
    key: `${over.layer.toLowerCase()}-rule:${over.layer}`,
    ruleId: `${over.layer.toLowerCase()}-rule`,
    rule: 'forbidden-overlap',
    layerVersion: 1,
    message: '',
    legalBasis: null,
    overlapAreaM2: 0,
    overlapAreaPlanarM2: 0,
    overlapAreaMu: 0,
    overlapPercent: 0,
    belowTolerance: false,
    features: [],
    geometry: null,
    details: {},
    ...over,
  };
}

const FINDINGS: Finding[] = [
  finding({
    layer: 'YJJBNT',
    layerName: '永久基本农田',
    title: '占用永久基本农田',
    verdict: 'fail',
    layerVersion: 5,
    message: '项目占用永久基本农田，不得占用。',
    legalBasis: '《中华人民共和国土地管理法》第三十五条',
    // A 100 m × 100 m square: 10,000 m² = 1.0000 公顷 = 15.00 亩, 12.50 % of 80,000 m².
    overlapAreaM2: 10000,
    overlapAreaPlanarM2: 10003.2,
    overlapAreaMu: 15,
    overlapPercent: 12.5,
    features: [
      { fid: 'YJ-0012', props: { BHTBBH: '330110-0012', MC: XSS }, overlapAreaM2: 10000, overlapAreaPlanarM2: 10003.2, overlapAreaMu: 15 },
    ],
    geometry: { type: 'Polygon', coordinates: rect(120.0005, 30.3004, 120.00154, 30.3013) },
  }),
  finding({
    layer: 'LANX',
    layerName: '蓝线',
    title: '涉及河道蓝线',
    verdict: 'warn',
    layerVersion: 2,
    message: '项目涉及蓝线，应满足蓝线管控要求。',
    legalBasis: '《城市蓝线管理办法》第十条',
    // 1,234.5 m² = 1.85175 亩 → 1.85; 1,234.5 / 80,000 = 1.543125 % → 1.54.
    overlapAreaM2: 1234.5,
    overlapAreaPlanarM2: 1234.9,
    overlapAreaMu: 1.85175,
    overlapPercent: 1.543125,
    features: [{ fid: 'LX-3', props: { HDMC: '东苕溪' }, overlapAreaM2: 1234.5, overlapAreaPlanarM2: 1234.9, overlapAreaMu: 1.85175 }],
    geometry: { type: 'MultiPolygon', coordinates: [rect(120.0041, 30.3, 120.00416, 30.3018)] },
  }),
  finding({
    layer: 'CZKFBJ',
    layerName: '城镇开发边界',
    title: '位于城镇开发边界内',
    verdict: 'pass',
    layerVersion: 4,
    rule: 'must-be-within',
    message: '项目全部位于城镇开发边界内。',
  }),
  finding({
    layer: 'ZX',
    layerName: '紫线',
    title: '紫线（历史文化保护）',
    verdict: 'no-data',
    layerVersion: null,
    message: '本区域无紫线数据，不能判定为无冲突。',
  }),
];

const RUN: ReviewResult = {
  runId: 42,
  caseId: 7,
  verdict: 'fail',
  project: {
    name: '良渚新城安置房项目',
    type: 'urban-construction',
    typeName: '城镇建设项目',
    indicators: { far: 2.2, height: 54 },
    parcelCount: 2,
    parcels: [
      { fid: 'P1', areaM2: 50000, planarM2: 50022.57 },
      { fid: 'P2', areaM2: 30000, planarM2: 30013.55 },
    ],
    areaM2: 80000,
    areaPlanarM2: 80036.12,
    areaMu: 120,
    geometry: { type: 'MultiPolygon', coordinates: [P1, P2] },
    bbox: [120.0, 30.3, 120.00416, 30.3018],
    hash: '9f2c4e1a7b3d5c8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70',
  },
  findings: FINDINGS,
  versions: { ruleset: { name: '杭州市“3+X”默认规则', version: 3 }, layers: { YJJBNT: 5, LANX: 2, CZKFBJ: 4, ZX: null } },
  tolerance: { areaM2: 1, percent: 0.1 },
  createdAt: '2026-11-20T01:00:00Z',
  createdBy: 'reviewer01',
  durationMs: 812,
};

const INPUT: OpinionInput = {
  caseId: 7,
  title: '良渚新城安置房项目用地审查',
  applicant: '杭州市余杭区良渚街道办事处',
  status: 'signed',
  decision: '有条件通过',
  conditions: ['调整用地红线，避让永久基本农田 1.0000 公顷（15.00 亩）', '蓝线范围内不得新建建（构）筑物'],
  opinion: '经机审与人审，项目基本符合国土空间规划。\n请按附加条件修改后报批。',
  signedBy: '王签发',
  signedAt: '2026-11-22T06:05:00Z',
  run: RUN,
  reviews: [
    {
      findingKey: FINDINGS[0].key,
      action: 'confirm',
      verdictBefore: 'fail',
      verdictAfter: 'fail',
      reason: '核实无误，须调整红线避让。',
      by: '李审查',
      at: '2026-11-21T02:30:00Z',
    },
    {
      findingKey: FINDINGS[1].key,
      action: 'false-positive',
      verdictBefore: 'warn',
      verdictAfter: 'pass',
      reason: `蓝线属相邻地块河道${XSS}`,
      by: '李审查',
      at: '2026-11-21T02:40:00Z',
    },
  ],
  trail: [],
  generatedAt: '2026-11-22T06:10:00Z',
  // The catalogue's names: attributes are shown under them, and one it does not name (HDMC) not at all.
  layers: {
    YJJBNT: { name: '永久基本农田', fields: { BHTBBH: '保护图斑编号', MC: '名称' } },
    LANX: { name: '蓝线（地表水体）', fields: { STMC: '水体名称' } },
  },
  people: { 王签发: '王签发（审查员）', 李审查: '李审查（审查员）' },
};

test('dates are written in Beijing time', () => {
  assert.equal(formatTime('2026-11-22T06:05:00Z'), '2026年11月22日 14:05');
  assert.equal(formatTime('2026-12-31T16:30:00Z'), '2027年1月1日 00:30');
});

test('map: north up, nice scale bar, one geometry path per drawn geometry', () => {
  assert.deepEqual([30, 50, 99, 100, 730, 1999, 2000, 4999].map(niceScaleMetres), [20, 50, 50, 100, 500, 1000, 2000, 2000]);
  const d = buildOpinionMap(INPUT);
  const geoms = d.shapes.filter((s) => s.type === 'path' && s.role === 'geom');
  assert.deepEqual(
    geoms.map((s) => s.type === 'path' && s.ref),
    ['project', FINDINGS[1].key, FINDINGS[0].key],
  );
  // The YJJBNT square: its northern edge (30.3013) is drawn above its southern edge (30.3004).
  const sq = geoms[2].type === 'path' ? geoms[2].rings[0] : [];
  assert.ok(sq[2][1] < sq[0][1]);
  // The project is ≈ 400 m wide and fills 80 % of 495 units, so a quarter of the frame is ≈ 125 m → 100 m.
  assert.equal(d.scaleBarMetres, 100);
  assert.ok(Math.abs(d.metresPerUnit - 400.2 / 396) < 0.01, String(d.metresPerUnit));
  assert.equal(
    polygonRings({
      type: 'GeometryCollection',
      geometries: [
        { type: 'Point', coordinates: [1, 2] },
        { type: 'Polygon', coordinates: P1 },
      ],
    }).length,
    1,
  );
});

test('HTML: sections, figures, versions, map and escaping', () => {
  const html = renderOpinionHtml(INPUT);
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(html.includes('<h1>建设项目“3+X”审查意见书</h1>'));
  for (const f of FINDINGS) assert.ok(html.includes(f.title), f.title);
  assert.ok(html.includes('<td class="left">永久基本农田</td>') && !html.includes('YJJBNT）'), 'the layer by its name, not its code');
  assert.ok(html.includes('YJ-0012（保护图斑编号：330110-0012，名称：') && !html.includes('BHTBBH') && !html.includes('HDMC'));
  // 80,000 m² = 8 公顷 = 120 亩; 80,036.12 m² = 8.0036 公顷 = 120.05 亩.
  assert.ok(html.includes('80,000.00 m²（8.0000 公顷，120.00 亩）'));
  assert.ok(html.includes('80,036.12 m²（8.0036 公顷，120.05 亩）'));
  assert.ok(html.includes('用地面积（椭球面积）') && html.includes('用地面积（投影面积）'));
  assert.match(html, /<td class="right">10,000\.00<\/td><td class="right">15\.00<\/td><td class="right">12\.50<\/td>/);
  assert.match(html, /<td class="right">1,234\.50<\/td><td class="right">1\.85<\/td><td class="right">1\.54<\/td>/);
  assert.ok(html.includes('verdict-fail">不通过'));
  assert.ok(html.includes('误报（相邻地块）') && html.includes('有提示 → 通过'));
  assert.ok(html.includes('2026年11月21日 10:30'));
  assert.ok(html.includes('<p class="decision">有条件通过</p>'));
  assert.ok(html.includes('<li>调整用地红线，避让永久基本农田 1.0000 公顷（15.00 亩）</li><li>蓝线范围内不得新建建（构）筑物</li>'));
  assert.ok(html.includes('签发人：王签发（审查员）') && html.includes('签发时间：2026年11月22日 14:05'));
  assert.ok(html.includes('<td class="left">李审查（审查员）</td>'), 'reviewers by name and role');
  assert.ok(html.includes('杭州市规划和自然资源局建设项目审查专用章'), 'the default seal');
  assert.ok(!html.includes('未签发'));
  assert.ok(html.includes('杭州市“3+X”默认规则 v3'));
  assert.ok(html.includes('<th>永久基本农田</th><td>第 5 版</td>'));
  assert.ok(html.includes('<th>紫线</th><td>无可用版本</td>'));
  assert.ok(html.includes(RUN.project.hash) && html.includes('<td>42</td>') && html.includes('reviewer01'));
  assert.ok(html.includes('1.00 m² 或小于项目面积的 0.10%'));

  assert.equal((html.match(/<svg /g) ?? []).length, 1);
  const geomPaths = html.match(/<path class="geom"[^>]*>/g) ?? [];
  assert.equal(geomPaths.length, 3); // project + YJJBNT + LANX; CZKFBJ and ZX have no geometry
  assert.equal(geomPaths.filter((p) => p.includes('data-verdict="fail"')).length, 1);
  assert.equal(geomPaths.filter((p) => p.includes('data-verdict="warn"')).length, 1);
  assert.ok(html.includes('100 m'));

  assert.ok(!/<script/i.test(html), 'no script element, not even an injected one');
  assert.equal(html.split('&lt;script&gt;alert(1)&lt;/script&gt;').length - 1, 2); // feature prop and review reason
  assert.ok(!/(src|href)="(https?:)?\/\//.test(html), 'no external resources');
});

test('HTML: plan title, unsigned note, no-data hatch', () => {
  const plan = { ...RUN, project: { ...RUN.project, type: 'plan-detailed', typeName: '详细规划' } };
  const nodata = { ...FINDINGS[3], geometry: { type: 'Polygon', coordinates: rect(120.003, 30.301, 120.004, 30.3015) } };
  const html = renderOpinionHtml({
    ...INPUT,
    run: { ...plan, findings: [...FINDINGS.slice(0, 3), nodata] },
    signedBy: null,
    signedAt: null,
    decision: null,
  });
  assert.ok(html.includes('<h1>规划方案“3+X”审查意见书</h1>'));
  assert.ok(html.includes('未签发') && html.includes('尚未作出审查结论'));
  assert.match(html, /<path class="geom" data-ref="zx-rule:ZX" data-verdict="no-data" [^>]*fill="url\(#hatch-/);
  assert.ok(html.includes('紫线（无数据）'));
});

test('PDF: text is extractable Chinese, with figures, decision, signer and page numbers', async () => {
  const buf = await renderOpinionPdf(INPUT, { font: null });
  assert.equal(buf.subarray(0, 5).toString('latin1'), '%PDF-');
  const { pages, info } = await pdfText(buf);
  const all = pages.join('\n');
  assert.ok(all.includes('建设项目“3+X”审查意见书'));
  for (const f of FINDINGS) assert.ok(all.includes(f.title), f.title);
  for (const s of ['10,000.00', '15.00', '12.50', '1,234.50', '1.85', '1.54', '80,000.00 m²（8.0000 公顷，120.00 亩）'])
    assert.ok(all.includes(s), s);
  assert.ok(all.includes('有条件通过'));
  assert.ok(all.includes('签发人：王签发'));
  assert.ok(all.includes('有提示 → 通过'), 'the arrow comes from a fallback subset and still extracts');
  assert.ok(all.includes(XSS), 'PDF text is not HTML: the prop prints as typed');
  pages.forEach((p, i) => assert.ok(p.includes(`第 ${i + 1} 页 / 共 ${pages.length} 页`), `page ${i + 1}`));
  assert.equal(info.Title, '建设项目“3+X”审查意见书（良渚新城安置房项目用地审查）');
  assert.equal(info.Author, '杭州市规划和自然资源局');
  assert.ok(!all.includes('onemap'), 'the bureau heads the document, not the product');
  const other = (
    await pdfText(
      await renderOpinionPdf({ ...INPUT, bureau: { name: '余杭区规划和自然资源分局', seal: '余杭分局审查专用章' } }, { font: null }),
    )
  ).pages.join('\n');
  assert.ok(other.includes('余杭区规划和自然资源分局 · 建设项目') && other.includes('余杭分局审查专用章'), 'a configured bureau and seal');
  assert.equal(info.Subject, '案件 7 审查意见书');
});

test('PDF: 60 findings break across pages, each with the table header', async () => {
  const many = Array.from({ length: 60 }, (_, i) =>
    finding({
      layer: `L${i + 1}`,
      layerName: `测试图层${i + 1}`,
      title: `测试规则${i + 1}号`,
      verdict: i % 3 ? 'warn' : 'fail',
      message: '较长的说明文字，用来检验表格单元格内的自动换行是否正确，'.repeat(1 + (i % 3)),
      legalBasis: '《国土空间规划管理办法》',
      overlapAreaM2: 1000 * (i + 1),
      overlapPercent: i + 1,
    }),
  );
  const buf = await renderOpinionPdf({ ...INPUT, run: { ...RUN, findings: many }, reviews: [] }, { font: null });
  const { pages } = await pdfText(buf);
  assert.ok(pages.length >= 3, `pages: ${pages.length}`);
  pages.forEach((p, i) => assert.ok(p.includes(`第 ${i + 1} 页 / 共 ${pages.length} 页`), `page ${i + 1}`));
  const withRows = pages.filter((p) => /测试规则\d+号/.test(p));
  assert.ok(withRows.length >= 2);
  // pdfjs puts a space between cells that are far apart; compare without whitespace.
  for (const p of withRows) assert.ok(p.replace(/\s+/g, '').includes('序号审查规则图层结论'), 'header row repeated');
  for (const n of [1, 30, 60])
    assert.ok(
      pages.some((p) => p.includes(`测试规则${n}号`)),
      `row ${n}`,
    );
  assert.ok(pages.join('').includes('60,000.00'));
});

test('PDF: a configured system font comes first, Noto Sans SC still covers the hanzi', async (t) => {
  const dejavu = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
  assert.deepEqual(pdfOptionsFromEnv({ ONEMAP_PDF_FONT: '/x/simsun.ttc', ONEMAP_PDF_FONT_FAMILY: 'SimSun' }), {
    font: { path: '/x/simsun.ttc', family: 'SimSun' },
  });
  assert.deepEqual(pdfOptionsFromEnv({}), { font: null });
  if (!existsSync(dejavu)) return t.skip('no DejaVu Sans on this machine');
  const buf = await renderOpinionPdf(INPUT, { font: { path: dejavu } });
  assert.ok(buf.includes('DejaVuSans'));
  const all = (await pdfText(buf)).pages.join('');
  assert.ok(all.includes('建设项目“3+X”审查意见书') && all.includes('10,000.00'));
});
