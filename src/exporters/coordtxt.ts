// Writer for the national 建设用地报批 coordinate exchange TXT (domain.md §10), the file a
// submission to the provincial approval system carries. Mirrors src/importers/coordtxt.ts:
// X = northing first, Y = easting with the zone prefix, every ring closed by repeating its first
// point under the same point name, CRLF line ends and GBK by default (what the national client expects).

import iconv from 'iconv-lite';
import { gkSrid } from '../crs/zones.ts';
import { wkbToGeometry, type Position } from '../util/wkb.ts';

export interface TxtParcel {
  fid: string;
  name: string;
  use?: string;
  landCode?: string;
  /** Polygon or MultiPolygon already in the zone-prefixed GK SRID (x = easting 40xxxxxx, y = northing). */
  wkbPlanar: Buffer;
  /** 投影面积 in 公顷, written with 4 decimals. */
  areaHa: number;
}

export interface TxtWriteOptions {
  zone: number;
  width?: 3;
  encoding?: 'GBK' | 'UTF-8';
}

// A comma would split the field and a line break the record; the full-width comma keeps the text readable.
const field = (v: string | undefined): string =>
  (v ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/,/g, '，')
    .trim();
const coord = (v: number): string => v.toFixed(3);

export function writeCoordinateTxt(parcels: TxtParcel[], opts: TxtWriteOptions): Buffer {
  const width = opts.width ?? 3;
  if (width !== 3) throw new Error(`only 3° zones are written (got ${width})`);
  const srid = gkSrid(width, opts.zone, true); // throws RangeError outside zones 25–45
  const out: string[] = [
    '[属性描述]',
    '格式版本号=1.01',
    '坐标系=2000国家大地坐标系',
    `几度分带=${width}`,
    '投影类型=高斯克吕格',
    '计量单位=米',
    `带号=${opts.zone}`,
    '精度=0.001',
    '转换参数=,,,,,,',
    '[地块坐标]',
  ];
  for (const p of parcels) {
    const g = wkbToGeometry(p.wkbPlanar);
    let polygons: Position[][][];
    if (g.type === 'Polygon') polygons = [g.coordinates];
    else if (g.type === 'MultiPolygon') polygons = g.coordinates;
    else throw new Error(`parcel ${p.fid}: ${g.type} cannot be written as a coordinate TXT parcel (Polygon or MultiPolygon only)`);
    if (!Number.isFinite(p.areaHa)) throw new Error(`parcel ${p.fid}: area ${p.areaHa} is not a number`);

    // 圈号 runs 1, 2, … over all rings; the reader tells holes from further parts by containment.
    const pointLines: string[] = [];
    let ringNo = 0;
    let pointNo = 0;
    for (const polygon of polygons) {
      for (const ring of polygon) {
        const pts = ring.slice();
        const a = pts[0];
        const b = pts[pts.length - 1];
        if (pts.length > 1 && a[0] === b[0] && a[1] === b[1]) pts.pop();
        if (pts.length < 3) throw new Error(`parcel ${p.fid}: a ring has ${pts.length} distinct points; at least 3 are needed`);
        ringNo++;
        const firstName = `J${pointNo + 1}`;
        for (const [x, y] of pts) {
          checkEasting(p.fid, x, opts.zone, srid);
          pointLines.push(`J${++pointNo},${ringNo},${coord(y)},${coord(x)}`);
        }
        pointLines.push(`${firstName},${ringNo},${coord(pts[0][1])},${coord(pts[0][0])}`);
      }
    }
    if (ringNo === 0) throw new Error(`parcel ${p.fid}: empty geometry`);
    out.push(
      [pointLines.length, p.areaHa.toFixed(4), field(p.fid), field(p.name), '面', '', field(p.use), field(p.landCode), '@'].join(','),
    );
    out.push(...pointLines);
  }
  const text = out.join('\r\n') + '\r\n';
  return opts.encoding === 'UTF-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'gbk');
}

function checkEasting(fid: string, x: number, zone: number, srid: number): void {
  if (Math.floor(x / 1e6) !== zone) {
    throw new Error(`parcel ${fid}: easting ${x} does not carry the zone prefix ${zone}; transform to EPSG:${srid} first`);
  }
}
