// One import = one transaction: decode the file (format readers) → stage rows (COPY) → check
// every feature in PostGIS → reproject to EPSG:4490 and write a new layer version. Any problem
// throws ImportRejected before COMMIT, so a failed import leaves the database exactly as it was.
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Db, Queryable } from '../db/index.ts';
import type { Config } from '../config.ts';
import { layerForImport } from '../catalogue/catalogue.service.ts';
import * as store from '../store/store.repository.ts';
import { StageWriter } from '../store/stage.ts';
import { zoneOfSrid, gkSrid } from '../crs/zones.ts';
import { ImportError, type ReaderOptions, type SourceReader, type SourceInfo } from './types.ts';
import { appendAudit } from '../audit/audit.ts';
import { assertVersionChangesInDistricts } from '../auth/districts.ts';
import type { User } from '../auth/types.ts';
import { explainOutside, summarise, type ImportProblem } from './diagnose.ts';
import { Invalid } from '../errors.ts';
import {
  assertAttributes,
  assertCount,
  assertGeometryVertices,
  assertIdLength,
  assertRequestVertices,
  wkbVertices,
} from '../util/bounds.ts';
import type { ImportResult } from './importers.schemas.ts';

export interface ImportOptions {
  /** Target layer code in the catalogue. */
  layer: string;
  /** Attribute encoding override (shapefile, TXT). */
  encoding?: string;
  /** Layer inside a multi-layer source (GeoPackage). */
  sourceLayer?: string;
  srid?: number;
  makeValid?: boolean;
  /** Leave out features without geometry (null shapes) instead of refusing the file. */
  skipEmpty?: boolean;
  /** Accept features outside the city extent (province-wide reference data). */
  allowOutside?: boolean;
  user?: string;
  /**
   * The signed-in caller (HTTP imports): a district officer's import may only add, change or
   * remove features inside their districts.
   */
  actor?: User;
  note?: string;
  /** When the version counts from ("as of"); default now. */
  validFrom?: string;
  /** Check and measure only: everything is rolled back (onemap import --dry-run). */
  dryRun?: boolean;
  onProgress?: (p: { features: number; bytes: number; totalBytes?: number; phase: 'read' | 'check' | 'write' }) => void;
}

/**
 * Bounds on a whole source read for one request (a review's parcels), on top of the per-feature
 * bounds every source is held to (config.limits.bounds): imports of whole layers have none.
 */
export interface SourceBounds {
  features: number;
  vertices: number;
  /** What the source is and what one request is, for the message: 「边界」, 「每次审查」. */
  what: string;
  scope: string;
}

export type { ImportResult };

/**
 * Features of the file fail the import checks: nothing was written. Code `import_rejected` with
 * every problem found (up to PROBLEM_LIMIT) in `problems` (HTTP 400; the CLI lists them).
 */
export class ImportRejected extends Invalid {
  declare readonly problems: ImportProblem[];
  constructor(
    message: string,
    readonly file: string,
    problems: ImportProblem[],
    readonly total: number,
  ) {
    super(message, { code: 'import_rejected', problems });
    // Set even when empty: callers read the list without a guard.
    this.problems = problems;
  }
}

const PROBLEM_LIMIT = 100;

const ALLOWED_TYPES: Record<string, string[] | null> = {
  Polygon: ['POLYGON', 'MULTIPOLYGON'],
  LineString: ['LINESTRING', 'MULTILINESTRING'],
  Point: ['POINT', 'MULTIPOINT'],
  Geometry: null,
};

export async function openReader(path: string, opts: ReaderOptions): Promise<SourceReader> {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new ImportError({ file: path, reason: 'file not found' });
  }
  const ext = extname(path).toLowerCase();
  if (isDir || ext === '.shp' || ext === '.zip') return (await import('./shapefile/reader.ts')).openShapefile(path, opts);
  if (['.geojson', '.json', '.geojsonl', '.geojsons', '.ndjson', '.jsonl'].includes(ext))
    return (await import('./geojson.ts')).openGeoJson(path, opts);
  if (ext === '.gpkg') return (await import('./gpkg.ts')).openGeoPackage(path, opts);
  if (ext === '.txt') return (await import('./coordtxt.ts')).openCoordinateTxt(path, opts);
  throw new ImportError({
    file: path,
    reason: `unknown format "${ext || '(no extension)'}": expected .shp/.zip/folder (Shapefile), .geojson/.json, .gpkg or coordinate .txt`,
  });
}

function geometryTypeOfInfo(info: SourceInfo): string {
  const t = (info.geometryType ?? '').toUpperCase();
  if (t.includes('POLYGON')) return 'Polygon';
  if (t.includes('LINE')) return 'LineString';
  if (t.includes('POINT')) return 'Point';
  return info.format === 'coordtxt' ? 'Polygon' : 'Geometry';
}

/** Source CRS when the file does not state one: GeoJSON is lon/lat by RFC 7946; others are guessed from the numbers. */
function guessSrid(info: SourceInfo, e: store.StageExtent): { srid: number; source: string } {
  if (info.format === 'geojson') return { srid: 4490, source: 'GeoJSON without "crs": longitude/latitude (RFC 7946), taken as CGCS2000' };
  if (e.xmin !== null && e.xmax !== null && e.ymin !== null && e.ymax !== null) {
    if (Math.abs(e.xmax) <= 180 && Math.abs(e.ymax) <= 90)
      return { srid: 4490, source: 'no CRS in the file: coordinates look like longitude/latitude, taken as CGCS2000 (EPSG:4490)' };
    const zone = Math.floor(e.xmin / 1e6);
    if (zone === Math.floor(e.xmax / 1e6) && zone >= 25 && zone <= 45 && e.ymin > 1e6) {
      return {
        srid: gkSrid(3, zone, true),
        source: `no CRS in the file: eastings carry zone prefix ${zone}, taken as CGCS2000 3° GK zone ${zone} (EPSG:${gkSrid(3, zone, true)})`,
      };
    }
  }
  throw new ImportError({
    file: info.path,
    reason:
      'the file does not say its coordinate system (no .prj / crs) and it cannot be told from the coordinates: pass --srid (e.g. 4490 for CGCS2000 lon/lat, 4549 for GK zone 40 without prefix)',
  });
}

export async function importFile(db: Db, config: Config, path: string, opts: ImportOptions): Promise<ImportResult> {
  return importFromReader(db, config, await openReader(path, { encoding: opts.encoding, layer: opts.sourceLayer, srid: opts.srid }), opts);
}

export interface StagedSource {
  stage: StageWriter;
  srid: number;
  sridSource: string;
  /** Problems found; none of them blocking under the options given. */
  problems: ImportProblem[];
}

/**
 * Reads a source into the staging table (onemap_stage, inside tx) and checks every feature for
 * layer type `geometryType`: CRS, emptiness, type, extent, validity, duplicate ids. Throws
 * ImportRejected / ImportError when something blocks. Shared by imports and by the review engine,
 * which reads project boundaries the same way.
 */
export async function stageAndCheck(
  tx: Queryable,
  config: Config,
  reader: SourceReader,
  opts: Pick<ImportOptions, 'srid' | 'allowOutside' | 'makeValid' | 'skipEmpty' | 'onProgress'> & { bounds?: SourceBounds },
  layerCode: string,
  geometryType: string,
): Promise<StagedSource> {
  const info = reader.info;
  const path = info.path;
  await store.createStage(tx);
  const stage = new StageWriter(tx);
  const b = config.limits.bounds;
  let lastTick = 0;
  let features = 0;
  let vertices = 0;
  // Over a request bound: the rest is only counted (not staged) so the refusal gives the totals.
  let over = false;
  for await (const f of reader.features()) {
    // Counted before staging: nothing over a bound reaches the database (issue 22 item 2).
    features++;
    const what = `文件 ${path} 第 ${features} 个要素（${f.location}）`;
    assertIdLength(f.fid, b.idChars, `${what}的编号`);
    assertAttributes(f.props, b, what);
    const n = f.wkb ? wkbVertices(f.wkb) : 0;
    assertGeometryVertices(n, b.geometryVertices, what);
    vertices += n;
    if (opts.bounds && (features > opts.bounds.features || vertices > opts.bounds.vertices)) over = true;
    if (over) continue;
    await stage.add(f);
    if (opts.onProgress && stage.count - lastTick >= 2000) {
      lastTick = stage.count;
      opts.onProgress({ features: stage.count, bytes: reader.bytesRead(), totalBytes: info.totalBytes, phase: 'read' });
    }
  }
  if (opts.bounds) {
    assertCount(features, opts.bounds.features, opts.bounds.what, '地块', 'too_many_parcels', opts.bounds.scope);
    assertRequestVertices(vertices, opts.bounds.vertices, opts.bounds.what, opts.bounds.scope);
  }
  await stage.flush();
  opts.onProgress?.({ features: stage.count, bytes: reader.bytesRead(), totalBytes: info.totalBytes, phase: 'check' });
  if (stage.count === 0) throw new ImportError({ file: path, reason: 'the file holds no features: nothing to import' });

  const extent = await store.stageExtent(tx);
  let srid: number;
  let sridSource: string;
  if (opts.srid) {
    srid = opts.srid;
    sridSource = `--srid ${opts.srid}`;
  } else if (info.srid) {
    srid = info.srid;
    sridSource = info.sridSource ?? `EPSG:${info.srid} from the file`;
  } else {
    ({ srid, source: sridSource } = guessSrid(info, extent));
  }
  if (!(await store.sridExists(tx, srid)))
    throw new ImportError({ file: path, reason: `EPSG:${srid} is not a coordinate system PostGIS knows` });

  const ext = config.cityExtent;
  const m = config.extentMargin;
  const withMargin: [number, number, number, number] = [ext[0] - m, ext[1] - m, ext[2] + m, ext[3] + m];
  const srcBox = opts.allowOutside ? null : await store.extentInSource(tx, withMargin, srid);
  const found = await store.findProblems(tx, { srid, allowed: ALLOWED_TYPES[geometryType] ?? null, bbox: srcBox, limit: PROBLEM_LIMIT });
  const extentText = `${ext[0]}–${ext[2]}°E, ${ext[1]}–${ext[3]}°N`;
  const problems: ImportProblem[] = [];
  for (const p of found.rows) {
    problems.push(await describe(tx, p, srid, srcBox, extentText, layerCode, geometryType));
  }
  const blocking = problems.filter((p) => !(opts.makeValid && p.kind === 'invalid') && !(opts.skipEmpty && p.kind === 'empty'));
  if (blocking.length > 0) {
    throw new ImportRejected(summarise(path, problems, found.total, stage.count), path, problems, found.total);
  }
  return { stage, srid, sridSource, problems };
}

/** Thrown inside the transaction to roll a dry run back while keeping its result. */
class DryRun extends Error {
  constructor(readonly result: ImportResult) {
    super('dry run');
  }
}

/** Imports from any reader (a file, or generated features such as the demo city). Closes the reader. */
export async function importFromReader(db: Db, config: Config, reader: SourceReader, opts: ImportOptions): Promise<ImportResult> {
  const path = reader.info.path;
  try {
    const result = await db.transaction(async (tx) => {
      const info = reader.info;
      const { layer } = await layerForImport(tx, opts.layer, geometryTypeOfInfo(info));
      const { stage, srid, sridSource, problems } = await stageAndCheck(tx, config, reader, opts, layer.code, layer.geometry_type);

      opts.onProgress?.({ features: stage.count, bytes: reader.bytesRead(), totalBytes: info.totalBytes, phase: 'write' });
      const repaired = problems.filter((p) => p.kind === 'invalid');
      const skipped = problems.filter((p) => p.kind === 'empty');
      const version = await store.nextVersion(tx, layer.id);
      const counts = await store.applyIncoming(tx, layer.id, version, srid, !!opts.makeValid);
      if (opts.actor) await assertVersionChangesInDistricts(tx, config.districts, opts.actor, layer.id, version, layer.code);
      const totals = await store.versionTotals(tx, layer.id, version);
      await store.insertVersion(tx, {
        layerId: layer.id,
        version,
        validFrom: opts.validFrom ?? null,
        sourcePath: path,
        sourceFormat: info.format,
        sourceSrid: srid,
        totals,
        counts,
        repaired,
        createdBy: opts.user ?? null,
        note: opts.note ?? null,
      });
      await appendAudit(tx, {
        actor: opts.user ?? 'system',
        action: 'layer.import',
        entity: 'layer',
        entityId: layer.code,
        after: { version, featureCount: totals.feature_count, ...counts, source: path, format: info.format, srid, dryRun: !!opts.dryRun },
      });
      const declaredAreas = info.declared ? await declaredVsComputed(tx, info) : undefined;
      await store.dropStage(tx);
      const result: ImportResult = {
        layer: layer.code,
        version,
        featureCount: totals.feature_count,
        ...counts,
        sourceSrid: srid,
        sridSource,
        encoding: info.encoding,
        areaM2: { ellipsoidal: totals.area_m2 ?? 0, planar: totals.planar_m2 ?? 0 },
        invalid: repaired,
        skipped,
        declaredAreas,
        warnings: info.warnings ?? [],
      };
      if (opts.dryRun) throw new DryRun(result);
      return { result, layerId: layer.id };
    });
    // After COMMIT: caches keyed by layer version (tiles) drop the old version at once.
    db.events.layerChanged({ code: result.result.layer, layerId: result.layerId, version: result.result.version });
    return result.result;
  } catch (e) {
    if (e instanceof DryRun) return e.result;
    throw e;
  } finally {
    await reader.close();
  }
}

async function describe(
  tx: Parameters<typeof store.toLonLat>[0],
  p: store.ProblemRow,
  srid: number,
  srcBox: [number, number, number, number] | null,
  extentText: string,
  layerCode: string,
  layerType: string,
): Promise<ImportProblem> {
  const base = { fid: p.fid, location: p.loc, kind: p.kind };
  switch (p.kind) {
    case 'empty':
      return { ...base, reason: 'the feature has no geometry (null or empty shape)' };
    case 'type':
      return { ...base, reason: `the feature is a ${p.gtype} but layer ${layerCode} holds ${layerType} features` };
    case 'duplicate':
      return {
        ...base,
        reason: `feature id "${p.fid}" occurs more than once in the file: versions are matched by id, so ids must be unique`,
      };
    case 'outside':
      return { ...base, reason: explainOutside(p, srid, srcBox!, extentText) };
    case 'invalid': {
      const lonLat = p.x !== null && p.y !== null ? await store.toLonLat(tx, srid, p.x, p.y) : null;
      const where =
        p.x !== null && p.y !== null ? ` at (${p.x}, ${p.y})${lonLat ? ` ≈ ${lonLat[0].toFixed(6)}°E ${lonLat[1].toFixed(6)}°N` : ''}` : '';
      return { ...base, reason: `invalid geometry: ${p.reason}${where}`, lonLat: lonLat ?? undefined };
    }
  }
}

/** Coordinate TXT: 地块面积 as declared vs the planar area computed in the file's own zone. */
async function declaredVsComputed(tx: Parameters<typeof store.toLonLat>[0], info: SourceInfo): Promise<ImportResult['declaredAreas']> {
  const zone = info.srid ? zoneOfSrid(info.srid) : undefined;
  const rows = await store.stagedPlanarAreas(tx, zone ? zone.srid : null);
  const declared = new Map(info.declared!.map((d) => [d.fid, d.declaredAreaM2]));
  return rows.map((row) => {
    const d = declared.get(row.fid) ?? null;
    const diff = d === null ? null : row.planar - d;
    return {
      fid: row.fid,
      declaredM2: d,
      computedPlanarM2: row.planar,
      differenceM2: diff,
      differencePercent: d ? (diff! / d) * 100 : null,
    };
  });
}
