// A tiny two-district city for authorization tests, in EPSG:4549 metres next to the central
// meridian (E 500000, N 3350000), so a 100 m × 100 m square is 10,000 m² = 15 亩.
//   330106 西湖区: x ∈ [-5000, 0]     330110 余杭区: x ∈ [0, 5000]     (y ∈ [-5000, 5000])
// Public layer GHYD and restricted layers DLTB and ZD have one feature in each district; the
// restricted features carry the marker RESTRICTED_MARK in their attributes, so a test can scan any
// public output for a leak.
import type { Db } from '../../src/db/index.ts';
import type { Config } from '../../src/config.ts';
import { importFromReader } from '../../src/importers/pipeline.ts';
import { memoryReader } from './memory-reader.ts';

export const E0 = 500000;
export const N0 = 3350000;
export const RESTRICTED_MARK = 'NEIBU_MIMI_7f3a';

export const sq = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [E0 + x0, N0 + y0],
      [E0 + x1, N0 + y0],
      [E0 + x1, N0 + y1],
      [E0 + x0, N0 + y1],
      [E0 + x0, N0 + y0],
    ],
  ],
});

/** GeoJSON FeatureCollection in EPSG:4549 (for review bodies and uploads). */
export const fc = (...geoms: ReturnType<typeof sq>[]) => ({
  type: 'FeatureCollection',
  crs: { type: 'name', properties: { name: 'EPSG:4549' } },
  features: geoms.map((g, i) => ({ type: 'Feature', properties: { DKBH: `P${i + 1}` }, geometry: g })),
});

export const WEST = '330106';
export const EAST = '330110';

export async function loadCity(db: Db, config: Config): Promise<void> {
  const load = (layer: string, feats: { fid: string; geometry: ReturnType<typeof sq>; props?: Record<string, unknown> }[]) =>
    importFromReader(db, config, memoryReader(feats, { srid: 4549 }), { layer, user: 'test' });
  await load('XZQ', [
    { fid: WEST, geometry: sq(-5000, -5000, 0, 5000), props: { XZQDM: WEST, XZQMC: '西湖区' } },
    { fid: EAST, geometry: sq(0, -5000, 5000, 5000), props: { XZQDM: EAST, XZQMC: '余杭区' } },
  ]);
  await load('GHYD', [
    { fid: 'GH-W', geometry: sq(-2000, 0, -1000, 1000), props: { YDYHFLDM: '0701', YDYHFLMC: '城镇住宅用地' } },
    { fid: 'GH-E', geometry: sq(1000, 0, 2000, 1000), props: { YDYHFLDM: '1001', YDYHFLMC: '工业用地' } },
  ]);
  await load('DLTB', [
    { fid: 'DL-W', geometry: sq(-3000, -3000, -2000, -2000), props: { DLBM: '0101', DLMC: '水田', BZ: RESTRICTED_MARK } },
    { fid: 'DL-E', geometry: sq(2000, -3000, 3000, -2000), props: { DLBM: '0101', DLMC: '水田', BZ: RESTRICTED_MARK } },
  ]);
  await load('ZD', [
    { fid: 'ZD-W', geometry: sq(-1500, 2000, -1400, 2100), props: { ZDDM: '330106001001GB00001', TDYT: '住宅', BZ: RESTRICTED_MARK } },
    { fid: 'ZD-E', geometry: sq(1400, 2000, 1500, 2100), props: { ZDDM: '330110001001GB00002', TDYT: '工业', BZ: RESTRICTED_MARK } },
  ]);
  await load('YJJBNT', [{ fid: 'YJ1', geometry: sq(-4000, 3000, -3000, 4000), props: { BHTBBH: 'YJ1' } }]);
  await load('CZKFBJ', [{ fid: 'BJ1', geometry: sq(-5000, -5000, 5000, 5000), props: { BJBH: 'BJ1' } }]);
}
