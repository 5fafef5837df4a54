// The review opinion (审查意见书) as an A4 PDF, from the same content as the HTML (opinionContent) and
// the same map display list (map.ts). Text is laid out here rather than by pdfkit's wrapper because a
// line may mix fonts: Noto Sans SC is split into subsets and a system font may lack glyphs, so each
// character is set in the first font that has it (otherwise it would print as a blank box).
import PDFDocument from 'pdfkit';
import type { OpinionInput, Verdict } from '../types.ts';
import { FINDING_COLUMNS, opinionContent, REVIEW_COLUMNS, type Column } from './html.ts';
import { pathData, type MapDrawing, type MapPath, type MapText } from './map.ts';
import { FontBook, pdfBytes, pdfOptionsFromEnv, type PdfOptions } from './pdf-fonts.ts';
import { ASCENT, LINE, Typesetter, type Line } from './typesetter.ts';
import { PageFlow } from './page-flow.ts';

export { pdfOptionsFromEnv, woffToSfnt, type PdfOptions, type PdfFontOptions } from './pdf-fonts.ts';

// ---------------------------------------------------------------------------------------------
// Page flow

const PAGE = { margin: 50, top: 62, bottom: 60 };
const BLUE = '#1f3a93';
const VERDICT_COLOR: Record<Verdict, string> = { fail: '#b10026', warn: '#d95f02', pass: '#1b7837', 'no-data': '#666666' };

interface Cell {
  text: string;
  align?: 'left' | 'right' | 'center';
  bold?: boolean;
  color?: string;
  fill?: string;
}

class Flow extends PageFlow {
  constructor(
    doc: PDFKit.PDFDocument,
    readonly ts: Typesetter,
  ) {
    super(doc, PAGE);
  }

  gap(h: number) {
    this.y += h;
  }

  text(text: string, o: { size?: number; bold?: boolean; color?: string; align?: Cell['align']; indent?: number } = {}) {
    const size = o.size ?? 10.5;
    const indent = o.indent ?? 0;
    const lh = size * LINE;
    for (const line of this.ts.lines(text, size, o.bold ?? false, this.width - indent)) {
      this.ensure(lh);
      const x = this.left + indent + alignOffset(o.align, this.width - indent, line.width);
      this.ts.draw(line, x, this.y + size * ASCENT, size, o.color);
      this.y += lh;
    }
  }

  /** `keep`: how much of the section must follow the heading on the same page. */
  heading(text: string, keep = 60) {
    this.gap(8);
    this.ensure(12 * LINE + 6 + keep);
    this.text(text, { size: 12, bold: true, color: BLUE });
    this.doc
      .moveTo(this.left, this.y)
      .lineTo(this.left + this.width, this.y)
      .lineWidth(0.8)
      .strokeColor(BLUE)
      .stroke();
    this.gap(5);
  }

  /**
   * A ruled table; rows that do not fit move to the next page under a repeated header, and a row
   * taller than a page is split between pages line by line.
   */
  table(widths: number[], header: Cell[] | null, rows: Cell[][], size: number) {
    const total = widths.reduce((a, b) => a + b, 0);
    const cols = widths.map((w) => (w / total) * this.width);
    const pad = 3;
    const lh = size * LINE;
    const layout = (cells: Cell[]) => cells.map((c, i) => this.ts.lines(c.text, size, c.bold ?? false, cols[i] - 2 * pad));
    const headLines = header ? layout(header) : null;
    const headH = headLines ? Math.max(...headLines.map((l) => l.length)) * lh + 2 * pad : 0;

    const chunk = (cells: Cell[], lines: Line[][], from: number, count: number) => {
      const h = count * lh + 2 * pad;
      let x = this.left;
      cells.forEach((c, i) => {
        if (c.fill) this.doc.rect(x, this.y, cols[i], h).fill(c.fill);
        this.doc.rect(x, this.y, cols[i], h).lineWidth(0.5).strokeColor('#999999').stroke();
        lines[i].slice(from, from + count).forEach((line, j) => {
          const lx = x + pad + alignOffset(c.align, cols[i] - 2 * pad, line.width);
          this.ts.draw(line, lx, this.y + pad + j * lh + size * ASCENT, size, c.color);
        });
        x += cols[i];
      });
      this.y += h;
    };
    const drawHeader = () => header && headLines && chunk(header, headLines, 0, Math.max(...headLines.map((l) => l.length)));
    const fresh = () => {
      this.newPage();
      drawHeader();
    };

    if (this.y + headH + lh + 2 * pad > this.bottom) this.newPage();
    drawHeader();
    const pageRoom = this.bottom - PAGE.top - headH;
    for (const cells of rows) {
      const lines = layout(cells);
      const n = Math.max(1, ...lines.map((l) => l.length));
      let from = 0;
      while (from < n) {
        const fits = Math.floor((this.bottom - this.y - 2 * pad) / lh);
        const rest = n - from;
        if (rest <= fits) {
          chunk(cells, lines, from, rest);
          break;
        }
        // Whole row fits on a fresh page: move it there rather than splitting it.
        if (fits < 1 || (from === 0 && rest * lh + 2 * pad <= pageRoom)) {
          fresh();
          continue;
        }
        chunk(cells, lines, from, fits);
        from += fits;
        fresh();
      }
    }
  }

  keyValues(rows: [string, string][], size = 9.5) {
    this.table(
      [30, 70],
      null,
      rows.map(([k, v]) => [{ text: k, color: '#555555', fill: '#f6f7f9' }, { text: v }]),
      size,
    );
  }

  map(d: MapDrawing, caption: string) {
    const scale = this.width / d.width;
    this.ensure(d.height * scale + 24);
    const doc = this.doc;
    doc.save();
    doc.translate(this.left, this.y).scale(scale);
    for (const s of d.shapes) {
      if (s.type === 'path') drawPath(doc, s);
      else drawText(this.ts, s);
    }
    doc.restore();
    this.y += d.height * scale + 4;
    this.text(caption, { size: 8, color: '#555555', align: 'center' });
  }
}

function alignOffset(align: Cell['align'], box: number, w: number): number {
  if (align === 'right') return Math.max(0, box - w);
  if (align === 'center') return Math.max(0, (box - w) / 2);
  return 0;
}

function drawPath(doc: PDFKit.PDFDocument, p: MapPath) {
  const d = pathData(p.rings);
  const st = p.style;
  doc.save();
  if (st.hatch) {
    // Same look as the SVG pattern: parallel lines clipped to the shape.
    const { color, spacing, angle } = st.hatch;
    const pts = p.rings.flat();
    const xs = pts.map((q) => q[0]);
    const ys = pts.map((q) => q[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const [cx, cy, r] = [(x0 + x1) / 2, (y0 + y1) / 2, Math.hypot(x1 - x0, y1 - y0) / 2 + spacing];
    const a = (angle * Math.PI) / 180;
    const [dx, dy, nx, ny] = [-Math.sin(a), Math.cos(a), Math.cos(a), Math.sin(a)];
    doc.save();
    doc.path(d).clip('even-odd');
    for (let t = -r; t <= r; t += spacing) {
      doc.moveTo(cx + nx * t - dx * r, cy + ny * t - dy * r).lineTo(cx + nx * t + dx * r, cy + ny * t + dy * r);
    }
    doc.lineWidth(0.8).strokeColor(color).stroke();
    doc.restore();
  } else if (st.fill) {
    doc.path(d).fillOpacity(st.fillOpacity).fill(st.fill, 'even-odd');
    doc.fillOpacity(1);
  }
  if (st.stroke) {
    if (st.dash) doc.dash(st.dash[0], { space: st.dash[1] });
    doc.path(d).lineWidth(st.strokeWidth).strokeColor(st.stroke).stroke();
    doc.undash();
  }
  doc.restore();
}

function drawText(ts: Typesetter, t: MapText) {
  const [line] = ts.lines(t.text, t.size, t.bold, Infinity);
  if (!line) return;
  const dx = t.anchor === 'middle' ? line.width / 2 : t.anchor === 'end' ? line.width : 0;
  ts.draw(line, t.x - dx, t.y, t.size, t.color);
}

// ---------------------------------------------------------------------------------------------

export async function renderOpinionPdf(input: OpinionInput, options: PdfOptions = pdfOptionsFromEnv()): Promise<Buffer> {
  const c = opinionContent(input);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.margin, right: PAGE.margin },
    bufferPages: true,
    pdfVersion: '1.7',
    lang: 'zh-CN',
    displayTitle: true,
    info: {
      Title: `${c.title}（${input.title}）`,
      Author: c.bureau,
      Subject: `案件 ${input.caseId} 审查意见书`,
      Keywords: '3+X 审查意见书',
      Creator: 'onemap',
      CreationDate: Number.isNaN(Date.parse(input.generatedAt)) ? new Date() : new Date(input.generatedAt),
    },
  });
  const done = pdfBytes(doc);

  const ts = new Typesetter(doc, new FontBook(doc, options.font ?? null));
  const flow = new Flow(doc, ts);

  flow.text(c.bureau, { size: 11, align: 'center', color: VERDICT_COLOR.fail });
  flow.text(c.title, { size: 18, bold: true, align: 'center' });
  flow.gap(8);
  flow.keyValues(c.meta);

  flow.heading('一、项目概况');
  flow.keyValues(c.overview);

  flow.heading('二、审查范围与冲突分析图', (c.map.height * flow.width) / c.map.width + 24);
  flow.map(c.map, c.mapCaption);

  flow.heading('三、机审结论');
  flow.text(c.verdictText, { size: 13, bold: true, color: VERDICT_COLOR[c.verdict] });
  flow.text(c.verdictSummary);

  flow.heading('四、审查要点');
  const cell = <R>(col: Column<R>, r: R): Cell => ({ text: String(r[col.key]), align: col.align });
  const head = <R>(cols: Column<R>[]): Cell[] => cols.map((col) => ({ text: col.label, align: 'center', bold: true, fill: '#eef1f7' }));
  flow.table(
    FINDING_COLUMNS.map((col) => col.width),
    head(FINDING_COLUMNS),
    c.findings.map((r) =>
      FINDING_COLUMNS.map((col) =>
        col.key === 'verdictText' ? { ...cell(col, r), bold: r.verdict !== 'pass', color: VERDICT_COLOR[r.verdict] } : cell(col, r),
      ),
    ),
    7.5,
  );
  flow.text(c.areaNote, { size: 8, color: '#555555' });

  flow.heading('五、人审意见');
  if (c.reviews.length) {
    flow.table(
      REVIEW_COLUMNS.map((col) => col.width),
      head(REVIEW_COLUMNS),
      c.reviews.map((r) => REVIEW_COLUMNS.map((col) => cell(col, r))),
      8,
    );
  } else flow.text('无人审记录。', { size: 9.5, color: '#555555' });

  flow.heading('六、审查结论');
  flow.text(c.decision, { size: 12, bold: true });
  if (c.conditions.length) {
    flow.text('附加条件：');
    c.conditions.forEach((x, i) => flow.text(`${i + 1}. ${x}`, { indent: 12 }));
  }
  if (c.opinion.length) {
    flow.text('审查意见：');
    for (const p of c.opinion) flow.text(p, { indent: 12 });
  }
  flow.gap(14);
  if (c.signed) {
    flow.text(c.bureau, { align: 'right', bold: true });
    for (const [k, v] of c.signature) flow.text(`${k}：${v}`, { align: 'right' });
    flow.gap(4);
    flow.text(`【${c.seal}】`, { align: 'right', bold: true, color: VERDICT_COLOR.fail });
  } else flow.text('未签发（本文书尚未签发，不具效力）', { align: 'right', bold: true, color: VERDICT_COLOR.fail });

  flow.heading('七、数据与规则版本');
  flow.keyValues(c.versions, 8.5);

  // Running header, footer and (unsigned) watermark, now that the page count is known.
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const { width: W, height: H } = doc.page;
    const grey = '#777777';
    const [left] = ts.lines(`${c.bureau} · ${c.title}`, 8, false, Infinity);
    const [right] = ts.lines(`案件编号 ${input.caseId}`, 8, false, Infinity);
    ts.draw(left, PAGE.margin, 36, 8, grey);
    ts.draw(right, W - PAGE.margin - right.width, 36, 8, grey);
    doc
      .moveTo(PAGE.margin, 42)
      .lineTo(W - PAGE.margin, 42)
      .lineWidth(0.5)
      .strokeColor('#bbbbbb')
      .stroke();
    const [footer] = ts.lines(`第 ${i - start + 1} 页 / 共 ${count} 页`, 8, false, Infinity);
    ts.draw(footer, (W - footer.width) / 2, H - 32, 8, grey);
    if (!c.signed) {
      const [mark] = ts.lines('未签发', 72, true, Infinity);
      doc.save();
      doc.rotate(-30, { origin: [W / 2, H / 2] });
      doc.fillOpacity(0.08);
      ts.draw(mark, (W - mark.width) / 2, H / 2 + 24, 72, VERDICT_COLOR.fail);
      doc.restore();
    }
  }
  doc.end();
  return done;
}
