// The figures of a coverage run: the summary's shape, and how the tallies of coverage.ts become
// it. Shared by the run itself (access.service.ts) and by a reader's view of it cut to their
// districts (scope.ts).
import { m2ToMu } from '../area/units.ts';
import type * as repo from './access.repository.ts';
import type { CoverageParams } from './settings.ts';
import { percent, type ParcelFacts, type Figure, type FigureSet } from './coverage.ts';

export interface CoverageFigure {
  residentialAreaM2: number;
  coveredAreaM2: number;
  coveragePercent: number;
  parcels: number;
  coveredParcels: number;
  /** Population-weighted figures: null when the residential layer has no population field. */
  population: number | null;
  coveredPopulation: number | null;
  populationCoveragePercent: number | null;
}

export interface TypeFigure {
  type: string;
  code: string | null;
  budgetMinutes: number;
  budgetM: number;
  layer: string;
  facilities: number;
  snappedFacilities: number;
  coveredAreaM2: number;
  coveragePercent: number;
  coveredParcels: number;
  coveredPopulation: number | null;
  populationCoveragePercent: number | null;
}

export interface DistrictFigure extends CoverageFigure {
  code: string;
  name: string | null;
  byType: { type: string; coveredAreaM2: number; coveragePercent: number }[];
}

/** The CLI's `onemap access coverage --json` output; also stored with the run. Keep it stable. */
export interface RunSummary {
  runId: number;
  networkVersion: number;
  versions: Record<string, number | null>;
  createdAt: string;
  seconds: number;
  params: {
    walkSpeedKmH: number;
    walkSpeedMPerMin: number;
    maxSnapM: number;
    residential: CoverageParams['residential'];
    districts: CoverageParams['districts'];
    water: CoverageParams['water'];
  };
  /** "all types": a parcel counts as covered when every facility type reaches it. */
  city: CoverageFigure & { residentialAreaMu: number };
  byType: TypeFigure[];
  byDistrict: DistrictFigure[];
  uncoveredCount: number;
  unsnappedParcels: number;
}

export const r2 = (v: number) => Math.round(v * 100) / 100;
export const pct = (part: number, whole: number | null) => {
  const p = percent(part, whole);
  return p === null ? null : r2(p);
};

export function coverageFigure(f: Figure): CoverageFigure {
  return {
    residentialAreaM2: r2(f.residentialAreaM2),
    coveredAreaM2: r2(f.coveredAreaM2),
    coveragePercent: pct(f.coveredAreaM2, f.residentialAreaM2)!,
    parcels: f.parcels,
    coveredParcels: f.coveredParcels,
    population: f.population === null ? null : r2(f.population),
    coveredPopulation: f.coveredPopulation === null ? null : r2(f.coveredPopulation),
    populationCoveragePercent: f.population === null ? null : pct(f.coveredPopulation!, f.population),
  };
}

export const toFacts = (p: repo.RunParcelRow): ParcelFacts => ({
  district: p.district_code,
  area: p.area_m2,
  population: p.population,
  mask: p.covered_mask,
});

export const fullMask = (n: number) => (n >= 31 ? -1 : (1 << n) - 1);

export const countUncovered = (facts: ParcelFacts[], n: number) => facts.filter((f) => (f.mask & fullMask(n)) !== fullMask(n)).length;

export function figuresOf(
  set: FigureSet,
  types: repo.RunTypeRow[],
  names: Map<string, string | null>,
): Pick<RunSummary, 'city' | 'byType' | 'byDistrict'> {
  const city = coverageFigure(set.get('', -1));
  return {
    city: { ...city, residentialAreaMu: r2(m2ToMu(city.residentialAreaM2)) },
    byType: types.map((t) => {
      const f = coverageFigure(set.get('', t.idx));
      return {
        type: t.type,
        code: (t.definition.code as string | undefined) ?? null,
        budgetMinutes: r2(t.budget_minutes),
        budgetM: r2(t.budget_m),
        layer: t.layer_code,
        facilities: t.facilities,
        snappedFacilities: t.snapped,
        coveredAreaM2: f.coveredAreaM2,
        coveragePercent: f.coveragePercent,
        coveredParcels: f.coveredParcels,
        coveredPopulation: f.coveredPopulation,
        populationCoveragePercent: f.populationCoveragePercent,
      };
    }),
    byDistrict: set.districts.map((d) => ({
      code: d,
      name: names.get(d) ?? null,
      ...coverageFigure(set.get(d, -1)),
      byType: types.map((t) => {
        const f = set.get(d, t.idx);
        return { type: t.type, coveredAreaM2: r2(f.coveredAreaM2), coveragePercent: pct(f.coveredAreaM2, f.residentialAreaM2)! };
      }),
    })),
  };
}

export function figureRows(set: FigureSet, types: repo.RunTypeRow[], names: Map<string, string | null>): repo.FigureRow[] {
  const rows: repo.FigureRow[] = [];
  for (const d of ['', ...set.districts]) {
    for (let t = -1; t < types.length; t++) {
      const f = set.get(d, t);
      rows.push({
        type: t < 0 ? '' : types[t].type,
        district_code: d,
        district_name: d ? (names.get(d) ?? null) : null,
        residential_area_m2: f.residentialAreaM2,
        covered_area_m2: f.coveredAreaM2,
        parcels: f.parcels,
        covered_parcels: f.coveredParcels,
        population: f.population,
        covered_population: f.coveredPopulation,
      });
    }
  }
  return rows;
}
