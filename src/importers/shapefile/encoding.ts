// Which text encoding a shapefile's .dbf uses. Chinese bureaus' files are mostly GBK without a
// .cpg; GDAL ≥ 3 and ArcGIS ≥ 10.2 write UTF-8 with a .cpg. Guessing wrong turns 水田 into mojibake
// that passes every later check, so the order of evidence matters: user override > .cpg > the dbf
// language driver byte > a UTF-8 validity test on the first records > GBK.
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

export interface ResolvedEncoding {
  /** Canonical name that iconv-lite accepts: 'UTF-8', 'GBK', 'GB18030', 'Big5', 'windows-1252', ... */
  encoding: string;
  /** Where it came from, for messages: "--encoding", ".cpg", "dbf language driver 0x4D", "detected". */
  source: string;
}

// Names Chinese users and tools write, keyed by upper case with separators removed.
// GB2312 files are decoded as GBK: GBK is a superset, and GB2312 labels often hide GBK-only characters.
const ALIASES: Record<string, string> = {
  UTF8: 'UTF-8',
  UTF: 'UTF-8',
  '65001': 'UTF-8',
  CP65001: 'UTF-8',
  GBK: 'GBK',
  CP936: 'GBK',
  '936': 'GBK',
  MS936: 'GBK',
  WINDOWS936: 'GBK',
  GB2312: 'GBK',
  EUCCN: 'GBK',
  GB18030: 'GB18030',
  '54936': 'GB18030',
  CP54936: 'GB18030',
  BIG5: 'Big5',
  CP950: 'Big5',
  '950': 'Big5',
  LATIN1: 'latin1',
  ISO88591: 'latin1',
  '88591': 'latin1',
  '28591': 'latin1',
  ASCII: 'UTF-8',
  USASCII: 'UTF-8',
};

/**
 * Normalises an encoding label (as typed after --encoding or found in a .cpg) to a name iconv-lite
 * accepts, or undefined when iconv-lite cannot decode it.
 */
export function normalizeEncoding(name: string): string | undefined {
  const raw = name.trim();
  if (!raw) return undefined;
  const key = raw.toUpperCase().replace(/[\s_\-.]/g, '');
  if (ALIASES[key]) return ALIASES[key];
  // ESRI writes Windows code pages as bare numbers or "ANSI 1252"; iconv-lite knows them as windows-NNNN / cpNNN.
  const cp = /^(?:ANSI|CP|WINDOWS)?(\d{3,5})$/.exec(key);
  if (cp) {
    if (ALIASES[cp[1]]) return ALIASES[cp[1]];
    for (const candidate of [`windows-${cp[1]}`, `cp${cp[1]}`]) if (iconv.encodingExists(candidate)) return candidate;
    return undefined;
  }
  return iconv.encodingExists(raw) ? raw : undefined;
}

/** Like normalizeEncoding, but throws a message fit for the user when the name is unknown. */
export function requireEncoding(name: string, where: string): string {
  const enc = normalizeEncoding(name);
  if (!enc) throw new Error(`unknown text encoding "${name}" (${where}); use e.g. UTF-8, GBK or GB18030`);
  return enc;
}

// dBASE language driver IDs (byte 29 of the header) that name a code page. 0x00 and 0x57 ("ANSI",
// i.e. whatever the writing PC used) carry no information and are left out on purpose.
const LDID: Record<number, string> = {
  0x01: 'cp437',
  0x02: 'cp850',
  0x03: 'windows-1252',
  0x4d: 'GBK',
  0x7a: 'GBK',
  0x4f: 'Big5',
  0x78: 'Big5',
  0x4e: 'cp949',
  0x79: 'cp949',
  0x4c: 'cp874',
};

export function encodingFromLdid(ldid: number): string | undefined {
  return LDID[ldid];
}

/** Strips a multi-byte UTF-8 sequence cut short at the end (GDAL truncates field names mid-character). */
export function trimPartialUtf8(bytes: Buffer): Buffer {
  let end = bytes.length;
  let i = end - 1;
  // Walk back over at most 3 continuation bytes to the lead byte of the last sequence.
  while (i >= 0 && end - i <= 4 && (bytes[i] & 0xc0) === 0x80) i--;
  if (i < 0) return bytes;
  const lead = bytes[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (need > 1 && end - i < need) end = i;
  return end === bytes.length ? bytes : bytes.subarray(0, end);
}

/**
 * Classifies text samples (field names and C-field values): 'utf8' when some are non-ASCII and all
 * are valid UTF-8, 'other' when any is not, 'ascii' when nothing tells them apart.
 */
export function classifySamples(samples: Iterable<Buffer>): 'utf8' | 'other' | 'ascii' {
  let nonAscii = false;
  for (const s of samples) {
    let ascii = true;
    for (let i = 0; i < s.length; i++)
      if (s[i] >= 0x80) {
        ascii = false;
        break;
      }
    if (ascii) continue;
    nonAscii = true;
    if (!isUtf8(trimPartialUtf8(s))) return 'other';
  }
  return nonAscii ? 'utf8' : 'ascii';
}

export function resolveEncoding(args: {
  override?: string;
  cpg?: string;
  ldid: number;
  samples: () => Iterable<Buffer>;
}): ResolvedEncoding {
  if (args.override) return { encoding: requireEncoding(args.override, '--encoding'), source: '--encoding' };
  if (args.cpg !== undefined && args.cpg.trim()) {
    // An unreadable .cpg is not fatal: fall through to the other evidence, as GDAL does.
    const enc = normalizeEncoding(args.cpg.replace(/^\uFEFF/, '').split(/\r?\n/)[0]);
    if (enc) return { encoding: enc, source: `.cpg "${args.cpg.trim()}"` };
  }
  const fromLdid = encodingFromLdid(args.ldid);
  if (fromLdid) return { encoding: fromLdid, source: `dbf language driver 0x${args.ldid.toString(16).toUpperCase().padStart(2, '0')}` };
  const kind = classifySamples(args.samples());
  if (kind === 'other') return { encoding: 'GBK', source: 'detected (not valid UTF-8, assumed GBK)' };
  return { encoding: 'UTF-8', source: kind === 'utf8' ? 'detected (valid UTF-8)' : 'detected (ASCII only)' };
}
