// .shp record decoding straight into ISO WKB. Shapefile coordinates are little-endian doubles stored
// x,y,x,y…, exactly like a 2D WKB point list, so 2D rings and lines are block-copied; only Z needs
// interleaving. No GeoJSON objects in between: at 200k polygons that is the difference between
// keeping up with ogr2ogr and not.
//
// Polygon records are a flat list of rings; the format marks outer rings clockwise and holes
// counter-clockwise. We group them by that orientation and a point-in-ring test (only to pick which
// outer ring a hole belongs to); the geometry itself is left to PostGIS to validate.

export const SHP_HEADER_BYTES = 100;
export const SHP_RECORD_HEADER_BYTES = 8;

export interface ShpHeader {
  /** Total file length in bytes as the header states it. */
  fileLength: number;
  shapeType: number;
  bbox: [number, number, number, number];
}

type ShapeKind = 'point' | 'multipoint' | 'line' | 'polygon';
const BASE_TYPES: [number, ShapeKind][] = [
  [1, 'point'],
  [8, 'multipoint'],
  [3, 'line'],
  [5, 'polygon'],
];
/**
 * Shape types of the ESRI Shapefile Technical Description: each base type, its Z variant (+10, which
 * carries M too) and its M variant (+20). MultiPatch (31) is not read.
 */
const KIND: Record<number, { kind: ShapeKind; z: boolean; m: boolean }> = Object.fromEntries(
  BASE_TYPES.flatMap(([t, kind]) => [
    [t, { kind, z: false, m: false }],
    [t + 10, { kind, z: true, m: true }],
    [t + 20, { kind, z: false, m: true }],
  ]),
);

export function parseShpHeader(b: Buffer): ShpHeader {
  if (b.length < SHP_HEADER_BYTES) throw new Error(`header is ${b.length} bytes, a .shp header has 100`);
  if (b.readInt32BE(0) !== 9994) throw new Error(`not a shapefile (file code ${b.readInt32BE(0)}, expected 9994)`);
  const shapeType = b.readInt32LE(32);
  if (shapeType !== 0 && !KIND[shapeType]) {
    throw new Error(shapeType === 31 ? 'MultiPatch shapefiles (3D surfaces) are not supported' : `unknown shape type ${shapeType}`);
  }
  return {
    fileLength: b.readUInt32BE(24) * 2,
    shapeType,
    bbox: [b.readDoubleLE(36), b.readDoubleLE(44), b.readDoubleLE(52), b.readDoubleLE(60)],
  };
}

/** The OGC type a column must have to hold every record of this shape type (polygon files hold multipolygons). */
export function declaredGeometryType(shapeType: number): string | undefined {
  const k = KIND[shapeType];
  if (!k) return undefined;
  return { point: 'POINT', multipoint: 'MULTIPOINT', line: 'MULTILINESTRING', polygon: 'MULTIPOLYGON' }[k.kind];
}

// WKB type codes; +1000 for Z (ISO). M is dropped: the database keeps 2D/3D only.
const WKB_POINT = 1,
  WKB_LINE = 2,
  WKB_POLYGON = 3,
  WKB_MULTIPOINT = 4,
  WKB_MULTILINE = 5,
  WKB_MULTIPOLYGON = 6;

/**
 * Decodes .shp records. Keeps scratch arrays between records, so one instance per reader.
 * Methods throw plain Errors with the reason; the reader adds file and record number.
 */
export class ShpDecoder {
  private ringArea = new Float64Array(64);
  private ringBox = new Float64Array(256);
  private owner = new Int32Array(64);
  // Reused per record; closures or objects per record show up in profiles at 200k records.
  private readonly ctx: Ctx = { b: Buffer.alloc(0), xy: 0, zs: 0, z: false, starts: new Int32Array(64) };

  /** Record content (after the 8-byte record header) → WKB, or null for a null or empty shape. */
  decode(b: Buffer, s: number, len: number): Buffer | null {
    if (len < 4) throw new Error(`record content is ${len} bytes, too short for a shape type`);
    const type = b.readInt32LE(s);
    if (type === 0) return null;
    const k = KIND[type];
    if (!k) throw new Error(`unsupported shape type ${type}`);
    if (k.kind === 'point') {
      const need = k.z ? 28 : 20;
      if (len < need) throw new Error(`point record is ${len} bytes, needs ${need}`);
      const out = Buffer.allocUnsafe(k.z ? 29 : 21);
      out[0] = 1;
      out.writeUInt32LE(k.z ? WKB_POINT + 1000 : WKB_POINT, 1);
      b.copy(out, 5, s + 4, s + (k.z ? 28 : 20));
      return out;
    }
    if (k.kind === 'multipoint') return this.multipoint(b, s, len, k.z);
    return this.parts(b, s, len, k.z, k.kind === 'polygon');
  }

  private multipoint(b: Buffer, s: number, len: number, z: boolean): Buffer | null {
    if (len < 40) throw new Error(`multipoint record is ${len} bytes, too short`);
    const n = b.readInt32LE(s + 36);
    const xy = s + 40;
    const zs = xy + 16 * n + 16;
    if (n < 0 || 40 + 16 * n + (z ? 16 + 8 * n : 0) > len) throw new Error(`multipoint claims ${n} points but the record is ${len} bytes`);
    if (n === 0) return null;
    const pt = z ? 29 : 21;
    const out = Buffer.allocUnsafe(9 + n * pt);
    out[0] = 1;
    out.writeUInt32LE(z ? WKB_MULTIPOINT + 1000 : WKB_MULTIPOINT, 1);
    out.writeUInt32LE(n, 5);
    let o = 9;
    for (let i = 0; i < n; i++) {
      out[o] = 1;
      out.writeUInt32LE(z ? WKB_POINT + 1000 : WKB_POINT, o + 1);
      b.copy(out, o + 5, xy + 16 * i, xy + 16 * i + 16);
      if (z) b.copy(out, o + 21, zs + 8 * i, zs + 8 * i + 8);
      o += pt;
    }
    return out;
  }

  private parts(b: Buffer, s: number, len: number, z: boolean, polygon: boolean): Buffer | null {
    if (len < 44) throw new Error(`record is ${len} bytes, too short for a ${polygon ? 'polygon' : 'polyline'}`);
    const np = b.readInt32LE(s + 36);
    const npts = b.readInt32LE(s + 40);
    const partsAt = s + 44;
    const xy = partsAt + 4 * np;
    const zs = xy + 16 * npts + 16;
    if (np < 0 || npts < 0 || 44 + 4 * np + 16 * npts + (z ? 16 + 8 * npts : 0) > len) {
      throw new Error(`record claims ${np} parts and ${npts} points but is only ${len} bytes`);
    }
    if (np === 0 || npts === 0) return null;
    const ctx = this.ctx;
    if (ctx.starts.length < np + 1) ctx.starts = new Int32Array(2 * np + 2);
    const starts = ctx.starts;
    for (let i = 0; i < np; i++) {
      const p = b.readInt32LE(partsAt + 4 * i);
      if (p < 0 || p >= npts || (i > 0 && p < starts[i - 1]))
        throw new Error(`part ${i + 1} starts at point ${p}, outside 0..${npts - 1} or out of order`);
      starts[i] = p;
    }
    if (starts[0] !== 0) throw new Error(`first part starts at point ${starts[0]}, not 0`);
    starts[np] = npts;
    ctx.b = b;
    ctx.xy = xy;
    ctx.zs = zs;
    ctx.z = z;
    if (np === 1) return writeParts(ctx, ONE, polygon ? WKB_POLYGON : WKB_LINE, polygon);
    if (!polygon) {
      const lines: number[][] = [];
      for (let i = 0; i < np; i++) lines.push([i]);
      return writeParts(ctx, lines, WKB_MULTILINE, false);
    }
    return writeParts(ctx, this.groupRings(ctx, np), WKB_MULTIPOLYGON, true);
  }

  /** Groups ring indexes into polygons: [outer, ...holes][]. */
  private groupRings(ctx: Ctx, np: number): number[][] {
    if (this.ringArea.length < np) {
      this.ringArea = new Float64Array(np * 2);
      this.ringBox = new Float64Array(np * 8);
      this.owner = new Int32Array(np * 2);
    }
    const area = this.ringArea,
      box = this.ringBox,
      owner = this.owner;
    const { b, xy, starts } = ctx;
    let outers = 0;
    for (let r = 0; r < np; r++) {
      const a = starts[r],
        e = starts[r + 1];
      // Shoelace relative to the first vertex: eastings of 40 500 000 would otherwise eat the precision.
      const x0 = b.readDoubleLE(xy + 16 * a),
        y0 = b.readDoubleLE(xy + 16 * a + 8);
      let sum = 0,
        px = 0,
        py = 0,
        minx = x0,
        miny = y0,
        maxx = x0,
        maxy = y0;
      for (let i = a + 1; i < e; i++) {
        const X = b.readDoubleLE(xy + 16 * i),
          Y = b.readDoubleLE(xy + 16 * i + 8);
        const x = X - x0,
          y = Y - y0;
        sum += px * y - x * py;
        px = x;
        py = y;
        if (X < minx) minx = X;
        else if (X > maxx) maxx = X;
        if (Y < miny) miny = Y;
        else if (Y > maxy) maxy = Y;
      }
      area[r] = sum / 2;
      box[4 * r] = minx;
      box[4 * r + 1] = miny;
      box[4 * r + 2] = maxx;
      box[4 * r + 3] = maxy;
      if (sum < 0) outers++;
    }
    // No clockwise ring at all: a writer that ignored the convention; every ring is then its own polygon.
    if (outers === 0) {
      const all: number[][] = [];
      for (let i = 0; i < np; i++) all.push([i]);
      return all;
    }
    const groups: number[][] = [];
    const groupOf = new Map<number, number[]>();
    for (let r = 0; r < np; r++) {
      if (area[r] < 0) {
        const g = [r];
        groups.push(g);
        groupOf.set(r, g);
      }
    }
    for (let h = 0; h < np; h++) {
      if (area[h] < 0) continue;
      let best = -1;
      if (outers === 1) best = groups[0][0];
      else {
        let n = 0;
        for (let r = 0; r < np; r++) {
          if (area[r] >= 0 || !boxInside(box, h, r)) continue;
          owner[n++] = r;
        }
        if (n === 1) best = owner[0];
        else if (n > 1) {
          // Nested islands: the smallest clockwise ring around the hole owns it.
          const hx = ctx.b.readDoubleLE(xy + 16 * starts[h]),
            hy = ctx.b.readDoubleLE(xy + 16 * starts[h] + 8);
          for (let i = 0; i < n; i++) {
            const r = owner[i];
            if (pointInRing(ctx, r, hx, hy) && (best < 0 || -area[r] < -area[best])) best = r;
          }
          if (best < 0) best = owner[0];
        }
      }
      if (best >= 0) groupOf.get(best)!.push(h);
      else groups.push([h]); // a hole outside every outer ring: keep its area rather than drop it
    }
    return groups;
  }
}

interface Ctx {
  b: Buffer;
  xy: number;
  zs: number;
  z: boolean;
  starts: Int32Array;
}

function boxInside(box: Float64Array, inner: number, outer: number): boolean {
  return (
    box[4 * inner] >= box[4 * outer] &&
    box[4 * inner + 1] >= box[4 * outer + 1] &&
    box[4 * inner + 2] <= box[4 * outer + 2] &&
    box[4 * inner + 3] <= box[4 * outer + 3]
  );
}

function pointInRing(ctx: Ctx, r: number, x: number, y: number): boolean {
  const { b, xy, starts } = ctx;
  let inside = false;
  const a = starts[r],
    e = starts[r + 1];
  let xj = b.readDoubleLE(xy + 16 * (e - 1)),
    yj = b.readDoubleLE(xy + 16 * (e - 1) + 8);
  for (let i = a; i < e; i++) {
    const xi = b.readDoubleLE(xy + 16 * i),
      yi = b.readDoubleLE(xy + 16 * i + 8);
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    xj = xi;
    yj = yi;
  }
  return inside;
}

function ringClosed(ctx: Ctx, r: number): boolean {
  const { b, xy, starts } = ctx;
  const a = xy + 16 * starts[r],
    e = xy + 16 * (starts[r + 1] - 1);
  return (
    b.readDoubleLE(a) === b.readDoubleLE(e) &&
    b.readDoubleLE(a + 8) === b.readDoubleLE(e + 8) &&
    (!ctx.z || b.readDoubleLE(ctx.zs + 8 * starts[r]) === b.readDoubleLE(ctx.zs + 8 * (starts[r + 1] - 1)))
  );
}

const ONE = [[0]];

function ringPoints(ctx: Ctx, r: number, rings: boolean): number {
  return ctx.starts[r + 1] - ctx.starts[r] + (rings && !ringClosed(ctx, r) ? 1 : 0);
}

function putHeader(out: Buffer, o: number, type: number, z: boolean): number {
  out[o] = 1;
  out.writeUInt32LE(z ? type + 1000 : type, o + 1);
  return o + 5;
}

/** Writes ring/line r as count + points at o, closing it when `close`; returns the new offset. */
function putPoints(ctx: Ctx, out: Buffer, o: number, r: number, count: number): number {
  const { b, xy, zs, z, starts } = ctx;
  const a = starts[r],
    e = starts[r + 1];
  out.writeUInt32LE(count, o);
  o += 4;
  if (!z) {
    b.copy(out, o, xy + 16 * a, xy + 16 * e);
    o += 16 * (e - a);
    if (count > e - a) {
      b.copy(out, o, xy + 16 * a, xy + 16 * a + 16);
      o += 16;
    }
    return o;
  }
  for (let i = a; i < a + count; i++) {
    const j = i < e ? i : a;
    b.copy(out, o, xy + 16 * j, xy + 16 * j + 16);
    b.copy(out, o + 16, zs + 8 * j, zs + 8 * j + 8);
    o += 24;
  }
  return o;
}

/**
 * groups: for polygons, [outer, ...holes] ring indexes per polygon; for lines, [part] per line.
 * A Multi* type with a single group is written as the single type, as OGR does.
 */
function writeParts(ctx: Ctx, groups: number[][], type: number, rings: boolean): Buffer {
  const z = ctx.z;
  let multi = type === WKB_MULTILINE || type === WKB_MULTIPOLYGON;
  if (multi && groups.length === 1) {
    multi = false;
    type = type === WKB_MULTIPOLYGON ? WKB_POLYGON : WKB_LINE;
  }
  const ptBytes = z ? 24 : 16;
  // PostGIS rejects unclosed rings; sloppy writers sometimes omit the closing vertex.
  let size = multi ? 9 : 5;
  for (const g of groups) {
    if (multi) size += 5;
    if (rings) size += 4;
    for (const r of g) size += 4 + ptBytes * ringPoints(ctx, r, rings);
  }
  const out = Buffer.allocUnsafe(size);
  let o = putHeader(out, 0, type, z);
  if (multi) {
    out.writeUInt32LE(groups.length, o);
    o += 4;
  }
  for (const g of groups) {
    if (multi) o = putHeader(out, o, rings ? WKB_POLYGON : WKB_LINE, z);
    if (rings) {
      out.writeUInt32LE(g.length, o);
      o += 4;
    }
    for (const r of g) o = putPoints(ctx, out, o, r, ringPoints(ctx, r, rings));
  }
  return out;
}
