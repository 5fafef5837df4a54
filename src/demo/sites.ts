// Point-like control features: 紫线 (historic sites, real names at approximate places), 黄线
// (infrastructure plots: per urban core, plus every 公用设施用地 cell), 橙线 (safety buffers around
// hazardous facilities, buffered in PostGIS in the GK zone 40 metre CRS).
import type { Db } from '../db/index.ts';
import type { City } from './classify.ts';
import { F_BUILT, pad } from './classify.ts';
import { CLASSES } from './classes.ts';
import { DISTRICTS } from './districts.ts';
import { CORES } from './model.ts';
import { rand } from './prng.ts';
import { blob, km, lonLat } from './geo.ts';
import { polygon, toBuffer, type DemoFeature } from './features.ts';
import { planCode } from './landuse.ts';
import { numberer } from './farmland.ts';

const S_SITE = 901;

const HISTORIC: [string, number, number, number, string][] = [
  ['良渚古城遗址', 120.0, 30.397, 1.2, '世界文化遗产'],
  ['南宋皇城遗址', 120.172, 30.232, 0.35, '全国重点文物保护单位'],
  ['清河坊历史文化街区', 120.167, 30.244, 0.25, '历史文化街区'],
  ['中山中路历史文化街区', 120.172, 30.257, 0.22, '历史文化街区'],
  ['北山街历史文化街区', 120.146, 30.259, 0.25, '历史文化街区'],
  ['五柳巷历史文化街区', 120.181, 30.251, 0.15, '历史文化街区'],
  ['小河直街历史文化街区', 120.143, 30.301, 0.18, '历史文化街区'],
  ['桥西历史文化街区', 120.139, 30.319, 0.2, '历史文化街区'],
  ['龙井村历史地段', 120.12, 30.224, 0.3, '历史地段'],
  ['梅家坞历史地段', 120.098, 30.205, 0.3, '历史地段'],
  ['塘栖古镇历史文化街区', 120.19, 30.483, 0.3, '历史文化街区'],
  ['新叶古村', 119.42, 29.4, 0.3, '省级文物保护单位'],
];

export function zx(city: City): DemoFeature[] {
  return HISTORIC.map(([name, lon, lat, r, level], k) => ({
    fid: `ZX${pad(k + 1, 3)}`,
    geometry: polygon(blob(lon, lat, r, 16, (v) => rand(city.seed, S_SITE, k, v))),
    props: { BHMC: name, BHJB: level },
  }));
}

/** A point near a core (fraction 0.35–0.75 of its radius) that is not in water. */
function nearCore(city: City, c: number, salt: number): [number, number] {
  const [cx, cy] = km(CORES[c].lon, CORES[c].lat);
  for (let t = 0; t < 12; t++) {
    const a = 2 * Math.PI * rand(city.seed, S_SITE, c, salt, 2 * t);
    const d = CORES[c].r * (0.35 + 0.4 * rand(city.seed, S_SITE, c, salt, 2 * t + 1));
    const x = cx + d * Math.cos(a);
    const y = cy + d * Math.sin(a);
    if (city.model.water(x, y, 0.55 * city.grid.size) < 0) return lonLat(x, y);
  }
  return [CORES[c].lon, CORES[c].lat];
}

const INFRA: Record<string, [string, string]> = {
  '1303': ['变电站', '供电设施'],
  '1301': ['水厂', '供水设施'],
  '1302': ['污水处理厂', '排水设施'],
  '1304': ['燃气调压站', '燃气设施'],
  '1309': ['垃圾转运站', '环卫设施'],
};

export function hx(city: City): DemoFeature[] {
  const out: DemoFeature[] = [];
  CORES.forEach((core, c) => {
    const list: [string, string, number][] = [['变电站', '供电设施', 0.12]];
    if (core.r >= 4) list.push(['水厂', '供水设施', 0.25], ['污水处理厂', '排水设施', 0.3]);
    list.forEach(([kind, type, r], k) => {
      const [lon, lat] = nearCore(city, c, 10 + k);
      out.push({
        fid: `HX-${core.name}-${kind}`,
        geometry: polygon(blob(lon, lat, r, 12, (v) => rand(city.seed, S_SITE, c, 100 + k, v))),
        props: { SSMC: `${core.name}${kind}`, SSLX: type },
      });
    });
  });
  // Every 公用设施用地 cell holds one plot of about 300 m (smaller cells: most of the cell).
  const g = city.grid;
  const f = Math.min(0.4, 0.15 / g.size);
  const next = numberer();
  for (const id of city.inside) {
    if (CLASSES[city.cls[id]].dlbm !== '0809' || !city.has(id, F_BUILT)) continue;
    const [kind, type] = INFRA[planCode(city, id)] ?? ['公用设施', '其他公用设施'];
    const d = city.district[id];
    out.push({
      fid: `HX${pad(id, 9)}`,
      geometry: polygon(g.quad(city.i(id), city.j(id), 0.5 - f, 0.5 + f, 0.5 - f, 0.5 + f)),
      props: { SSMC: `${DISTRICTS[d].short}${next(d)}号${kind}`, SSLX: type },
    });
  }
  return out;
}

const HAZARDS: [string, number][] = [
  ['化工企业', 500],
  ['LNG储配站', 300],
  ['油库', 400],
  ['加油加气站', 200],
];

/** 橙线: a buffer of 200–500 m around each hazardous facility near the industrial cores. */
export async function cx(db: Db, city: City): Promise<DemoFeature[]> {
  const out: DemoFeature[] = [];
  let k = 0;
  for (let c = 0; c < CORES.length; c++) {
    if (CORES[c].ind < 0.35) continue;
    const [kind, dist] = HAZARDS[k % HAZARDS.length];
    const [lon, lat] = nearCore(city, c, 50);
    const r = await db.query<{ wkb: unknown }>(
      `SELECT ST_AsBinary(ST_Transform(ST_Buffer(ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4490), 4549), $3, 'quad_segs=16'), 4490)) AS wkb`,
      [lon, lat, dist],
    );
    out.push({ fid: `CX${pad(++k, 3)}`, wkb: toBuffer(r.rows[0].wkb), props: { SSMC: `${CORES[c].name}${kind}`, HCJL: dist } });
  }
  return out;
}
