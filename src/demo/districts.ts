// The 13 districts of Hangzhou (GB/T 2260, domain.md §2) and the city outline. Each district has
// a seed point near its real seat and a weight (km): a point belongs to the district with the
// smallest distance ÷ weight (a multiplicatively weighted Voronoi diagram), so the urban districts
// come out small and 淳安/临安/建德 large; the city is where that ratio stays below about 1.
// Both are evaluated on noise-warped coordinates so boundaries are irregular.
import { Fbm } from './prng.ts';
import { km, type XY } from './geo.ts';

export interface District {
  code: string;
  name: string;
  /** Short name used in generated names (西湖区 → 西湖). */
  short: string;
  lon: number;
  lat: number;
  /** Weight in km, tuned so the areas come out near the real ones. */
  weight: number;
}

export const DISTRICTS: readonly District[] = [
  { code: '330102', name: '上城区', short: '上城', lon: 120.17, lat: 30.25, weight: 15.14 },
  { code: '330105', name: '拱墅区', short: '拱墅', lon: 120.14, lat: 30.32, weight: 9.63 },
  { code: '330106', name: '西湖区', short: '西湖', lon: 120.1, lat: 30.25, weight: 17.77 },
  { code: '330108', name: '滨江区', short: '滨江', lon: 120.2, lat: 30.19, weight: 15.33 },
  { code: '330109', name: '萧山区', short: '萧山', lon: 120.27, lat: 30.15, weight: 26.16 },
  { code: '330110', name: '余杭区', short: '余杭', lon: 119.95, lat: 30.4, weight: 17.01 },
  { code: '330111', name: '富阳区', short: '富阳', lon: 119.95, lat: 30.05, weight: 27 },
  { code: '330112', name: '临安区', short: '临安', lon: 119.5, lat: 30.23, weight: 30.53 },
  { code: '330113', name: '临平区', short: '临平', lon: 120.3, lat: 30.42, weight: 9.27 },
  { code: '330114', name: '钱塘区', short: '钱塘', lon: 120.5, lat: 30.3, weight: 13.44 },
  { code: '330122', name: '桐庐县', short: '桐庐', lon: 119.65, lat: 29.8, weight: 24.41 },
  { code: '330127', name: '淳安县', short: '淳安', lon: 118.9, lat: 29.6, weight: 36.67 },
  { code: '330182', name: '建德市', short: '建德', lon: 119.3, lat: 29.48, weight: 27.52 },
];

export const DISTRICT_CODES: readonly string[] = DISTRICTS.map((d) => d.code);

export class CityShape {
  private readonly seeds: XY[] = DISTRICTS.map((d) => km(d.lon, d.lat));
  private readonly warpX: Fbm;
  private readonly warpY: Fbm;
  private readonly edge: Fbm;

  constructor(seed: number) {
    this.warpX = new Fbm(seed, 101, 18, 3);
    this.warpY = new Fbm(seed, 102, 18, 3);
    this.edge = new Fbm(seed, 103, 25, 3);
  }

  /** District index of a point (km), or -1 outside the city. */
  district(x: number, y: number): number {
    const wx = x + 4 * this.warpX.value(x, y);
    const wy = y + 4 * this.warpY.value(x, y);
    let best = -1;
    let bestScore = Infinity;
    for (let i = 0; i < this.seeds.length; i++) {
      const s = Math.hypot(wx - this.seeds[i][0], wy - this.seeds[i][1]) / DISTRICTS[i].weight;
      if (s < bestScore) {
        bestScore = s;
        best = i;
      }
    }
    return bestScore < 1.12 + 0.18 * this.edge.value(x, y) ? best : -1;
  }
}
