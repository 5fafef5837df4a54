// Opening a file with gdal3.js and reading one layer as GeoJSON features (ogr2ogr to the GeoJSON
// driver, which, unlike GeoJSONSeq, keeps the source coordinates: reprojection is PostGIS's job).
// The whole layer is held in memory once, so inputs are capped at MAX_GDAL_BYTES.
import { stat } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { Gdal, GdalDataset, GdalLoader } from './loader.ts';
import type { Geometry } from '../../util/wkb.ts';
import { prjToSrid } from '../shapefile/prj.ts';
import { ImportError } from '../types.ts';

/** Largest input read through GDAL: the layer is converted to GeoJSON text and parsed whole (~10× in memory). */
export const MAX_GDAL_BYTES = 256 * 2 ** 20;

export interface GdalLayerInfo {
  name: string;
  featureCount: number;
  geometryType: string;
  /** WKT of the layer's coordinate system, when it has one. */
  wkt?: string;
  epsg?: number;
}

export interface GdalFeature {
  id?: string | number;
  properties: Record<string, unknown>;
  geometry: Geometry | null;
}

interface OgrInfoJson {
  layers?: {
    name: string;
    featureCount?: number;
    geometryFields?: {
      type?: string;
      coordinateSystem?: { wkt?: string; projjson?: { id?: { authority?: string; code?: number } } } | null;
    }[];
  }[];
}

export interface OpenSpec {
  /** The file or folder GDAL opens (a real path; /vsizip/ is added through `vsi`). */
  path: string;
  openOptions?: string[];
  vsi?: string[];
  /** The file named in messages (the user's name, not a temporary copy). */
  shown: string;
  /** What the format is called in messages: 「FileGDB」, 「DXF」. */
  kind: string;
  /** Keep the source's feature ids (FileGDB OBJECTID) as GeoJSON "id". */
  preserveFid?: boolean;
}

async function openDataset(gdal: Gdal, spec: OpenSpec): Promise<GdalDataset> {
  let r: Awaited<ReturnType<Gdal['open']>>;
  try {
    r = await gdal.open(spec.path, spec.openOptions ?? [], spec.vsi ?? []);
  } catch (e) {
    r = { datasets: [], errors: Array.isArray(e) ? e : [e] };
  }
  if (r.datasets.length === 0 || r.datasets[0].pointer === 0) {
    const why = r.errors
      .map((e) => (typeof e === 'object' && e && 'message' in e ? String((e as { message: unknown }).message) : String(e)))
      // GDAL names its source file with the build machine's path: the file name is enough.
      .map((m) => m.replace(/\S*\/([^/\s]+\.cpp)/g, '$1'))
      .join('; ');
    throw new ImportError({
      file: spec.shown,
      reason: `无法作为 ${spec.kind} 打开：文件已损坏或不是 ${spec.kind}${why ? `（GDAL：${why}）` : ''} (cannot open as ${spec.kind})`,
    });
  }
  return r.datasets[0];
}

function epsgOf(cs: { wkt?: string; projjson?: { id?: { authority?: string; code?: number } } }): number | undefined {
  const id = cs.projjson?.id;
  if (id?.authority?.toUpperCase() === 'EPSG' && id.code) return id.code;
  // WKT2 ends with the CRS's own ID["EPSG",4549]; WKT1 with AUTHORITY["EPSG","4549"].
  const m = cs.wkt ? /(?:ID\["EPSG",\s*|AUTHORITY\["EPSG",\s*")(\d+)"?\]\]\s*$/.exec(cs.wkt) : null;
  if (m) return Number(m[1]);
  if (cs.wkt) {
    try {
      return prjToSrid(cs.wkt).srid;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function layersOf(info: unknown): GdalLayerInfo[] {
  return ((info as OgrInfoJson).layers ?? []).map((l) => {
    const g = l.geometryFields?.[0];
    const cs = g?.coordinateSystem ?? undefined;
    return {
      name: l.name,
      featureCount: l.featureCount ?? 0,
      geometryType: (g?.type ?? 'None').toUpperCase(),
      wkt: cs?.wkt,
      epsg: cs ? epsgOf(cs) : undefined,
    };
  });
}

export async function assertSize(shown: string, path: string, kind: string): Promise<number> {
  let size: number;
  try {
    const s = await stat(path);
    size = s.isDirectory() ? 0 : s.size;
  } catch {
    throw new ImportError({ file: shown, reason: '文件不存在 (file not found)' });
  }
  if (size > MAX_GDAL_BYTES)
    throw new ImportError({
      file: shown,
      reason: `${kind} 文件 ${(size / 2 ** 20).toFixed(0)} MiB，超过经 GDAL 读取的上限 ${MAX_GDAL_BYTES / 2 ** 20} MiB：请先转换为 GeoPackage 或 GeoJSON (over the ${MAX_GDAL_BYTES / 2 ** 20} MiB limit for GDAL-read formats)`,
    });
  return size;
}

/**
 * Opens `spec`, lists its layers, lets `choose` pick the ones to read, and returns their features.
 * Every layer is converted in the same GDAL turn so the mounted input cannot change in between.
 */
export async function readLayers(
  loader: GdalLoader,
  spec: OpenSpec,
  choose: (layers: GdalLayerInfo[]) => GdalLayerInfo[],
): Promise<{ layers: GdalLayerInfo[]; chosen: { layer: GdalLayerInfo; features: GdalFeature[] }[] }> {
  return loader.run(async (gdal) => {
    const ds = await openDataset(gdal, spec);
    try {
      let layers: GdalLayerInfo[];
      try {
        layers = layersOf(await gdal.ogrinfo(ds, ['-json', '-so']));
      } catch (e) {
        throw new ImportError({
          file: spec.shown,
          reason: `${spec.kind} 的图层目录无法读取，文件可能已损坏 (cannot list layers: ${String(e)})`,
        });
      }
      const chosen = [];
      for (const layer of choose(layers)) {
        const name = `l-${randomUUID()}`;
        let out: string | undefined;
        try {
          // -dim XY: heights are dropped downstream anyway; CONVERT_TO_LINEAR: arcs and curve
          // polygons (FileGDB, DWG) become vertices PostGIS's checks read.
          const fp = await gdal.ogr2ogr(
            ds,
            [
              '-f',
              'GeoJSON',
              '-dim',
              'XY',
              '-nlt',
              'CONVERT_TO_LINEAR',
              ...(spec.preserveFid ? ['-preserve_fid'] : []),
              '-nln',
              name,
              layer.name,
            ],
            name,
          );
          out = fp.local;
          const fc = JSON.parse(gdal.Module.FS.readFile(out, { encoding: 'utf8' })) as { features?: GdalFeature[] };
          chosen.push({ layer, features: fc.features ?? [] });
        } catch (e) {
          if (e instanceof ImportError) throw e;
          throw new ImportError({
            file: spec.shown,
            reason: `${spec.kind} 图层「${layer.name}」读取失败，文件可能已损坏 (layer "${layer.name}" cannot be read: ${e instanceof Error ? e.message : String(e)})`,
          });
        } finally {
          // The output lives in GDAL's in-memory file system: removed at once, so memory does not grow per file.
          if (out) gdal.Module.FS.unlink(out);
        }
      }
      return { layers, chosen };
    } finally {
      await gdal.close(ds);
    }
  });
}

/**
 * The layer the user asked for (--source-layer, exact or case-insensitive), or the only one with
 * features; several and none chosen is refused with every layer and its feature count.
 */
export function pickLayer(shown: string, kind: string, layers: GdalLayerInfo[], want?: string): GdalLayerInfo {
  const list = layers.map((l) => `${l.name}（${l.featureCount} 个要素）`).join('、');
  if (want !== undefined) {
    const found = layers.find((l) => l.name === want) ?? layers.find((l) => l.name.toLowerCase() === want.toLowerCase());
    if (!found)
      throw new ImportError({
        file: shown,
        reason: `${kind} 中没有图层「${want}」；其中的图层有：${list || '（无）'} (no layer "${want}")`,
      });
    return found;
  }
  const withFeatures = layers.filter((l) => l.featureCount > 0);
  if (withFeatures.length === 1) return withFeatures[0];
  if (layers.length === 1) return layers[0];
  if (layers.length === 0) throw new ImportError({ file: shown, reason: `${kind} 中没有矢量图层 (no vector layers)` });
  throw new ImportError({
    file: shown,
    reason: `${kind} 含 ${layers.length} 个图层：${list}；请用 --source-layer 图层名 选择其一 (several layers: choose one with --source-layer)`,
  });
}
