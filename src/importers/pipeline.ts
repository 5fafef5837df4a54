// One import = one transaction: decode the file (format readers) → stage rows (COPY) → check
// every feature in PostGIS → reproject to EPSG:4490 and write a new layer version. Any problem
// throws ImportRejected before COMMIT, so a failed import leaves the database exactly as it was.
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Db, Queryable } from '../db/index.ts';
import type { Config } from '../config.ts';
import { defaultIdField, layerForImport } from '../catalogue/catalogue.service.ts';
import * as store from '../store/store.repository.ts';
import { StageWriter } from '../store/stage.ts';
import { gkSrid } from '../crs/zones.ts';
import type { GdalLoader } from './gdal/loader.ts';
import { ImportError, type ReaderOptions, type SourceReader, type SourceInfo } from './types.ts';
import { appendAudit } from '../audit/audit.ts';
import { assertVersionChangesInDistricts } from '../auth/districts.ts';
import type { User } from '../auth/types.ts';
import { summarise, type ImportProblem } from './diagnose.ts';
import { describe } from './describe.ts';
import { Invalid } from '../errors.ts';
import {
  assertAttributes,
  assertCount,
  assertGeometryVertices,
  assertIdLength,
  assertRequestVertices,
  wkbVertices,
} from '../util/bounds.ts';
import type { ImportResult, MatchedBy } from './importers.schemas.ts';
import { fromWebMap, watchForWebMap, type WebMapDatum } from './webmap.ts';
import { applyOldDatum, type DatumChoice } from './datum-apply.ts';
import type { DatumPlan } from './datum.ts';
import { declaredAreaWarnings, declaredVsComputed, parcelOverlapWarnings, zoneWarnings } from './warnings.ts';
import { checkStaged } from '../qc/staged.ts';

export interface ImportOptions {
  /** Target layer code in the catalogue. */
  layer: string;
  /** Attribute encoding override (shapefile, TXT). */
  encoding?: string;
  /** Layer inside a multi-layer source (GeoPackage). */
  sourceLayer?: string;
  /**
   * Attribute that identifies a feature across versions (e.g. BSM): features are matched with the
   * version in force by it (onemap import --id-field). Default: the layer's id_field in the catalogue.
   */
  idField?: string;
  srid?: number;
  /** The process's gdal3.js (AppContext / CLI), for the formats read through GDAL. */
  gdal?: GdalLoader;
  /**
   * The file holds web-map coordinates (GCJ-02 of 高德/DataV, BD-09 of 百度): every vertex is
   * converted to CGCS2000 before staging (onemap import --from, decision 0010).
   */
  from?: WebMapDatum;
  /**
   * Xian 1980 / Beijing 1954 data: the transformation to CGCS2000, "7:…", "4:…" or the name of a
   * parameter set (onemap import --datum-params, decision 0012), and how it was given.
   */
  datum?: DatumChoice;
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
  /**
   * Run the layer's quality-check rules (src/qc) on the staged file; a blocking error (QcRejected)
   * writes nothing. On by default for files (importFile: the CLI and the HTTP upload); generated
   * sources (importFromReader) say so themselves. Layers without rules are not checked.
   */
  qc?: boolean;
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
  // FileGDB (.gdb folder or zip), CAD, KML, tables, MapInfo: through gdal3.js, loaded only now.
  const { gdalKind } = await import('./gdal/index.ts');
  const kind = await gdalKind(path, ext, isDir);
  if (kind) return (await import('./gdal/index.ts')).openGdalReader(path, kind, opts);
  if (isDir || ext === '.shp' || ext === '.zip') return (await import('./shapefile/reader.ts')).openShapefile(path, opts);
  if (['.geojson', '.json', '.geojsonl', '.geojsons', '.ndjson', '.jsonl'].includes(ext))
    return (await import('./geojson.ts')).openGeoJson(path, opts);
  if (ext === '.gpkg') return (await import('./gpkg.ts')).openGeoPackage(path, opts);
  if (ext === '.txt') return (await import('./coordtxt.ts')).openCoordinateTxt(path, opts);
  throw new ImportError({
    file: path,
    reason: `unknown format "${ext || '(no extension)'}": expected .shp/.zip/folder (Shapefile), .geojson/.json, .gpkg, coordinate .txt, .gdb/.gdb.zip (FileGDB), .dxf/.dwg, .kml/.kmz, .csv/.xlsx, .tab/.mif`,
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
  // 质检 before 入库 unless the caller opts out (decision 0013).
  const checked = { ...opts, qc: opts.qc ?? true };
  return importFromReader(
    db,
    config,
    await openReader(path, { encoding: opts.encoding, layer: opts.sourceLayer, srid: opts.srid, gdal: opts.gdal }),
    checked,
  );
}

export interface StagedSource {
  stage: StageWriter;
  srid: number;
  sridSource: string;
  /** Problems found; none of them blocking under the options given. */
  problems: ImportProblem[];
  matchedBy: MatchedBy;
  /** The old-datum transformation applied after the checks (decision 0012), if any. */
  datum?: DatumPlan['record'];
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
  opts: Pick<ImportOptions, 'srid' | 'allowOutside' | 'makeValid' | 'skipEmpty' | 'onProgress' | 'idField' | 'datum'> & {
    bounds?: SourceBounds;
    /** The layer's key in the catalogue, used when every feature has a distinct value in it. */
    defaultIdField?: string;
  },
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
  let positional = 0;
  for await (const f of reader.features()) {
    // Counted before staging: nothing over a bound reaches the database (issue 22 item 2).
    features++;
    if (f.positional) positional++;
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
  const matchedBy = await chooseKey(tx, path, layerCode, opts.idField, opts.defaultIdField, positional);

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
    problems.push(await describe(tx, p, srid, srcBox, extentText, layerCode, geometryType, matchedBy.field));
  }
  const blocking = problems.filter((p) => !(opts.makeValid && p.kind === 'invalid') && !(opts.skipEmpty && p.kind === 'empty'));
  if (blocking.length > 0) {
    throw new ImportRejected(summarise(path, problems, found.total, stage.count), path, problems, found.total);
  }
  // Checked in their own system (extent, validity), old-datum coordinates then become CGCS2000.
  const old = await applyOldDatum(tx, info, srid, sridSource, opts.datum);
  if (old) return { stage, srid: old.srid, sridSource: old.sridSource, problems, matchedBy, datum: old.record };
  return { stage, srid, sridSource, problems, matchedBy };
}

/**
 * How the staged features are matched with the version in force. --id-field F: by attribute F,
 * which every feature must fill (the staged fids become its values). Otherwise by the ids the file
 * gives; where it gives none (a Shapefile not exported by onemap, GeoJSON without "id"), by the
 * catalogue's key for the layer when every feature has a distinct value in it, else by position in
 * the file, which the note says, since reordering the file then reads as changes.
 */
async function chooseKey(
  tx: Queryable,
  path: string,
  layerCode: string,
  idField: string | undefined,
  defaultKey: string | undefined,
  positional: number,
): Promise<MatchedBy> {
  if (idField) {
    const k = await store.stagedKey(tx, idField);
    if (k.missing > 0)
      throw new ImportError({
        file: path,
        feature: k.first_fid ?? undefined,
        reason: `匹配键 ${idField}（--id-field）：${k.missing} 个要素没有该字段的值，第一个在 ${k.first_loc ?? '?'}；每个要素都须有唯一的 ${idField} (--id-field ${idField}: ${k.missing} of ${k.n} features have no value in it)`,
      });
    await store.keyStagedFids(tx, idField);
    return { kind: 'key', field: idField, note: `按字段 ${idField} 与现行版本的要素匹配（--id-field）` };
  }
  let why = '';
  // The catalogue's key stands in for positions only: ids the file gives (GeoJSON "id", the id column
  // of onemap's own Shapefile exports, a GeoPackage fid, TXT 地块编号) are kept as they are.
  if (defaultKey && positional > 0) {
    const k = await store.stagedKey(tx, defaultKey);
    if (k.missing === 0 && k.distinct === k.n) {
      await store.keyStagedFids(tx, defaultKey);
      return { kind: 'key', field: defaultKey, note: `按资源目录中图层 ${layerCode} 的标识字段 ${defaultKey} 与现行版本的要素匹配` };
    }
    why =
      k.missing > 0
        ? `资源目录中图层 ${layerCode} 的标识字段 ${defaultKey} 在 ${k.missing} 个要素中没有值，未用作匹配键；`
        : `资源目录中图层 ${layerCode} 的标识字段 ${defaultKey} 有重复值（${k.n} 个要素、${k.distinct} 个不同值），未用作匹配键；`;
  }
  if (positional > 0)
    return {
      kind: 'position',
      note: `${why}文件中 ${positional} 个要素没有编号，按其在文件中的位置（第几个要素）与现行版本匹配：要素顺序一变即算作修改，可用 --id-field 指定标识字段 (no key: features matched by their position in the file)`,
    };
  return { kind: 'id', note: `${why}按文件中的要素编号与现行版本的要素匹配 (matched by the ids in the file)` };
}

/** Thrown inside the transaction to roll a dry run back while keeping its result. */
class DryRun extends Error {
  constructor(readonly result: ImportResult) {
    super('dry run');
  }
}

/**
 * The reader an import reads: web-map coordinates converted to CGCS2000 (--from), else watched for
 * (a warning when a source looks like one). Converted coordinates are CGCS2000 lon/lat, so a
 * --srid given with --from only told the source's.
 */
export function webMapAware(source: SourceReader, opts: ImportOptions): { reader: SourceReader; opts: ImportOptions } {
  if (opts.from) return { reader: fromWebMap(source, opts.from, opts.srid), opts: { ...opts, srid: undefined } };
  return { reader: watchForWebMap(source), opts };
}

/** Imports from any reader (a file, or generated features such as the demo city). Closes the reader. */
export async function importFromReader(db: Db, config: Config, source: SourceReader, opts: ImportOptions): Promise<ImportResult> {
  let reader = source;
  try {
    ({ reader, opts } = webMapAware(source, opts));
    const result = await db.transaction(async (tx) => {
      const r = await importInTransaction(tx, config, reader, opts);
      if (opts.dryRun) throw new DryRun(r.result);
      return r;
    });
    // After COMMIT: caches keyed by layer version (tiles) drop the old version at once.
    if (!result.result.unchanged)
      db.events.layerChanged({ code: result.result.layer, layerId: result.layerId, version: result.result.version });
    return result.result;
  } catch (e) {
    if (e instanceof DryRun) return e.result;
    throw e;
  } finally {
    await reader.close();
  }
}

/**
 * The import of one source inside the caller's transaction `tx`: stage, check (质检 with
 * `opts.qc`), write the version. Throws on any problem and leaves the rollback to the caller, so a
 * package (packages.ts) writes all its layers in one transaction or none. The caller notifies
 * `db.events` after COMMIT and closes the reader.
 */
export async function importInTransaction(
  tx: Queryable,
  config: Config,
  reader: SourceReader,
  opts: ImportOptions,
): Promise<{ result: ImportResult; layerId: number }> {
  const info = reader.info;
  const path = info.path;
  const { layer } = await layerForImport(tx, opts.layer, geometryTypeOfInfo(info));
  const { stage, srid, sridSource, problems, matchedBy, datum } = await stageAndCheck(
    tx,
    config,
    reader,
    { ...opts, defaultIdField: defaultIdField(layer.code) },
    layer.code,
    layer.geometry_type,
  );
  const qcWarnings = opts.qc ? await checkStaged(tx, config, layer, srid, !!opts.makeValid, path) : [];

  opts.onProgress?.({ features: stage.count, bytes: reader.bytesRead(), totalBytes: info.totalBytes, phase: 'write' });
  const repaired = problems.filter((p) => p.kind === 'invalid');
  const skipped = problems.filter((p) => p.kind === 'empty');
  const next = await store.nextVersion(tx, layer.id);
  const counts = await store.applyIncoming(tx, layer.id, next, srid, !!opts.makeValid);
  // Nothing added, removed or changed: the file is the version in force, and no version is written.
  const unchanged = counts.added + counts.removed + counts.changed === 0;
  const version = unchanged ? next - 1 : next;
  if (opts.actor && !unchanged) await assertVersionChangesInDistricts(tx, config.districts, opts.actor, layer.id, version, layer.code);
  const totals = await store.versionTotals(tx, layer.id, version);
  if (!unchanged) {
    await store.insertVersion(tx, {
      layerId: layer.id,
      version,
      validFrom: opts.validFrom ?? null,
      sourcePath: path,
      sourceFormat: info.format,
      sourceSrid: srid,
      sourceCrs: sridSource,
      sourceHeader: info.header ? Object.entries(info.header) : null,
      totals,
      counts,
      repaired,
      createdBy: opts.user ?? null,
      note: opts.note ?? null,
    });
  }
  const message = unchanged
    ? `与现行版本（第 ${version} 版）一致，未生成新版本 (the file equals version ${version} in force: no new version)`
    : undefined;
  await appendAudit(tx, {
    actor: opts.user ?? 'system',
    action: 'layer.import',
    entity: 'layer',
    entityId: layer.code,
    after: {
      version,
      unchanged,
      featureCount: totals.feature_count,
      ...counts,
      source: path,
      format: info.format,
      srid,
      from: opts.from ?? null,
      datum: datum ?? null,
      matchedBy: matchedBy.kind,
      idField: matchedBy.field ?? null,
      dryRun: !!opts.dryRun,
    },
  });
  const declaredAreas = info.declared ? await declaredVsComputed(tx, info, srid) : undefined;
  const warnings = [
    ...(info.warnings ?? []),
    ...declaredAreaWarnings(info, declaredAreas, config.declaredAreaTolerancePercent),
    ...(info.format === 'coordtxt' ? await parcelOverlapWarnings(tx, info) : []),
    ...(await zoneWarnings(tx, path, srid)),
    ...qcWarnings,
  ];
  await store.dropStage(tx);
  const result: ImportResult = {
    layer: layer.code,
    version,
    unchanged,
    ...(message ? { message } : {}),
    matchedBy,
    featureCount: totals.feature_count,
    ...counts,
    sourceSrid: srid,
    sridSource,
    encoding: info.encoding,
    areaM2: { ellipsoidal: totals.area_m2 ?? 0, planar: totals.planar_m2 ?? 0 },
    invalid: repaired,
    skipped,
    declaredAreas,
    warnings,
  };
  return { result, layerId: layer.id };
}
