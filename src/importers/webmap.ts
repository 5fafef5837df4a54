// Web-map coordinates (issue 18 item 3, decision 0010): 高德/DataV/腾讯 publish GCJ-02 and 百度
// publishes BD-09, both deliberately offset from the geodetic datum by a few hundred metres. An
// import with `--from gcj02|bd09` converts every vertex back before staging; the conversion is a
// per-point formula with no PROJ definition, so it cannot be an ST_Transform (see the decision).
//
// The target is CGCS2000 (EPSG:4490). The published formulas return WGS84; WGS84 and CGCS2000 agree
// to a few centimetres in China (their ellipsoids differ by 0.1 mm in the semi-minor axis and the
// frames by epoch drift), far below the metre-level residual of the GCJ-02 formula itself, so the
// WGS84 result is taken as CGCS2000.
import { Invalid } from '../errors.ts';
import { ImportError, type SourceFeature, type SourceInfo, type SourceReader } from './types.ts';
import { walkWkb } from '../util/wkb.ts';

export type WebMapDatum = 'gcj02' | 'bd09';
export const WEB_MAP_DATUMS: readonly WebMapDatum[] = ['gcj02', 'bd09'];

/** What the note on the version and the result says, Chinese first. */
export const DATUM_NAMES: Record<WebMapDatum, string> = {
  gcj02: 'GCJ-02（高德/DataV/腾讯 火星坐标）',
  bd09: 'BD-09（百度坐标）',
};

// Krasovsky 1940 ellipsoid: the GCJ-02 offset is scaled to metres on it, by the published formula.
const KRASOVSKY_A = 6378245.0;
const KRASOVSKY_E2 = 0.006693421622965943; // published as 0.00669342162296594323 (beyond double precision)
// BD-09 scales its perturbation by π·3000/180 (the published constant).
const BD_K = (Math.PI * 3000) / 180;

/**
 * The published rule: points outside a rectangle around China are not shifted by the web maps,
 * so they are not shifted back either.
 */
export function outsideChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function offsetLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function offsetLon(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** WGS84 (≈ CGCS2000) → GCJ-02, the published forward formula. */
export function wgsToGcj(lon: number, lat: number): [number, number] {
  if (outsideChina(lon, lat)) return [lon, lat];
  const x = lon - 105;
  const y = lat - 35;
  const phi = (lat / 180) * Math.PI;
  const s = Math.sin(phi);
  const w = 1 - KRASOVSKY_E2 * s * s;
  const sw = Math.sqrt(w);
  // Offsets in metres-like units turned into degrees on the Krasovsky ellipsoid.
  const dLat = (offsetLat(x, y) * 180) / (((KRASOVSKY_A * (1 - KRASOVSKY_E2)) / (w * sw)) * Math.PI);
  const dLon = (offsetLon(x, y) * 180) / ((KRASOVSKY_A / sw) * Math.cos(phi) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/** GCJ-02 → BD-09, the published formula. */
export function gcjToBd(lon: number, lat: number): [number, number] {
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * BD_K);
  const t = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * BD_K);
  return [z * Math.cos(t) + 0.0065, z * Math.sin(t) + 0.006];
}

/**
 * Inverts a forward formula by fixed-point iteration: the forward map is the identity plus an
 * offset that varies slowly, so p ← p − (f(p) − target) converges in a few steps. Stops below
 * 1e-9° (≈ 0.1 mm), well inside the 1e-7° the import promises.
 */
function invert(f: (lon: number, lat: number) => [number, number], lon: number, lat: number): [number, number] {
  let x = lon;
  let y = lat;
  for (let i = 0; i < 30; i++) {
    const [fx, fy] = f(x, y);
    const dx = fx - lon;
    const dy = fy - lat;
    x -= dx;
    y -= dy;
    if (Math.abs(dx) < 1e-9 && Math.abs(dy) < 1e-9) break;
  }
  return [x, y];
}

/** GCJ-02 → WGS84 (≈ CGCS2000). Outside China the point is returned as it is. */
export function gcjToWgs(lon: number, lat: number): [number, number] {
  if (outsideChina(lon, lat)) return [lon, lat];
  return invert(wgsToGcj, lon, lat);
}

/** BD-09 → GCJ-02, by iterating the forward formula (the closed-form inverse is off by ~1e-6°). */
export function bdToGcj(lon: number, lat: number): [number, number] {
  return invert(gcjToBd, lon, lat);
}

/** Web-map coordinates → CGCS2000 lon/lat. */
export function toCgcs2000(from: WebMapDatum, lon: number, lat: number): [number, number] {
  if (from === 'bd09') {
    const [gx, gy] = bdToGcj(lon, lat);
    return gcjToWgs(gx, gy);
  }
  return gcjToWgs(lon, lat);
}

/**
 * Rewrites every x/y of a WKB geometry (either byte order, ISO or EWKB flags) through `f`; Z and M
 * are kept. Returns a new buffer. Throws when a coordinate is not longitude/latitude.
 */
export function mapWkb(wkb: Buffer, f: (x: number, y: number) => [number, number]): Buffer {
  const buf = Buffer.from(wkb);
  const known = walkWkb(buf, (start, n, dims, le) => {
    for (let i = 0, pos = start; i < n; i++, pos += dims * 8) {
      const x = le ? buf.readDoubleLE(pos) : buf.readDoubleBE(pos);
      const y = le ? buf.readDoubleLE(pos + 8) : buf.readDoubleBE(pos + 8);
      // An empty point (NaN, NaN) stays empty.
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      const [nx, ny] = f(x, y);
      if (le) {
        buf.writeDoubleLE(nx, pos);
        buf.writeDoubleLE(ny, pos + 8);
      } else {
        buf.writeDoubleBE(nx, pos);
        buf.writeDoubleBE(ny, pos + 8);
      }
    }
  });
  if (!known) throw new Error('几何类型无法识别，不能换算坐标 (unsupported WKB geometry type)');
  return buf;
}

/**
 * The reader with every vertex converted from web-map coordinates to CGCS2000 lon/lat. The source
 * must be lon/lat: a projected file (a .prj in Gauss-Krüger, a TXT) is refused, since web maps
 * only publish degrees. The info says EPSG:4490 and names the conversion (recorded with the version).
 */
export function fromWebMap(reader: SourceReader, from: WebMapDatum, forcedSrid?: number): SourceReader {
  const info = reader.info;
  const stated = forcedSrid ?? info.srid;
  if (stated !== undefined && stated !== 4490 && stated !== 4326)
    throw new ImportError({
      file: info.path,
      reason: `--from ${from}：网络地图坐标是经纬度，而文件的坐标系为 EPSG:${stated}（${info.sridSource ?? '--srid'}），无法换算 (web-map coordinates are longitude/latitude; the file is in EPSG:${stated})`,
    });
  const before = stated === undefined ? '经纬度' : info.sridSource ? `${info.sridSource}` : `EPSG:${stated}`;
  const converted: SourceInfo = {
    ...info,
    srid: 4490,
    sridSource: `${before}；按 ${DATUM_NAMES[from]} 换算为 CGCS2000 (EPSG:4490)，中国范围外的点不偏移 (--from ${from}: converted from ${from === 'gcj02' ? 'GCJ-02' : 'BD-09'} to CGCS2000 by the published formula)`,
  };
  // Warnings a reader adds while reading reach the result through the wrapper's info.
  Object.defineProperty(converted, 'warnings', {
    get: () => info.warnings,
    set: (w: string[] | undefined) => {
      info.warnings = w;
    },
    enumerable: true,
  });
  const convert = (x: number, y: number): [number, number] => {
    if (!(Math.abs(x) <= 180 && Math.abs(y) <= 90))
      throw new ImportError({
        file: info.path,
        reason: `--from ${from}：坐标 (${x}, ${y}) 不是经纬度，无法按网络地图坐标换算 (not longitude/latitude)`,
      });
    return toCgcs2000(from, x, y);
  };
  return {
    info: converted,
    bytesRead: () => reader.bytesRead(),
    close: () => reader.close(),
    async *features(): AsyncIterable<SourceFeature> {
      for await (const f of reader.features()) {
        if (!f.wkb) yield f;
        else {
          let wkb: Buffer;
          try {
            wkb = mapWkb(f.wkb, convert);
          } catch (e) {
            if (e instanceof ImportError) throw e;
            throw new ImportError({ file: info.path, reason: `要素 ${f.fid}（${f.location}）：${(e as Error).message}` });
          }
          yield { ...f, wkb };
        }
      }
    },
  };
}

const WEB_MAP_NAME = /高德|amap|百度|baidu|datav/i;
// DataV.GeoAtlas puts these on every district it publishes (areas.aliyun.com/bj/v3/…).
const DATAV_PROPS = ['adcode', 'center', 'centroid', 'childrenNum'];

/**
 * The reader, watching for signs of a web-map export when no --from was given: a file name naming
 * 高德/百度/DataV, or DataV's properties on a feature. The warning goes into the import result.
 */
export function watchForWebMap(reader: SourceReader): SourceReader {
  const info = reader.info;
  const warn = (why: string) => {
    info.warnings = [
      ...(info.warnings ?? []),
      `${why}，疑似网络地图导出的坐标（高德/DataV 为 GCJ-02，百度为 BD-09，与 CGCS2000 相差约数百米）；已按 CGCS2000 导入，如确为网络地图坐标，请以 --from gcj02 或 --from bd09 重新导入 (looks like a web-map export; imported as CGCS2000 — use --from gcj02|bd09 if it is)`,
    ];
  };
  let warned = false;
  const name = info.path.split(/[\\/]/).pop() ?? info.path;
  if (WEB_MAP_NAME.test(name)) {
    warn(`文件名 ${name} 含网络地图名称`);
    warned = true;
  }
  return {
    info,
    bytesRead: () => reader.bytesRead(),
    close: () => reader.close(),
    async *features(): AsyncIterable<SourceFeature> {
      for await (const f of reader.features()) {
        if (!warned) {
          const found = DATAV_PROPS.filter((k) => k in f.props);
          if (found.includes('adcode') && found.length >= 2) {
            warn(`文件 ${name} 的要素带有 DataV 属性 ${found.join('、')}`);
            warned = true;
          }
        }
        yield f;
      }
    },
  };
}

/** The --from / `from` choice as given: empty = none; anything but gcj02/bd09 is refused. */
export function parseWebMapDatum(value: string | undefined, what: string): WebMapDatum | undefined {
  if (value === undefined || value === '') return undefined;
  const v = value.trim().toLowerCase().replace(/[-_]/g, '');
  if (v === 'gcj02' || v === 'bd09') return v;
  throw new Invalid(
    `${what} 须为 gcj02（高德/DataV 坐标）或 bd09（百度坐标），收到“${value.slice(0, 40)}” (${what} must be gcj02 or bd09)`,
  );
}
