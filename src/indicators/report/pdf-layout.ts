// A small page-flow writer for the report PDF over pdfkit: every character is set in the first
// font of the FontBook that has it (Noto Sans SC subsets, or ONEMAP_PDF_FONT), lines break between
// any two CJK characters and between Latin words, tables wrap their cells and repeat nothing fancy.
import type { FontBook } from '../../review/opinion/pdf-fonts.ts';

export const PAGE = { margin: 48, top: 56, bottom: 56 };
const LINE = 1.45;
const CLOSING = new Set([...'，。、；：！？）》」』】〕…％%,.;:!?)]}’”']);

interface Run {
  font: string;
  text: string;
  width: number;
}

export interface CellSpec {
  text: string;
  align?: 'left' | 'right' | 'center';
  color?: string;
  bold?: boolean;
  fill?: string;
}

export class Writer {
  y = PAGE.top;
  readonly left = PAGE.margin;
  readonly width: number;
  private widths = new Map<string, number>();

  constructor(readonly doc: PDFKit.PDFDocument, private book: FontBook) {
    this.width = doc.page.width - 2 * PAGE.margin;
  }

  get bottom() {
    return this.doc.page.height - PAGE.bottom;
  }

  newPage() {
    this.doc.addPage();
    this.y = PAGE.top;
  }

  ensure(h: number) {
    if (this.y + h > this.bottom && this.y > PAGE.top) this.newPage();
  }

  private charWidth(ch: string, font: string): number {
    const k = `${font}\u0000${ch}`;
    let w = this.widths.get(k);
    if (w === undefined) {
      w = this.doc.font(font).fontSize(1).widthOfString(ch);
      this.widths.set(k, w);
    }
    return w;
  }

  runs(text: string, size: number, bold: boolean): Run[] {
    const out: Run[] = [];
    for (const ch of text) {
      const font = this.book.fontFor(ch, bold);
      const w = this.charWidth(ch, font) * size;
      const last = out[out.length - 1];
      if (last && last.font === font) { last.text += ch; last.width += w; } else out.push({ font, text: ch, width: w });
    }
    return out;
  }

  /** Greedy line breaking: CJK anywhere, Latin words and numbers kept whole when they fit. */
  lines(text: string, size: number, bold: boolean, max: number): Run[][] {
    const out: Run[][] = [];
    for (const para of text.split('\n')) {
      const tokens = para.match(/[A-Za-z0-9.,:%()\-+/_#²]+|\s+|./gu) ?? [''];
      let line: Run[] = [];
      let w = 0;
      for (const tok of tokens) {
        const r = this.runs(tok, size, bold);
        const tw = r.reduce((s, x) => s + x.width, 0);
        // 禁则: closing punctuation never starts a line; it hangs past the margin instead.
        if (w + tw > max && line.length && !CLOSING.has(tok)) {
          out.push(line);
          line = [];
          w = 0;
          if (/^\s+$/.test(tok)) continue;
        }
        if (tw > max) {
          // Longer than the column: character by character.
          for (const ch of tok) {
            const cr = this.runs(ch, size, bold);
            const cw = cr[0]?.width ?? 0;
            if (w + cw > max && line.length) { out.push(line); line = []; w = 0; }
            line.push(...cr);
            w += cw;
          }
          continue;
        }
        line.push(...r);
        w += tw;
      }
      out.push(line);
    }
    return out;
  }

  drawLine(line: Run[], x: number, y: number, size: number, color: string) {
    for (const r of line) {
      this.doc.font(r.font).fontSize(size).fillColor(color).text(r.text, x, y, { lineBreak: false });
      x += r.width;
    }
  }

  lineWidth = (line: Run[]) => line.reduce((s, r) => s + r.width, 0);

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
      if (this.y + size * LINE * 2 > this.bottom) { this.newPage(); drawRow(header, true); }
      drawRow(r, false);
    }
    this.y += 6;
  }
}
