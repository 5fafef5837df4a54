// Which long-tail format a path is, and its reader. Only the formats listed here load gdal3.js;
// Shapefile, GeoJSON, GeoPackage and TXT keep their native readers (pipeline.ts openReader).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import yauzl from 'yauzl';
import { decodeTxt } from '../coordtxt.ts';
import { ImportError, type ReaderOptions, type SourceReader } from '../types.ts';
import { GdalLoader } from './loader.ts';

export type GdalKind = 'filegdb' | 'dxf' | 'dwg' | 'kml' | 'csv' | 'xlsx' | 'mapinfo';

const BY_EXT: Record<string, GdalKind> = {
  '.gdb': 'filegdb',
  '.dxf': 'dxf',
  '.dwg': 'dwg',
  '.kml': 'kml',
  '.kmz': 'kml',
  '.csv': 'csv',
  '.xlsx': 'xlsx',
  '.tab': 'mapinfo',
  '.mif': 'mapinfo',
};

/** Whether a zip holds a FileGDB folder (an entry under "….gdb/"), from its central directory only. */
async function zipHoldsGdb(path: string): Promise<boolean> {
  try {
    const zip = await yauzl.openPromise(path, { lazyEntries: true, decodeStrings: true, strictFileNames: false });
    try {
      for await (const e of zip.eachEntry()) if (/\.gdb\//i.test(e.fileName)) return true;
      return false;
    } finally {
      zip.close();
    }
  } catch {
    return false;
  }
}

/** The GDAL-read kind of `path`, or undefined for the native formats. */
export async function gdalKind(path: string, ext: string, isDir: boolean): Promise<GdalKind | undefined> {
  if (isDir) return ext === '.gdb' ? 'filegdb' : undefined;
  if (ext === '.zip') return /\.gdb\.zip$/i.test(path) || (await zipHoldsGdb(path)) ? 'filegdb' : undefined;
  return BY_EXT[ext];
}

const WKT_COLUMNS = ['wkt', 'geometry', 'geom', 'the_geom', 'shape', '几何', '图形'];

/** Reads a CSV: a WKT column makes it a layer (through GDAL); otherwise it is a boundary-point table. */
async function openCsv(path: string, opts: ReaderOptions, loader: GdalLoader): Promise<SourceReader> {
  const { parseCsv, pointTableReader } = await import('./points.ts');
  const { assertSize } = await import('./dataset.ts');
  const size = await assertSize(path, path, 'CSV');
  let decoded: { text: string; encoding: string };
  try {
    decoded = decodeTxt(await readFile(path), opts.encoding);
  } catch (e) {
    throw new ImportError({ file: path, reason: (e as Error).message });
  }
  const header = parseCsv(decoded.text.split(/\r?\n/, 1)[0])[0] ?? [];
  const wkt = header.find((h) => WKT_COLUMNS.includes(h.trim().toLowerCase()));
  if (wkt === undefined) {
    const rows = parseCsv(decoded.text).map((cells, i) => ({ line: i + 1, cells }));
    return pointTableReader(path, 'csv', { sheet: basename(path), rows }, size, opts, decoded.encoding);
  }
  // GDAL's CSV driver reads UTF-8 only: a GBK file is handed over re-encoded.
  const dir = await mkdtemp(join(tmpdir(), 'onemap-csv-'));
  try {
    const copy = join(dir, 'table.csv');
    await writeFile(copy, decoded.text.replace(/^\uFEFF/, ''));
    const { openCsvWkt } = await import('./vector.ts');
    return await openCsvWkt(path, copy, wkt.trim(), decoded.encoding, loader);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function openGdalReader(path: string, kind: GdalKind, opts: ReaderOptions): Promise<SourceReader> {
  // Without a loader from the app or CLI (a library caller), this read gets its own instance.
  const loader = opts.gdal ?? new GdalLoader();
  {
    switch (kind) {
      case 'filegdb':
        return await (await import('./vector.ts')).openFileGdb(path, opts, loader);
      case 'kml':
        return await (await import('./vector.ts')).openKml(path, opts, loader);
      case 'mapinfo':
        return await (await import('./vector.ts')).openMapInfo(path, opts, loader);
      case 'dxf':
      case 'dwg':
        return await (await import('./cad.ts')).openCad(path, opts, loader, kind === 'dxf' ? 'DXF' : 'DWG');
      case 'xlsx':
        return await (await import('./points.ts')).openXlsx(path, opts, loader);
      case 'csv':
        return await openCsv(path, opts, loader);
      default:
        throw new ImportError({ file: path, reason: `unknown GDAL format ${String(kind)}` });
    }
  }
}
