// Reader for the national 建设用地报批 coordinate exchange TXT (domain.md §10).
// Surveyors write X = northing first and Y = easting (with the zone number in front) second, the
// reverse of x/y in GIS, so every point is checked for swapped columns and for a zone prefix that
// disagrees with 带号 before anything reaches the database. Files are a few KB: read whole.

import { readFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { gkSrid, zoneOfSrid, type GkZone } from '../crs/zones.ts';
import { oldDatumSrid, type OldDatum } from '../crs/olddatums.ts';
import { geometryToWkb, type Geometry, type Position } from '../util/wkb.ts';
import {
  ImportError,
  type DeclaredParcel,
  type ReaderOptions,
  type SourceFeature,
  type SourceInfo,
  type SourcePoints,
  type SourceReader,
} from './types.ts';

/** SourceInfo plus notes that are worth showing but do not stop the import. */
export interface CoordTxtInfo extends SourceInfo {
  warnings: string[];
  /** [属性描述] key=value pairs as written. */
  header: Record<string, string>;
}

export interface CoordTxtReader extends SourceReader {
  readonly info: CoordTxtInfo;
}

interface Point {
  name: string;
  ring: number;
  x: number;
  y: number;
  line: number;
}
interface ParcelDraft {
  line: number;
  fields: string[];
  points: Point[];
}

/**
 * Explicit encoding; else UTF-16 when the file starts with its byte-order mark (Windows Notepad's
 * "Unicode" and "Unicode big endian" save as UTF-16 with a BOM); else UTF-8 when the bytes are
 * valid UTF-8 (BOM or not); else GBK.
 */
export function decodeTxt(bytes: Buffer, override?: string): { text: string; encoding: string } {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (override && !/^utf-?8$/i.test(override)) {
    if (!iconv.encodingExists(override)) throw new Error(`unknown encoding "${override}"`);
    return { text: iconv.decode(bytes, override), encoding: override };
  }
  if (!override && bytes.length >= 2) {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: iconv.decode(bytes.subarray(2), 'utf-16le'), encoding: 'UTF-16LE' };
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: iconv.decode(bytes.subarray(2), 'utf-16be'), encoding: 'UTF-16BE' };
  }
  const body = bom ? bytes.subarray(3) : bytes;
  if (override) return { text: body.toString('utf8'), encoding: 'UTF-8' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'UTF-8' };
  } catch {
    // GBK decoding never fails, so it is the fallback rather than a second guess.
    return { text: iconv.decode(bytes, 'gbk'), encoding: 'GBK' };
  }
}

// Full-width forms that Chinese input methods type in place of the format's ASCII punctuation and
// digits (，＝［］．－ and ０–９); the format itself is ASCII-punctuated (domain.md §10).
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/g;
const toHalfWidth = (line: string) =>
  line.replace(FULL_WIDTH, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
// China's northings lie between ~2 000 000 (Hainan) and ~5 900 000 m (Heilongjiang): seven digits.
const isNorthing = (v: number) => v >= 1e6 && v < 1e7;
const isPrefixedEasting = (v: number) => v >= 1e7 && v < 1e8;
const isPlainEasting = (v: number) => v > 0 && v < 1e6;

/**
 * Parses a whole file; exported so tests can feed strings without touching the disk. `forcedSrid`
 * (--srid) is the last resort: used only when the file states no 带号 and its eastings carry no
 * zone prefix, so nothing in the file can say which zone it is in.
 */
export function parseCoordinateTxt(
  path: string,
  text: string,
  encoding: string,
  forcedSrid?: number,
): { info: CoordTxtInfo; features: SourceFeature[] } {
  const fail = (line: number | undefined, reason: string): never => {
    throw new ImportError({ file: path, line, reason });
  };
  const warnings: string[] = [];
  const header: Record<string, string> = {};
  const parcels: ParcelDraft[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.every((l) => l.trim() === '')) fail(undefined, 'file is empty');

  let section = '';
  let sawCoordinates = false;
  let loose: number | undefined; // first line separated by "，" or tabs
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = lines[i].replace(/^\uFEFF/, '').trim();
    if (line === '') continue;
    const sec = /^[[［](.+)[\]］]$/.exec(line);
    if (sec) {
      section = sec[1].trim();
      if (section === '地块坐标') sawCoordinates = true;
      else if (section !== '属性描述') warnings.push(`line ${n}: unknown section [${section}] ignored`);
      continue;
    }
    if (section === '属性描述') {
      const m = /^([^=＝]+)[=＝](.*)$/.exec(line);
      if (!m) fail(n, `expected key=value in [属性描述], found "${line}"`);
      else header[m[1].trim()] = m[2].trim();
    } else if (section === '地块坐标') {
      // Separators as bureaus really write them: ",", else the full-width "，", else tabs (a table
      // pasted from a spreadsheet). A line with any "," is split on "," alone, so a name written
      // with "，" inside a comma-separated line (as our own writer does) stays whole.
      const sep = line.includes(',') ? ',' : line.includes('，') ? '，' : line.includes('\t') ? '\t' : ',';
      if (sep !== ',' && loose === undefined) loose = n;
      const fields = line.split(sep).map((f) => f.trim());
      if (fields[fields.length - 1] === '@' || fields[fields.length - 1] === '＠') {
        parcels.push({ line: n, fields, points: [] });
        continue;
      }
      if (parcels.length === 0) fail(n, `point line before the first parcel header line (…,@): "${line}"`);
      parcels[parcels.length - 1].points.push(parsePoint(fields.map(toHalfWidth), line, n, fail));
    } else if (section === '') {
      warnings.push(`line ${n}: text before the first section ignored`);
    }
  }
  if (!sawCoordinates) fail(undefined, 'no [地块坐标] section: not a 建设用地报批 coordinate TXT?');
  if (loose !== undefined)
    warnings.push(`第 ${loose} 行起以全角逗号或制表符分隔，已按半角逗号读取 (line ${loose}: "，" or tab separators read as ",")`);
  if (parcels.length === 0) fail(undefined, 'the [地块坐标] section has no parcels (no header line ending in ",@")');

  const frame = coordinateFrame(header, parcels, fail, forcedSrid);
  const noteParts = [`TXT 几度分带=${frame.width} 带号=${frame.zone}`];
  if (frame.widthInferred) noteParts.push('几度分带 not stated, inferred from 带号');
  if (frame.zoneFromPrefix) noteParts.push('带号 not stated, taken from the easting prefix');
  if (frame.zoneFromSrid) noteParts.push(`带号 not stated and no zone prefix: zone from --srid ${forcedSrid}`);
  if (!frame.prefixed) noteParts.push('eastings written without the zone prefix');
  let srid: number;
  if (frame.datum) noteParts.unshift(`TXT 坐标系=${header['坐标系']}`);
  try {
    // Xian 1980 / Beijing 1954: the zone's EPSG code in that datum; the import then applies 转换参数= (decision 0012).
    srid = frame.datum ? oldDatumSrid(frame.datum, frame) : gkSrid(frame.width, frame.zone, frame.prefixed);
  } catch (e) {
    return fail(undefined, `带号=${frame.zone}: ${(e as Error).message}`);
  }
  if (forcedSrid !== undefined && forcedSrid !== srid) {
    // The file's own 带号 and prefix decide; a different --srid would move every parcel, so refuse.
    fail(
      undefined,
      `文件自身声明的坐标系为 EPSG:${srid}（${noteParts.join('; ')}），与 --srid ${forcedSrid} 不一致：请去掉 --srid 或更正文件 (the file's own zone gives EPSG:${srid}, which --srid ${forcedSrid} contradicts)`,
    );
  }
  if (!frame.prefixed)
    warnings.push(`the eastings have no zone prefix (the format writes Y as ${frame.zone}xxxxxx.xxx); read as EPSG:${srid}`);

  const declared: DeclaredParcel[] = [];
  const features: SourceFeature[] = [];
  const seen = new Map<string, number>();
  // The same boundary listed twice (copied under another number) would import at double the area.
  const sameShape = new Map<string, { fid: string; line: number }>();
  parcels.forEach((p, idx) => {
    const f = p.fields;
    const [count, areaText, id, name, shape, sheet, use, landCode] = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => (k < f.length - 1 ? f[k] : ''));
    const fid = id || String(idx + 1);
    if (seen.has(fid)) warnings.push(`line ${p.line}: 地块编号 ${fid} also used by the parcel at line ${seen.get(fid)}`);
    seen.set(fid, p.line);
    if (shape === '点' || shape === '线') fail(p.line, `parcel ${fid} has 图形属性=${shape}; only 面 (polygon) parcels can be imported`);
    if (p.points.length === 0) fail(p.line, `parcel ${fid} has no point lines`);
    if (areaText !== '' && !NUMBER.test(areaText)) fail(p.line, `地块面积 "${areaText}" is not a number (公顷)`);
    const areaHa = areaText === '' ? null : Number(areaText);
    const declaredCount = NUMBER.test(count) ? Number(count) : null;
    if (declaredCount !== p.points.length) {
      warnings.push(`line ${p.line}: parcel ${fid} declares 界址点数=${count} but ${p.points.length} point lines follow`);
    }
    const shapeKey = [...new Set(p.points.map((pt) => `${pt.x},${pt.y}`))].sort().join(';');
    const twin = sameShape.get(shapeKey);
    if (twin) {
      warnings.push(
        `第 ${p.line} 行的地块 ${fid} 与第 ${twin.line} 行的地块 ${twin.fid} 界址点坐标完全相同，疑为重复列出，导入后面积将重复计算 (line ${p.line}: parcel ${fid} repeats the boundary of parcel ${twin.fid})`,
      );
    } else sameShape.set(shapeKey, { fid, line: p.line });
    const { geometry, points } = buildGeometry(p, fid, warnings, fail);
    declared.push({ fid, name, declaredAreaM2: areaHa === null ? null : Math.round(areaHa * 1e4 * 1e6) / 1e6, line: p.line });
    features.push({
      fid,
      wkb: geometryToWkb(geometry),
      props: {
        地块编号: id,
        地块名称: name,
        图形属性: shape,
        图幅号: sheet,
        地块用途: use,
        地类编码: landCode,
        界址点数: declaredCount,
        地块面积公顷: areaHa,
      },
      location: `line ${p.line}`,
      points,
      ...(id ? {} : { positional: true }),
    });
  });

  const info: CoordTxtInfo = {
    path,
    format: 'coordtxt',
    srid,
    sridSource: noteParts.join('; '),
    encoding,
    declared,
    featureCount: features.length,
    geometryType: features.some((f) => f.wkb && f.wkb.readUInt32LE(1) === 6) ? 'MULTIPOLYGON' : 'POLYGON',
    warnings,
    header,
    ...(header['转换参数'] !== undefined ? { datumParams: header['转换参数'] } : {}),
  };
  return { info, features };
}

function parsePoint(fields: string[], line: string, n: number, fail: (l: number, r: string) => never): Point {
  if (fields.length === 5 && fields[4] === '') fields = fields.slice(0, 4); // a trailing comma some tools write
  // 序号,点号,圈号,X,Y: some tools number the lines first. Recognised only when the first and the
  // third fields are both whole numbers, so a point named "1" in a 4-field line is not taken for one.
  if (fields.length === 5 && /^\d+$/.test(fields[0]) && /^\d+$/.test(fields[2])) fields = fields.slice(1);
  if (fields.length !== 4) {
    const hint = fields.length >= 8 ? ' (a parcel header line must end with ",@")' : '';
    fail(n, `point line must have 4 fields 点号,圈号,X,Y but has ${fields.length}${hint}: "${line}"`);
  }
  const [name, ringText, xText, yText] = fields;
  if (!/^\d+$/.test(ringText) || Number(ringText) < 1) fail(n, `圈号 "${ringText}" is not a positive integer`);
  if (!NUMBER.test(xText)) fail(n, `X "${xText}" is not a number`);
  if (!NUMBER.test(yText)) fail(n, `Y "${yText}" is not a number`);
  const x = Number(xText);
  const y = Number(yText);
  if ((isPrefixedEasting(x) || isPlainEasting(x)) && isNorthing(y)) {
    fail(
      n,
      `X=${xText} looks like an easting and Y=${yText} like a northing: X must be the northing (北坐标) and Y the easting with zone prefix; the columns seem swapped`,
    );
  }
  if (!isNorthing(x)) fail(n, `X=${xText} is not a plausible northing in China (7 digits before the decimal point, e.g. 3345678.123)`);
  if (!isPrefixedEasting(y) && !isPlainEasting(y)) {
    fail(n, `Y=${yText} is neither an easting with zone prefix (e.g. 40512345.678) nor without (e.g. 512345.678)`);
  }
  return { name, ring: Number(ringText), x, y, line: n };
}

interface Frame {
  /** Set for a header in Xian 1980 / Beijing 1954; absent = CGCS2000. */
  datum?: OldDatum;
  width: 3 | 6;
  zone: number;
  prefixed: boolean;
  widthInferred: boolean;
  zoneFromPrefix: boolean;
  zoneFromSrid: boolean;
}

/** Zone, zone width and prefix convention from the header, cross-checked against every easting. */
function coordinateFrame(
  header: Record<string, string>,
  parcels: ParcelDraft[],
  fail: (l: number | undefined, r: string) => never,
  forcedSrid?: number,
): Frame {
  const crs = header['坐标系'];
  const datum = oldDatumOfHeader(crs);
  if (crs !== undefined && crs !== '' && !/2000/.test(crs) && !datum) {
    fail(
      undefined,
      `坐标系=${crs} 不是 2000国家大地坐标系、80国家大地坐标系（1980 西安）或 54北京坐标系，无法识别 (坐标系=${crs} is not CGCS2000, Xian 1980 or Beijing 1954)`,
    );
  }
  const unit = header['计量单位'];
  if (unit !== undefined && unit !== '' && !/^(米|m|metre|meter)$/i.test(unit)) fail(undefined, `计量单位=${unit}: only 米 is supported`);
  const proj = header['投影类型'];
  if (proj !== undefined && proj !== '' && !/高斯|gauss/i.test(proj)) fail(undefined, `投影类型=${proj}: only 高斯克吕格 is supported`);

  const all = parcels.flatMap((p) => p.points);
  const first = all[0];
  const prefixed = isPrefixedEasting(first.y);
  let zone: number;
  let zoneFromPrefix = false;
  let zoneFromSrid: GkZone | undefined;
  const zoneText = header['带号'];
  if (zoneText !== undefined && zoneText !== '') {
    if (!/^\d+$/.test(zoneText)) fail(undefined, `带号=${zoneText} is not a zone number`);
    zone = Number(zoneText);
  } else if (prefixed) {
    zone = Math.floor(first.y / 1e6);
    zoneFromPrefix = true;
  } else if (forcedSrid !== undefined) {
    zoneFromSrid = zoneOfSrid(forcedSrid);
    if (!zoneFromSrid || zoneFromSrid.prefixed) {
      return fail(
        undefined,
        `--srid ${forcedSrid} 不是不带带号前缀的 CGCS2000 高斯-克吕格投影（3° 带为 EPSG:4534–4554，6° 带为 EPSG:4502–4512），而本文件的横坐标没有带号前缀 (the eastings have no zone prefix, so --srid must be an unprefixed CGCS2000 GK code)`,
      );
    }
    zone = zoneFromSrid.zone;
  } else {
    return fail(
      undefined,
      '[属性描述] 未写带号，横坐标也没有带号前缀，无法确定投影带：请在文件中补写 带号=，或以 --srid 指定（如 EPSG:4549 为 3° 带 40 带、不带前缀） (带号 is missing and the eastings have no zone prefix: the zone cannot be determined; add 带号= or give --srid)',
    );
  }
  const widthText = header['几度分带'];
  let width: 3 | 6;
  let widthInferred = false;
  const w = /^([36])\s*(度|°)?$/.exec(widthText ?? '');
  if (zoneFromSrid) width = zoneFromSrid.width;
  else if (w) width = Number(w[1]) as 3 | 6;
  else if (widthText !== undefined && widthText !== '') return fail(undefined, `unknown 几度分带=${widthText} (expected 3 or 6)`);
  else {
    // China's 6° zones are numbered 13–23 and its 3° zones 25–45, so the number alone decides.
    widthInferred = true;
    width = zone >= 25 ? 3 : 6;
  }
  // Half a zone is 167 km (3°) / 334 km (6°) at the equator; anything far beyond is the wrong zone.
  const maxOffset = width === 3 ? 250_000 : 450_000;
  for (const p of all) {
    const isPre = isPrefixedEasting(p.y);
    if (isPre !== prefixed) {
      fail(
        p.line,
        `Y=${p.y} ${isPre ? 'has' : 'has no'} zone prefix but the first point (line ${first.line}) ${prefixed ? 'has' : 'has not'}: mixed easting conventions`,
      );
    }
    if (isPre && Math.floor(p.y / 1e6) !== zone) {
      fail(p.line, `Y=${p.y} has zone prefix ${Math.floor(p.y / 1e6)} but the header says 带号=${zone}`);
    }
    const offset = (p.y % 1e6) - 500_000;
    if (Math.abs(offset) > maxOffset) {
      fail(
        p.line,
        `Y=${p.y} is ${Math.round(Math.abs(offset) / 1000)} km from the central meridian of zone ${zone}, outside a ${width}° zone: wrong 带号 or wrong coordinates?`,
      );
    }
  }
  if (zoneFromSrid && w && Number(w[1]) !== zoneFromSrid.width)
    fail(undefined, `几度分带=${widthText} 与 --srid ${forcedSrid}（${zoneFromSrid.width}° 带）不一致 (zone width disagrees with --srid)`);
  return {
    ...(datum ? { datum } : {}),
    width,
    zone,
    prefixed,
    widthInferred: widthInferred && !zoneFromSrid,
    zoneFromPrefix,
    zoneFromSrid: zoneFromSrid !== undefined,
  };
}

/** 坐标系= as bureaus write the old datums: 80国家大地坐标系, 1980西安坐标系, 西安80; 54北京坐标系, 北京54. */
function oldDatumOfHeader(crs: string | undefined): OldDatum | undefined {
  if (!crs || /2000/.test(crs)) return undefined;
  if (/西安|xian|(^|\D)(19)?80(\D|$)/i.test(crs)) return 'xian80';
  if (/北京|beijing|(^|\D)(19)?54(\D|$)/i.test(crs)) return 'beijing54';
  return undefined;
}

/**
 * Rings from consecutive 圈号 runs; ring 1 is the outer ring, others are holes of the part containing
 * them. The point names go along ring by ring in the geometry's own ring order, for the export.
 */
function buildGeometry(
  p: ParcelDraft,
  fid: string,
  warnings: string[],
  fail: (l: number, r: string) => never,
): { geometry: Geometry; points: SourcePoints } {
  type Ring = { no: number; pts: Position[]; names: string[]; line: number };
  const rings: Ring[] = [];
  for (const pt of p.points) {
    let r = rings[rings.length - 1];
    if (!r || r.no !== pt.ring) {
      r = { no: pt.ring, pts: [], names: [], line: pt.line };
      rings.push(r);
    }
    r.pts.push([pt.y, pt.x]); // x = easting (Y column), y = northing (X column)
    r.names.push(pt.name);
  }
  for (const r of rings) {
    const a = r.pts[0];
    const b = r.pts[r.pts.length - 1];
    if (a[0] !== b[0] || a[1] !== b[1]) {
      warnings.push(
        `第 ${r.line} 行起地块 ${fid} 的圈号 ${r.no} 未以首点 ${r.names[0]} 结束（环未闭合），已按首点闭合 (line ${r.line}: ring 圈号=${r.no} of parcel ${fid} does not repeat its first point at the end; closed it)`,
      );
      r.pts.push([a[0], a[1]]);
      r.names.push(r.names[0]);
    }
    if (r.pts.length < 4) {
      fail(
        r.line,
        `ring 圈号=${r.no} of parcel ${fid} has ${r.pts.length} points including the closing point; a ring needs at least 4 (3 corners + the first repeated)`,
      );
    }
  }
  if (rings[0].no !== 1) warnings.push(`line ${rings[0].line}: parcel ${fid} starts with 圈号=${rings[0].no}, treated as the outer ring`);
  const parts: Ring[][] = [[rings[0]]];
  for (const r of rings.slice(1)) {
    const owner = parts.find((part) => ringInside(r.pts, part[0].pts));
    if (owner) owner.push(r);
    else parts.push([r]);
  }
  const coordinates = parts.map((part) => part.map((r) => r.pts));
  return {
    geometry: parts.length === 1 ? { type: 'Polygon', coordinates: coordinates[0] } : { type: 'MultiPolygon', coordinates },
    points: parts.flat().map((r) => ({ r: r.no, n: r.names })),
  };
}

/**
 * Whether `inner` lies inside `outer`, judged on its first vertex that is not on outer's boundary
 * (a hole may touch the outer ring at a vertex). One vertex suffices because valid rings do not cross.
 */
function ringInside(inner: Position[], outer: Position[]): boolean {
  for (const pt of inner) {
    const s = pointInRing(pt, outer);
    if (s !== 0) return s > 0;
  }
  return false;
}

/** +1 inside, -1 outside, 0 on the boundary (ray casting). */
function pointInRing(pt: Position, ring: Position[]): number {
  const [x, y] = pt;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    const cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
    if (cross === 0 && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj)) return 0;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside ? 1 : -1;
}

export async function openCoordinateTxt(path: string, opts: ReaderOptions): Promise<CoordTxtReader> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ImportError({ file: path, reason: `cannot read the file: ${(e as Error).message}` });
  }
  if (bytes.length === 0) throw new ImportError({ file: path, reason: 'file is empty' });
  let decoded: { text: string; encoding: string };
  try {
    decoded = decodeTxt(bytes, opts.encoding);
  } catch (e) {
    throw new ImportError({ file: path, reason: (e as Error).message });
  }
  const { info, features } = parseCoordinateTxt(path, decoded.text, decoded.encoding, opts.srid);
  info.totalBytes = bytes.length;
  return {
    info,
    bytesRead: () => bytes.length,
    async *features() {
      yield* features;
    },
    async close() {},
  };
}
