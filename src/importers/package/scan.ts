// What a 成果汇交 package holds: its vector layers, one entry per layer, each with the file it is
// in (as the user knows it, inside the zip or folder), its name in the source and its feature
// count. A package is a folder or a zip holding FileGDB folders (every feature layer in each),
// shapefiles, GeoPackages (every feature layer) and GeoJSON files, at any depth; or a single
// `.gdb`. Other files (PDF text, JPG maps, XLSX tables) are left for other checks.
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, relative } from 'node:path';
import { archiveProblem, extractZip } from '../archive.ts';
import { ImportError, type SourceReader } from '../types.ts';
import type { GdalLoader } from '../gdal/loader.ts';

export interface PackageLayer {
  /** The file the layer is in, as the user knows it: "规划成果.zip: 矢量/CZKFBJ.shp", "三调.gdb". */
  file: string;
  /** The layer's own name: a shapefile's or GeoJSON's base name, a FileGDB or GeoPackage layer. */
  name: string;
  featureCount: number | null;
  /** What the import opens: the real path, and the layer inside it for containers. */
  path: string;
  sourceLayer?: string;
}

export interface ScannedPackage {
  /** The path the user gave. */
  path: string;
  layers: PackageLayer[];
  /** Text (a message, a warning) with the folder a zip was unpacked into named as the zip. */
  show(text: string): string;
  /** Removes the folder a zip was unpacked into. */
  close(): Promise<void>;
}

const KINDS = new Set(['.shp', '.gpkg', '.geojson']);

/** Vector sources under `dir`: `.gdb` folders (not entered), .shp, .gpkg and .geojson files. */
async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === '__MACOSX') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (extname(e.name).toLowerCase() === '.gdb') out.push(p);
      else out.push(...(await sources(p)));
    } else if (e.isFile() && KINDS.has(extname(e.name).toLowerCase())) out.push(p);
  }
  return out.sort();
}

/** Records in a shapefile's .dbf (its header's count), or null when it cannot be read here. */
async function dbfCount(shp: string): Promise<number | null> {
  const dir = join(shp, '..');
  const base = basename(shp, extname(shp)).toLowerCase();
  const dbf = (await readdir(dir)).find((n) => n.toLowerCase() === `${base}.dbf`);
  if (!dbf) return null;
  const fh = await open(join(dir, dbf), 'r');
  try {
    const b = Buffer.alloc(8);
    const { bytesRead } = await fh.read(b, 0, 8, 0);
    return bytesRead === 8 ? b.readUInt32LE(4) : null;
  } finally {
    await fh.close();
  }
}

async function layersOf(p: string, shown: string, gdal: GdalLoader): Promise<PackageLayer[]> {
  const ext = extname(p).toLowerCase();
  if (ext === '.gdb') {
    const { readLayers } = await import('../gdal/dataset.ts');
    const { layers } = await readLayers(gdal, { path: p, shown, kind: 'FileGDB' }, () => []);
    return layers.map((l) => ({ file: shown, name: l.name, featureCount: l.featureCount, path: p, sourceLayer: l.name }));
  }
  if (ext === '.gpkg') {
    const { geoPackageLayers } = await import('../gpkg.ts');
    return (await geoPackageLayers(p)).map((l) => ({
      file: shown,
      name: l.name,
      featureCount: l.featureCount,
      path: p,
      sourceLayer: l.name,
    }));
  }
  const name = basename(p, extname(p));
  return [{ file: shown, name, featureCount: ext === '.shp' ? await dbfCount(p) : null, path: p }];
}

/** Lists the layers of the package at `path` (a folder, a zip, a `.gdb`, or one vector file). */
export async function scanPackage(path: string, gdal: GdalLoader): Promise<ScannedPackage> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new ImportError({ file: path, reason: '文件不存在 (file not found)' });
  }
  let temp: string | undefined;
  const close = async () => {
    if (temp) await rm(temp, { recursive: true, force: true });
    temp = undefined;
  };
  try {
    let root = path;
    let found: string[];
    if (st.isDirectory() && extname(path).toLowerCase() !== '.gdb') found = await sources(path);
    else if (!st.isDirectory() && extname(path).toLowerCase() === '.zip') {
      const problem = await archiveProblem(path).catch((e: Error) => `压缩包无法读取：${e.message} (cannot read the zip)`);
      if (problem) throw new ImportError({ file: path, reason: problem });
      temp = await mkdtemp(join(tmpdir(), 'onemap-package-'));
      try {
        await extractZip(path, temp);
      } catch (e) {
        throw new ImportError({ file: path, reason: `压缩包无法解压：${(e as Error).message} (cannot unpack the zip)` });
      }
      root = temp;
      found = await sources(temp);
    } else found = [path];
    // Inside a zip the file is named by its path in the zip, after the zip's own name.
    const shown = (p: string) => (temp ? `${path}: ${relative(root, p)}` : p);
    const layers: PackageLayer[] = [];
    for (const p of found) layers.push(...(await layersOf(p, shown(p), gdal)));
    if (layers.length === 0)
      throw new ImportError({
        file: path,
        reason: '数据包中没有矢量图层（FileGDB、Shapefile、GeoPackage 或 GeoJSON） (the package holds no vector layer)',
      });
    const unpacked = temp;
    const show = (text: string) => (unpacked ? text.split(`${unpacked}/`).join(`${path}: `).split(unpacked).join(path) : text);
    return { path, layers, show, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The reader of one package layer, named as the user knows the file (not a temporary path). */
export function asShown(source: SourceReader, file: string): SourceReader {
  return {
    info: { ...source.info, path: file },
    features: () => source.features(),
    bytesRead: () => source.bytesRead(),
    close: () => source.close(),
  };
}

/** Whether `path` is a package of several layers (a folder, zip or `.gdb`), not one layer's file. */
export async function isPackage(path: string, gdal: GdalLoader): Promise<boolean> {
  const pkg = await scanPackage(path, gdal);
  await pkg.close();
  return pkg.layers.length > 1;
}
