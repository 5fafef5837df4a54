// Project boundaries for review come in the formats bureaus use (GeoJSON, Shapefile, GeoPackage,
// the national coordinate TXT) and go through the import pipeline's reader and checks — same CRS
// detection, axis and zone diagnostics, validity messages — without being stored as a layer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { openReader, stageAndCheck } from '../importers/pipeline.ts';
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
}

const BOUNDARY = '项目红线';

export async function parcelsFromFile(db: Db, config: Config, path: string, opts: ParcelReadOptions = {}): Promise<ProjectParcel[]> {
  const reader = await openReader(path, { encoding: opts.encoding, layer: opts.sourceLayer, srid: opts.srid });
  try {
    return await db.transaction(async (tx) => {
      const { srid } = await stageAndCheck(tx, config, reader, { srid: opts.srid, makeValid: opts.makeValid }, BOUNDARY, 'Polygon');
      return await stagedGeometries(tx, srid, !!opts.makeValid);
    });
  } finally {
    await reader.close();
  }
}

/**
 * A boundary sent in a request body: GeoJSON (Feature, FeatureCollection or bare geometry) or the
 * text of a coordinate TXT. Written to a temporary file so it takes exactly the file path.
 */
export async function parcelsFromBody(
  db: Db,
  config: Config,
  body: { geojson?: unknown; coordinateTxt?: string },
  opts: ParcelReadOptions = {},
): Promise<ProjectParcel[]> {
  const dir = mkdtempSync(join(tmpdir(), 'onemap-review-'));
  try {
    let file: string;
    if (body.geojson !== undefined) {
      const g = body.geojson as { type?: string };
      const fc =
        g?.type === 'FeatureCollection'
          ? g
          : g?.type === 'Feature'
            ? { type: 'FeatureCollection', features: [g] }
            : { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: g }] };
      file = join(dir, 'boundary.geojson');
      writeFileSync(file, JSON.stringify(fc));
    } else if (typeof body.coordinateTxt === 'string') {
      file = join(dir, 'boundary.txt');
      writeFileSync(file, body.coordinateTxt);
    } else {
      throw Object.assign(
        new Error('the request needs the project boundary: "geojson" (GeoJSON) or "coordinateTxt" (国家坐标交换格式文本)'),
        { statusCode: 400 },
      );
    }
    try {
      return await parcelsFromFile(db, config, file, opts);
    } catch (e) {
      // Name the request member, not the temporary file it was written to.
      const err = e as Error & { problems?: unknown[] };
      const name = body.geojson !== undefined ? '请求中的 geojson' : '请求中的 coordinateTxt';
      const strip = (t: string) => t.split(file).join(name);
      err.message = strip(err.message);
      if (Array.isArray(err.problems))
        err.problems.forEach((p, i) => {
          err.problems![i] = JSON.parse(strip(JSON.stringify(p)));
        });
      throw err;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
