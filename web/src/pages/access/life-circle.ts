// The 15-minute life circle over the /api/access endpoints, through the typed client. The answers'
// types come from the generated client; until the access module's response schemas are closed
// (they are `additionalProperties` objects today), the few fields this page reads are narrowed
// here (Narrowed) — it goes once openapi.d.ts names them.
import { GET, POST, type Ok } from '../../api/client.ts';

export interface TypeCoverage {
  type: string;
  budgetMinutes: number;
  budgetM: number;
  facilities: number;
  snappedFacilities: number;
  coveredAreaM2: number;
  coveragePercent: number;
}
export interface DistrictCoverage {
  code: string;
  name: string | null;
  residentialAreaM2: number;
  coveragePercent: number;
  byType: { coveragePercent: number }[];
}
type Narrowed<T, N> = Omit<T, keyof N> & N;
export type Run = Narrowed<Ok<'/api/access/runs/{id}'>, RunFields>;
interface RunFields {
  runId: number;
  createdAt: string;
  networkVersion: number;
  versions: Record<string, number | null>;
  params: { walkSpeedKmH: number; walkSpeedMPerMin: number; maxSnapM: number; residential: { layer: string } };
  city: {
    parcels: number;
    residentialAreaM2: number;
    coveredAreaM2: number;
    coveragePercent: number;
    populationCoveragePercent: number | null;
  };
  byType: TypeCoverage[];
  byDistrict: DistrictCoverage[];
  unsnappedParcels: number;
}
interface Rates {
  coveragePercent: number;
}
export type WhatIf = Narrowed<Ok<'/api/access/what-if', 'post'>, WhatIfFields>;
interface WhatIfFields {
  type: string;
  proposed: { snapped: boolean }[];
  newlyCovered: GeoJSON.FeatureCollection;
  gain: { areaM2: number; parcels: number; population: number | null; percentPoints: number };
  before: { type: Rates; all: Rates };
  after: { type: Rates; all: Rates };
  byDistrict: { code: string; name: string | null; before: number; after: number }[];
}
type Fc = GeoJSON.FeatureCollection;

export const access = {
  latestRun: async () => (await GET('/api/access/runs/{id}', { path: { id: 'latest' } })) as unknown as Run,
  /** A new computation of every type over the whole city (takes a while). */
  compute: () => POST('/api/access/runs', { body: {} }),
  districts: async () => (await GET('/api/access/districts')) as unknown as Fc,
  uncovered: async (run: number, type?: string) =>
    (await GET('/api/access/runs/{id}/uncovered', { path: { id: run }, query: type ? { type } : {} })) as unknown as Fc,
  facilities: async (run: number, type: string) =>
    (await GET('/api/access/runs/{id}/facilities', { path: { id: run }, query: { type } })) as unknown as Fc,
  isochrones: async (run: number, type: string, bbox: string) =>
    (await GET('/api/access/isochrones', { query: { run, type, bbox, limit: 300 } })) as unknown as Fc,
  edges: async (network: number, bbox: string) =>
    (await GET('/api/access/network/edges', { query: { id: network, bbox, limit: 20000 } })) as unknown as Fc,
  whatIf: async (runId: number, type: string, points: number[][]) =>
    (await POST('/api/access/what-if', { body: { runId, type, points } })) as unknown as WhatIf,
};
