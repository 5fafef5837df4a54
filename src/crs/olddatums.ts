// Xian 1980 and Beijing 1954 (domain.md §13, decision 0012): the two national datums before
// CGCS2000. Their coordinates reach CGCS2000 only through the bureau's own transformation
// parameters, so these systems are recognised (EPSG code, ellipsoid, zone) but never converted
// without them. EPSG numbering, 3° zones 25–45 and 6° zones 13–23:
//   Xian 1980:     geographic 4610; 3° prefixed 2349–2369, unprefixed 2370–2390;
//                  6° prefixed 2327–2337, unprefixed 2338–2348.
//   Beijing 1954:  geographic 4214; 3° prefixed 2401–2421, unprefixed 2422–2442;
//                  6° prefixed 21413–21423, unprefixed 21453–21463.
import { gkSrid } from './zones.ts';

export type OldDatum = 'xian80' | 'beijing54';

export interface Ellipsoid {
  name: string;
  a: number;
  /** Inverse flattening 1/f. */
  rf: number;
}

/** The bureau's ellipsoids (domain.md §13): IAG-75 for Xian 1980, Krassowsky for Beijing 1954. */
export const ELLIPSOIDS: Record<OldDatum, Ellipsoid> = {
  xian80: { name: 'IAG-75', a: 6378140, rf: 298.257 },
  beijing54: { name: 'Krassowsky', a: 6378245, rf: 298.3 },
};

/** CGCS2000's ellipsoid (GRS80 to 1e-4 mm in b): a = 6378137, 1/f = 298.257222101. */
export const CGCS2000_ELLIPSOID: Ellipsoid = { name: 'CGCS2000', a: 6378137, rf: 298.257222101 };

export const OLD_DATUM_NAMES: Record<OldDatum, string> = {
  xian80: '1980 西安坐标系（IAG-75 椭球）',
  beijing54: '1954 北京坐标系（克拉索夫斯基椭球）',
};

export interface OldFrame {
  datum: OldDatum;
  srid: number;
  /** Geographic (lon/lat) or a Gauss-Krüger zone. */
  kind: 'geographic' | 'gk';
  width?: 3 | 6;
  zone?: number;
  centralMeridian?: number;
  prefixed?: boolean;
}

const GEOGRAPHIC: Record<OldDatum, number> = { xian80: 4610, beijing54: 4214 };
// First code of each run: [3° prefixed, 3° unprefixed, 6° prefixed, 6° unprefixed].
const GK_BASE: Record<OldDatum, [number, number, number, number]> = {
  xian80: [2349, 2370, 2327, 2338],
  beijing54: [2401, 2422, 21413, 21453],
};

/** The EPSG code of an old-datum system: geographic, or a GK zone with or without the prefix. */
export function oldDatumSrid(datum: OldDatum, gk?: { width: 3 | 6; zone: number; prefixed: boolean }): number {
  if (!gk) return GEOGRAPHIC[datum];
  // gkSrid checks the zone is in China's range (3° 25–45, 6° 13–23) and throws otherwise.
  gkSrid(gk.width, gk.zone, gk.prefixed);
  const [p3, u3, p6, u6] = GK_BASE[datum];
  if (gk.width === 3) return (gk.prefixed ? p3 : u3) + (gk.zone - 25);
  return (gk.prefixed ? p6 : u6) + (gk.zone - 13);
}

/** The old-datum system an EPSG code denotes, or undefined for any other code. */
export function oldFrameOfSrid(srid: number): OldFrame | undefined {
  for (const datum of ['xian80', 'beijing54'] as const) {
    if (srid === GEOGRAPHIC[datum]) return { datum, srid, kind: 'geographic' };
    const [p3, u3, p6, u6] = GK_BASE[datum];
    const runs: [number, 3 | 6, boolean, number][] = [
      [p3, 3, true, 25],
      [u3, 3, false, 25],
      [p6, 6, true, 13],
      [u6, 6, false, 13],
    ];
    for (const [base, width, prefixed, first] of runs) {
      const count = width === 3 ? 21 : 11;
      if (srid >= base && srid < base + count) {
        const zone = first + srid - base;
        return { datum, srid, kind: 'gk', width, zone, prefixed, centralMeridian: width === 3 ? zone * 3 : zone * 6 - 3 };
      }
    }
  }
  return undefined;
}

/** "1980 西安坐标系 3° 带 40 带（横坐标带带号）", for notes and messages. */
export function describeOldFrame(f: OldFrame): string {
  const base = OLD_DATUM_NAMES[f.datum];
  if (f.kind === 'geographic') return `${base} 经纬度 (EPSG:${f.srid})`;
  return `${base} 高斯-克吕格 ${f.width}° 带第 ${f.zone} 带（中央经线 ${f.centralMeridian}°E，横坐标${f.prefixed ? '带' : '不带'}带号）(EPSG:${f.srid})`;
}

/** The CGCS2000 system with the same projection: 4490, or the same GK zone, width and prefix. */
export function cgcs2000Twin(f: OldFrame): number {
  return f.kind === 'geographic' ? 4490 : gkSrid(f.width!, f.zone!, f.prefixed!);
}

function projection(f: OldFrame): string {
  if (f.kind === 'geographic') return '+proj=longlat';
  const fe = f.prefixed ? f.zone! * 1e6 + 500000 : 500000;
  return `+proj=tmerc +lat_0=0 +lon_0=${f.centralMeridian} +k=1 +x_0=${fe} +y_0=0 +units=m`;
}

/**
 * PROJ strings for ST_Transform(geom, from, to): the source on its own ellipsoid with the
 * 7 parameters as +towgs84 (position vector, EPSG 9606; metres, arc-seconds, ppm), and the CGCS2000
 * twin with +towgs84=0 — CGCS2000 is taken as the hub datum, so PROJ applies exactly these seven
 * parameters and nothing from its own database.
 */
export function projStrings(f: OldFrame, towgs84: readonly number[]): { from: string; to: string } {
  const e = ELLIPSOIDS[f.datum];
  const c = CGCS2000_ELLIPSOID;
  return {
    from: `${projection(f)} +a=${e.a} +rf=${e.rf} +towgs84=${towgs84.join(',')} +no_defs`,
    to: `${projection(f)} +a=${c.a} +rf=${c.rf} +towgs84=0,0,0,0,0,0,0 +no_defs`,
  };
}
