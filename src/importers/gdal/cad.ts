// DXF and DWG red lines (CAD 红线) through gdal3.js (DXF driver; CAD driver for DWG, which reads
// R2000-era files). Closed polylines, circles and closed arcs become polygons; hatches are already
// polygons; open lines are listed by layer and handle and not imported; text, points and
// dimensions are left out. CAD has no coordinate system: the zone comes from the eastings' 2-digit
// prefix, as for the coordinate TXT, else --srid.
import { gkSrid } from '../../crs/zones.ts';
import { geometryToWkb, type Geometry, type Position } from '../../util/wkb.ts';
import { ImportError, memoryReader, type ReaderOptions, type SourceFeature, type SourceInfo, type SourceReader } from '../types.ts';
import { assertSize, readLayers, type GdalFeature } from './dataset.ts';
import type { GdalLoader } from './loader.ts';

const OPEN_LISTED = 20;

const closed = (c: Position[]) => c.length >= 4 && c[0][0] === c[c.length - 1][0] && c[0][1] === c[c.length - 1][1];

/** Polygons of one CAD entity, and the parts that are open lines. */
function polygonsOf(g: Geometry): { rings: Position[][][]; open: number; other: number } {
  switch (g.type) {
    case 'Polygon':
      return { rings: [g.coordinates], open: 0, other: 0 };
    case 'MultiPolygon':
      return { rings: g.coordinates, open: 0, other: 0 };
    case 'LineString':
      return closed(g.coordinates) ? { rings: [[g.coordinates]], open: 0, other: 0 } : { rings: [], open: 1, other: 0 };
    case 'MultiLineString': {
      const ok = g.coordinates.filter(closed);
      return { rings: ok.map((c) => [c]), open: g.coordinates.length - ok.length, other: 0 };
    }
    case 'GeometryCollection': {
      const parts = g.geometries.map(polygonsOf);
      return {
        rings: parts.flatMap((p) => p.rings),
        open: parts.reduce((n, p) => n + p.open, 0),
        other: parts.reduce((n, p) => n + p.other, 0),
      };
    }
    default:
      return { rings: [], open: 0, other: 1 };
  }
}

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export async function openCad(path: string, opts: ReaderOptions, loader: GdalLoader, kind: 'DXF' | 'DWG'): Promise<SourceReader> {
  const size = await assertSize(path, path, kind);
  // The DXF driver has one layer "entities" (CAD layers are a field); the CAD driver one per CAD layer.
  const { chosen } = await readLayers(loader, { path, shown: path, kind }, (layers) =>
    opts.layer === undefined ? layers : layers.filter((l) => l.name === opts.layer),
  );
  const features: SourceFeature[] = [];
  const open: string[] = [];
  let other = 0;
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  for (const { layer, features: fs } of chosen) {
    fs.forEach((f: GdalFeature, i) => {
      const p = f.properties ?? {};
      const cadLayer = str(p.Layer ?? p.layer ?? layer.name);
      const handle = str(p.EntityHandle ?? p.handle ?? f.id ?? i + 1);
      const where = `图层 ${cadLayer} 句柄 ${handle}`;
      if (!f.geometry) return void other++;
      const r = polygonsOf(f.geometry);
      other += r.other;
      if (r.open > 0) open.push(where);
      if (r.rings.length === 0) return;
      for (const poly of r.rings)
        for (const c of poly[0]) {
          xmin = Math.min(xmin, c[0]);
          xmax = Math.max(xmax, c[0]);
          ymin = Math.min(ymin, c[1]);
        }
      const g: Geometry =
        r.rings.length === 1 ? { type: 'Polygon', coordinates: r.rings[0] } : { type: 'MultiPolygon', coordinates: r.rings };
      features.push({
        fid: handle,
        wkb: geometryToWkb(g),
        props: { 图层: cadLayer, 句柄: handle, ...(p.Text ? { 文字: p.Text } : {}) },
        location: where,
      });
    });
  }
  const openText = open.length
    ? `${open.slice(0, OPEN_LISTED).join('、')}${open.length > OPEN_LISTED ? ` 等共 ${open.length} 条` : ''}`
    : '';
  if (features.length === 0)
    throw new ImportError({
      file: path,
      reason: `${kind} 中没有闭合的多段线、圆或填充，无可导入的地块${open.length ? `；${open.length} 条开放的线未导入：${openText}` : ''}。请在 CAD 中闭合红线后再导入 (no closed polylines, circles or hatches${open.length ? `; ${open.length} open lines` : ''})`,
    });
  const info: SourceInfo = {
    path,
    format: kind === 'DXF' ? 'dxf' : 'dwg',
    totalBytes: size,
    featureCount: features.length,
    geometryType: 'POLYGON',
    warnings: [],
  };
  if (open.length)
    info.warnings!.push(`${kind} 中 ${open.length} 条开放的线未闭合，未导入：${openText} (${open.length} open lines not imported)`);
  if (other > 0) info.warnings!.push(`${kind} 中 ${other} 个文字、点、标注等非面要素未导入 (${other} non-area entities left out)`);
  const zone = Math.floor(xmin / 1e6);
  if (zone === Math.floor(xmax / 1e6) && zone >= 25 && zone <= 45 && ymin > 1e6) {
    info.srid = gkSrid(3, zone, true);
    info.sridSource = `${kind} 无坐标系，横坐标前两位为带号 ${zone}：按 CGCS2000 3° 高斯-克吕格第 ${zone} 带 (EPSG:${info.srid}) (eastings carry zone prefix ${zone})`;
  } else if (opts.srid === undefined) {
    throw new ImportError({
      file: path,
      reason: `${kind} 不含坐标系，横坐标也不带两位带号，无法判断投影带：请用 --srid 指定（如 4549 = CGCS2000 3° 第 40 带不带带号）(no CRS and no zone prefix: pass --srid)`,
    });
  }
  return memoryReader(info, features);
}
