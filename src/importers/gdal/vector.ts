// FileGDB, KML/KMZ, MapInfo TAB/MIF and CSV with a WKT column through gdal3.js: GDAL decodes the
// file, then its features go through the same pipeline as the native formats (types.ts).
import { basename } from 'node:path';
import { geometryToWkb } from '../../util/wkb.ts';
import { archiveProblem } from '../archive.ts';
import {
  ImportError,
  memoryReader,
  type ReaderOptions,
  type SourceFeature,
  type SourceFormat,
  type SourceInfo,
  type SourceReader,
} from '../types.ts';
import { assertSize, pickLayer, readLayers, type GdalFeature, type GdalLayerInfo, type OpenSpec } from './dataset.ts';
import type { GdalLoader } from './loader.ts';

/** KML is WGS84 lon/lat by the OGC KML 2.2 standard; WGS84 and CGCS2000 differ by centimetres. */
const KML_SRID_SOURCE =
  'KML 规定坐标为 WGS84 经纬度（OGC KML 2.2），按 CGCS2000 (EPSG:4490) 处理，二者相差厘米级 (KML is WGS84 lon/lat, taken as CGCS2000)';

export function toSourceFeatures(
  shown: string,
  layer: string,
  features: GdalFeature[],
  idOf?: (f: GdalFeature) => unknown,
): SourceFeature[] {
  return features.map((f, i) => {
    const given = idOf ? idOf(f) : f.id;
    const positional = given === undefined || given === null || given === '';
    const fid = positional ? String(i + 1) : String(given);
    const location = `图层 ${layer} 第 ${i + 1} 个要素${positional ? '' : `（OBJECTID ${fid}）`}`;
    let wkb: Buffer | null;
    try {
      wkb = f.geometry ? geometryToWkb(f.geometry) : null;
    } catch (e) {
      throw new ImportError({ file: shown, feature: fid, reason: `${location}：几何无法转换 (${(e as Error).message})` });
    }
    return { fid, wkb, props: f.properties ?? {}, location, ...(positional ? { positional: true } : {}) };
  });
}

function info(path: string, format: SourceFormat, layer: GdalLayerInfo, size: number, n: number): SourceInfo {
  return {
    path,
    format,
    totalBytes: size,
    featureCount: n,
    geometryType: layer.geometryType === 'NONE' || layer.geometryType === 'UNKNOWN (ANY)' ? undefined : layer.geometryType,
    ...(layer.epsg ? { srid: layer.epsg, sridSource: `图层 ${layer.name} 的坐标系 EPSG:${layer.epsg}` } : {}),
    warnings: [],
  };
}

/** A FileGDB: a `.gdb` folder, or a zip holding one (read in place through /vsizip/). */
export async function openFileGdb(path: string, opts: ReaderOptions, loader: GdalLoader): Promise<SourceReader> {
  const size = await assertSize(path, path, 'FileGDB');
  const zipped = /\.zip$/i.test(path);
  if (zipped) {
    const problem = await archiveProblem(path).catch((e: Error) => `压缩包无法读取：${e.message}`);
    if (problem) throw new ImportError({ file: path, reason: problem });
  }
  const spec: OpenSpec = { path, vsi: zipped ? ['vsizip'] : [], shown: path, kind: 'FileGDB', preserveFid: true };
  const { chosen } = await readLayers(loader, spec, (layers) => [pickLayer(path, 'FileGDB', layers, opts.layer)]);
  const { layer, features } = chosen[0];
  const i = info(path, 'filegdb', layer, size, features.length);
  if (!layer.epsg && layer.wkt) i.sridSource = `图层 ${layer.name} 的坐标系无法识别为 EPSG 编码 (unrecognised CRS)`;
  return memoryReader(i, toSourceFeatures(path, layer.name, features));
}

/** KML or KMZ (a zip with doc.kml, opened through /vsizip/). Polygons keep their holes (innerBoundaryIs). */
export async function openKml(path: string, opts: ReaderOptions, loader: GdalLoader): Promise<SourceReader> {
  const size = await assertSize(path, path, 'KML');
  const kmz = /\.kmz$/i.test(path);
  if (kmz) {
    const problem = await archiveProblem(path).catch((e: Error) => `KMZ 压缩包无法读取：${e.message}`);
    if (problem) throw new ImportError({ file: path, reason: problem });
  }
  const { chosen } = await readLayers(loader, { path, vsi: kmz ? ['vsizip'] : [], shown: path, kind: kmz ? 'KMZ' : 'KML' }, (layers) => [
    pickLayer(path, 'KML', layers, opts.layer),
  ]);
  const { layer, features } = chosen[0];
  const i = info(path, 'kml', layer, size, features.length);
  i.srid = 4490;
  i.sridSource = KML_SRID_SOURCE;
  // KML placemarks rarely carry ids; the Name is shown but matching is by position unless --id-field.
  return memoryReader(i, toSourceFeatures(path, layer.name, features));
}

/** MapInfo TAB (with .map/.dat/.id beside it) or MIF (with .mid). */
export async function openMapInfo(path: string, opts: ReaderOptions, loader: GdalLoader): Promise<SourceReader> {
  const size = await assertSize(path, path, 'MapInfo');
  const { chosen } = await readLayers(loader, { path, shown: path, kind: 'MapInfo' }, (layers) => [
    pickLayer(path, 'MapInfo', layers, opts.layer),
  ]);
  const { layer, features } = chosen[0];
  const i = info(path, 'mapinfo', layer, size, features.length);
  return memoryReader(i, toSourceFeatures(path, layer.name, features));
}

/** CSV whose column `wktColumn` holds WKT; `utf8Copy` is the file re-encoded as UTF-8 for GDAL. */
export async function openCsvWkt(
  path: string,
  utf8Copy: string,
  wktColumn: string,
  encoding: string,
  loader: GdalLoader,
): Promise<SourceReader> {
  const size = await assertSize(path, path, 'CSV');
  const { chosen } = await readLayers(
    loader,
    {
      path: utf8Copy,
      openOptions: [`GEOM_POSSIBLE_NAMES=${wktColumn}`, 'KEEP_GEOM_COLUMNS=NO', 'AUTODETECT_TYPE=YES'],
      shown: path,
      kind: 'CSV',
    },
    (layers) => layers.slice(0, 1),
  );
  if (chosen.length === 0) throw new ImportError({ file: path, reason: 'CSV 无法读取 (unreadable CSV)' });
  const { layer, features } = chosen[0];
  // Rows have no id: a row's position is its line (the header is line 1).
  const out = toSourceFeatures(
    path,
    basename(path),
    features.map((f) => ({ ...f, id: undefined })),
  ).map((f, k) => ({ ...f, location: `第 ${k + 2} 行` }));
  const i = info(path, 'csv', layer, size, out.length);
  i.encoding = encoding;
  return memoryReader(i, out);
}
