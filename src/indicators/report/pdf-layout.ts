// A small page-flow writer for the report PDF over pdfkit. Text goes through the review opinion's
// Typesetter (mixed fonts per character, CJK line breaking with 禁则), so both documents set Chinese
// the same way; tables wrap their cells and repeat the header on a new page.
import type { FontBook } from '../../review/opinion/pdf-fonts.ts';
import { ASCENT, LINE, Typesetter, type Line } from '../../review/opinion/typesetter.ts';
import { PageFlow } from '../../review/opinion/page-flow.ts';

export const PAGE = { margin: 48, top: 56, bottom: 56 };
export interface CellSpec {
  text: string;
  align?: 'left' | 'right' | 'center';
  color?: string;
  bold?: boolean;
  fill?: string;
}

export class Writer extends PageFlow {
  private ts: Typesetter;

  constructor(doc: PDFKit.PDFDocument, book: FontBook) {
    super(doc, PAGE);
    this.ts = new Typesetter(doc, book);
  }

  lines(text: string, size: number, bold: boolean, max: number): Line[] {
    return this.ts.lines(text, size, bold, max);
  }

  /** Draws one line whose box starts at y (the Typesetter places the baseline). */
  drawLine(line: Line, x: number, y: number, size: number, color: string) {
    this.ts.draw(line, x, y + size * ASCENT, size, color);
  }

  lineWidth = (line: Line) => line.width;

  text(text: string, o: { size?: number; bold?: boolean; color?: string; indent?: number; align?: 'left' | 'center'; gap?: number } = {}) {
    const size = o.size ?? 10;
    const x = this.left + (o.indent ?? 0);
    const max = this.width - (o.indent ?? 0);
    for (const line of this.lines(text, size, !!o.bold, max)) {
      this.ensure(size * LINE);
      const lx = o.align === 'center' ? this.left + (this.width - this.lineWidth(line)) / 2 : x;
      this.drawLine(line, lx, this.y, size, o.color ?? '#222222');
      this.y += size * LINE;
    }
    this.y += o.gap ?? 2;
  }

  /** A table with fixed column widths (fractions of the text width); cells wrap. */
  table(cols: { title: string; width: number; align?: 'left' | 'right' | 'center' }[], rows: CellSpec[][], size = 8.5) {
    const ws = cols.map((c) => c.width * this.width);
    const pad = 3;
    const layout = (cells: CellSpec[], bold: boolean) => cells.map((c, i) => this.lines(c.text, size, bold || !!c.bold, ws[i] - 2 * pad));
    const drawRow = (cells: CellSpec[], header: boolean) => {
      const ls = layout(cells, header);
      const h = Math.max(...ls.map((l) => l.length)) * size * LINE + 2 * pad;
      this.ensure(h);
      let x = this.left;
      cells.forEach((c, i) => {
        const fill = header ? '#eef1f5' : c.fill;
        if (fill) this.doc.rect(x, this.y, ws[i], h).fill(fill);
        this.doc.lineWidth(0.4).strokeColor('#c8cdd4').rect(x, this.y, ws[i], h).stroke();
        let ly = this.y + pad;
        for (const line of ls[i]) {
          const lw = this.lineWidth(line);
          const align = c.align ?? cols[i].align ?? 'left';
          const lx = align === 'right' ? x + ws[i] - pad - lw : align === 'center' ? x + (ws[i] - lw) / 2 : x + pad;
          this.drawLine(line, lx, ly, size, c.color ?? '#222222');
          ly += size * LINE;
        }
        x += ws[i];
      });
      this.y += h;
    };
    const header = cols.map((c) => ({ text: c.title, align: c.align }));
    drawRow(header, true);
    for (const r of rows) {
      if (this.y + size * LINE * 2 > this.bottom) {
        this.newPage();
        drawRow(header, true);
      }
      drawRow(r, false);
    }
    this.y += 6;
  }
}
