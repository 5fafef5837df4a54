// Typesetting for the PDFs the platform writes (审查意见书, 体检评估报告): a line may mix fonts, because
// Noto Sans SC is split into subsets and a system font may lack glyphs, so each character is set in
// the first font of the FontBook that has it (otherwise it would print as a blank box). Lines break
// between any two CJK characters and between Latin words, with the 禁则 of Chinese typesetting.
import type { FontBook } from './pdf-fonts.ts';

export interface Seg {
  font: string;
  text: string;
  width: number;
}
export interface Line {
  segs: Seg[];
  width: number;
}
interface Token {
  text: string;
  space: boolean;
}

export const LINE = 1.45; // line height in ems; Noto Sans SC's own ascender–descender span is 1.448
export const ASCENT = 1.08; // baseline below the top of a line box, in ems
const WORD = /[\p{Script=Latin}\p{Nd}!-/:-@[-`{-~²³°±×·]/u;
const CLOSING = new Set([...'，。、；：！？）》」』】〕…％%,.;:!?)]}’”']);
const OPENING = new Set([...'（《「『【〔“‘([{']);

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const ch of text.replace(/\t/g, ' ')) {
    const last = out[out.length - 1];
    const space = /\s/u.test(ch);
    if (last && !space && !last.space && WORD.test(ch) && WORD.test(last.text[last.text.length - 1])) last.text += ch;
    else if (last && space && last.space) last.text += ch;
    else out.push({ text: ch, space });
  }
  return out;
}

export class Typesetter {
  private widths = new Map<string, number>();

  constructor(
    readonly doc: PDFKit.PDFDocument,
    private book: FontBook,
  ) {}

  private charWidth(ch: string, font: string): number {
    const key = `${font}\u0000${ch}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      w = this.doc.font(font).fontSize(1).widthOfString(ch);
      this.widths.set(key, w);
    }
    return w;
  }

  /** Splits text into runs of one font each, with their widths at `size`. */
  segs(text: string, size: number, bold: boolean): Seg[] {
    const out: Seg[] = [];
    for (const ch of text) {
      const font = this.book.fontFor(ch, bold);
      const w = this.charWidth(ch, font) * size;
      const last = out[out.length - 1];
      if (last && last.font === font) {
        last.text += ch;
        last.width += w;
      } else out.push({ font, text: ch, width: w });
    }
    return out;
  }

  /** Greedy line breaking: CJK between any two characters, Latin words whole. */
  lines(text: string, size: number, bold: boolean, maxWidth: number): Line[] {
    const lines: Line[] = [];
    for (const para of text.split(/\r?\n/)) {
      let cur: { tok: Token; segs: Seg[]; w: number }[] = [];
      let curW = 0;
      const flush = () => {
        while (cur.length && cur[cur.length - 1].tok.space) curW -= cur.pop()!.w;
        lines.push(toLine(cur.flatMap((t) => t.segs)));
        cur = [];
        curW = 0;
      };
      const queue = tokenize(para);
      while (queue.length) {
        const tok = queue.shift()!;
        if (tok.space && cur.length === 0) continue;
        const segs = this.segs(tok.text, size, bold);
        const w = segs.reduce((a, s) => a + s.width, 0);
        if (curW + w <= maxWidth) {
          cur.push({ tok, segs, w });
          curW += w;
          continue;
        }
        if (w > maxWidth && !tok.space && [...tok.text].length > 1) {
          // A word longer than the column (hash, URL): split it character by character.
          queue.unshift(...[...tok.text].map((c) => ({ text: c, space: false })));
          continue;
        }
        if (cur.length === 0) {
          // One character wider than the column: let it overflow rather than loop.
          cur.push({ tok, segs, w });
          curW += w;
          continue;
        }
        if (tok.space) {
          flush();
          continue;
        }
        // 禁则: closing punctuation never starts a line and opening never ends one, so the
        // neighbouring character moves down with it.
        const carry: typeof cur = [];
        const top = () => cur[cur.length - 1].tok;
        if (CLOSING.has(tok.text) && cur.length > 1 && !top().space) carry.unshift(cur.pop()!);
        while (cur.length > 1 && OPENING.has(top().text)) carry.unshift(cur.pop()!);
        flush();
        cur = carry;
        curW = carry.reduce((a, t) => a + t.w, 0);
        queue.unshift(tok);
      }
      flush();
    }
    return lines;
  }

  /** Draws one line with its baseline at y. */
  draw(line: Line, x: number, y: number, size: number, color = '#222222') {
    for (const s of line.segs) {
      this.doc.font(s.font).fontSize(size).fillColor(color).text(s.text, x, y, { lineBreak: false, baseline: 'alphabetic' });
      x += s.width;
    }
  }
}

function toLine(segs: Seg[]): Line {
  const merged: Seg[] = [];
  for (const s of segs) {
    const last = merged[merged.length - 1];
    if (last && last.font === s.font) {
      last.text += s.text;
      last.width += s.width;
    } else merged.push({ ...s });
  }
  return { segs: merged, width: merged.reduce((a, s) => a + s.width, 0) };
}
