// Streamed GeoJSON reader. A byte scanner cuts each feature object out of the top-level "features"
// array and only that text goes through JSON.parse, so heap stays at O(chunk + largest feature)
// instead of O(file). Works on bytes, not decoded text: every structural character is ASCII and
// UTF-8 continuation bytes are >= 0x80, so a multi-byte character split across chunks is never
// mistaken for structure and is decoded whole once its feature is complete.
//
// Accepted: FeatureCollection, single Feature, bare Geometry, and sequences of such values
// (GeoJSON Text Sequences with RS separators, newline-delimited .geojsonl/.ndjson). Sequences are
// detected from the content, not the extension. The legacy top-level "crs" member is honoured only
// when it comes before "features" (as GDAL and QGIS write it); a "crs" after "features" is ignored.

import { open, stat, type FileHandle } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { requireEncoding } from './shapefile/encoding.ts';
import { UndecodableText } from './undecodable.ts';
import { geometryToWkb, type Geometry } from '../util/wkb.ts';
import { ImportError, type ReaderOptions, type SourceFeature, type SourceInfo, type SourceReader } from './types.ts';

/** A feature (or top-level Feature/Geometry) cut out of the stream, not yet parsed. */
export interface ScannedValue {
  text: string;
  /** 1-based feature number across the file. */
  index: number;
  /** 1-based line where the value starts. */
  line: number;
  /** true for a top-level value (sequence element / single Feature / Geometry), false for a features[] element. */
  top: boolean;
}

// Byte classes; everything else (digits, letters, '.', '-', UTF-8 bytes) is 0 and skipped fast.
const QUOTE = 1,
  OPEN = 2,
  CLOSE = 3,
  COMMA = 4,
  COLON = 5,
  NEWLINE = 6,
  SPACE = 7;
const CLS = new Uint8Array(256);
CLS[0x22] = QUOTE;
CLS[0x7b] = OPEN;
CLS[0x5b] = OPEN;
CLS[0x7d] = CLOSE;
CLS[0x5d] = CLOSE;
CLS[0x2c] = COMMA;
CLS[0x3a] = COLON;
CLS[0x0a] = NEWLINE;
CLS[0x20] = SPACE;
CLS[0x09] = SPACE;
CLS[0x0d] = SPACE;
CLS[0x1e] = SPACE; // 0x1e = RS (RFC 8142)
const FEATURES_KEY = Buffer.from('features');

/**
 * Push-style scanner: feed chunks with push(), collect finished values with take(), call end() at EOF.
 * Exported so tests can drive it with arbitrary chunk boundaries.
 */
export class GeoJsonScanner {
  private depth = 0;
  private inString = false;
  private escape = false;
  private line = 1;
  private offset = 0; // absolute offset of the current chunk's first byte
  // Capture of the value being cut out: a top-level object until "features" begins, or one feature.
  private capture: 'none' | 'top' | 'feature' = 'none';
  private capParts: Buffer[] = [];
  private capAbs = 0; // absolute offset where the capture starts
  private capLine = 0;
  // Member names of the top-level object (depth 1), to find "features".
  private expectKey = false;
  private key: number[] | null = null;
  private keyAbs = 0;
  private lastKeyIsFeatures = false;
  private inFeatures = false;
  private seenValue = false;
  private topLine = 0;
  private count = 0;
  private out: ScannedValue[] = [];
  /** Members of the first FeatureCollection before "features", as JSON text, e.g. '{"type":…,"crs":…}'. */
  headerText: string | undefined;
  /** True once enough is read to know the file's CRS: "features" has begun or a first value is complete. */
  headerDone = false;

  /** Double-byte text (GBK, GB18030, Big5): a trail byte may be 0x5C "\\", which must not read as an escape. */
  private readonly dbcs: boolean;

  constructor(
    private readonly file: string,
    /** Text encoding of the file (iconv-lite name); structure is ASCII in every encoding accepted. */
    readonly encoding = 'UTF-8',
  ) {
    this.dbcs = !/^utf-?8$/i.test(encoding);
  }

  private decode(bytes: Buffer, from?: number, to?: number): string {
    if (!this.dbcs) return bytes.toString('utf8', from, to);
    return iconv.decode(bytes.subarray(from ?? 0, to ?? bytes.length), this.encoding);
  }

  take(): ScannedValue[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  push(buf: Buffer): void {
    const n = buf.length;
    let i = 0;
    let depth = this.depth;
    let line = this.line;
    // Where the active capture starts in this chunk (0 when it began in an earlier chunk).
    let capIdx = this.capture === 'none' ? -1 : 0;
    let inString = this.inString;
    while (i < n) {
      if (inString) {
        if (this.escape) {
          this.escape = false;
          i++;
          continue;
        }
        const key = this.key;
        if (key) {
          for (; i < n; i++) {
            const c = buf[i];
            if (c === 0x22 || c === 0x5c) break;
            if (key.length <= FEATURES_KEY.length) key.push(c);
            if (c >= 0x81 && this.dbcs && ++i >= n) this.escape = true;
          }
        } else {
          for (; i < n; i++) {
            const c = buf[i];
            if (c === 0x22 || c === 0x5c) break;
            // A lead byte takes the next byte with it, even across a chunk boundary (escape = skip one).
            if (c >= 0x81 && this.dbcs && ++i >= n) this.escape = true;
          }
        }
        if (i >= n) break;
        i++;
        if (buf[i - 1] === 0x5c) {
          this.escape = true;
          continue;
        }
        inString = false;
        if (key) {
          this.lastKeyIsFeatures = key.length === FEATURES_KEY.length && FEATURES_KEY.equals(Buffer.from(key));
          this.key = null;
        }
        continue;
      }
      // Deep inside a feature (coordinates) only nesting and newlines matter; this loop takes
      // nearly all bytes of a typical file and leaves strings and the feature's end to the switch.
      if (depth > 2) {
        for (; i < n; i++) {
          const k = CLS[buf[i]];
          if (k === 0 || k === COMMA || k === SPACE || k === COLON) continue;
          if (k === OPEN) depth++;
          else if (k === NEWLINE) line++;
          else if (k === CLOSE && depth > 3) depth--;
          else break;
        }
        if (i >= n) break;
      }
      const c = buf[i];
      const k = CLS[c];
      if (k === 0) {
        if (depth <= 2) this.plainByte(c, depth, i, line);
        i++;
        continue;
      }
      switch (k) {
        case QUOTE:
          if (depth === 2 && this.inFeatures) this.fail(line, `features[${this.count}] is a string, not a Feature object`);
          inString = true;
          if (depth === 1 && this.expectKey && this.capture === 'top') {
            this.key = [];
            this.keyAbs = this.offset + i;
          }
          break;
        case OPEN:
          if (depth === 0) {
            if (c === 0x5b)
              this.fail(line, 'the top-level value is an array, not GeoJSON (expected a FeatureCollection, Feature or Geometry object)');
            this.capture = 'top';
            capIdx = i;
            this.capAbs = this.offset + i;
            this.capParts = [];
            this.capLine = this.topLine = line;
            this.expectKey = true;
            this.inFeatures = false;
            this.lastKeyIsFeatures = false;
            this.seenValue = true;
          } else if (depth === 1 && this.lastKeyIsFeatures && !this.expectKey && this.capture === 'top') {
            if (c !== 0x5b) this.fail(line, '"features" is not an array');
            if (!this.headerDone) this.headerText = this.headerUpTo(buf, capIdx, this.keyAbs);
            this.headerDone = true;
            this.capture = 'none';
            capIdx = -1;
            this.capParts = [];
            this.inFeatures = true;
          } else if (depth === 2 && this.inFeatures) {
            if (c !== 0x7b) this.fail(line, `features[${this.count}] is an array, not a Feature object`);
            this.capture = 'feature';
            capIdx = i;
            this.capAbs = this.offset + i;
            this.capParts = [];
            this.capLine = line;
            this.count++;
          }
          depth++;
          break;
        case CLOSE:
          depth--;
          if (depth < 0) this.fail(line, `unexpected "${String.fromCharCode(c)}" outside any object`);
          if (depth === 2 && this.capture === 'feature') {
            this.out.push({ text: this.captured(buf, capIdx, i + 1), index: this.count, line: this.capLine, top: false });
            this.capture = 'none';
            capIdx = -1;
          } else if (depth === 1 && this.inFeatures && c === 0x5d) {
            this.inFeatures = false;
          } else if (depth === 0 && this.capture === 'top') {
            this.count++;
            this.out.push({ text: this.captured(buf, capIdx, i + 1), index: this.count, line: this.capLine, top: true });
            this.capture = 'none';
            capIdx = -1;
            this.headerDone = true;
          } else if (depth === 0) {
            this.headerDone = true;
          }
          break;
        case COMMA:
          if (depth === 1) this.expectKey = true;
          break;
        case COLON:
          if (depth === 1) this.expectKey = false;
          break;
        case NEWLINE:
          line++;
          break;
      }
      i++;
    }
    if (capIdx >= 0 && capIdx < n) this.capParts.push(Buffer.from(buf.subarray(capIdx, n)));
    this.depth = depth;
    this.line = line;
    this.inString = inString;
    this.offset += n;
  }

  /** Throws the right ImportError when the stream ends in the middle of a value. */
  end(): void {
    if (!this.seenValue) this.fail(undefined, 'file is empty');
    if (this.depth === 0 && !this.inString) return;
    if (this.capture === 'feature') {
      throw new ImportError({
        file: this.file,
        line: this.capLine,
        feature: String(this.count),
        reason: `file ends inside feature ${this.count} which starts at line ${this.capLine}: truncated?`,
      });
    }
    if (this.inFeatures) this.fail(this.line, `file ends inside the "features" array after feature ${this.count}: truncated?`);
    this.fail(this.line, `file ends inside the top-level object which starts at line ${this.topLine}: truncated?`);
  }

  /** Non-structural byte outside strings where only whitespace or structure may appear. */
  private plainByte(c: number, depth: number, i: number, line: number): void {
    if (depth === 0) {
      const abs = this.offset + i;
      if (abs < 3 && c === [0xef, 0xbb, 0xbf][abs]) return; // UTF-8 BOM
      this.fail(line, `not GeoJSON: unexpected ${describe(c)} outside any object`);
    }
    if (depth === 2 && this.inFeatures && this.capture !== 'feature') {
      this.fail(line, `features[${this.count}] is not a Feature object (unexpected ${describe(c)})`);
    }
  }

  private captured(buf: Buffer, from: number, to: number): string {
    if (this.capParts.length === 0) return this.decode(buf, from, to);
    const all = Buffer.concat([...this.capParts, buf.subarray(from, to)]);
    this.capParts = [];
    return this.decode(all);
  }

  /** The top-level members before "features", closed into a parseable object. */
  private headerUpTo(buf: Buffer, capIdx: number, keyAbs: number): string {
    const parts = [...this.capParts, buf.subarray(capIdx, Math.max(capIdx, keyAbs - this.offset))];
    const text = this.decode(Buffer.concat(parts).subarray(0, keyAbs - this.capAbs));
    return text.replace(/[\s,]*$/, '') + '}';
  }

  private fail(line: number | undefined, reason: string): never {
    throw new ImportError({ file: this.file, line, reason });
  }
}

function describe(c: number): string {
  return c >= 0x21 && c < 0x7f ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

const GEOMETRY_DEPTH: Record<string, number> = {
  Point: 0,
  MultiPoint: 1,
  LineString: 1,
  MultiLineString: 2,
  Polygon: 2,
  MultiPolygon: 3,
};

/** Checks nesting and that every position is ≥ 2 numbers; returns a reason or undefined. */
function checkGeometry(g: unknown): string | undefined {
  if (g === null || typeof g !== 'object' || Array.isArray(g)) return 'geometry is not an object';
  const type = (g as { type?: unknown }).type;
  if (type === 'GeometryCollection') {
    const parts = (g as { geometries?: unknown }).geometries;
    if (!Array.isArray(parts)) return 'GeometryCollection has no "geometries" array';
    for (const p of parts) {
      const r = checkGeometry(p);
      if (r) return r;
    }
    return undefined;
  }
  if (typeof type !== 'string' || !(type in GEOMETRY_DEPTH)) return `unknown geometry type ${JSON.stringify(type)}`;
  const coords = (g as { coordinates?: unknown }).coordinates;
  if (coords === undefined || coords === null) return `${type} geometry has no coordinates`;
  if (type === 'Point' && Array.isArray(coords) && coords.length === 0) return undefined; // POINT EMPTY
  if (!coordsOk(coords, GEOMETRY_DEPTH[type])) {
    return `${type} coordinates are malformed: expected ${'an array of '.repeat(GEOMETRY_DEPTH[type])}[x, y] number positions`;
  }
  return undefined;
}

function coordsOk(c: unknown, depth: number): boolean {
  if (!Array.isArray(c)) return false;
  if (depth === 0) {
    if (c.length < 2) return false;
    for (let i = 0; i < c.length; i++) if (typeof c[i] !== 'number') return false;
    return true;
  }
  for (let i = 0; i < c.length; i++) if (!coordsOk(c[i], depth - 1)) return false;
  return true;
}

const CRS84 = /(^|[:/])CRS84$/i;
const EPSG_CODE = /^(?:EPSG:{1,2}|urn:ogc:def:crs:EPSG:[\d.]*:|https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[\d.]+\/)(\d+)$/i;

/** Legacy (2008 spec) crs member → EPSG code. */
export function sridFromCrs(crs: unknown): { srid: number; source: string } | undefined {
  if (crs === undefined || crs === null) return undefined;
  const c = crs as { type?: unknown; properties?: { name?: unknown; code?: unknown } };
  if (c.type === 'EPSG' && typeof c.properties?.code === 'number') {
    return { srid: c.properties.code, source: `GeoJSON crs EPSG ${c.properties.code}` };
  }
  const name = c.properties?.name;
  if (typeof name === 'string') {
    const m = EPSG_CODE.exec(name.trim());
    if (m) return { srid: Number(m[1]), source: `GeoJSON crs "${name}"` };
    // CRS84 is WGS 84 in lon/lat order; EPSG:4326 in PostGIS has the same (lon, lat) storage order.
    if (CRS84.test(name.trim())) return { srid: 4326, source: `GeoJSON crs "${name}" (WGS 84 lon/lat)` };
  }
  throw new Error(
    `the "crs" member ${JSON.stringify(crs)} names no EPSG code; write it as {"type":"name","properties":{"name":"EPSG:4490"}}`,
  );
}

function jsonErrorLine(text: string, startLine: number, err: Error): number {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return startLine;
  let line = startLine;
  const end = Math.min(Number(m[1]), text.length);
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Parses one scanned value into a SourceFeature; every failure names file, line and feature. */
export function toSourceFeature(file: string, v: ScannedValue): SourceFeature {
  const fail = (reason: string, line = v.line): never => {
    throw new ImportError({ file, line, feature: String(v.index), reason });
  };
  let obj: unknown;
  try {
    obj = JSON.parse(v.text);
  } catch (e) {
    const err = e as Error;
    return fail(`not valid JSON: ${err.message}`, jsonErrorLine(v.text, v.line, err));
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return fail('not a JSON object');
  const o = obj as { type?: unknown; geometry?: unknown; properties?: unknown; id?: unknown };
  let geometry: unknown;
  let props: Record<string, unknown> = {};
  let id: unknown;
  if (o.type === 'Feature') {
    geometry = o.geometry ?? null;
    if (o.properties !== undefined && o.properties !== null) {
      if (typeof o.properties !== 'object' || Array.isArray(o.properties)) fail('"properties" is not an object');
      props = o.properties as Record<string, unknown>;
    }
    id = o.id;
  } else if (v.top && typeof o.type === 'string' && (o.type in GEOMETRY_DEPTH || o.type === 'GeometryCollection')) {
    geometry = o;
  } else if (v.top && o.type === 'FeatureCollection') {
    return fail('FeatureCollection without a "features" array');
  } else {
    return fail(
      `unknown GeoJSON type ${JSON.stringify(o.type)} (expected ${v.top ? 'FeatureCollection, Feature or a geometry' : 'Feature'})`,
    );
  }
  let wkb: Buffer | null = null;
  if (geometry !== null) {
    const bad = checkGeometry(geometry);
    if (bad) fail(bad);
    wkb = geometryToWkb(geometry as Geometry);
  }
  const hasId = typeof id === 'string' || typeof id === 'number';
  const fid = hasId ? String(id) : String(v.index);
  return { fid, wkb, props, location: `feature ${v.index} (line ${v.line})`, ...(hasId ? {} : { positional: true }) };
}

export interface GeoJsonTuning {
  /**
   * Read size in bytes; tests use tiny values to put boundaries everywhere. Default 256 KiB:
   * measured on 200,000 polygons it is as fast as 1–4 MiB and keeps ~50 MB less RSS, because
   * fewer cut-out feature strings wait in the queue at once.
   */
  chunkSize?: number;
}

/** Bytes of non-ASCII text that, all valid UTF-8, settle the file as UTF-8. */
const UTF8_EVIDENCE = 1 << 20;

/**
 * The file's text encoding, as Shapefile text is told (shapefile/encoding.ts): --encoding when given;
 * else UTF-8 when the text is valid UTF-8, else GBK. Reads from the start only until it knows: the
 * first invalid sequence (GBK), or 1 MiB past the first non-ASCII byte all valid (UTF-8), or the end.
 */
async function detectEncoding(fh: FileHandle, chunkSize: number): Promise<{ encoding: string; source: string }> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buf = Buffer.allocUnsafe(chunkSize);
  let pos = 0;
  let nonAsciiAt = -1;
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, chunkSize, pos);
    try {
      if (bytesRead === 0) {
        decoder.decode();
        break;
      }
      decoder.decode(buf.subarray(0, bytesRead), { stream: true });
    } catch {
      return { encoding: 'GBK', source: 'detected (not valid UTF-8, assumed GBK)' };
    }
    if (nonAsciiAt < 0) {
      const k = buf.subarray(0, bytesRead).findIndex((b) => b >= 0x80);
      if (k >= 0) nonAsciiAt = pos + k;
    }
    pos += bytesRead;
    if (nonAsciiAt >= 0 && pos - nonAsciiAt >= UTF8_EVIDENCE) break;
  }
  return { encoding: 'UTF-8', source: nonAsciiAt >= 0 ? 'detected (valid UTF-8)' : 'detected (ASCII only)' };
}

export async function openGeoJson(path: string, opts: ReaderOptions, tuning: GeoJsonTuning = {}): Promise<SourceReader> {
  const chunkSize = tuning.chunkSize ?? 256 << 10;
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new ImportError({ file: path, reason: `cannot read the file: ${(e as Error).message}` });
  }
  let encoding: string;
  try {
    encoding = opts.encoding ? requireEncoding(opts.encoding, '--encoding') : 'UTF-8';
  } catch (e) {
    throw new ImportError({ file: path, reason: (e as Error).message });
  }
  const fh = await open(path, 'r');
  if (!opts.encoding) {
    try {
      encoding = (await detectEncoding(fh, chunkSize)).encoding;
    } catch (e) {
      await fh.close();
      throw new ImportError({ file: path, reason: `cannot read the file: ${(e as Error).message}` });
    }
  }
  const scanner = new GeoJsonScanner(path, encoding);
  const buf = Buffer.allocUnsafe(chunkSize);
  let consumed = 0;
  let eof = false;
  const pump = async (): Promise<void> => {
    const { bytesRead } = await fh.read(buf, 0, chunkSize, consumed);
    if (bytesRead === 0) {
      eof = true;
      scanner.end();
      return;
    }
    consumed += bytesRead;
    scanner.push(buf.subarray(0, bytesRead));
  };

  const info: SourceInfo = { path, format: 'geojson', totalBytes: size, encoding, warnings: [] };
  const undecodable = new UndecodableText(path, encoding, info.warnings!);
  let pending: ScannedValue[] = [];
  try {
    while (!scanner.headerDone && !eof) await pump();
    pending = scanner.take();
    let header: unknown;
    if (scanner.headerText !== undefined) {
      try {
        header = JSON.parse(scanner.headerText);
      } catch (e) {
        throw new ImportError({
          file: path,
          line: 1,
          reason: `the FeatureCollection members before "features" are not valid JSON: ${(e as Error).message}`,
        });
      }
    } else if (pending.length > 0 && pending[0].top) {
      try {
        header = JSON.parse(pending[0].text);
      } catch {
        /* reported with its line when the feature is read */
      }
    }
    const crs = (header as { crs?: unknown } | undefined)?.crs;
    try {
      const s = sridFromCrs(crs);
      if (s) {
        info.srid = s.srid;
        info.sridSource = s.source;
      }
    } catch (e) {
      throw new ImportError({ file: path, reason: (e as Error).message });
    }
  } catch (e) {
    await fh.close();
    throw e;
  }

  let closed = false;
  let started = false;
  return {
    info,
    bytesRead: () => consumed,
    async *features(): AsyncIterable<SourceFeature> {
      if (started) throw new Error('features() can be iterated only once');
      started = true;
      for (;;) {
        for (const v of pending) {
          const f = toSourceFeature(path, v);
          if (v.text.includes('\uFFFD')) undecodable.check(`第 ${v.index} 个要素（第 ${v.line} 行）`, f.props);
          yield f;
        }
        if (eof || closed) {
          undecodable.finish();
          return;
        }
        await pump();
        pending = scanner.take();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await fh.close();
    },
  };
}
