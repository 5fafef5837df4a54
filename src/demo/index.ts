// Deterministic synthetic "Hangzhou-like" demo city: all 24 default layers, written as version 1
// of each layer through the real validating import pipeline. Same seed ⇒ identical data.
//
//   generateDemo(db, config, { scale: 'demo' })      // npm start default: ~17 000 cells of 1 km, ~68 000 features
//   generateDemo(db, config, { scale: 'small' })     // tests: 4.5 km cells, a few thousand features
//   generateDemo(db, config, { scale: 'large' })     // benchmarks: 175 m cells, > 1 000 000 features
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { importFromReader } from '../importers/pipeline.ts';
import { ensureDefaultCatalogue, layersWithData, DEFAULT_LAYER_CODES } from '../catalogue/catalogue.service.ts';
import { Conflict, Invalid } from '../errors.ts';
import { City } from './classify.ts';
import { SCALES, type Scale } from './grid.ts';
import { analyse } from './analysis.ts';
import { demoReader, type FeatureSource } from './features.ts';
import { dltb, ghyd } from './landuse.ts';
import { gbznt, lsscgnq, yjjbnt, yncbq } from './farmland.ts';
import { czkfbj, dzx, gdbhhx, gyydkzx, lanx, stbhhx, xxghdy, xzq } from './controls.ts';
import { ggfwss, gyld, lvx, parks, zd } from './urban.ts';
import { bxwl } from './streets.ts';
import { cx, hx, zx } from './sites.ts';
import { airport } from './airport.ts';
import { generateLifecycleDemo } from '../lifecycle/demo.ts';
import { generateFarmlandDemo } from '../farmland/demo.ts';
import { seedDemoConsultations } from '../portal/demo.ts';
import { seedIndicatorDemo } from '../indicators/demo.ts';

export type { Scale } from './grid.ts';
export { SCALES } from './grid.ts';
export { DISTRICTS, DISTRICT_CODES } from './districts.ts';
export { FACILITY_TYPES } from './urban.ts';

export const DEFAULT_SEED = 2035;

export interface DemoOptions {
  scale: Scale;
  seed?: number;
  onProgress?: (msg: string, done: number, total: number) => void;
}

export interface DemoResult {
  layers: { code: string; featureCount: number; seconds: number }[];
  seconds: number;
}

/** The database already holds layer data: the demo only fills an empty one (code `demo_data_exists`). */
export class DemoDataExistsError extends Conflict {
  constructor(readonly codes: string[]) {
    const list = codes.length > 6 ? `${codes.slice(0, 5).join(', ')} and ${codes.length - 5} more` : codes.join(', ');
    super(
      `数据库中已有图层数据，演示城市只生成到空数据库中 (the database already holds data in layer${codes.length > 1 ? 's' : ''} ${list}: ` +
        'the demo city is only generated into an empty database. Use a fresh data directory (ONEMAP_DATA_DIR) or a new database (DATABASE_URL))',
      { code: 'demo_data_exists' },
    );
  }
}

const now = () => performance.now() / 1000;

export async function generateDemo(db: Db, config: Config, opts: DemoOptions): Promise<DemoResult> {
  const t0 = now();
  const seed = opts.seed ?? DEFAULT_SEED;
  const spec = SCALES[opts.scale];
  if (!spec) throw new Invalid(`演示规模“${opts.scale}”不存在，可选 small、demo、large (unknown demo scale "${opts.scale}")`);
  if (!Number.isInteger(seed)) throw new Invalid(`演示种子须为整数，收到 ${seed} (demo seed must be an integer)`);
  await ensureDefaultCatalogue(db);
  const filled = await layersWithData(db, DEFAULT_LAYER_CODES);
  if (filled.length) throw new DemoDataExistsError(filled);

  const total = DEFAULT_LAYER_CODES.length + 1;
  const progress = (msg: string, done: number) => opts.onProgress?.(msg, done, total);
  progress(`classifying cells (scale ${opts.scale}, ${spec.cellKm} km, seed ${seed})`, 0);
  const city = new City(seed, spec);
  const a = await analyse(db, city, (msg) => progress(msg, 0));
  const parkList = parks(city);
  const { jc, jcjk } = await airport(db);
  const cxList = await cx(db, city);
  progress('analysis done', 1);

  const plan: [string, string, () => FeatureSource][] = [
    ['XZQ', 'MULTIPOLYGON', () => xzq(a)],
    ['STBHHX', 'POLYGON', () => stbhhx(a)],
    ['YJJBNT', 'POLYGON', () => yjjbnt(city)],
    ['CZKFBJ', 'POLYGON', () => czkfbj(a)],
    ['GDBHHX', 'MULTIPOLYGON', () => gdbhhx(a)],
    ['ZX', 'POLYGON', () => zx(city)],
    ['HX', 'POLYGON', () => hx(city)],
    ['LANX', 'MULTIPOLYGON', () => lanx(a)],
    ['LVX', 'POLYGON', () => lvx(parkList)],
    ['CX', 'POLYGON', () => cxList],
    ['DZX', 'POLYGON', () => dzx(city, a)],
    ['JCJK', 'POLYGON', () => jcjk],
    ['JC', 'LINESTRING', () => jc],
    ['DLTB', 'POLYGON', () => dltb(city, a.tbmj)],
    ['GHYD', 'POLYGON', () => ghyd(city)],
    ['XXGHDY', 'MULTIPOLYGON', () => xxghdy(city, a)],
    ['ZD', 'POLYGON', () => zd(city)],
    ['GBZNT', 'MULTIPOLYGON', () => gbznt(a)],
    ['LSSCGNQ', 'MULTIPOLYGON', () => lsscgnq(a)],
    ['YNCBQ', 'POLYGON', () => yncbq(city)],
    ['GYYDKZX', 'MULTIPOLYGON', () => gyydkzx(a)],
    ['GGFWSS', 'POINT', () => ggfwss(city)],
    ['GYLD', 'POLYGON', () => gyld(parkList)],
    ['BXWL', 'LINESTRING', () => bxwl(city)],
  ];
  const layers: DemoResult['layers'] = [];
  const note = `演示数据 scale=${opts.scale} seed=${seed}`;
  for (const [code, geometryType, source] of plan) {
    const t = now();
    // 质检 before 入库 as for any delivered file (decision 0013): the demo city passes its own check.
    const r = await importFromReader(db, config, demoReader(code, geometryType, source), { layer: code, user: 'demo', note, qc: true });
    layers.push({ code, featureCount: r.featureCount, seconds: round(now() - t) });
    progress(`${code}: ${r.featureCount} features`, layers.length + 1);
  }
  await seedDemoConsultations(db, config.clock); // 规划一点通: plans under public consultation
  await generateLifecycleDemo(db, config.clock.today(), { scale: opts.scale }); // 土地全生命周期: land codes, cases, projects
  await generateFarmlandDemo(db, config, { scale: opts.scale }); // 耕地保护: targets, ledgers, patrol cases, consolidation projects, 多田套合
  await seedIndicatorDemo(db, config); // 指标监测: GDP and urban population per district and year, one compute run per year
  return { layers, seconds: round(now() - t0) };
}

const round = (s: number) => Math.round(s * 100) / 100;
