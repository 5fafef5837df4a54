// GeoPackage reader on sql.js (SQLite compiled to WASM, no native build on the servers).
// sql.js cannot read a file in place: the whole file is loaded into memory (a Node Buffer plus
// sql.js's in-memory file system copy, so ~2× the file size). Files above MAX_GPKG_BYTES are
// refused with advice instead of exhausting memory; rows are then read in primary-key pages so
// only one page of row objects exists at a time. SQL in gpkg.repository.ts.

import { readFile, stat } from 'node:fs/promises';
import { ImportError, type ReaderOptions, type SourceFeature, type SourceInfo, type SourceReader } from './types.ts';
import * as repo from './gpkg.repository.ts';
import type { Database, SqlValue } from './gpkg.repository.ts';

/** Largest file loaded into memory; 1 GiB keeps two copies well under Node's default heap limits. */
export const MAX_GPKG_BYTES = 1 << 30;
const PAGE_ROWS = 1000;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Bytes of envelope for GeoPackage header flag bits 1–3 (GeoPackage 1.3 §2.1.3.1.1). */
const ENVELOPE_BYTES = [0, 32, 48, 48, 64];

/**
 * GeoPackage binary geometry → the ISO WKB that follows its header.
 * Header: 'GP', version, flags (bit 0 byte order, bits 1–3 envelope kind, bit 4 empty,
 * bit 5 extended type), int32 srs_id, then 0/32/48/64 bytes of envelope.
 */
export function gpkgGeometryToWkb(blob: Uint8Array): { wkb: Buffer; empty: boolean; srsId: number } {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (b.length < 8 || b[0] !== 0x47 || b[1] !== 0x50) throw new Error('geometry blob does not start with the GeoPackage "GP" header');
  const flags = b[3];
  if (flags & 0x20) throw new Error('geometry uses an extended (non-standard) GeoPackage geometry type');
  const envelopeKind = (flags >> 1) & 0x07;
  const envelope = ENVELOPE_BYTES[envelopeKind];
  if (envelope === undefined) throw new Error(`geometry header has an invalid envelope indicator ${envelopeKind}`);
  const srsId = flags & 0x01 ? b.readInt32LE(4) : b.readInt32BE(4);
  const start = 8 + envelope;
  if (b.length < start + 5) throw new Error('geometry blob ends inside its header');
  const wkb = b.subarray(start);
  if (wkb[0] !== 0 && wkb[0] !== 1) throw new Error(`WKB after the GeoPackage header has invalid byte-order mark ${wkb[0]}`);
  return { wkb, empty: (flags & 0x10) !== 0, srsId };
}

export async function openGeoPackage(path: string, opts: ReaderOptions): Promise<SourceReader> {
  const fail = (reason: string): never => {
    throw new ImportError({ file: path, reason });
  };
  let size = 0;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    fail(`cannot read the file: ${(e as Error).message}`);
  }
  if (size > MAX_GPKG_BYTES) {
    fail(
      `GeoPackage is ${(size / 2 ** 20).toFixed(0)} MiB; this reader loads the file into memory and accepts at most ${MAX_GPKG_BYTES / 2 ** 20} MiB. Split the layer or convert it to GeoJSON (ogr2ogr -f GeoJSONSeq) first`,
    );
  }
  const bytes = await readFile(path);
  if (bytes.length === 0) fail('file is empty');
  if (bytes.length < 100 || !bytes.subarray(0, 16).equals(SQLITE_MAGIC)) fail('not a GeoPackage: the file is not an SQLite database');

  const db = await repo.openSqlite(bytes);
  try {
    return prepareReader(db, path, size, opts);
  } catch (e) {
    db.close();
    if (e instanceof ImportError) throw e;
    throw new ImportError({ file: path, reason: `corrupt or unreadable GeoPackage: ${(e as Error).message}` });
  }
}

function prepareReader(db: Database, path: string, size: number, opts: ReaderOptions): SourceReader {
  const fail = (reason: string): never => {
    throw new ImportError({ file: path, reason });
  };
  if (!repo.hasContents(db)) fail('not a GeoPackage: the SQLite database has no gpkg_contents table');

  const layers = repo.featureLayers(db);
  if (layers.length === 0) fail('the GeoPackage has no feature layers (gpkg_contents lists none with data_type "features")');
  let layer: string;
  if (opts.layer !== undefined) {
    const want = opts.layer;
    const found = layers.find((l) => l === want) ?? layers.find((l) => l.toLowerCase() === want.toLowerCase());
    if (found === undefined) fail(`no feature layer "${want}"; the GeoPackage has: ${layers.join(', ')}`);
    layer = found as string;
  } else if (layers.length > 1) {
    return fail(`the GeoPackage has ${layers.length} feature layers (${layers.join(', ')}); choose one with the layer option`);
  } else {
    layer = layers[0];
  }

  const geom = repo.geometryColumn(db, layer);
  if (!geom) return fail(`layer "${layer}" has no entry in gpkg_geometry_columns`);
  const geomCol = geom.column;
  const srsId = geom.srsId;

  const info: SourceInfo = { path, format: 'gpkg', totalBytes: size, geometryType: geom.type.toUpperCase() };
  const srs = repo.spatialRef(db, srsId);
  if (srs && srs.organization.toUpperCase() === 'EPSG' && srs.code > 0) {
    info.srid = srs.code;
    info.sridSource = `GPKG srs_id=${srsId} (EPSG:${info.srid} ${srs.name ?? ''})`.trim();
  } else if (srsId > 0) {
    // A non-EPSG organisation (or a missing row): GDAL writes EPSG codes as srs_id, so it is the best guess.
    info.srid = srsId;
    info.sridSource = `GPKG srs_id=${srsId} (organization ${srs ? srs.organization : 'unknown'}; srs_id used as EPSG code)`;
  } else {
    info.sridSource = `GPKG srs_id=${srsId} (undefined ${srsId === 0 ? 'geographic' : 'Cartesian'} SRS)`;
  }

  const columns = repo.columns(db, layer);
  const pkCols = columns.filter((c) => c.pk > 0);
  if (pkCols.length !== 1 || !/INT/i.test(pkCols[0].type)) {
    fail(`layer "${layer}" has no INTEGER PRIMARY KEY column (GeoPackage requires one for feature tables)`);
  }
  const pk = pkCols[0].name;
  const propCols = columns.map((c) => c.name).filter((c) => c !== pk && c !== geomCol);
  info.featureCount = repo.countRows(db, layer);

  const readPage = repo.pageReader(db, layer, pk, geomCol, propCols, PAGE_ROWS);
  let done = 0;
  let closed = false;

  const toFeature = (r: SqlValue[]): SourceFeature => {
    const fid = String(r[0]);
    let wkb: Buffer | null = null;
    const g = r[1];
    if (g instanceof Uint8Array) {
      try {
        wkb = gpkgGeometryToWkb(g).wkb;
      } catch (e) {
        throw new ImportError({ file: path, feature: fid, reason: `row fid=${fid}: ${(e as Error).message}` });
      }
    } else if (g !== null) {
      throw new ImportError({
        file: path,
        feature: fid,
        reason: `row fid=${fid}: column "${geomCol}" holds ${typeof g}, not a geometry blob`,
      });
    }
    const props: Record<string, unknown> = {};
    for (let i = 0; i < propCols.length; i++) {
      const v = r[i + 2];
      // Attribute BLOBs (photos, scanned approvals) have no column type downstream; base64 keeps them lossless.
      props[propCols[i]] = v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v;
    }
    return { fid, wkb, props, location: `row fid=${fid}` };
  };

  return {
    info,
    bytesRead: () => (info.featureCount ? Math.round((size * done) / info.featureCount) : 0),
    async *features(): AsyncIterable<SourceFeature> {
      let after: SqlValue = Number.MIN_SAFE_INTEGER;
      while (!closed) {
        let page: SqlValue[][];
        try {
          page = readPage(after);
        } catch (e) {
          throw new ImportError({
            file: path,
            reason: `corrupt GeoPackage while reading layer "${layer}" after fid ${after}: ${(e as Error).message}`,
          });
        }
        if (page.length === 0) return;
        for (const r of page) {
          done++;
          yield toFeature(r);
        }
        after = page[page.length - 1][0];
        if (page.length < PAGE_ROWS) return;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

/** The feature layers of a GeoPackage with their row counts (a package's listing, packages.ts). */
export async function geoPackageLayers(path: string): Promise<{ name: string; featureCount: number }[]> {
  let db: Database;
  try {
    db = await repo.openSqlite(await readFile(path));
  } catch (e) {
    throw new ImportError({ file: path, reason: `corrupt or unreadable GeoPackage: ${(e as Error).message}` });
  }
  try {
    if (!repo.hasContents(db))
      throw new ImportError({ file: path, reason: 'not a GeoPackage: the SQLite database has no gpkg_contents table' });
    return repo.featureLayers(db).map((name) => ({ name, featureCount: repo.countRows(db, name) }));
  } finally {
    db.close();
  }
}
