// CGCS2000 Gauss-Krüger zones and their EPSG codes (domain.md §2).
// EPSG numbering: 3° zones 25–45 with zone prefix on the easting = 4513–4533, without = 4534–4554;
// 6° zones 13–23 with prefix = 4491–4501, without = 4502–4512. Hangzhou: 3° zone 40 (CM 120°E),
// EPSG:4528 / 4549; far west of 淳安 in zone 39 (EPSG:4527 / 4548).

export const CGCS2000_GEOGRAPHIC = 4490;

export interface GkZone {
  width: 3 | 6;
  zone: number;
  centralMeridian: number;
  /** true when the easting carries the zone number in front (Y ≈ 40 500 000). */
  prefixed: boolean;
  srid: number;
}

export function gkSrid(width: 3 | 6, zone: number, prefixed: boolean): number {
  if (width === 3) {
    if (zone < 25 || zone > 45) throw new RangeError(`3° zone ${zone} is outside CGCS2000's 25–45 (China)`);
    return (prefixed ? 4513 : 4534) + (zone - 25);
  }
  if (zone < 13 || zone > 23) throw new RangeError(`6° zone ${zone} is outside CGCS2000's 13–23 (China)`);
  return (prefixed ? 4491 : 4502) + (zone - 13);
}

/** The GK zone an EPSG code denotes, or undefined when it is not a CGCS2000 GK code. */
export function zoneOfSrid(srid: number): GkZone | undefined {
  if (srid >= 4513 && srid <= 4533) return mk(3, srid - 4513 + 25, true, srid);
  if (srid >= 4534 && srid <= 4554) return mk(3, srid - 4534 + 25, false, srid);
  if (srid >= 4491 && srid <= 4501) return mk(6, srid - 4491 + 13, true, srid);
  if (srid >= 4502 && srid <= 4512) return mk(6, srid - 4502 + 13, false, srid);
  return undefined;
}

function mk(width: 3 | 6, zone: number, prefixed: boolean, srid: number): GkZone {
  return { width, zone, centralMeridian: width === 3 ? zone * 3 : zone * 6 - 3, prefixed, srid };
}

/** 3° zone whose central meridian is nearest to a longitude: zone = round(lon / 3). */
export function zone3ForLongitude(lon: number): number {
  return Math.round(lon / 3);
}

/** SRID (no prefix) for planar 投影面积 of a geometry centred at `lon`. */
export function planarSridForLongitude(lon: number): number {
  return gkSrid(3, zone3ForLongitude(lon), false);
}
