// Latin-1 text read as GBK (issue 18 item 6). A .dbf without .cpg that is not valid UTF-8 is read
// as GBK, the usual Chinese case; but European text in ISO-8859-1 / Windows-1252 is often valid GBK
// by accident: an accented letter (0xC0–0xFF) followed by an ASCII letter is a GBK double byte, so
// "Müller" is stored as "M黮ler" and "Zürich" as "Z黵ich", with no replacement character to show it.
//
// The tell, on the text as decoded: a character whose GBK bytes are a Latin-1 letter (lead 0xC0–0xFF)
// followed by an ASCII letter (trail 0x41–0x5A, 0x61–0x7A) — a rare character from GBK's extension
// area (GB2312 has both bytes ≥ 0xA1) — or an undecodable byte right after an ASCII letter ("caf�"),
// in a value with no common (GB2312) Chinese character outnumbering them. Real Chinese text is
// GB2312 characters almost throughout, so "A区", "杭州市Hangzhou" or "水田" never match.
import iconv from 'iconv-lite';

const SHOWN = 10;
const isAsciiLetter = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

type CharKind = 'suspect' | 'common' | 'other';

function kindOf(c: string): CharKind {
  const b = iconv.encode(c, 'gbk');
  if (b.length === 2 && b[0] >= 0xc0 && isAsciiLetter(b[1])) return 'suspect';
  return b.length === 2 && b[0] >= 0xa1 && b[1] >= 0xa1 ? 'common' : 'other';
}

/**
 * Whether one decoded string looks like Latin-1 text read as GBK (see the file comment). `kinds`
 * caches each character's class: a file's text uses a few thousand characters over and over.
 */
export function looksLikeLatin1(text: string, kinds: Map<string, CharKind> = new Map()): boolean {
  // Latin-1 words have ASCII letters around their accents; Chinese text without any (水田, 西湖区)
  // is settled without looking at a character, which keeps a million-record import fast.
  if (!/[A-Za-z]/.test(text) || !/[^\p{ASCII}]/u.test(text)) return false;
  let suspect = 0;
  let common = 0;
  let prev = '';
  for (const c of text) {
    if (c.codePointAt(0)! < 0x80) {
      prev = c;
      continue;
    }
    if (c === '\uFFFD') {
      if (isAsciiLetter(prev.charCodeAt(0))) suspect++;
    } else {
      let k = kinds.get(c);
      if (k === undefined) kinds.set(c, (k = kindOf(c)));
      if (k === 'suspect') suspect++;
      else if (k === 'common') common++;
    }
    prev = c;
  }
  return suspect > 0 && suspect >= common;
}

/**
 * Collects features whose text looks like Latin-1 read as GBK, naming file, feature and field, and
 * advising --encoding. Used only when GBK was a guess (no --encoding, no .cpg): a stated GBK stands.
 */
export class Latin1Text {
  private count = 0;
  private readonly kinds = new Map<string, CharKind>();
  constructor(
    private readonly file: string,
    private readonly warnings: string[],
  ) {}

  check(feature: string, props: Record<string, unknown>): void {
    const fields = Object.entries(props).filter(([, v]) => typeof v === 'string' && looksLikeLatin1(v, this.kinds));
    if (fields.length === 0) return;
    this.count++;
    if (this.count > SHOWN) return;
    const names = fields.map(([k]) => k);
    const shown = fields.map(([k, v]) => `${k}=“${String(v).slice(0, 40)}”`).join('、');
    this.warnings.push(
      `文件 ${this.file} ${feature}的字段 ${names.join('、')} 按 GBK 读出为 ${shown}，像是西文（ISO-8859-1/Latin-1）文字被当作 GBK 读取（如 Müller 读成 M黮ler）；如是，请以 --encoding latin1（或 windows-1252）重新导入 (${this.file}, ${feature}: field ${names.join(', ')} looks like Latin-1 text read as GBK; pass --encoding latin1)`,
    );
  }

  finish(): void {
    if (this.count > SHOWN)
      this.warnings.push(
        `文件 ${this.file} 另有 ${this.count - SHOWN} 个要素的文字像是 Latin-1 被当作 GBK 读取（共 ${this.count} 个） (${this.count} features in all look like Latin-1 read as GBK)`,
      );
  }
}
