// Project boundaries for review come in the formats bureaus use (GeoJSON, Shapefile, GeoPackage,
// the national coordinate TXT) and go through the import pipeline's reader and checks — same CRS
// detection, axis and zone diagnostics, validity messages — without being stored as a layer.
// A boundary in a request body is read in memory by the same GeoJSON / TXT parsers as a file.
// A boundary drawn on 高德/DataV or 百度 (GCJ-02 / BD-09) is converted to CGCS2000 first when the
// caller says so (--from, `from`), exactly as an import is (decision 0010), and the run records it.
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { Invalid } from '../errors.ts';
import { openReader, stageAndCheck } from '../importers/pipeline.ts';
import type { GdalLoader } from '../importers/gdal/loader.ts';
import { sridFromCrs, toSourceFeature } from '../importers/geojson.ts';
import { parseCoordinateTxt } from '../importers/coordtxt.ts';
import { ImportError, memoryReader, type SourceFeature, type SourceInfo, type SourceReader } from '../importers/types.ts';
import { stagedGeometries } from '../store/store.repository.ts';
import { fromWebMap, watchForWebMap, type WebMapDatum } from '../importers/webmap.ts';
import { declaredAreaWarnings, declaredVsComputed, parcelOverlapWarnings, zoneWarnings } from '../importers/warnings.ts';

export interface ProjectParcel {
  fid: string;
  /** Hex EWKB, EPSG:4490. */
  ewkb: string;
  props?: Record<string, unknown>;
}

/** Where the boundary's coordinates came from, kept with the run (project.source). */
export interface BoundarySource {
  /** The CRS the coordinates were read in (4490 after a web-map conversion). */
  srid: number;
  /** How it was determined, and the conversion when there was one (the import's CRS note). */
  crs: string;
  /** The web-map datum converted from, or null. */
  from: WebMapDatum | null;
  /**
   * What an import of the same file would warn about (a TXT's declared areas, overlapping parcels,
   * unclosed rings; a web-map look; text in the wrong encoding), shown with the run.
   */
  warnings: string[];
}

export interface Boundary {
  parcels: ProjectParcel[];
  source: BoundarySource;
}

export interface ParcelReadOptions {
  srid?: number;
  /** The boundary is in web-map coordinates: converted to CGCS2000 before review. */
  from?: WebMapDatum;
  encoding?: string;
  sourceLayer?: string;
  makeValid?: boolean;
  /** The process's gdal3.js, for red lines in DXF/DWG, KML, FileGDB, point tables. */
  gdal?: GdalLoader;
}

const BOUNDARY = '项目红线';

/** The parcels a reader yields, checked and reprojected like an import (nothing is stored). */
async function boundaryFromReader(db: Db, config: Config, source: SourceReader, opts: ParcelReadOptions): Promise<Boundary> {
  try {
    // Converted coordinates are CGCS2000 lon/lat: a srid given with `from` only described the source.
    const reader = opts.from ? fromWebMap(source, opts.from, opts.srid) : watchForWebMap(source);
    const srid = opts.from ? undefined : opts.srid;
    return await db.transaction(async (tx) => {
      const b = config.limits.bounds;
      const bounds = { features: b.reviewParcels, vertices: b.requestVertices, what: '边界', scope: '每次审查' };
      const staged = await stageAndCheck(tx, config, reader, { srid, makeValid: opts.makeValid, bounds }, BOUNDARY, 'Polygon');
      // The same warnings as an import (pipeline.ts), read off the same staging table.
      const info = reader.info;
      const warnings = [
        ...(info.warnings ?? []),
        ...(info.declared ? declaredAreaWarnings(info, await declaredVsComputed(tx, info), config.declaredAreaTolerancePercent) : []),
        ...(info.format === 'coordtxt' ? await parcelOverlapWarnings(tx, info) : []),
        ...(await zoneWarnings(tx, info.path, staged.srid)),
      ];
      return {
        parcels: await stagedGeometries(tx, staged.srid, !!opts.makeValid),
        source: { srid: staged.srid, crs: staged.sridSource, from: opts.from ?? null, warnings },
      };
    });
  } finally {
    await source.close();
  }
}

export async function boundaryFromFile(db: Db, config: Config, path: string, opts: ParcelReadOptions = {}): Promise<Boundary> {
  const reader = await openReader(path, { encoding: opts.encoding, layer: opts.sourceLayer, srid: opts.srid, gdal: opts.gdal });
  return boundaryFromReader(db, config, reader, opts);
}

/** The parcels alone, for callers that record no source (the portal's consultation areas, tests). */
export async function parcelsFromFile(db: Db, config: Config, path: string, opts: ParcelReadOptions = {}): Promise<ProjectParcel[]> {
  return (await boundaryFromFile(db, config, path, opts)).parcels;
}

/** A GeoJSON value of a request (FeatureCollection, Feature or bare geometry), read like a .geojson file. */
export function geojsonReader(value: unknown, name = '请求中的 geojson'): SourceReader {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ImportError({ file: name, reason: 'geometry is not an object (expected a FeatureCollection, a Feature or a geometry)' });
  const o = value as { type?: unknown; features?: unknown; crs?: unknown };
  const info: SourceInfo = { path: name, format: 'geojson' };
  try {
    const s = sridFromCrs(o.crs);
    if (s) {
      info.srid = s.srid;
      info.sridSource = s.source;
    }
  } catch (e) {
    throw new ImportError({ file: name, reason: (e as Error).message });
  }
  let features: SourceFeature[];
  if (o.type === 'FeatureCollection') {
    if (!Array.isArray(o.features)) throw new ImportError({ file: name, reason: 'FeatureCollection without a "features" array' });
    features = o.features.map((f, i) => toSourceFeature(name, { text: JSON.stringify(f), index: i + 1, line: 1, top: false }));
  } else {
    features = [toSourceFeature(name, { text: JSON.stringify(o), index: 1, line: 1, top: true })];
  }
  return memoryReader(info, features);
}

/** The text of a coordinate TXT (国家坐标交换格式) sent in a request, read like a .txt file. */
export function coordinateTxtReader(text: string, name = '请求中的 coordinateTxt'): SourceReader {
  if (!text.trim()) throw new ImportError({ file: name, reason: 'file is empty' });
  const { info, features } = parseCoordinateTxt(name, text, 'UTF-8');
  info.totalBytes = Buffer.byteLength(text);
  return memoryReader(info, features);
}

/**
 * A boundary sent in a request body: GeoJSON (Feature, FeatureCollection or bare geometry) or the
 * text of a coordinate TXT, parsed in memory and checked like a file.
 */
export async function boundaryFromBody(
  db: Db,
  config: Config,
  body: { geojson?: unknown; coordinateTxt?: string },
  opts: ParcelReadOptions = {},
): Promise<Boundary> {
  let reader: SourceReader;
  if (body.geojson !== undefined) reader = geojsonReader(body.geojson);
  else if (typeof body.coordinateTxt === 'string') reader = coordinateTxtReader(body.coordinateTxt);
  else
    throw new Invalid(
      '请求缺少项目红线：geojson（GeoJSON）或 coordinateTxt（国家坐标交换格式文本）(the request needs the project boundary)',
      {
        code: 'boundary_missing',
      },
    );
  return boundaryFromReader(db, config, reader, opts);
}

export async function parcelsFromBody(
  db: Db,
  config: Config,
  body: { geojson?: unknown; coordinateTxt?: string },
  opts: ParcelReadOptions = {},
): Promise<ProjectParcel[]> {
  return (await boundaryFromBody(db, config, body, opts)).parcels;
}
