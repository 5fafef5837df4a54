// The 15-minute life circle over the /api/access endpoints (src/access/access.routes.ts), through
// the typed client: every answer's type comes from the generated client; GeoJSON answers are
// narrowed to GeoJSON for MapLibre (Geo).
import { GET, POST, type Geo, type Ok } from '../../api/client.ts';

export type Run = Ok<'/api/access/runs/{id}'>;
export type TypeCoverage = Run['byType'][number];
export type DistrictCoverage = Run['byDistrict'][number];
export type WhatIf = Geo<Ok<'/api/access/what-if', 'post'>>;
type Fc = GeoJSON.FeatureCollection;

export const access = {
  latestRun: () => GET('/api/access/runs/{id}', { path: { id: 'latest' } }),
  /** A new computation of every type over the whole city (takes a while). */
  compute: () => POST('/api/access/runs', { body: {} }),
  districts: async () => (await GET('/api/access/districts')) as Geo<Ok<'/api/access/districts'>> as Fc,
  uncovered: async (run: number, type?: string) =>
    (await GET('/api/access/runs/{id}/uncovered', { path: { id: run }, query: type ? { type } : {} })) as Geo<
      Ok<'/api/access/runs/{id}/uncovered'>
    > as Fc,
  facilities: async (run: number, type: string) =>
    (await GET('/api/access/runs/{id}/facilities', { path: { id: run }, query: { type } })) as Geo<
      Ok<'/api/access/runs/{id}/facilities'>
    > as Fc,
  isochrones: async (run: number, type: string, bbox: string) =>
    (await GET('/api/access/isochrones', { query: { run, type, bbox, limit: 300 } })) as Geo<Ok<'/api/access/isochrones'>> as Fc,
  edges: async (network: number, bbox: string) =>
    (await GET('/api/access/network/edges', { query: { id: network, bbox, limit: 20000 } })) as Geo<Ok<'/api/access/network/edges'>> as Fc,
  whatIf: async (runId: number, type: string, points: number[][]) =>
    (await POST('/api/access/what-if', { body: { runId, type, points } })) as WhatIf,
};
