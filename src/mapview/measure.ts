// 量算: length and area of a geometry drawn on the map, computed by PostGIS (never in the
// browser), both ways the handbook asks for (domain.md §2): ellipsoidal on CGCS2000 — what
// statistics and the land survey (三调 TBMJ) use — and planar in the geometry's 3° Gauss-Krüger
// zone — what submission files use — in m² and 亩 (1 亩 = 10000/15 m²).
import type { Queryable } from '../db/index.ts';
import { m2ToMu } from '../area/units.ts';
import { Invalid } from '../errors.ts';
import { INPUT_BOUNDS } from '../config.ts';
import * as repo from './mapview.repository.ts';

export interface Measurement {
  type: 'Point' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon';
  vertices: number;
  /** Gauss-Krüger zone (EPSG code, no zone prefix) used for the planar figures. */
  planarSrid: number;
  /** Lines: their length; polygons: their perimeter. Metres. */
  lengthM: { ellipsoidal: number; planar: number } | null;
  areaM2: { ellipsoidal: number; planar: number } | null;
  areaMu: { ellipsoidal: number; planar: number } | null;
  /** Points: lon/lat and Gauss-Krüger x (easting, no zone prefix) and y (northing). */
  point: { lon: number; lat: number; x: number; y: number } | null;
}

const TYPES: Record<string, Measurement['type']> = {
  POINT: 'Point',
  LINESTRING: 'LineString',
  MULTILINESTRING: 'MultiLineString',
  POLYGON: 'Polygon',
  MULTIPOLYGON: 'MultiPolygon',
};

/** Measures a GeoJSON geometry given in `srid` (default EPSG:4490 lon/lat, what the map draws in). */
export async function measureGeometry(
  db: Queryable,
  geometry: unknown,
  srid = 4490,
  maxVertices = INPUT_BOUNDS.drawnVertices,
): Promise<Measurement> {
  if (!geometry || typeof geometry !== 'object' || typeof (geometry as { type?: unknown }).type !== 'string') {
    throw new Invalid('geometry must be a GeoJSON geometry object such as {"type": "Polygon", "coordinates": [...]}');
  }
  let r: repo.MeasureRow;
  try {
    r = await repo.measure(db, JSON.stringify(geometry), srid, maxVertices);
  } catch (e) {
    // ST_GeomFromGeoJSON / ST_Transform refusing the input: say so as a bad request, with PostGIS's words.
    throw new Invalid(`geometry could not be read as GeoJSON in EPSG:${srid}: ${(e as Error).message}`);
  }
  if (r.problem) throw new Invalid(`无法量算 (cannot measure): ${r.problem}`);
  const type = TYPES[r.type ?? ''];
  const pair = (a: number | null, b: number | null) => (a == null || b == null ? null : { ellipsoidal: a, planar: b });
  const area = pair(r.area_m2, r.planar_m2);
  return {
    type,
    vertices: r.npoints ?? 0,
    planarSrid: r.srid!,
    lengthM: pair(r.length_m, r.planar_length_m),
    areaM2: area,
    areaMu: area && { ellipsoidal: m2ToMu(area.ellipsoidal), planar: m2ToMu(area.planar) },
    point: r.dimension === 0 ? { lon: r.lon!, lat: r.lat!, x: r.x!, y: r.y! } : null,
  };
}
