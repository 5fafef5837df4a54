// A hand-made city for the indicator tests, in EPSG:4549 metres next to the central meridian (a
// 100 m × 100 m square ≈ 10,000 m² = 15 亩; the GK scale factor there is 1, so ellipsoidal and planar
// areas agree to ~1e-4). Two districts: 330106 西湖区 x ∈ [-5000, 0], 330110 余杭区 x ∈ [0, 5000].
// Every layer is valid from 2025-06-01, so it is in force at the end of 2025 and 2026.
// The figures each indicator should give are worked out by hand in test/indicators.test.ts.
import type { Db } from '../../src/db/index.ts';
import type { Config } from '../../src/config.ts';
import { importFromReader } from '../../src/importers/pipeline.ts';
import { memoryReader } from './memory-reader.ts';
import { sq, WEST, EAST } from './city.ts';

export { WEST, EAST, sq };
export const VALID_FROM = '2025-06-01T00:00:00+08:00';

type Feat = { fid: string; geometry: ReturnType<typeof sq>; props?: Record<string, unknown> };

export async function loadLayer(db: Db, config: Config, layer: string, feats: Feat[], validFrom = VALID_FROM): Promise<void> {
  await importFromReader(db, config, memoryReader(feats, { srid: 4549 }), { layer, user: 'test', validFrom });
}

/** The development boundary spans both districts: x ∈ [-2000, 2000], y ∈ [0, 2000]. */
export async function loadIndicatorCity(db: Db, config: Config): Promise<void> {
  await loadLayer(db, config, 'XZQ', [
    { fid: WEST, geometry: sq(-5000, -5000, 0, 5000), props: { XZQDM: WEST, XZQMC: '西湖区' } },
    { fid: EAST, geometry: sq(0, -5000, 5000, 5000), props: { XZQDM: EAST, XZQMC: '余杭区' } },
  ]);
  await loadLayer(db, config, 'CZKFBJ', [{ fid: 'BJ1', geometry: sq(-2000, 0, 2000, 2000), props: { BJBH: 'BJ1' } }]);
  await loadLayer(db, config, 'DLTB', [
    { fid: 'W1', geometry: sq(-3000, -3000, -2900, -2900), props: { DLBM: '0101', DLMC: '水田' } }, // 10,000 m² cultivated
    { fid: 'W2', geometry: sq(-3000, -2800, -2800, -2700), props: { DLBM: '0103', DLMC: '旱地' } }, // 20,000 m² cultivated
    { fid: 'W3', geometry: sq(-1000, 500, -900, 600), props: { DLBM: '0701', DLMC: '城镇住宅用地' } }, // 10,000 inside the boundary
    { fid: 'W4', geometry: sq(-800, 500, -700, 600), props: { DLBM: '0702', DLMC: '农村宅基地' } }, // 10,000 inside (rural)
    { fid: 'W5', geometry: sq(-3000, -2500, -2700, -2400), props: { DLBM: '0301', DLMC: '乔木林地' } }, // 30,000 forest
    { fid: 'W6', geometry: sq(-1000, -1000, -900, -900), props: { DLBM: '0701', DLMC: '城镇住宅用地' } }, // 10,000 outside the boundary
    { fid: 'E1', geometry: sq(3000, -3000, 3100, -2900), props: { DLBM: '0102', DLMC: '水浇地' } }, // 10,000 cultivated
    { fid: 'E2', geometry: sq(500, 500, 700, 700), props: { DLBM: '0601', DLMC: '工业用地' } }, // 40,000 inside
    { fid: 'E3', geometry: sq(1950, 500, 2050, 600), props: { DLBM: '0701', DLMC: '城镇住宅用地' } }, // 10,000, half (5,000) inside
    { fid: 'E4', geometry: sq(3000, 0, 3100, 100), props: { DLBM: '1003', DLMC: '公路用地' } }, // 10,000 road, outside
  ]);
  await loadLayer(db, config, 'YJJBNT', [
    { fid: 'YW', geometry: sq(-3000, -3000, -2800, -2900), props: { BHTBBH: 'YW' } }, // 20,000 m²
    { fid: 'YE', geometry: sq(3000, -3000, 3100, -2900), props: { BHTBBH: 'YE' } }, // 10,000 m²
  ]);
  // 高标准农田 covers the western patch and the southern half of the eastern one; 粮食生产功能区 covers both.
  await loadLayer(db, config, 'GBZNT', [
    { fid: 'GW', geometry: sq(-3100, -3100, -2700, -2800), props: { XMMC: '西湖高标准农田' } },
    { fid: 'GE', geometry: sq(2900, -3100, 3200, -2950), props: { XMMC: '余杭高标准农田' } },
  ]);
  await loadLayer(db, config, 'LSSCGNQ', [
    { fid: 'LW', geometry: sq(-3100, -3100, -2700, -2800), props: { QYMC: '西湖粮功区' } },
    { fid: 'LE', geometry: sq(2900, -3100, 3200, -2800), props: { QYMC: '余杭粮功区' } },
  ]);
  await loadLayer(db, config, 'GHYD', [
    { fid: 'GH1', geometry: sq(1000, -1000, 1300, -900), props: { YDYHFLDM: '1001', YDYHFLMC: '工业用地' } }, // 30,000
    { fid: 'GH2', geometry: sq(-2000, -1000, -1900, -900), props: { YDYHFLDM: '100101', YDYHFLMC: '一类工业用地' } }, // 10,000
    { fid: 'GH3', geometry: sq(-1000, -1000, -900, -900), props: { YDYHFLDM: '0701', YDYHFLMC: '城镇住宅用地' } },
  ]);
}

/**
 * A street along y = 3000 from x = -3000 to 3000, a primary school 10 m off it at x = -2000, and two
 * residential parcels 20 m off it: one at x -1800…-1700 (≈ 250 m from the school, within the 10-minute
 * budget of 667 m at 4 km/h), one at x 2000…2100 (≈ 4 km away). A third parcel is industrial.
 */
export async function loadAccessCity(db: Db, config: Config): Promise<void> {
  await loadLayer(db, config, 'BXWL', [
    {
      fid: 'L1',
      geometry: {
        type: 'LineString',
        coordinates: [
          [500000 - 3000, 3353000],
          [500000 + 3000, 3353000],
        ],
      } as unknown as ReturnType<typeof sq>,
      props: { DLMC: '文三路' },
    },
  ]);
  await loadLayer(db, config, 'GGFWSS', [
    {
      fid: 'S1',
      geometry: { type: 'Point', coordinates: [500000 - 2000, 3353010] } as unknown as ReturnType<typeof sq>,
      props: { SSLX: '小学', SSMC: '文三小学' },
    },
  ]);
  await loadLayer(db, config, 'ZD', [
    { fid: 'ZW', geometry: sq(-1800, 3020, -1700, 3120), props: { TDYT: '城镇住宅用地' } },
    { fid: 'ZE', geometry: sq(2000, 3020, 2100, 3120), props: { TDYT: '城镇住宅用地' } },
    { fid: 'ZI', geometry: sq(-1500, 3020, -1400, 3120), props: { TDYT: '工业用地' } },
  ]);
}
