// Project boundaries for review come in the formats bureaus use (GeoJSON, Shapefile, GeoPackage,
// the national coordinate TXT) and go through the import pipeline's reader and checks — same CRS
// detection, axis and zone diagnostics, validity messages — without being stored as a layer.
// A boundary in a request body is read in memory by the same GeoJSON / TXT parsers as a file.
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { Invalid } from '../errors.ts';
import { openReader, stageAndCheck } from '../importers/pipeline.ts';
import type { GdalLoader } from '../importers/gdal/loader.ts';
import { sridFromCrs, toSourceFeature } from '../importers/geojson.ts';
import { parseCoordinateTxt } from '../importers/coordtxt.ts';
import { ImportError, memoryReader, type SourceFeature, type SourceInfo, type SourceReader } from '../importers/types.ts';
import { stagedGeometries } from '../store/store.repository.ts';

export interface ProjectParcel {
  fid: string;
  /** Hex EWKB, EPSG:4490. */
  ewkb: string;
  props?: Record<string, unknown>;
}

export interface ParcelReadOptions {
  srid?: number;
  encoding?: string;
  sourceLayer?: string;
  makeValid?: boolean;
  /** The process's gdal3.js, for red lines in DXF/DWG, KML, FileGDB, point tables. */
  gdal?: GdalLoader;
}

const BOUNDARY = '项目红线';

/** The parcels a reader yields, checked and reprojected like an import (nothing is stored). */
async function parcelsFromReader(db: Db, config: Config, reader: SourceReader, opts: ParcelReadOptions): Promise<ProjectParcel[]> {
  try {
    return await db.transaction(async (tx) => {
      const b = config.limits.bounds;
      const bounds = { features: b.reviewParcels, vertices: b.requestVertices, what: '边界', scope: '每次审查' };
      const { srid } = await stageAndCheck(tx, config, reader, { srid: opts.srid, makeValid: opts.makeValid, bounds }, BOUNDARY, 'Polygon');
      return await stagedGeometries(tx, srid, !!opts.makeValid);
    });
  } finally {
    await reader.close();
  }
}

export async function parcelsFromFile(db: Db, config: Config, path: string, opts: ParcelReadOptions = {}): Promise<ProjectParcel[]> {
  const reader = await openReader(path, { encoding: opts.encoding, layer: opts.sourceLayer, srid: opts.srid, gdal: opts.gdal });
  return parcelsFromReader(db, config, reader, opts);
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
export async function parcelsFromBody(
  db: Db,
  config: Config,
  body: { geojson?: unknown; coordinateTxt?: string },
  opts: ParcelReadOptions = {},
): Promise<ProjectParcel[]> {
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
  return parcelsFromReader(db, config, reader, opts);
}
