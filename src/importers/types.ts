// The contract between format readers (GeoJSON, Shapefile, GeoPackage, coordinate TXT) and the
// import pipeline. Readers only decode bytes into features; validation, reprojection and storage
// happen in PostGIS (src/store), so every format gets the same checks.
import { Invalid } from '../errors.ts';
import type { GdalLoader } from './gdal/loader.ts';

/** One decoded feature, geometry still in the source CRS and source axis order (x = easting/lon). */
export interface SourceFeature {
  /** Identifier in the source: GeoJSON `id` or 1-based index, shapefile record number, TXT 地块编号. */
  fid: string;
  /** ISO/OGC WKB (2D or 3D; Z is dropped in the database), or null for a record with no geometry. */
  wkb: Buffer | null;
  props: Record<string, unknown>;
  /** Where a person finds this feature in the file, for error messages: "record 12", "line 34". */
  location: string;
  /** The fid is the feature's position in the file (the source gives it no id): matching by it is by order. */
  positional?: boolean;
  /**
   * Coordinate TXT only: each ring's 圈号 and point names in the WKB's ring order, one name per
   * vertex (closing vertex included), kept beside the feature (not in props) for the TXT export.
   */
  points?: SourcePoints;
}

/** Point names of one feature, ring by ring in the order of its WKB (see feature.source_points). */
export type SourcePoints = { r: number; n: string[] }[];

/**
 * The .dbf column onemap's Shapefile exports carry the feature id in (dBASE has no id of its own);
 * the Shapefile reader takes it back as the id, so an export imported again matches by id.
 */
export const EXPORT_ID_FIELD = 'ONEMAP_ID';

export type SourceFormat =
  | 'geojson'
  | 'shapefile'
  | 'gpkg'
  | 'coordtxt'
  // Read through gdal3.js (src/importers/gdal, decision 0014).
  | 'filegdb'
  | 'dxf'
  | 'dwg'
  | 'kml'
  | 'csv'
  | 'xlsx'
  | 'mapinfo';

/** Per-parcel facts a coordinate TXT declares (domain.md §10), checked against computed area. */
export interface DeclaredParcel {
  fid: string;
  name: string;
  /** 地块面积 as written in the header line, converted from 公顷 to m². */
  declaredAreaM2: number | null;
  line: number;
}

export interface SourceInfo {
  /** The file the user named (a .zip, a folder, a .shp, ...). */
  path: string;
  format: SourceFormat;
  /** SRID detected from the file (.prj, GeoJSON crs, GPKG srs, TXT header); undefined = not stated. */
  srid?: number;
  /** Where the SRID came from, for messages: ".prj CGCS2000_3_Degree_GK_Zone_40", "TXT 带号=40". */
  sridSource?: string;
  /** Text encoding used for attributes (shapefile .cpg / override; TXT detection). */
  encoding?: string;
  /** Size of the input in bytes, for the progress bar. */
  totalBytes?: number;
  /** Declared parcel areas (coordinate TXT only). */
  declared?: DeclaredParcel[];
  /** Expected number of features when the format states it (shapefile .dbf header, GPKG count). */
  featureCount?: number;
  /** Geometry type as declared by the file, upper-case OGC name, e.g. "POLYGON", "MULTIPOLYGON". */
  geometryType?: string;
  /** Remarks that do not stop the import (shown to the user). */
  warnings?: string[];
  /** Datum transformation parameters the file itself states (TXT 转换参数=), as written (decision 0012). */
  datumParams?: string;
  /** Coordinate TXT: the [属性描述] fields as written, kept with the version for the TXT export. */
  header?: Record<string, string>;
}

export interface SourceReader {
  readonly info: SourceInfo;
  /** Yields features in file order. Throws ImportError on malformed content. */
  features(): AsyncIterable<SourceFeature>;
  /** Bytes consumed so far (approximate), for the progress bar. */
  bytesRead(): number;
  close(): Promise<void>;
}

/** Features already in memory (generated, or from a request body) read like a file. */
export function memoryReader(info: SourceInfo, features: SourceFeature[]): SourceReader {
  return {
    info,
    bytesRead: () => info.totalBytes ?? 0,
    async *features() {
      yield* features;
    },
    close: async () => {},
  };
}

export interface ReaderOptions {
  /** Override of the attribute encoding (shapefile without .cpg, GBK vs GB18030, TXT). */
  encoding?: string;
  /** Layer name inside a multi-layer container (GeoPackage). */
  layer?: string;
  /** SRID the user forced (--srid): lets a reader accept a file whose own CRS it cannot read. */
  srid?: number;
  /** The process's gdal3.js, started on first use (FileGDB, DXF/DWG, KML, XLSX, CSV, MapInfo). */
  gdal?: GdalLoader;
}

/**
 * A problem with the user's input. Always names the file, and where known the feature and line,
 * so the message is actionable without a debugger. Code `import_error` (HTTP 400, CLI exit 1).
 */
export class ImportError extends Invalid {
  readonly file: string;
  readonly feature?: string;
  readonly line?: number;
  readonly reason: string;
  constructor(args: { file: string; reason: string; feature?: string; line?: number }) {
    const where = [
      args.file,
      args.line !== undefined ? `line ${args.line}` : undefined,
      args.feature !== undefined ? `feature ${args.feature}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    super(`${where}: ${args.reason}`, { code: 'import_error' });
    this.file = args.file;
    this.feature = args.feature;
    this.line = args.line;
    this.reason = args.reason;
  }
}
