// Minimal OGC WKB encoding/decoding between GeoJSON-shaped geometry objects and bytes.
// Not geometry analysis: only a byte format, so readers can hand PostGIS a compact binary
// (cheaper to parse than GeoJSON text) and writers can turn PostGIS output into shapefile records.

export type Position = number[];
export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'GeometryCollection'; geometries: Geometry[] };

const CODES: Record<string, number> = {
  Point: 1,
  LineString: 2,
  Polygon: 3,
  MultiPoint: 4,
  MultiLineString: 5,
  MultiPolygon: 6,
  GeometryCollection: 7,
};
const NAMES = ['', 'Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'GeometryCollection'];

class Writer {
  buf: Buffer;
  pos = 0;
  constructor(size = 256) {
    this.buf = Buffer.allocUnsafe(size);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  header(code: number, hasZ: boolean): void {
    this.ensure(5);
    this.buf.writeUInt8(1, this.pos);
    this.buf.writeUInt32LE(hasZ ? code + 1000 : code, this.pos + 1);
    this.pos += 5;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }
  point(p: Position, hasZ: boolean): void {
    this.ensure(24);
    this.buf.writeDoubleLE(p[0], this.pos);
    this.buf.writeDoubleLE(p[1], this.pos + 8);
    this.pos += 16;
    if (hasZ) {
      this.buf.writeDoubleLE(p[2] ?? 0, this.pos);
      this.pos += 8;
    }
  }
  points(ps: Position[], hasZ: boolean): void {
    this.u32(ps.length);
    for (const p of ps) this.point(p, hasZ);
  }
}

function firstPosition(g: Geometry): Position | undefined {
  if (g.type === 'GeometryCollection') {
    for (const c of g.geometries) {
      const p = firstPosition(c);
      if (p) return p;
    }
    return undefined;
  }
  let c: unknown = g.coordinates;
  while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
  return Array.isArray(c) && c.length > 0 ? (c as Position) : undefined;
}

function write(w: Writer, g: Geometry, hasZ: boolean): void {
  const code = CODES[g.type];
  if (!code) throw new Error(`unknown geometry type "${(g as { type: string }).type}"`);
  w.header(code, hasZ);
  switch (g.type) {
    case 'Point':
      // WKB has no empty point; NaN coordinates are the PostGIS convention for POINT EMPTY.
      w.point(g.coordinates.length ? g.coordinates : [NaN, NaN, NaN], hasZ);
      break;
    case 'LineString':
      w.points(g.coordinates, hasZ);
      break;
    case 'Polygon':
      w.u32(g.coordinates.length);
      for (const ring of g.coordinates) w.points(ring, hasZ);
      break;
    case 'MultiPoint':
    case 'MultiLineString':
    case 'MultiPolygon': {
      // Each part is written as a geometry of its own: MultiPolygon → Polygon, …
      const part = g.type.slice('Multi'.length);
      w.u32(g.coordinates.length);
      for (const c of g.coordinates) write(w, { type: part, coordinates: c } as Geometry, hasZ);
      break;
    }
    case 'GeometryCollection':
      w.u32(g.geometries.length);
      for (const c of g.geometries) write(w, c, hasZ);
      break;
  }
}

/** GeoJSON-shaped geometry → WKB. Throws on a malformed structure (caller adds file/feature context). */
export function geometryToWkb(g: Geometry): Buffer {
  if (!g || typeof g !== 'object' || typeof (g as { type?: unknown }).type !== 'string') {
    throw new Error('geometry is not an object with a "type"');
  }
  if (g.type !== 'GeometryCollection' && !Array.isArray((g as { coordinates?: unknown }).coordinates)) {
    throw new Error(`${g.type} has no "coordinates" array`);
  }
  const first = firstPosition(g);
  const hasZ = !!first && first.length > 2 && Number.isFinite(first[2]);
  const w = new Writer();
  write(w, g, hasZ);
  return w.buf.subarray(0, w.pos);
}

/** WKB (either byte order, ISO or EWKB flags) → GeoJSON-shaped geometry (Z kept as a third ordinate). */
export function wkbToGeometry(buf: Buffer): Geometry {
  let pos = 0;
  const read = (): Geometry => {
    const le = buf.readUInt8(pos) === 1;
    pos += 1;
    let type = le ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos);
    pos += 4;
    let hasZ = false;
    let hasM = false;
    // EWKB flags (PostGIS) and ISO offsets (1000 = Z, 2000 = M, 3000 = ZM).
    if (type & 0x20000000) {
      pos += 4; // SRID
    }
    if (type & 0x80000000) hasZ = true;
    if (type & 0x40000000) hasM = true;
    type &= 0x0fffffff;
    if (type >= 3000) {
      hasZ = true;
      hasM = true;
      type -= 3000;
    } else if (type >= 2000) {
      hasM = true;
      type -= 2000;
    } else if (type >= 1000) {
      hasZ = true;
      type -= 1000;
    }
    const u32 = () => {
      const v = le ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos);
      pos += 4;
      return v;
    };
    const f64 = () => {
      const v = le ? buf.readDoubleLE(pos) : buf.readDoubleBE(pos);
      pos += 8;
      return v;
    };
    const pt = (): Position => {
      const x = f64();
      const y = f64();
      const z = hasZ ? f64() : undefined;
      if (hasM) f64();
      return z === undefined ? [x, y] : [x, y, z];
    };
    const pts = (): Position[] => {
      const n = u32();
      const out: Position[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = pt();
      return out;
    };
    const name = NAMES[type];
    switch (name) {
      case 'Point': {
        const p = pt();
        return { type: 'Point', coordinates: Number.isNaN(p[0]) ? [] : p };
      }
      case 'LineString':
        return { type: 'LineString', coordinates: pts() };
      case 'Polygon': {
        const n = u32();
        const rings: Position[][] = [];
        for (let i = 0; i < n; i++) rings.push(pts());
        return { type: 'Polygon', coordinates: rings };
      }
      case 'MultiPoint':
      case 'MultiLineString':
      case 'MultiPolygon':
      case 'GeometryCollection': {
        const n = u32();
        const parts: Geometry[] = [];
        for (let i = 0; i < n; i++) parts.push(read());
        if (name === 'GeometryCollection') return { type: 'GeometryCollection', geometries: parts };
        return { type: name, coordinates: parts.map((p) => (p as { coordinates: unknown }).coordinates) } as Geometry;
      }
      default:
        throw new Error(`unsupported WKB geometry type ${type}`);
    }
  };
  return read();
}

/**
 * Walks a WKB geometry (either byte order, ISO or EWKB Z/M/SRID flags) and calls `visit` for each
 * run of `n` consecutive points starting at byte `pos`, each `dims` doubles wide. Iterative, so a
 * deeply nested collection from an untrusted file cannot exhaust the stack. Stops at the end of
 * the buffer; returns false when it meets a geometry type it does not know.
 */
export function walkWkb(buf: Buffer, visit: (pos: number, n: number, dims: number, le: boolean) => void): boolean {
  let pos = 0;
  let pending = 1; // geometry headers still to read
  while (pending > 0 && pos < buf.length) {
    pending--;
    const le = buf.readUInt8(pos) === 1;
    pos += 1;
    const u32 = () => {
      const v = le ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos);
      pos += 4;
      return v;
    };
    let type = u32();
    let dims = 2;
    if (type & 0x20000000) pos += 4; // EWKB SRID
    if (type & 0x80000000) dims++;
    if (type & 0x40000000) dims++;
    type &= 0x0fffffff;
    // ISO offsets: 1000 = Z, 2000 = M, 3000 = ZM.
    const iso = Math.floor(type / 1000);
    if (iso >= 1 && iso <= 3) {
      dims += iso === 3 ? 2 : 1;
      type -= iso * 1000;
    }
    const run = (n: number) => {
      visit(pos, n, dims, le);
      pos += n * dims * 8;
    };
    if (type === 1) run(1);
    else if (type === 2) run(u32());
    else if (type === 3) for (let r = u32(); r > 0; r--) run(u32());
    else if (type >= 4 && type <= 7) pending += u32();
    else return false;
  }
  return true;
}
