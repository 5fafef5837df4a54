// Coordinate reference systems offered by OGC API – Features Part 2 (domain.md §2).
//
// Axis order is the trap here. PostGIS always stores and computes x = easting/longitude,
// y = northing/latitude. The OGC URIs, however, mean the axis order of the EPSG definition:
//   CRS84     longitude, latitude            (same as PostGIS)
//   EPSG:4490 latitude, longitude            (EPSG geographic CRSs are lat/lon)
//   EPSG:4549 northing (X), easting (Y)      (EPSG 4534–4554 are declared N/E — the surveyors' X/Y)
// so responses in 4490 and 4549 swap the PostGIS coordinates (ST_FlipCoordinates), and bbox /
// filter coordinates in those CRSs arrive in that order and are swapped back before use.
// Clients such as GDAL (≥ 3.7 with the CRS open option) honour the EPSG order because the
// Content-Crs header names the CRS by its authority URI.

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const EPSG_4490 = 'http://www.opengis.net/def/crs/EPSG/0/4490';
export const EPSG_4549 = 'http://www.opengis.net/def/crs/EPSG/0/4549';

export interface OgcCrs {
  uri: string;
  /** SRID PostGIS computes in (x = easting/longitude). */
  srid: number;
  /** true when the CRS's first axis is northing/latitude: coordinates are swapped at the edge. */
  northFirst: boolean;
  /** Decimals written: 9 for degrees (~0.1 mm), 3 for metres (1 mm). */
  decimals: number;
  /** Plausible coordinate range, in the CRS's own axis order, to refuse nonsense before SQL. */
  range: [[number, number], [number, number]];
  label: string;
}

// CRS84 is WGS 84 longitude/latitude; the data are CGCS2000. The two frames differ by a few
// centimetres (CGCS2000 is aligned to ITRF97 at epoch 2000), below what any client of this
// service resolves, so CGCS2000 coordinates are served as CRS84 unchanged.
const TABLE: readonly OgcCrs[] = [
  {
    uri: CRS84,
    srid: 4490,
    northFirst: false,
    decimals: 9,
    range: [
      [-180, 180],
      [-90, 90],
    ],
    label: 'WGS 84 经纬度（CRS84，经度在前）',
  },
  {
    uri: EPSG_4490,
    srid: 4490,
    northFirst: true,
    decimals: 9,
    range: [
      [-90, 90],
      [-180, 180],
    ],
    label: 'CGCS2000 地理坐标（EPSG:4490，纬度在前）',
  },
  // EPSG:4549's area of use is 118.5–121.5°E; the range allows a generous margin around it.
  {
    uri: EPSG_4549,
    srid: 4549,
    northFirst: true,
    decimals: 3,
    range: [
      [0, 10_000_000],
      [-1_000_000, 2_000_000],
    ],
    label: 'CGCS2000 3度带高斯-克吕格 中央经线120°E（EPSG:4549，北坐标X在前）',
  },
];

export const SUPPORTED_CRS: readonly string[] = TABLE.map((c) => c.uri);
export const STORAGE_CRS = EPSG_4490;

export function crsByUri(uri: string): OgcCrs | undefined {
  return TABLE.find((c) => c.uri === uri);
}

export function defaultCrs(): OgcCrs {
  return TABLE[0];
}

/**
 * SQL expression turning the stored EPSG:4490 geometry `geomExpr` into GeoJSON text in `crs`,
 * coordinates in the CRS's axis order. Only values from TABLE reach the SQL text, never user input.
 * Option 0: no "crs" member (GeoJSON RFC 7946 has none; Content-Crs carries it).
 */
export function geoJsonExpr(crs: OgcCrs, geomExpr: string): string {
  let g = crs.srid === 4490 ? geomExpr : `ST_Transform(${geomExpr}, ${Number(crs.srid)})`;
  if (crs.northFirst) g = `ST_FlipCoordinates(${g})`;
  return `ST_AsGeoJSON(${g}, ${Number(crs.decimals)}, 0)`;
}

/** A bbox given in the CRS's axis order, as x/y (easting-first) corners in that CRS's SRID. */
export function bboxToXY(crs: OgcCrs, b: [number, number, number, number]): [number, number, number, number] {
  return crs.northFirst ? [b[1], b[0], b[3], b[2]] : b;
}
