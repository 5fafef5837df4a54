// One problem row of the import checks as an ImportProblem: the reason in words, and for an
// invalid geometry where it is in the source CRS and in lon/lat.
import * as store from '../store/store.repository.ts';
import { explainOutside, type ImportProblem } from './diagnose.ts';

export async function describe(
  tx: Parameters<typeof store.toLonLat>[0],
  p: store.ProblemRow,
  srid: number,
  srcBox: [number, number, number, number] | null,
  extentText: string,
  layerCode: string,
  layerType: string,
  keyField?: string,
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
        reason: keyField
          ? `匹配键 ${keyField} 的值“${p.fid}”在文件中出现不止一次：版本之间按 ${keyField} 匹配要素，其值须唯一 (key ${keyField} = "${p.fid}" occurs more than once)`
          : `feature id "${p.fid}" occurs more than once in the file: versions are matched by id, so ids must be unique`,
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
