// Mapbox Vector Tile 2.1 encoder (https://github.com/mapbox/vector-tile-spec/tree/master/2.1),
// for databases whose PostGIS is built without protobuf-c (the embedded PGlite PostGIS: its
// ST_AsMVT and ST_AsMVTGeom raise "Compiled without protobuf-c support"). PostGIS still does the
// geometry — clipping, transform, simplification, snapping to the tile grid, validity,
// ring orientation (tiles.repository.ts); this file only writes the protobuf bytes, the way
// ST_AsMVT would: one layer, keys and values de-duplicated, nested and null attributes skipped.

/** GeoJSON geometry in tile coordinates (integers, y down), as ST_AsGeoJSON returns it. */
export type TileGeometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'MultiPoint'; coordinates: number[][] }
  | { type: 'LineString'; coordinates: number[][] }
  | { type: 'MultiLineString'; coordinates: number[][][] }
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] }
  | { type: 'GeometryCollection'; geometries: TileGeometry[] };

export interface TileFeature {
  id: number | null;
  properties: Record<string, unknown>;
  geometry: TileGeometry;
}

const enum GeomType {
  Point = 1,
  LineString = 2,
  Polygon = 3,
}
const enum Cmd {
  MoveTo = 1,
  LineTo = 2,
  ClosePath = 7,
}

/** Encodes one layer; an empty Buffer when no feature has any geometry left. */
export function encodeMvt(layerName: string, extent: number, features: TileFeature[]): Buffer {
  const keys = new Map<string, number>();
  const values = new Map<string, number>();
  const valueBytes: Uint8Array[] = [];
  const layer = new Writer();
  layer.uint(15, 2); // version
  layer.string(1, layerName);
  let n = 0;
  for (const f of features) {
    const g = geometryCommands(f.geometry);
    if (!g) continue;
    const tags: number[] = [];
    for (const [k, v] of Object.entries(f.properties)) {
      const enc = encodeValue(v);
      if (!enc) continue;
      let ki = keys.get(k);
      if (ki === undefined) keys.set(k, (ki = keys.size));
      let vi = values.get(enc.id);
      if (vi === undefined) {
        values.set(enc.id, (vi = values.size));
        valueBytes.push(enc.bytes);
      }
      tags.push(ki, vi);
    }
    const feature = new Writer();
    if (f.id !== null && f.id >= 0) feature.uint(1, f.id);
    if (tags.length) feature.packed(2, tags);
    feature.uint(3, g.type);
    feature.packed(4, g.commands);
    layer.bytes(2, feature.finish());
    n++;
  }
  if (n === 0) return Buffer.alloc(0);
  for (const k of keys.keys()) layer.string(3, k);
  for (const v of valueBytes) layer.bytes(4, v);
  layer.uint(5, extent);
  const tile = new Writer();
  tile.bytes(3, layer.finish());
  return tile.finish();
}

/** A Tile.Value, keyed by type and value for de-duplication; null for what ST_AsMVT leaves out. */
function encodeValue(v: unknown): { id: string; bytes: Uint8Array } | null {
  const w = new Writer();
  if (typeof v === 'string') w.string(1, v);
  else if (typeof v === 'boolean') w.uint(7, v ? 1 : 0);
  else if (typeof v === 'number' && Number.isSafeInteger(v)) {
    if (v >= 0) w.uint(5, v);
    else w.uint(6, -2 * v - 1); // sint64: zig-zag
  } else if (typeof v === 'number' && Number.isFinite(v)) w.double(3, v);
  else return null; // null, nested objects and arrays
  return { id: `${typeof v}:${v}`, bytes: w.finish() };
}

/** Geometry commands (MVT §4.3), or null when nothing drawable is left. */
function geometryCommands(g: TileGeometry): { type: GeomType; commands: number[] } | null {
  const out: number[] = [];
  const cursor = { x: 0, y: 0 };
  const parts = flatten(g);
  if (!parts.length) return null;
  const type = parts[0].type;
  for (const p of parts) {
    if (p.type !== type) continue; // a tile feature has one type; mixed collections keep the first
    if (type === GeomType.Point) {
      const pts = dedupe(p.rings[0], false);
      if (!pts.length) continue;
      out.push(command(Cmd.MoveTo, pts.length));
      for (const c of pts) moveTo(out, cursor, c);
    } else {
      for (const ring of p.rings) {
        const closed = type === GeomType.Polygon;
        const pts = dedupe(ring, closed);
        if (pts.length < (closed ? 3 : 2)) continue;
        out.push(command(Cmd.MoveTo, 1));
        moveTo(out, cursor, pts[0]);
        out.push(command(Cmd.LineTo, pts.length - 1));
        for (let i = 1; i < pts.length; i++) moveTo(out, cursor, pts[i]);
        if (closed) out.push(command(Cmd.ClosePath, 1));
      }
    }
  }
  return out.length ? { type, commands: out } : null;
}

function flatten(g: TileGeometry): { type: GeomType; rings: number[][][] }[] {
  switch (g.type) {
    case 'Point':
      return [{ type: GeomType.Point, rings: [[g.coordinates]] }];
    case 'MultiPoint':
      return g.coordinates.length ? [{ type: GeomType.Point, rings: [g.coordinates] }] : [];
    case 'LineString':
      return [{ type: GeomType.LineString, rings: [g.coordinates] }];
    case 'MultiLineString':
      return g.coordinates.map((l) => ({ type: GeomType.LineString, rings: [l] }));
    case 'Polygon':
      return [{ type: GeomType.Polygon, rings: g.coordinates }];
    case 'MultiPolygon':
      return g.coordinates.map((p) => ({ type: GeomType.Polygon, rings: p }));
    case 'GeometryCollection':
      return g.geometries.flatMap(flatten);
  }
}

/** Rounded to the grid, without repeated points (a LineTo of (0, 0) is not allowed) nor the closing point of a ring. */
function dedupe(coords: number[][], ring: boolean): number[][] {
  const out: number[][] = [];
  for (const c of coords) {
    const p = [Math.round(c[0]), Math.round(c[1])];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  if (ring && out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  return out;
}

const command = (id: Cmd, count: number) => (id & 0x7) | (count << 3);
const zigzag = (n: number) => (n << 1) ^ (n >> 31);

function moveTo(out: number[], cursor: { x: number; y: number }, c: number[]): void {
  out.push(zigzag(c[0] - cursor.x), zigzag(c[1] - cursor.y));
  cursor.x = c[0];
  cursor.y = c[1];
}

/** Just enough protobuf: varints, length-delimited fields, packed varints, doubles. */
class Writer {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  uint(field: number, v: number): void {
    this.varint((field << 3) | 0);
    this.varint(v);
  }

  double(field: number, v: number): void {
    this.varint((field << 3) | 1);
    this.reserve(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  string(field: number, s: string): void {
    this.bytes(field, Buffer.from(s, 'utf8'));
  }

  bytes(field: number, b: Uint8Array): void {
    this.varint((field << 3) | 2);
    this.varint(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  packed(field: number, vs: number[]): void {
    const inner = new Writer();
    for (const v of vs) inner.varint(v);
    this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private varint(v: number): void {
    // Unsigned, up to 2^53: division rather than bit shifts, which would cut at 32 bits.
    this.reserve(10);
    let n = v >>> 0 === v ? v : Math.floor(v);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
