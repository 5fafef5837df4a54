// Urban fabric inside built-up cells: parks (GYLD, and LVX which follows them), parcels (ZD) and
// community public service facilities (GGFWSS). Built-up cells are cut into sub × sub blocks.
import type { City } from './classify.ts';
import { F_BUILT, F_SCENIC, pad } from './classify.ts';
import { CLASSES } from './classes.ts';
import { DISTRICTS } from './districts.ts';
import { Fbm, rand } from './prng.ts';
import { blob, km, type Ring } from './geo.ts';
import { polygon, type DemoFeature } from './features.ts';
import { numberer } from './farmland.ts';

const S_POCKET = 801;
const S_SPLIT = 802;
const S_USE = 803;
const S_RJL = 804;
const S_FAC = 805;
const S_PARK = 806;

export interface Park {
  fid: string;
  ring: Ring;
  name: string;
  /** CJJ/T 85 category: 综合公园, 社区公园, 专类公园, 游园, 广场. */
  type: string;
}

const NAMED_PARKS: [string, number, number, number, string][] = [
  ['西溪国家湿地公园', 120.068, 30.272, 1.6, '专类公园'],
  ['白马湖公园', 120.19, 30.168, 0.5, '综合公园'],
  ['江洋畈生态公园', 120.158, 30.222, 0.3, '专类公园'],
  ['城北体育公园', 120.15, 30.335, 0.35, '专类公园'],
  ['运河亚运公园', 120.128, 30.305, 0.4, '综合公园'],
  ['武林广场', 120.165, 30.272, 0.12, '广场'],
  ['临平公园', 120.3, 30.422, 0.4, '综合公园'],
  ['萧山人民广场', 120.27, 30.167, 0.15, '广场'],
  ['鹳山公园', 119.962, 30.046, 0.25, '综合公园'],
];

/** Is a sub-block a pocket park? (Shared by parks and parcels, so they never overlap.) */
const isPocket = (city: City, I: number, J: number) =>
  CLASSES[city.cls[city.grid.id(Math.floor(I / city.grid.sub), Math.floor(J / city.grid.sub))]].dlbm === '0701' &&
  rand(city.seed, S_POCKET, I, J) < 0.05;

function namedParkAt(x: number, y: number, margin: number): boolean {
  return NAMED_PARKS.some(([, lon, lat, r]) => {
    const [px, py] = km(lon, lat);
    return Math.hypot(x - px, y - py) < r + margin;
  });
}

export function parks(city: City): Park[] {
  const g = city.grid;
  const out: Park[] = [];
  NAMED_PARKS.forEach(([name, lon, lat, r, type], k) => {
    const [x, y] = km(lon, lat);
    if (city.model.water(x, y, 0.55 * g.size) >= 0) return;
    out.push({ fid: `GY${pad(k + 1, 5)}`, ring: blob(lon, lat, r, 24, (v) => rand(city.seed, S_PARK, k, v)), name, type });
  });
  const next = numberer();
  const n = g.sub;
  for (const id of city.inside) {
    const i = city.i(id);
    const j = city.j(id);
    const d = city.district[id];
    const dlbm = CLASSES[city.cls[id]].dlbm;
    if (dlbm === '0810' && (city.has(id, F_BUILT) || city.has(id, F_SCENIC)) && !namedParkAt(g.cx(i), g.cy(j), g.size)) {
      out.push({
        fid: `GY${pad(id, 9)}`,
        ring: g.cellRing(i, j),
        name: `${DISTRICTS[d].short}第${next(d)}公园`,
        type: g.size >= 1 ? '综合公园' : '社区公园',
      });
    } else if (dlbm === '0701' && city.has(id, F_BUILT)) {
      for (let b = 0; b < n; b++) {
        for (let a = 0; a < n; a++) {
          if (!isPocket(city, i * n + a, j * n + b)) continue;
          out.push({
            fid: `GY${pad(id, 9)}${a}${b}`,
            ring: g.quad(i, j, (a + 0.2) / n, (a + 0.8) / n, (b + 0.2) / n, (b + 0.8) / n),
            name: `${DISTRICTS[d].short}第${next(d)}游园`,
            type: g.size / n >= 0.5 ? '社区公园' : '游园',
          });
        }
      }
    }
  }
  return out;
}

export const gyld = (list: Park[]): DemoFeature[] =>
  list.map((p) => ({ fid: p.fid, geometry: polygon(p.ring), props: { GYMC: p.name, GYLX: p.type } }));
export const lvx = (list: Park[]): DemoFeature[] =>
  list.map((p) => ({
    fid: `LV${p.fid.slice(2)}`,
    geometry: polygon(p.ring),
    props: { LDMC: p.name, LDLX: p.type === '广场' ? '广场用地' : '公园绿地' },
  }));

const RJL: Record<string, [number, number]> = {
  城镇住宅用地: [1.5, 3.0],
  商服用地: [2.0, 5.0],
  工业用地: [1.0, 2.5],
  物流仓储用地: [0.8, 1.5],
  机关团体用地: [1.0, 2.5],
  科教文卫用地: [0.8, 2.0],
  公用设施用地: [0.3, 1.0],
  交通服务场站用地: [0.3, 1.0],
};
const MARKET = new Set(['城镇住宅用地', '商服用地', '工业用地', '物流仓储用地']);
// Ways to cut a sub-block into parcels: [s cuts, t cuts].
const SPLITS: [number[], number[]][] = [
  [
    [0, 0.5, 1],
    [0, 1],
  ],
  [
    [0, 1],
    [0, 0.5, 1],
  ],
  [
    [0, 1 / 3, 2 / 3, 1],
    [0, 1],
  ],
  [
    [0, 0.5, 1],
    [0, 0.5, 1],
  ],
];

/** 宗地: built-up sub-blocks cut into 2–4 parcels; ZDDM = district + 地籍区 + 地籍子区 + GB + sequence. */
export function* zd(city: City): Generator<DemoFeature> {
  const g = city.grid;
  const n = g.sub;
  const seq = new Map<string, number>();
  for (const id of city.inside) {
    const base = CLASSES[city.cls[id]].tdyt;
    if (!base || !city.has(id, F_BUILT)) continue;
    const i = city.i(id);
    const j = city.j(id);
    const unit = city.units[city.unit[id]];
    const code = DISTRICTS[city.district[id]].code;
    const djq = `${code}${pad(unit.urban ? unit.no : 500 + unit.no, 3)}001`;
    for (let b = 0; b < n; b++) {
      for (let a = 0; a < n; a++) {
        const I = i * n + a;
        const J = j * n + b;
        if (isPocket(city, I, J) || namedParkAt(g.cx(i) + ((a + 0.5 - n / 2) * g.size) / n, g.cy(j) + ((b + 0.5 - n / 2) * g.size) / n, 0))
          continue;
        const [ss, ts] = SPLITS[Math.floor(rand(city.seed, S_SPLIT, I, J) * SPLITS.length)];
        for (let q = 0; q + 1 < ts.length; q++) {
          for (let p = 0; p + 1 < ss.length; p++) {
            const k = (seq.get(djq) ?? 0) + 1;
            seq.set(djq, k);
            const u = (salt: number) => rand(city.seed, S_USE, I * 7 + p, J * 7 + q, salt);
            const use = base === '城镇住宅用地' && u(1) < 0.12 ? (u(2) < 0.5 ? '科教文卫用地' : '商服用地') : base;
            const [lo, hi] = RJL[use];
            const zddm = `${djq}GB${pad(k, 5)}`;
            yield {
              fid: zddm,
              geometry: polygon(g.quad(i, j, (a + ss[p]) / n, (a + ss[p + 1]) / n, (b + ts[q]) / n, (b + ts[q + 1]) / n)),
              props: {
                // Market uses are mostly sold (出让), public uses mostly allocated (划拨).
                ZDDM: zddm,
                TDYT: use,
                GYFS: u(3) < 0.92 === MARKET.has(use) ? '出让' : '划拨',
                RJL: Math.round((lo + (hi - lo) * rand(city.seed, S_RJL, I * 7 + p, J * 7 + q)) * 100) / 100,
              },
            };
          }
        }
      }
    }
  }
}

/** Community facility types (GB 50180 15-minute life circle); SSLXDM's first two digits are the category. */
export const FACILITY_TYPES = [
  { code: '0101', name: '幼儿园', category: '教育', perKm2: 1.88 },
  { code: '0102', name: '小学', category: '教育', perKm2: 1.5 },
  { code: '0103', name: '中学', category: '教育', perKm2: 1.25 },
  { code: '0201', name: '社区卫生服务中心', category: '医疗卫生', perKm2: 1.38 },
  { code: '0301', name: '养老服务中心', category: '养老', perKm2: 1.38 },
  { code: '0401', name: '文化活动中心', category: '文化', perKm2: 1.25 },
  { code: '0501', name: '体育健身中心', category: '体育', perKm2: 1.25 },
  { code: '0601', name: '菜市场', category: '菜市场', perKm2: 1.62 },
] as const;

const HOSTS = new Set(['0701', '05H1', '08H2', '0702']);

export function* ggfwss(city: City): Generator<DemoFeature> {
  const g = city.grid;
  const n = g.sub;
  const subArea = (g.size / n) ** 2;
  // Uneven provision: some neighbourhoods are served worse (the 15-minute gaps to find).
  const provision = new Fbm(city.seed, 807, 4, 2);
  const counters = FACILITY_TYPES.map(() => numberer());
  for (const id of city.inside) {
    if (!city.has(id, F_BUILT) || !HOSTS.has(CLASSES[city.cls[id]].dlbm)) continue;
    const i = city.i(id);
    const j = city.j(id);
    const d = DISTRICTS[city.district[id]];
    const mult = Math.max(0.15, Math.min(1.6, 1 + 0.9 * provision.value(g.cx(i), g.cy(j))));
    for (let b = 0; b < n; b++) {
      for (let a = 0; a < n; a++) {
        const I = i * n + a;
        const J = j * n + b;
        for (let t = 0; t < FACILITY_TYPES.length; t++) {
          const ft = FACILITY_TYPES[t];
          const expected = ft.perKm2 * subArea * mult;
          const count = Math.floor(expected) + (rand(city.seed, S_FAC, I, J, t * 16) < expected % 1 ? 1 : 0);
          for (let c = 0; c < count; c++) {
            const s = (a + 0.15 + 0.7 * rand(city.seed, S_FAC, I, J, t * 16 + 2 * c + 1)) / n;
            const tt = (b + 0.15 + 0.7 * rand(city.seed, S_FAC, I, J, t * 16 + 2 * c + 2)) / n;
            const no = counters[t](city.district[id]);
            yield {
              fid: `${d.code}SS${ft.code}${pad(no, 5)}`,
              geometry: { type: 'Point', coordinates: g.at(i, j, s, tt) },
              props: { SSMC: `${d.name}第${no}${ft.name}`, SSLX: ft.name, SSLXDM: ft.code },
            };
          }
        }
      }
    }
  }
}
