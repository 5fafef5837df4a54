// 步行网络 (BXWL): one LineString per edge of the street grid in built-up cells, so edges share
// exact end points and the network is routable; rural roads along grid edges between towns; and
// expressways (not walkable, KBX = false) as separate lines.
import type { City } from './classify.ts';
import { F_BUILT } from './classify.ts';
import { CORES } from './model.ts';
import { km, lonLat } from './geo.ts';
import { hash32 } from './prng.ts';
import type { DemoFeature } from './features.ts';

const FIRST = '文学天目保俶环城庆春凤起体育延安中河秋涛德胜石桥古墩丰潭莫干湖墅上塘留和紫金学院教工西溪文一文二文三余杭塘五常良睦溪望金家';
const SECOND = '安和兴华明新康平宁泰瑞祥源林晖曙晓盛丰汇锦荣昌茂盈春秋';

function lineName(seed: number, horizontal: boolean, line: number, grade: string): string {
  const h = hash32(seed, horizontal ? 1 : 2, line);
  const a = FIRST[h % FIRST.length];
  const b = SECOND[(h >>> 8) % SECOND.length];
  const suffix = grade === '主干路' ? ((h >>> 16) % 3 === 0 ? '大道' : '路') : grade === '次干路' ? '路' : (h >>> 16) % 2 ? '街' : '巷';
  return `${a}${b}${suffix}`;
}

export function* bxwl(city: City): Generator<DemoFeature> {
  const g = city.grid;
  const n = g.sub;
  const s = g.size / n;
  const pMain = Math.max(1, Math.round(1.6 / s));
  const pSec = Math.max(1, Math.round(0.8 / s));
  const grade = (line: number) => (line % pMain === 0 ? '主干路' : line % pSec === 0 ? '次干路' : '支路');
  const built = (i: number, j: number) => i >= 0 && j >= 0 && i < g.nx && j < g.ny && (city.flags[g.id(i, j)] & F_BUILT) !== 0;
  const edge = (horizontal: boolean, I: number, J: number): DemoFeature => {
    const line = horizontal ? J : I;
    const dldj = grade(line);
    return {
      fid: `${horizontal ? 'H' : 'V'}${I}_${J}`,
      geometry: { type: 'LineString', coordinates: [g.subVertex(I, J), horizontal ? g.subVertex(I + 1, J) : g.subVertex(I, J + 1)] },
      props: { DLMC: lineName(city.seed, horizontal, line, dldj), DLDJ: dldj, KBX: true },
    };
  };
  for (const id of city.inside) {
    if (!city.has(id, F_BUILT)) continue;
    const i = city.i(id);
    const j = city.j(id);
    const topFree = !built(i, j + 1);
    const rightFree = !built(i + 1, j);
    for (let b = 0; b <= n; b++) {
      if (b === n && !topFree) continue;
      for (let a = 0; a < n; a++) yield edge(true, i * n + a, j * n + b);
    }
    for (let a = 0; a <= n; a++) {
      if (a === n && !rightFree) continue;
      for (let b = 0; b < n; b++) yield edge(false, i * n + a, j * n + b);
    }
  }
  yield* ruralRoads(city, built);
  yield* expressways();
}

/** Each town joins the nearest bigger core by a stair-step path along cell-grid edges. */
function* ruralRoads(city: City, built: (i: number, j: number) => boolean): Generator<DemoFeature> {
  const g = city.grid;
  const n = g.sub;
  const seen = new Set<string>();
  const vertexOf = (lon: number, lat: number) => {
    const [x, y] = km(lon, lat);
    return [Math.round((x - g.x0) / g.size), Math.round((y - g.y0) / g.size)];
  };
  for (let c = 1; c < CORES.length; c++) {
    let target = -1;
    let best = Infinity;
    const [cx, cy] = km(CORES[c].lon, CORES[c].lat);
    for (let o = 0; o < CORES.length; o++) {
      if (CORES[o].r <= CORES[c].r || o === c) continue;
      const [ox, oy] = km(CORES[o].lon, CORES[o].lat);
      const dist = Math.hypot(ox - cx, oy - cy);
      if (dist < best) {
        best = dist;
        target = o;
      }
    }
    if (target < 0) continue;
    let [i, j] = vertexOf(CORES[c].lon, CORES[c].lat);
    const [ti, tj] = vertexOf(CORES[target].lon, CORES[target].lat);
    const name = `${CORES[c].name}—${CORES[target].name}公路`;
    const di = Math.sign(ti - i);
    const dj = Math.sign(tj - j);
    const [i0, j0] = [i, j];
    while (i !== ti || j !== tj) {
      // Step along the axis that keeps the path closest to the straight line.
      const stepI =
        j === tj ||
        (i !== ti &&
          Math.abs((j - j0) * (ti - i0) - (i + di - i0) * (tj - j0)) <= Math.abs((j + dj - j0) * (ti - i0) - (i - i0) * (tj - j0)));
      const [ni, nj] = stepI ? [i + di, j] : [i, j + dj];
      const horizontal = nj === j;
      const ei = Math.min(i, ni);
      const ej = Math.min(j, nj);
      // The edge's two neighbouring cells: if one is built up, the streets already run along it.
      const covered = horizontal ? built(ei, ej) || built(ei, ej - 1) : built(ei, ej) || built(ei - 1, ej);
      const key = `${horizontal ? 'H' : 'V'}${ei}_${ej}`;
      if (!covered && !seen.has(key)) {
        seen.add(key);
        yield {
          fid: `R${key}`,
          geometry: {
            type: 'LineString',
            coordinates: [g.subVertex(ei * n, ej * n), horizontal ? g.subVertex((ei + 1) * n, ej * n) : g.subVertex(ei * n, (ej + 1) * n)],
          },
          props: { DLMC: name, DLDJ: '公路', KBX: true },
        };
      }
      [i, j] = [ni, nj];
    }
  }
}

const EXPRESSWAYS: [string, [number, number][]][] = [
  [
    '杭千高速',
    [
      [120.1, 30.2],
      [119.93, 30.07],
      [119.66, 29.82],
      [119.42, 29.6],
      [119.3, 29.5],
      [119.05, 29.62],
    ],
  ],
  [
    '杭徽高速',
    [
      [120.08, 30.28],
      [119.98, 30.28],
      [119.72, 30.245],
      [119.4, 30.2],
      [119.2, 30.16],
    ],
  ],
  [
    '杭甬高速',
    [
      [120.2, 30.22],
      [120.3, 30.2],
      [120.45, 30.16],
      [120.64, 30.1],
    ],
  ],
  ['杭州绕城高速', []],
];

function* expressways(): Generator<DemoFeature> {
  for (const [name, pts] of EXPRESSWAYS) {
    let coords: number[][];
    if (pts.length) {
      coords = pts.map((p) => [p[0], p[1]]);
    } else {
      // Ring road about 13 km around the main city centre.
      const [cx, cy] = km(CORES[0].lon, CORES[0].lat);
      coords = [];
      for (let k = 0; k <= 72; k++) {
        const a = (2 * Math.PI * (k % 72)) / 72;
        coords.push(lonLat(cx + 13 * Math.cos(a), cy + 11 * Math.sin(a)));
      }
    }
    yield { fid: `GS-${name}`, geometry: { type: 'LineString', coordinates: coords }, props: { DLMC: name, DLDJ: '高速公路', KBX: false } };
  }
}
