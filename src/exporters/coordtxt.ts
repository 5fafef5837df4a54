// Writer for the national 建设用地报批 coordinate exchange TXT (domain.md §10), the file a
// submission to the provincial approval system carries. Mirrors src/importers/coordtxt.ts:
// X = northing first, Y = easting with the zone prefix, every ring closed by repeating its first
// point under the same point name, CRLF line ends and GBK by default (what the national client expects).
// A parcel imported from a TXT is written back with its own point names and 圈号, and the file's
// [属性描述] fields (数据产生单位, 日期, 精度, …) come back too, so a round trip changes nothing but
// what the store recomputes (地块面积) and what must describe the coordinates written (带号, 坐标系).

import iconv from 'iconv-lite';
import { gkSrid } from '../crs/zones.ts';
import { wkbToGeometry, type Position } from '../util/wkb.ts';
import type { SourcePoints } from '../importers/types.ts';

export interface TxtParcel {
  fid: string;
  name: string;
  use?: string;
  landCode?: string;
  /** 图幅号 as imported. */
  sheet?: string;
  /** Point names and 圈号 as imported (feature.source_points); null/absent: J1, J2, … */
  points?: SourcePoints | null;
  /** Polygon or MultiPolygon already in the zone-prefixed GK SRID (x = easting 40xxxxxx, y = northing). */
  wkbPlanar: Buffer;
  /** 投影面积 in 公顷, written with 4 decimals. */
  areaHa: number;
}

export interface TxtWriteOptions {
  zone: number;
  width?: 3;
  encoding?: 'GBK' | 'UTF-8';
  /** The [属性描述] fields of the imported file, in its order; absent: the standard header. */
  header?: [string, string][] | null;
  /** Receives what the export could not keep as imported (renumbered points, rewritten header fields). */
  warnings?: string[];
}

// Keys that describe the coordinates as written: the writer's own values replace the file's, since
// the store holds CGCS2000 and the export writes 3° GK with the zone prefix. Order as domain.md §10.
const STANDARD_KEYS = ['格式版本号', '坐标系', '几度分带', '投影类型', '计量单位', '带号', '精度', '转换参数'];

/** Decimals for coordinates from 精度 (0.01 → 2); 3 (millimetres) when 精度 is absent or not a power of ten. */
export function decimalsOf(precision: string | undefined): number {
  const m = /^\s*(\d*\.?\d+)/.exec(precision ?? '');
  if (!m) return 3;
  const d = -Math.log10(Number(m[1]));
  return Number.isInteger(Math.round(d * 1e9) / 1e9) && d >= 0 && d <= 6 ? Math.round(d) : 3;
}

function headerLines(opts: TxtWriteOptions, width: number): { lines: string[]; decimals: number } {
  const file = new Map(opts.header ?? []);
  const decimals = file.has('精度') ? decimalsOf(file.get('精度')) : 3;
  const fixed: Record<string, string> = {
    坐标系: '2000国家大地坐标系',
    几度分带: String(width),
    投影类型: '高斯克吕格',
    计量单位: '米',
    带号: String(opts.zone),
    转换参数: ',,,,,,',
  };
  const defaults: Record<string, string> = { 格式版本号: '1.01', 精度: (10 ** -decimals).toFixed(decimals), ...fixed };
  const lines: string[] = [];
  for (const [k, v] of file) {
    const written = fixed[k] ?? v;
    // 转换参数 written empty is the same statement as none; anything else changed is worth a word.
    if (written !== v && !(k === '转换参数' && v.replace(/[,，\s]/g, '') === ''))
      opts.warnings?.push(
        `表头 ${k}=${v} 改写为 ${k}=${written}：导出的坐标为 CGCS2000 ${width}° 带第 ${opts.zone} 带（带带号） ([属性描述] ${k} rewritten to describe the exported coordinates)`,
      );
    lines.push(`${headerField(k)}=${headerField(written)}`);
  }
  for (const k of STANDARD_KEYS) if (!file.has(k)) lines.push(`${k}=${defaults[k]}`);
  return { lines, decimals };
}

// A header value is one line; "=" only separates at its first occurrence, so it may stay.
const headerField = (v: string): string => v.replace(/[\r\n]+/g, ' ').trim();

// A comma would split the field and a line break the record; the full-width comma keeps the text readable.
const field = (v: string | undefined): string =>
  (v ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/,/g, '，')
    .trim();

export function writeCoordinateTxt(parcels: TxtParcel[], opts: TxtWriteOptions): Buffer {
  const width = opts.width ?? 3;
  if (width !== 3) throw new Error(`only 3° zones are written (got ${width})`);
  const srid = gkSrid(width, opts.zone, true); // throws RangeError outside zones 25–45
  const head = headerLines(opts, width);
  const coord = (v: number): string => v.toFixed(head.decimals);
  const out: string[] = ['[属性描述]', ...head.lines, '[地块坐标]'];
  for (const p of parcels) {
    const g = wkbToGeometry(p.wkbPlanar);
    let polygons: Position[][][];
    if (g.type === 'Polygon') polygons = [g.coordinates];
    else if (g.type === 'MultiPolygon') polygons = g.coordinates;
    else throw new Error(`parcel ${p.fid}: ${g.type} cannot be written as a coordinate TXT parcel (Polygon or MultiPolygon only)`);
    if (!Number.isFinite(p.areaHa)) throw new Error(`parcel ${p.fid}: area ${p.areaHa} is not a number`);

    const rings = polygons.flat();
    for (const ring of rings) for (const [x] of ring) checkEasting(p.fid, x, opts.zone, srid);
    const kept = keptNames(p, rings, opts.warnings);
    // 圈号 runs 1, 2, … over all rings; the reader tells holes from further parts by containment.
    const pointLines: string[] = [];
    let pointNo = 0;
    if (kept) {
      // Every vertex under its own name, the closing one included (the file may close J01 as J01).
      rings.forEach((ring, i) =>
        ring.forEach(([x, y], k) => pointLines.push(`${field(kept[i].n[k])},${kept[i].r},${coord(y)},${coord(x)}`)),
      );
    } else {
      let ringNo = 0;
      for (const ring of rings) {
        const pts = ring.slice();
        const a = pts[0];
        const b = pts[pts.length - 1];
        if (pts.length > 1 && a[0] === b[0] && a[1] === b[1]) pts.pop();
        if (pts.length < 3) throw new Error(`parcel ${p.fid}: a ring has ${pts.length} distinct points; at least 3 are needed`);
        ringNo++;
        const firstName = `J${pointNo + 1}`;
        for (const [x, y] of pts) {
          pointLines.push(`J${++pointNo},${ringNo},${coord(y)},${coord(x)}`);
        }
        pointLines.push(`${firstName},${ringNo},${coord(pts[0][1])},${coord(pts[0][0])}`);
      }
    }
    if (rings.length === 0) throw new Error(`parcel ${p.fid}: empty geometry`);
    out.push(
      [
        pointLines.length,
        p.areaHa.toFixed(4),
        field(p.fid),
        field(p.name),
        '面',
        field(p.sheet),
        field(p.use),
        field(p.landCode),
        '@',
      ].join(','),
    );
    out.push(...pointLines);
  }
  const text = out.join('\r\n') + '\r\n';
  return opts.encoding === 'UTF-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'gbk');
}

/**
 * The imported point names when they still fit the geometry: as many rings, and each ring with as
 * many vertices as names. A geometry edited since (a vertex added or removed, a ring dropped) gets
 * J1, J2, … and a warning, since names shifted onto other corners would be worse than none.
 */
function keptNames(p: TxtParcel, rings: Position[][], warnings: string[] | undefined): SourcePoints | null {
  const names = p.points;
  if (!names || names.length === 0) return null;
  const fits = names.length === rings.length && names.every((r, i) => r.n.length === rings[i].length);
  if (fits) return names;
  const had = names.reduce((n, r) => n + r.n.length, 0);
  const has = rings.reduce((n, r) => n + r.length, 0);
  warnings?.push(
    `地块 ${p.fid} 的几何在导入后已改变（现有 ${rings.length} 个环、${has} 个点，导入时为 ${names.length} 个环、${had} 个点），导入时的点号不再适用，已按 J1、J2… 重新编号 (parcel ${p.fid}: geometry changed since import, points renumbered J1…)`,
  );
  return null;
}

function checkEasting(fid: string, x: number, zone: number, srid: number): void {
  if (Math.floor(x / 1e6) !== zone) {
    throw new Error(`parcel ${fid}: easting ${x} does not carry the zone prefix ${zone}; transform to EPSG:${srid} first`);
  }
}
