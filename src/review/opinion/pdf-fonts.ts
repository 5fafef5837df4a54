// Fonts of the opinion PDF: the configured system font (ONEMAP_PDF_FONT), then the Noto Sans SC
// subsets of @fontsource/noto-sans-sc, chosen per character so nothing prints as a blank box; and
// the bytes of a finished document (the opinion and the indicators' check-up report use both).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';

export interface PdfFontOptions {
  /** A .ttf / .otf / .ttc with CJK glyphs, e.g. /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc. */
  path: string;
  /** PostScript name inside a .ttc (first font of the collection when absent). */
  family?: string;
}

export interface PdfOptions {
  /** Tried before the bundled Noto Sans SC subsets, which remain the fallback for missing glyphs. */
  font?: PdfFontOptions | null;
}

/** The bytes of a document (the opinion, the check-up report) once doc.end() has been called. */
export function pdfBytes(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  return new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

export function pdfOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PdfOptions {
  const path = env.ONEMAP_PDF_FONT?.trim();
  return { font: path ? { path, family: env.ONEMAP_PDF_FONT_FAMILY?.trim() || undefined } : null };
}

// ---------------------------------------------------------------------------------------------
// Fonts

// fontkit is pdfkit's own font parser; resolving it through pdfkit gets the very copy pdfkit uses.
interface FontkitFont {
  hasGlyphForCodePoint(cp: number): boolean;
  postscriptName: string;
}
interface Fontkit {
  create(data: Buffer, postscriptName?: string): FontkitFont | { fonts: FontkitFont[] };
}
const require = createRequire(import.meta.url);
const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as Fontkit;
const FONTSOURCE = dirname(require.resolve('@fontsource/noto-sans-sc/package.json'));

/**
 * WOFF 1.0 → plain sfnt. fontkit reads WOFF but inflates the whole glyf table again for every glyph
 * it touches (seconds per document for a CJK font); inflating each table once here avoids that.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.readUInt32BE(0) !== 0x774f4646) return woff; // 'wOFF'
  const n = woff.readUInt16BE(12);
  const tables = Array.from({ length: n }, (_, i) => {
    const o = 44 + i * 20;
    const [tag, offset, compLength, origLength, checksum] = [0, 4, 8, 12, 16].map((d) => woff.readUInt32BE(o + d));
    const raw = woff.subarray(offset, offset + compLength);
    return { tag, checksum, data: compLength < origLength ? inflateSync(raw) : raw };
  });
  const log2 = Math.floor(Math.log2(n));
  const header = Buffer.alloc(12 + 16 * n);
  header.writeUInt32BE(woff.readUInt32BE(4), 0); // flavor: 0x00010000 (TrueType) or 'OTTO'
  header.writeUInt16BE(n, 4);
  header.writeUInt16BE(16 << log2, 6);
  header.writeUInt16BE(log2, 8);
  header.writeUInt16BE(16 * n - (16 << log2), 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  tables.forEach((t, i) => {
    header.writeUInt32BE(t.tag, 12 + i * 16);
    header.writeUInt32BE(t.checksum, 16 + i * 16);
    header.writeUInt32BE(offset, 20 + i * 16);
    header.writeUInt32BE(t.data.length, 24 + i * 16);
    const pad = (4 - (t.data.length % 4)) % 4;
    parts.push(t.data, Buffer.alloc(pad));
    offset += t.data.length + pad;
  });
  return Buffer.concat(parts);
}

interface Face {
  name: string;
  has: (cp: number) => boolean;
}

const subsetFile = (subset: string, weight: 400 | 700) =>
  woffToSfnt(readFileSync(join(FONTSOURCE, 'files', `noto-sans-sc-${subset}-${weight}-normal.woff`)));

/**
 * The fonts of one document, in order of preference: the configured system font, the Noto Sans SC
 * chinese-simplified subset (GB 2312 hanzi, ASCII, Latin-1, “”（）—×²), then whichever other Noto
 * subset unicode.json lists for a character (→ ① ≤ and rarer hanzi such as 溇 live there).
 */
export class FontBook {
  private faces: Face[] = [];
  private ranges: [string, [number, number][]][] | null = null;
  private loaded = new Set<string>();
  private chosen = new Map<string, string>();

  constructor(
    private doc: PDFKit.PDFDocument,
    system: PdfFontOptions | null,
  ) {
    if (system) this.addSystem(system);
    this.addSubset('chinese-simplified');
  }

  private register(id: string, regular: Buffer, bold: Buffer, font: FontkitFont, family?: string) {
    this.doc.registerFont(`${id}:400`, regular, family);
    this.doc.registerFont(`${id}:700`, bold, family);
    this.faces.push({ name: id, has: (cp) => font.hasGlyphForCodePoint(cp) });
  }

  private addSystem({ path, family }: PdfFontOptions) {
    const bytes = woffToSfnt(readFileSync(path));
    const opened = fontkit.create(bytes);
    if (!('fonts' in opened)) {
      // A single font: the family name only selects inside collections, so it is not passed on.
      this.register('system', bytes, bytes, opened);
      return;
    }
    const ps = family ?? opened.fonts[0]?.postscriptName;
    const font = opened.fonts.find((f) => f.postscriptName === ps);
    if (!font) {
      const names = opened.fonts.map((f) => f.postscriptName).join(', ');
      throw new Error(`ONEMAP_PDF_FONT_FAMILY: ${ps} is not in ${path} (it has: ${names})`);
    }
    // One file only, so headings use the same weight as body text.
    this.register('system', bytes, bytes, font, ps);
  }

  private addSubset(subset: string): Face {
    this.loaded.add(subset);
    const regular = subsetFile(subset, 400);
    this.register(subset, regular, subsetFile(subset, 700), fontkit.create(regular) as FontkitFont);
    return this.faces[this.faces.length - 1];
  }

  private subsetsFor(cp: number): string[] {
    if (!this.ranges) {
      const json = JSON.parse(readFileSync(join(FONTSOURCE, 'unicode.json'), 'utf8')) as Record<string, string>;
      this.ranges = Object.entries(json).map(([k, v]) => [
        k.replace(/^\[(\d+)\]$/, '$1'),
        v.split(',').map((r) => {
          const [lo, hi] = r
            .trim()
            .replace(/^U\+/i, '')
            .split('-')
            .map((h) => parseInt(h, 16));
          return [lo, hi ?? lo] as [number, number];
        }),
      ]);
    }
    return this.ranges.filter(([, rs]) => rs.some(([lo, hi]) => cp >= lo && cp <= hi)).map(([k]) => k);
  }

  /** Registered pdfkit font name for one character. */
  fontFor(ch: string, bold: boolean): string {
    const key = `${ch}${bold ? 'b' : ''}`;
    let name = this.chosen.get(key);
    if (!name) {
      const cp = ch.codePointAt(0) ?? 0x20;
      let face = this.faces.find((f) => f.has(cp));
      for (const subset of face ? [] : this.subsetsFor(cp)) {
        if (this.loaded.has(subset)) continue;
        const added = this.addSubset(subset);
        if (added.has(cp)) {
          face = added;
          break;
        }
      }
      // Not in Noto Sans SC at all: nothing better than the primary font's missing-glyph box.
      name = `${(face ?? this.faces[0]).name}:${bold ? 700 : 400}`;
      this.chosen.set(key, name);
    }
    return name;
  }
}

// ---------------------------------------------------------------------------------------------
// Line layout
