// What an import warns about once its rows are staged: declared areas (coordinate TXT), parcels
// of one file that overlap, and planar figures taken across Gauss-Krüger zones. Each warning
// names the file, parcel or line; none of them stops the import.
import type { Queryable } from '../db/index.ts';
import * as store from '../store/store.repository.ts';
import { zoneOfSrid } from '../crs/zones.ts';
import type { SourceInfo } from './types.ts';
import type { ImportResult } from './importers.schemas.ts';

/**
 * A parcel whose declared 地块面积 differs from its computed area by more than the tolerance: a
 * typing error in the area or in a coordinate, which the bureau wants to see before 报批.
 */
export function declaredAreaWarnings(info: SourceInfo, rows: ImportResult['declaredAreas'], tolerancePercent: number): string[] {
  const lines = new Map(info.declared?.map((d) => [d.fid, d.line]));
  return (rows ?? [])
    .filter((r) => r.differencePercent !== null && Math.abs(r.differencePercent) > tolerancePercent)
    .map((r) => {
      const line = lines.get(r.fid);
      const where = line === undefined ? '' : `第 ${line} 行`;
      const pct = r.differencePercent!.toFixed(2);
      return (
        `${where}地块 ${r.fid} 申报面积 ${r.declaredM2!.toFixed(2)} m² 与按界址点计算的 ${r.computedPlanarM2.toFixed(2)} m² 相差 ${pct} %，超过 ${tolerancePercent} %，请核对面积或坐标` +
        ` (parcel ${r.fid}: declared ${r.declaredM2} m², computed ${r.computedPlanarM2.toFixed(2)} m², ${pct} % apart)`
      );
    });
}

/**
 * Parcels of one 报批 file that overlap: their land would be counted twice in the application.
 * Overlaps under 0.01 m² are rounding along a shared edge (the format writes coordinates to the
 * millimetre), not a second claim on the same land.
 */
export async function parcelOverlapWarnings(tx: Parameters<typeof store.toLonLat>[0], info: SourceInfo): Promise<string[]> {
  const lines = new Map(info.declared?.map((d) => [d.fid, d.line]));
  const at = (fid: string) => (lines.has(fid) ? `第 ${lines.get(fid)} 行的` : '');
  return (await store.stagedPlanarOverlaps(tx, 0.01)).map(
    (o) =>
      `${at(o.a)}地块 ${o.a} 与${at(o.b)}地块 ${o.b} 相互压盖 ${o.m2.toFixed(2)} m²，同一报批文件内的地块不应重叠 (parcels ${o.a} and ${o.b} overlap by ${o.m2.toFixed(2)} m²)`,
  );
}

/**
 * Coordinate TXT: 地块面积 as declared vs the planar area computed in the file's own zone. `srid` is
 * the system of the staged coordinates: the file's, or its CGCS2000 twin after an old-datum
 * transformation (decision 0012).
 */
export async function declaredVsComputed(
  tx: Parameters<typeof store.toLonLat>[0],
  info: SourceInfo,
  srid = info.srid,
): Promise<ImportResult['declaredAreas']> {
  const zone = srid ? zoneOfSrid(srid) : undefined;
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

const zoneRange = (a: number, b: number) => (a === b ? `第 ${a} 带` : `第 ${a}–${b} 带`);

/**
 * Planar areas (投影面积) hold only near one zone's central meridian. Each feature's is computed in
 * the 3° zone of its centre, so a feature that crosses a zone boundary is distorted at its far end;
 * and a file in one GK zone (a TXT, a projected Shapefile) whose features reach into other zones has
 * its own planar figures (the TXT's 地块面积 and the comparison with them) distorted there.
 */
export async function zoneWarnings(tx: Queryable, path: string, srid: number): Promise<string[]> {
  const span = await store.stagedZoneSpan(tx, srid);
  if (span.lon_min === null || span.lon_max === null) return [];
  const out: string[] = [];
  if (span.crossing > 0) {
    const ex = span.examples.map((e) => `${e.fid}（${zoneRange(e.zmin, e.zmax)}）`).join('、');
    out.push(
      `文件 ${path} 中 ${span.crossing} 个面要素跨越不止一个 3° 高斯-克吕格带，如 ${ex}：其投影面积按要素中心所在的一个带计算，离该带中央子午线越远变形越大，请以椭球面积为准 (${span.crossing} polygons span more than one 3° GK zone; their planar area is computed in one zone and is distorted)`,
    );
  }
  const zone = zoneOfSrid(srid);
  if (zone) {
    // Longitudes the file's own zone covers: 3° zone Z is centred on 3Z, 6° zone Z on 6Z − 3.
    const half = zone.width / 2;
    const [lo, hi] = [zone.centralMeridian - half, zone.centralMeridian + half];
    if (span.lon_min < lo || span.lon_max > hi) {
      const [z0, z1] = [Math.round(span.lon_min / 3), Math.round(span.lon_max / 3)];
      const zones = `${z0 === z1 ? '位于' : '跨'} 3° 带${zoneRange(z0, z1)}`;
      out.push(
        `文件 ${path} 的坐标为 ${zone.width}° 带第 ${zone.zone} 带（EPSG:${srid}），但图层范围 ${span.lon_min.toFixed(4)}–${span.lon_max.toFixed(4)}°E ${zones}：按文件坐标计算的平面面积在第 ${zone.zone} 带以外有变形 (the file is in GK zone ${zone.zone} but its features lie in 3° zones ${z0 === z1 ? z0 : `${z0}–${z1}`}: planar figures in the file's zone are distorted outside it)`,
      );
    }
  }
  return out;
}
