// dBASE III/IV attribute tables as shapefiles use them. Records are fixed-width, so the reader hands
// us a buffer and an offset and we decode with direct byte reads; iconv-lite only runs on text fields
// that actually contain non-ASCII bytes (most codes and numbers in a 200k-parcel table are ASCII).
import iconv from 'iconv-lite';
import { trimPartialUtf8 } from './encoding.ts';

export interface DbfField {
  name: string;
  /** dBASE type letter: C, N, F, L, D, I, +, O, M, ... */
  type: string;
  /** Byte offset inside the record (the deletion flag is byte 0). */
  offset: number;
  length: number;
  decimals: number;
  /** Raw name bytes, decoded once the encoding is known. */
  rawName: Buffer;
}

export interface DbfHeader {
  version: number;
  recordCount: number;
  headerLength: number;
  recordLength: number;
  /** Language driver ID (byte 29): a code page hint, 0 when absent. */
  ldid: number;
  fields: DbfField[];
}

/** Bytes of the fixed part that tells how long the whole header is. */
export const DBF_PREFIX = 32;

export function dbfHeaderLength(prefix: Buffer): number {
  return prefix.readUInt16LE(8);
}

/** Parses the header; `buf` must hold at least headerLength bytes. Throws Error on nonsense. */
export function parseDbfHeader(buf: Buffer): DbfHeader {
  if (buf.length < DBF_PREFIX) throw new Error(`header is ${buf.length} bytes, shorter than 32`);
  const version = buf[0];
  // dBASE 7 uses 48-byte field descriptors and a different layout; shapefile tools never write it.
  if ((version & 0x07) === 4)
    throw new Error(`dBASE 7 tables (version byte 0x${version.toString(16)}) are not supported; re-save as dBASE III/IV`);
  const recordCount = buf.readUInt32LE(4);
  const headerLength = buf.readUInt16LE(8);
  const recordLength = buf.readUInt16LE(10);
  const ldid = buf[29];
  if (headerLength < DBF_PREFIX + 1 || headerLength > buf.length) throw new Error(`header length ${headerLength} is impossible`);
  if (recordLength < 1) throw new Error(`record length ${recordLength} is impossible`);
  const fields: DbfField[] = [];
  let sum = 1;
  let cHigh = 1; // sum if C-field decimals are read as the high byte of the length (Clipper/FoxPro > 255 chars)
  for (let pos = DBF_PREFIX; pos + 32 <= headerLength && buf[pos] !== 0x0d; pos += 32) {
    let nameEnd = pos;
    while (nameEnd < pos + 11 && buf[nameEnd] !== 0) nameEnd++;
    const type = String.fromCharCode(buf[pos + 11]).toUpperCase();
    const length = buf[pos + 16];
    const decimals = buf[pos + 17];
    fields.push({ name: '', type, offset: 0, length, decimals, rawName: Buffer.from(buf.subarray(pos, nameEnd)) });
    sum += length;
    cHigh += type === 'C' ? length + decimals * 256 : length;
  }
  const wide = sum !== recordLength && cHigh === recordLength;
  let offset = 1;
  for (const f of fields) {
    if (wide && f.type === 'C') {
      f.length += f.decimals * 256;
      f.decimals = 0;
    }
    f.offset = offset;
    offset += f.length;
  }
  if (offset > recordLength) throw new Error(`fields need ${offset} bytes per record but the header says ${recordLength}`);
  return { version, recordCount, headerLength, recordLength, ldid, fields };
}

function trimEnd(b: Buffer, s: number, e: number): number {
  while (e > s && (b[e - 1] === 0x20 || b[e - 1] === 0)) e--;
  return e;
}

/** Decodes field names; duplicates (possible after 10-byte truncation) get _2, _3 so no value is lost. */
export function decodeFieldNames(header: DbfHeader, encoding: string): void {
  const seen = new Set<string>();
  header.fields.forEach((f, i) => {
    let raw = f.rawName.subarray(0, trimEnd(f.rawName, 0, f.rawName.length));
    if (encoding === 'UTF-8') raw = trimPartialUtf8(raw);
    let name = iconv.decode(raw, encoding).trim() || `FIELD_${i + 1}`;
    if (seen.has(name.toLowerCase())) {
      let n = 2;
      while (seen.has(`${name}_${n}`.toLowerCase())) n++;
      name = `${name}_${n}`;
    }
    seen.add(name.toLowerCase());
    f.name = name;
  });
}

/** Trimmed text-field bytes of the records in `block`, for encoding detection. */
export function* textSamples(header: DbfHeader, block: Buffer): Iterable<Buffer> {
  for (const f of header.fields) yield f.rawName;
  for (let off = 0; off + header.recordLength <= block.length; off += header.recordLength) {
    for (const f of header.fields) {
      if (f.type !== 'C') continue;
      const s = off + f.offset;
      const e = trimEnd(block, s, s + f.length);
      if (e > s) yield block.subarray(s, e);
    }
  }
}

// Exact powers of ten: m / 10^k with m < 2^53 and k ≤ 22 is correctly rounded, i.e. equals parseFloat.
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

export function parseDbfNumber(b: Buffer, s: number, e: number): number | null {
  while (s < e && b[s] === 0x20) s++;
  e = trimEnd(b, s, e);
  if (s === e) return null;
  let i = s;
  const neg = b[i] === 0x2d;
  if (neg || b[i] === 0x2b) i++;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < e; i++) {
    const c = b[i];
    if (c >= 0x30 && c <= 0x39) {
      m = m * 10 + (c - 0x30);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 0x2e && frac < 0) frac = 0;
    else break;
  }
  if (i === e && digits > 0 && digits <= 15) {
    const v = frac > 0 ? m / POW10[frac] : m;
    return neg ? -v : v;
  }
  // Exponents, decimal commas from some locales, overflow stars (*****) and garbage.
  const str = b.toString('latin1', s, e);
  if (str[0] === '*') return null;
  const v = Number(str.replace(',', '.'));
  return Number.isFinite(v) ? v : null;
}

function parseDate(b: Buffer, s: number, len: number): string | null {
  if (len < 8) return null;
  for (let i = 0; i < 8; i++) {
    const c = b[s + i];
    if (c < 0x30 || c > 0x39) return null; // blank or garbage: no date
  }
  const t = b.toString('latin1', s, s + 8);
  if (t === '00000000') return null;
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
}

function parseLogical(c: number): boolean | null {
  if (c === 0x54 || c === 0x74 || c === 0x59 || c === 0x79) return true; // T t Y y
  if (c === 0x46 || c === 0x66 || c === 0x4e || c === 0x6e) return false; // F f N n
  return null;
}

const enum Kind {
  Text,
  Number,
  Date,
  Logical,
  Int32,
  Double,
  Skip,
}

function kindOf(f: DbfField): Kind {
  switch (f.type) {
    case 'N':
    case 'F':
      return Kind.Number;
    case 'D':
      return Kind.Date;
    case 'L':
      return Kind.Logical;
    case 'I':
    case '+':
      return f.length === 4 ? Kind.Int32 : Kind.Skip;
    case 'O':
      return f.length === 8 ? Kind.Double : Kind.Skip;
    // Memo/general/picture values live in a .dbt/.fpt that shapefiles do not ship.
    case 'M':
    case 'G':
    case 'P':
    case 'B':
      return Kind.Skip;
    default:
      return Kind.Text;
  }
}

const TEXT_CACHE = 20000;

export class DbfDecoder {
  private readonly names: string[];
  private readonly kinds: Kind[];
  private readonly offsets: number[];
  private readonly lengths: number[];
  private readonly utf8: boolean;
  private readonly cache = new Map<string, string>();
  /** dBASE 7 style binary integers are big-endian with the sign bit flipped; FoxPro's are little-endian. */
  private readonly bigEndianInts: boolean;

  constructor(
    header: DbfHeader,
    private readonly encoding: string,
  ) {
    const used = header.fields.filter((f) => kindOf(f) !== Kind.Skip);
    this.names = used.map((f) => f.name);
    this.kinds = used.map(kindOf);
    this.offsets = used.map((f) => f.offset);
    this.lengths = used.map((f) => f.length);
    this.utf8 = encoding === 'UTF-8';
    this.bigEndianInts = (header.version & 0x07) === 4;
  }

  static isDeleted(b: Buffer, off: number): boolean {
    return b[off] === 0x2a;
  }

  decode(b: Buffer, off: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const n = this.names.length;
    for (let i = 0; i < n; i++) {
      const s = off + this.offsets[i];
      const len = this.lengths[i];
      let v: unknown;
      switch (this.kinds[i]) {
        case Kind.Text:
          v = this.text(b, s, s + len);
          break;
        case Kind.Number:
          v = parseDbfNumber(b, s, s + len);
          break;
        case Kind.Date:
          v = parseDate(b, s, len);
          break;
        case Kind.Logical:
          v = parseLogical(b[s]);
          break;
        case Kind.Int32:
          v = this.bigEndianInts ? (b.readUInt32BE(s) ^ 0x80000000) | 0 : b.readInt32LE(s);
          break;
        case Kind.Double:
          v = b.readDoubleLE(s);
          break;
      }
      out[this.names[i]] = v;
    }
    return out;
  }

  /** Trimmed text; blank is null, as in GDAL (dBASE cannot tell "" from unset). */
  private text(b: Buffer, s: number, e: number): string | null {
    e = trimEnd(b, s, e);
    while (s < e && b[s] === 0x20) s++;
    if (s === e) return null;
    if (this.utf8) return b.toString('utf8', s, e);
    let ascii = true;
    for (let i = s; i < e; i++)
      if (b[i] >= 0x80) {
        ascii = false;
        break;
      }
    if (ascii) return b.toString('latin1', s, e);
    // Land-use tables repeat a few hundred values (地类名称, 权属单位名称) across 200k rows; the latin1
    // string of the raw bytes is a cheap exact key, so each distinct value goes through iconv-lite once.
    const key = b.toString('latin1', s, e);
    let text = this.cache.get(key);
    if (text === undefined) {
      text = iconv.decode(b.subarray(s, e), this.encoding);
      if (this.cache.size < TEXT_CACHE) this.cache.set(key, text);
    }
    return text;
  }
}
