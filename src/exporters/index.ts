// Exports of one layer version: GeoJSON (EPSG:4490), Shapefile (UTF-8 or GBK, with .prj/.cpg),
// and parcels as the national coordinate TXT (in their Gauss-Krüger zone, domain.md §10).
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import type { Queryable } from '../db/index.ts';
import { getLayer } from '../catalogue/catalogue.service.ts';
import { resolveVersion } from '../store/store.service.ts';
import { gkSrid } from '../crs/zones.ts';
import * as repo from './export.repository.ts';
import { NotFound } from '../errors.ts';
import type { TxtParcel } from './coordtxt.ts';

export type ExportFormat = 'geojson' | 'shp' | 'txt';

export interface ExportOptions {
  version?: number;
  asOf?: Date;
  /** Shapefile / TXT attribute encoding. */
  encoding?: 'UTF-8' | 'GBK';
  /** Only these feature ids (e.g. one parcel for a TXT). */
  fids?: string[];
  onProgress?: (done: number) => void;
}

const PAGE = 5000;

async function* rows(db: Queryable, layerId: number, version: number, g: repo.GeomOut, fids?: string[]) {
  let after = 0;
  for (;;) {
    const batch = await repo.page(db, layerId, version, after, PAGE, g, fids);
    if (batch.length === 0) return;
    yield* batch;
    after = batch[batch.length - 1].id;
  }
}

export async function exportLayer(
  db: Queryable,
  code: string,
  format: ExportFormat,
  out: string,
  opts: ExportOptions = {},
): Promise<{ featureCount: number; files: string[]; warnings?: string[] }> {
  const layer = await getLayer(db, code);
  const { layerId, version } = await resolveVersion(db, code, { version: opts.version, asOf: opts.asOf });
  switch (format) {
    case 'geojson':
      return exportGeoJson(db, layerId, version, out, opts);
    case 'shp': {
      const { exportShapefile } = await import('./shapefile-export.ts');
      return exportShapefile(rows(db, layerId, version, { kind: 'wkb' }, opts.fids), layer, out, opts);
    }
    case 'txt': {
      const zone = await repo.dominantZone(db, layerId, version, opts.fids);
      const srid = gkSrid(3, zone, true);
      const { writeCoordinateTxt } = await import('./coordtxt.ts');
      const parcels: TxtParcel[] = [];
      for await (const r of rows(db, layerId, version, { kind: 'wkb-srid', srid }, opts.fids)) {
        const name = String(r.props['地块名称'] ?? r.props['DKMC'] ?? r.props['name'] ?? r.fid);
        parcels.push({
          fid: r.fid,
          name,
          use: r.props['地块用途'] as string | undefined,
          landCode: r.props['地类编码'] as string | undefined,
          sheet: r.props['图幅号'] as string | undefined,
          points: r.source_points,
          wkbPlanar: Buffer.from(r.g as string, 'hex'),
          areaHa: (r.planar_m2 ?? 0) / 10000,
        });
      }
      if (parcels.length === 0)
        throw new NotFound(
          `图层 ${layer.code} 第 ${version} 版没有${opts.fids ? `编号为 ${opts.fids.join('、')} 的` : ''}要素 (layer ${layer.code} version ${version} has no features${opts.fids ? ` with id ${opts.fids.join(', ')}` : ''})`,
        );
      const { header, warnings } = await txtHeader(db, layer.code, layerId, version, opts.fids);
      await writeFile(out, writeCoordinateTxt(parcels, { zone, encoding: opts.encoding ?? 'GBK', header, warnings }));
      return { featureCount: parcels.length, files: [out], warnings };
    }
  }
}

/**
 * The [属性描述] a TXT export writes back: that of the TXT import which wrote the features. When
 * the features come from several TXT imports with different headers, the newest one's is written
 * and the warning says so; when none came from a TXT, the standard header.
 */
async function txtHeader(db: Queryable, code: string, layerId: number, version: number, fids?: string[]) {
  const warnings: string[] = [];
  const found = await repo.txtHeaders(db, layerId, version, fids);
  const distinct = new Set(found.map((h) => JSON.stringify(h.header)));
  if (distinct.size > 1)
    warnings.push(
      `导出的地块来自图层 ${code} 第 ${found.map((h) => h.version).join('、')} 版的 TXT，其 [属性描述] 不尽相同，已采用第 ${found[0].version} 版的 (parcels from TXT imports with different headers: the newest, version ${found[0].version}, is written)`,
    );
  return { header: found[0]?.header ?? null, warnings };
}

async function exportGeoJson(db: Queryable, layerId: number, version: number, out: string, opts: ExportOptions) {
  const ws = createWriteStream(out);
  const write = async (s: string) => {
    if (!ws.write(s)) await once(ws, 'drain');
  };
  await write('{"type":"FeatureCollection","features":[\n');
  let n = 0;
  for await (const r of rows(db, layerId, version, { kind: 'geojson' }, opts.fids)) {
    await write(
      `${n ? ',\n' : ''}{"type":"Feature","id":${JSON.stringify(r.fid)},"properties":${JSON.stringify(r.props)},"geometry":${r.g}}`,
    );
    if (++n % 5000 === 0) opts.onProgress?.(n);
  }
  await write('\n]}\n');
  ws.end();
  await once(ws, 'finish');
  return { featureCount: n, files: [out] };
}
