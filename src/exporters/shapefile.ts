// Shapefile writer (.shp .shx .dbf .prj .cpg), streaming: records go through 1 MB buffers with
// synchronous writes, headers (length, bbox, count) are patched on close. Output follows what ArcGIS
// and GDAL expect: outer rings clockwise, holes counter-clockwise, 10-byte field names, a .cpg naming
// the encoding, and the 2 GB size limit most readers enforce.
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import iconv from 'iconv-lite';
import { wkbToGeometry, type Geometry, type Position } from '../util/wkb.ts';

export type ShpGeometryType = 'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon';
export type ShpEncoding = 'UTF-8' | 'GBK';

export interface ShpField {
  /** Column name in the .dbf; fitted to 10 bytes in the target encoding and made unique. */
  name: string;
  type: 'C' | 'N' | 'F' | 'D' | 'L';
  length?: number;
  decimals?: number;
  /** Key of the value in `props` when it differs from `name` (set by inferFields on truncation). */
  source?: string;
}

export interface ShapefileWriterOptions {
  geometryType: ShpGeometryType;
  fields?: ShpField[];
  encoding: ShpEncoding;
  prjWkt: string;
  /** Told about text values cut to their field width. */
  onWarning?: (message: string) => void;
}

export interface ShapefileWriter {
  write(geomWkb: Buffer | null, props: Record<string, unknown>): void;
  close(): Promise<void>;
}

/** ESRI WKT of CGCS2000 geographic (EPSG:4490), as ArcGIS and GDAL write it. */
export const CGCS2000_PRJ =
  'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],' +
  'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

const SHAPE_TYPE: Record<ShpGeometryType, number> = {
  Point: 1,
  MultiPoint: 8,
  LineString: 3,
  MultiLineString: 3,
  Polygon: 5,
  MultiPolygon: 5,
};
/** Most readers (GDAL, ArcGIS) treat .shp/.dbf offsets as signed 32-bit: 2 GB is the practical limit. */
const MAX_FILE = 2 ** 31 - 1;
const MAX_WARNINGS = 20;

const byteLength = (s: string, enc: ShpEncoding) => (enc === 'UTF-8' ? Buffer.byteLength(s) : iconv.encode(s, 'GBK').length);

/** The longest prefix of `s` (whole characters) that fits in `max` bytes. */
function fitBytes(s: string, max: number, enc: ShpEncoding): string {
  if (byteLength(s, enc) <= max) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = byteLength(ch, enc);
    if (used + n > max) break;
    out += ch;
    used += n;
  }
  return out;
}

/** Names fitted to 10 bytes and unique ignoring case (dBASE readers compare names case-insensitively). */
function fitNames(fields: ShpField[], enc: ShpEncoding): ShpField[] {
  const seen = new Set<string>();
  return fields.map((f, i) => {
    const wanted = f.name.trim() || `FIELD${i + 1}`;
    let name = fitBytes(wanted, 10, enc);
    for (let n = 1; seen.has(name.toLowerCase()); n++) name = fitBytes(wanted, 10 - `_${n}`.length, enc) + `_${n}`;
    seen.add(name.toLowerCase());
    return { ...f, name, source: f.source ?? f.name };
  });
}

const DATE_RE = /^(\d{4})-?(\d{2})-?(\d{2})(?:$|[T ])/;

/**
 * Field definitions from sample rows (keys in order of first appearance). Integers → N(≥10,0),
 * other numbers → N(24,15) like GDAL's Real, booleans → L, Date objects and 'YYYY-MM-DD' strings → D,
 * everything else → C sized to the longest value in bytes (≤ 254; 254 when the sample has no value).
 */
export function inferFields(rows: Record<string, unknown>[], encoding: ShpEncoding = 'UTF-8'): ShpField[] {
  const keys: string[] = [];
  const stats = new Map<string, { kinds: Set<string>; bytes: number; digits: number }>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      let s = stats.get(k);
      if (!s) {
        s = { kinds: new Set(), bytes: 0, digits: 0 };
        stats.set(k, s);
        keys.push(k);
      }
      if (v === null || v === undefined) continue;
      if (typeof v === 'number' && Number.isFinite(v)) {
        s.kinds.add(Number.isInteger(v) && Math.abs(v) < 1e15 ? 'int' : 'real');
        s.digits = Math.max(s.digits, String(Math.trunc(v)).length);
      } else if (typeof v === 'boolean') s.kinds.add('bool');
      else if (v instanceof Date) s.kinds.add('date');
      else {
        const text = textOf(v);
        s.kinds.add(DATE_RE.test(text) && text.length <= 10 ? 'date' : 'text');
        s.bytes = Math.max(s.bytes, byteLength(text, encoding));
      }
    }
  }
  const fields = keys.map((k): ShpField => {
    const { kinds, bytes, digits } = stats.get(k)!;
    const only = kinds.size === 1 ? [...kinds][0] : kinds.size === 2 && kinds.has('int') && kinds.has('real') ? 'real' : 'text';
    switch (kinds.size === 0 ? 'none' : only) {
      case 'int':
        return { name: k, type: 'N', length: Math.min(Math.max(10, digits + 1), 19), decimals: 0 };
      case 'real':
        return { name: k, type: 'N', length: 24, decimals: 15 };
      case 'bool':
        return { name: k, type: 'L', length: 1 };
      case 'date':
        return { name: k, type: 'D', length: 8 };
      case 'none':
        return { name: k, type: 'C', length: 254 };
      default:
        return { name: k, type: 'C', length: Math.min(Math.max(bytes, 1), 254) };
    }
  });
  return fitNames(fields, encoding);
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * A value as dBASE text: null = leave blank (dBASE has no other null), a latin1 string for numbers,
 * dates and logicals (already justified), or encoded bytes for text. Throws when a value cannot be
 * represented without changing it (a word in a number column, a number too wide for its column).
 */
function formatValue(
  v: unknown,
  f: { name: string; type: string; length: number; decimals: number },
  enc: ShpEncoding,
  warn: (m: string) => void,
): string | Buffer | null {
  if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '' && f.type !== 'C')) return null;
  switch (f.type) {
    case 'N':
    case 'F': {
      const n = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : typeof v === 'string' ? Number(v.trim()) : NaN;
      if (typeof v === 'number' && Number.isNaN(v)) return null;
      if (!Number.isFinite(n)) throw new Error(`field ${f.name}: ${JSON.stringify(v)} is not a number`);
      // Fewer decimals before giving up: the digits dropped are beyond a double's precision anyway.
      for (let d = Math.min(f.decimals, 100); d >= 0; d--) {
        const t = n.toFixed(d);
        if (t.length <= f.length) return t.padStart(f.length);
      }
      throw new Error(`field ${f.name}: ${n} does not fit in N(${f.length},${f.decimals})`);
    }
    case 'D': {
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) return null;
        // Local calendar date: database drivers turn DATE into local midnight.
        return `${String(v.getFullYear()).padStart(4, '0')}${String(v.getMonth() + 1).padStart(2, '0')}${String(v.getDate()).padStart(2, '0')}`;
      }
      const m = DATE_RE.exec(String(v).trim());
      if (!m) throw new Error(`field ${f.name}: ${JSON.stringify(v)} is not a date (YYYY-MM-DD)`);
      return m[1] + m[2] + m[3];
    }
    case 'L': {
      const t = typeof v === 'string' ? v.trim().toLowerCase() : v;
      if (t === true || t === 1 || t === 't' || t === 'y' || t === 'true' || t === 'yes' || t === '1') return 'T';
      if (t === false || t === 0 || t === 'f' || t === 'n' || t === 'false' || t === 'no' || t === '0') return 'F';
      throw new Error(`field ${f.name}: ${JSON.stringify(v)} is not true/false`);
    }
    default: {
      const text = textOf(v);
      let bytes = iconv.encode(text, enc);
      if (bytes.length > f.length) {
        warn(`${f.name} cut to ${f.length} bytes ("${text.slice(0, 20)}…")`);
        bytes = iconv.encode(fitBytes(text, f.length, enc), enc);
      }
      return bytes;
    }
  }
}

/** Buffered sequential writer over a file descriptor. */
class Out {
  private buf = Buffer.allocUnsafe(1 << 20);
  private n = 0;
  private flushed = 0;
  constructor(
    readonly fd: number,
    readonly file: string,
  ) {}
  get size(): number {
    return this.flushed + this.n;
  }
  room(k: number): Buffer {
    if (this.n + k > this.buf.length) this.flush();
    if (k > this.buf.length) this.buf = Buffer.allocUnsafe(k);
    return this.buf;
  }
  get at(): number {
    return this.n;
  }
  advance(k: number): void {
    this.n += k;
  }
  bytes(b: Buffer): void {
    b.copy(this.room(b.length), this.n);
    this.n += b.length;
  }
  flush(): void {
    for (let o = 0; o < this.n;) o += writeSync(this.fd, this.buf, o, this.n - o);
    this.flushed += this.n;
    this.n = 0;
  }
  patch(b: Buffer, position: number): void {
    for (let o = 0; o < b.length;) o += writeSync(this.fd, b, o, b.length - o, position + o);
  }
}

/** Signed area ×2, relative to the first vertex so large GK eastings keep their precision. */
function ringArea(r: Position[]): number {
  let s = 0;
  const [x0, y0] = r[0];
  for (let i = 1; i + 1 < r.length; i++) s += (r[i][0] - x0) * (r[i + 1][1] - y0) - (r[i + 1][0] - x0) * (r[i][1] - y0);
  return s;
}

/** Closed copy of a ring, turned clockwise (outer) or counter-clockwise (hole) as the format wants. */
function orient(ring: Position[], clockwise: boolean): Position[] {
  const r = ring.slice();
  const a = r[0],
    b = r[r.length - 1];
  if (a[0] !== b[0] || a[1] !== b[1]) r.push(a);
  const area = ringArea(r);
  if ((clockwise && area > 0) || (!clockwise && area < 0)) r.reverse();
  return r;
}

/** Geometry → list of parts (point lists) for one .shp record of the layer's type, or null. */
function partsFor(g: Geometry, layer: ShpGeometryType): Position[][] | null {
  const kind = SHAPE_TYPE[layer];
  const refuse = () => {
    throw new Error(`a ${g.type} cannot be written to a ${layer} shapefile`);
  };
  if (kind === 1 || kind === 8) {
    const pts = g.type === 'Point' ? (g.coordinates.length ? [g.coordinates] : []) : g.type === 'MultiPoint' ? g.coordinates : refuse()!;
    if (kind === 1 && pts.length > 1) throw new Error(`a MultiPoint of ${pts.length} points cannot be written to a Point shapefile`);
    return pts.length ? [pts] : null;
  }
  if (kind === 3) {
    const lines = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : refuse()!;
    const parts = lines.filter((l) => l.length > 0);
    return parts.length ? parts : null;
  }
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : refuse()!;
  const parts: Position[][] = [];
  for (const poly of polys)
    poly.forEach((ring, i) => {
      if (ring.length) parts.push(orient(ring, i === 0));
    });
  return parts.length ? parts : null;
}

export function writeShapefile(outBase: string, opts: ShapefileWriterOptions): ShapefileWriter {
  if (!opts.fields)
    throw new Error("fields are required: a shapefile's columns are fixed before the first record (use inferFields on a sample)");
  if (!SHAPE_TYPE[opts.geometryType]) throw new Error(`unknown geometry type "${opts.geometryType}"`);
  const enc = opts.encoding;
  const base = outBase.replace(/\.shp$/i, '');
  const shapeType = SHAPE_TYPE[opts.geometryType];
  // dBASE needs at least one column; GDAL adds FID in the same situation.
  const fields = fitNames(opts.fields.length ? opts.fields : [{ name: 'FID', type: 'N', length: 10, decimals: 0 }], enc).map((f) => {
    const length = f.type === 'D' ? 8 : f.type === 'L' ? 1 : (f.length ?? (f.type === 'C' ? 254 : f.type === 'F' ? 24 : 18));
    const decimals = f.type === 'N' || f.type === 'F' ? (f.decimals ?? (f.type === 'F' ? 15 : 0)) : 0;
    if (length < 1 || length > 254) throw new Error(`field ${f.name}: length ${length} is outside 1–254`);
    return { ...f, length, decimals, offset: 0, nameBytes: iconv.encode(f.name, enc) };
  });
  let recordLength = 1; // byte 0 is the deletion flag
  for (const f of fields) {
    f.offset = recordLength;
    recordLength += f.length;
  }
  if (recordLength > 65535) throw new Error(`fields need ${recordLength} bytes per record; dBASE allows 65535`);
  const headerLength = 32 + 32 * fields.length + 1;

  writeFileSync(`${base}.prj`, opts.prjWkt);
  writeFileSync(`${base}.cpg`, enc);
  const shp = new Out(openSync(`${base}.shp`, 'w'), `${base}.shp`);
  const shx = new Out(openSync(`${base}.shx`, 'w'), `${base}.shx`);
  const dbf = new Out(openSync(`${base}.dbf`, 'w'), `${base}.dbf`);
  shp.bytes(Buffer.alloc(100));
  shx.bytes(Buffer.alloc(100));
  const dbfHeader = Buffer.alloc(headerLength);
  dbf.bytes(dbfHeader); // real header written on close, once the record count is known

  const box = [Infinity, Infinity, -Infinity, -Infinity];
  let count = 0;
  let warnings = 0;
  let closed = false;
  const warn = (m: string) => {
    if (warnings++ < MAX_WARNINGS) opts.onWarning?.(m);
  };

  const contentBytes = (parts: Position[][] | null) => {
    const npts = parts ? parts.reduce((s, p) => s + p.length, 0) : 0;
    return !parts ? 4 : shapeType === 1 ? 20 : shapeType === 8 ? 40 + 16 * npts : 44 + 4 * parts.length + 16 * npts;
  };

  const writeGeometry = (parts: Position[][] | null, content: number) => {
    const sb = shx.room(8);
    sb.writeInt32BE(shp.size / 2, shx.at);
    sb.writeInt32BE(content / 2, shx.at + 4);
    shx.advance(8);
    const b = shp.room(8 + content);
    let o = shp.at;
    b.writeInt32BE(count + 1, o);
    b.writeInt32BE(content / 2, o + 4);
    b.writeInt32LE(parts ? shapeType : 0, o + 8);
    o += 12;
    if (parts) {
      let [xmin, ymin, xmax, ymax] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const p of parts)
        for (const [x, y] of p) {
          if (x < xmin) xmin = x;
          if (x > xmax) xmax = x;
          if (y < ymin) ymin = y;
          if (y > ymax) ymax = y;
        }
      box[0] = Math.min(box[0], xmin);
      box[1] = Math.min(box[1], ymin);
      box[2] = Math.max(box[2], xmax);
      box[3] = Math.max(box[3], ymax);
      if (shapeType === 1) {
        b.writeDoubleLE(parts[0][0][0], o);
        b.writeDoubleLE(parts[0][0][1], o + 8);
      } else {
        for (const v of [xmin, ymin, xmax, ymax]) {
          b.writeDoubleLE(v, o);
          o += 8;
        }
        if (shapeType !== 8) {
          b.writeInt32LE(parts.length, o);
          o += 4;
        }
        b.writeInt32LE(
          parts.reduce((s, p) => s + p.length, 0),
          o,
        );
        o += 4;
        if (shapeType !== 8) {
          let start = 0;
          for (const p of parts) {
            b.writeInt32LE(start, o);
            o += 4;
            start += p.length;
          }
        }
        for (const p of parts)
          for (const pt of p) {
            b.writeDoubleLE(pt[0], o);
            b.writeDoubleLE(pt[1], o + 8);
            o += 16;
          }
      }
    }
    shp.advance(8 + content);
  };

  const writeRecord = (props: Record<string, unknown>) => {
    const b = dbf.room(recordLength);
    const start = dbf.at;
    b.fill(0x20, start, start + recordLength);
    for (const f of fields) {
      const v = f.source === 'FID' && !opts.fields!.length ? count + 1 : props[f.source!];
      const text = formatValue(v, f, enc, (m) => warn(`record ${count + 1}: ${m}`));
      if (text === null) continue;
      const at = start + f.offset;
      if (typeof text === 'string') b.write(text, at, 'latin1');
      else text.copy(b, at);
    }
    dbf.advance(recordLength);
  };

  return {
    write(geomWkb, props) {
      if (closed) throw new Error('write after close');
      let parts: Position[][] | null = null;
      if (geomWkb && geomWkb.length) {
        try {
          parts = partsFor(wkbToGeometry(geomWkb), opts.geometryType);
        } catch (e) {
          throw new Error(`record ${count + 1}: ${(e as Error).message}`, { cause: e });
        }
      }
      const content = contentBytes(parts);
      if (shp.size + 8 + content > MAX_FILE)
        throw new Error(
          `${shp.file} would pass 2 GB (the limit of the shapefile format) at record ${count + 1}: export fewer features or use GeoPackage`,
        );
      if (dbf.size + recordLength + 1 > MAX_FILE)
        throw new Error(`${dbf.file} would pass 2 GB at record ${count + 1}: export fewer features or fewer/narrower columns`);
      try {
        writeRecord(props);
      } catch (e) {
        throw new Error(`record ${count + 1}: ${(e as Error).message}`, { cause: e });
      }
      writeGeometry(parts, content);
      count++;
    },
    async close() {
      if (closed) return;
      closed = true;
      const empty = count === 0 || box[0] === Infinity;
      const head = (len: number) => {
        const h = Buffer.alloc(100);
        h.writeInt32BE(9994, 0);
        h.writeInt32BE(len / 2, 24);
        h.writeInt32LE(1000, 28);
        h.writeInt32LE(shapeType, 32);
        if (!empty) box.forEach((v, i) => h.writeDoubleLE(v, 36 + 8 * i));
        return h;
      };
      dbf.bytes(Buffer.from([0x1a]));
      for (const o of [shp, shx, dbf]) o.flush();
      shp.patch(head(shp.size), 0);
      shx.patch(head(shx.size), 0);
      const now = new Date();
      dbfHeader[0] = 0x03;
      dbfHeader[1] = now.getFullYear() - 1900;
      dbfHeader[2] = now.getMonth() + 1;
      dbfHeader[3] = now.getDate();
      dbfHeader.writeUInt32LE(count, 4);
      dbfHeader.writeUInt16LE(headerLength, 8);
      dbfHeader.writeUInt16LE(recordLength, 10);
      dbfHeader[29] = enc === 'GBK' ? 0x4d : 0x00; // CP936 language driver, for readers that ignore the .cpg
      fields.forEach((f, i) => {
        const d = 32 + 32 * i;
        f.nameBytes.copy(dbfHeader, d, 0, Math.min(10, f.nameBytes.length));
        dbfHeader[d + 11] = f.type.charCodeAt(0);
        dbfHeader[d + 16] = f.length;
        dbfHeader[d + 17] = f.decimals;
      });
      dbfHeader[headerLength - 1] = 0x0d;
      dbf.patch(dbfHeader, 0);
      for (const o of [shp, shx, dbf]) closeSync(o.fd);
    },
  };
}
