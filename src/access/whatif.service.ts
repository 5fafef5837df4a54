// "What if" and isochrones over a stored run: the graph search runs over typed arrays (dijkstra.ts),
// PostGIS snaps the proposed points and draws the polygons.
import type { Queryable } from '../db/index.ts';
import { m2ToMu } from '../area/units.ts';
import { AccessNotFoundError } from './network.ts';
import * as repo from './access.repository.ts';
import { AccessInputError } from './settings.ts';
import { Dijkstra } from './dijkstra.ts';
import type { Graph } from './graph.ts';
import { facilitySources, mergeSources, parcelDistances, reachedPieces, tally, type Snap, type FigureSet } from './coverage.ts';
import { r2, coverageFigure, toFacts, type RunSummary } from './figures.ts';
import { residentialCode, type Reader } from './scope.ts';
import { getRunRow, runType, within, feature, type AccessContext, type WhatIfAnswer, type IsochronesAnswer } from './runs.service.ts';

function snapOf(r: repo.RunFacilityRow): Snap {
  return { edge: r.edge_id, offset: r.offset_m, node: r.node_id, leg: r.leg_m };
}

async function waterRef(db: Queryable, run: repo.RunRow): Promise<repo.LayerVersionRef | null> {
  const w = (run.params as { water?: { layer: string } | null }).water;
  if (!w) return null;
  const l = await repo.layerRef(db, w.layer);
  const v = l ? run.versions[l.code] : null;
  return l && v !== null && v !== undefined ? { layerId: l.id, version: v } : null;
}

export interface WhatIfInput {
  runId?: number;
  type: string;
  /** Proposed facility locations, [lon, lat] in EPSG:4490. */
  points: [number, number][];
  /** Who asks: the newly covered parcels listed are those they may read. */
  reader?: Reader;
}

/** "What if": the coverage gain of adding proposed facilities of one type to a run's situation. */
export async function whatIf(ctx: AccessContext, input: WhatIfInput): Promise<WhatIfAnswer> {
  if (!input.points.length) throw new AccessInputError('give at least one proposed facility location');
  for (const [lon, lat] of input.points) {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90)
      throw new AccessInputError(`not a longitude/latitude: ${lon}, ${lat}`);
  }
  const db = ctx.db;
  const run = await getRunRow(db, input.runId);
  const t = await runType(db, run, input.type);
  const g = await ctx.graphs.get(db, run.network_id);
  const existing = (await repo.runFacilities(db, run.id, t.idx)).map(snapOf);
  const parcels = await repo.runParcels(db, run.id);
  const maxSnapM = Number((run.params as { maxSnapM: number }).maxSnapM);
  const proposed = await repo.snapPoints(db, { networkId: run.network_id, maxSnapM, water: await waterRef(db, run) }, input.points);
  const src = mergeSources(
    facilitySources(g, existing),
    facilitySources(
      g,
      proposed.map((p) => ({ edge: p.edge_id, offset: p.offset_m, node: null, leg: p.leg_m })),
    ),
  );
  const d = parcelDistances(
    new Dijkstra(g),
    src,
    parcels.map((p) => ({ edge: p.edge_id, offset: p.offset_m, node: null, leg: p.leg_m })),
    t.budget_m,
  );
  const bit = 1 << t.idx;
  const before = parcels.map(toFacts);
  const after = before.map((f, k) => ({ ...f, mask: d[k] !== Infinity ? f.mask | bit : f.mask }));
  const newly = parcels.filter((_, k) => (before[k].mask & bit) === 0 && (after[k].mask & bit) !== 0);
  const n = t.all.length;
  const sb = tally(before, n);
  const sa = tally(after, n);
  const names = new Map<string, string | null>((run.summary as unknown as RunSummary).byDistrict.map((x) => [x.code, x.name]));
  const pair = (set: FigureSet, district: string) => ({
    type: coverageFigure(set.get(district, t.idx)),
    all: coverageFigure(set.get(district, -1)),
  });
  const gainOf = (b: ReturnType<typeof pair>, a: ReturnType<typeof pair>) => ({
    areaM2: r2(a.type.coveredAreaM2 - b.type.coveredAreaM2),
    areaMu: r2(m2ToMu(a.type.coveredAreaM2 - b.type.coveredAreaM2)),
    percentPoints: r2(a.type.coveragePercent - b.type.coveragePercent),
    parcels: a.type.coveredParcels - b.type.coveredParcels,
    population: a.type.coveredPopulation === null ? null : r2(a.type.coveredPopulation - b.type.coveredPopulation!),
    allTypesAreaM2: r2(a.all.coveredAreaM2 - b.all.coveredAreaM2),
    allTypesPercentPoints: r2(a.all.coveragePercent - b.all.coveragePercent),
  });
  const cityBefore = pair(sb, '');
  const cityAfter = pair(sa, '');
  const geo = await repo.parcelGeoJson(
    db,
    run,
    newly.slice(0, 5000).map((p) => p.feature_id),
    await within(db, input.reader, residentialCode(run)),
  );
  return {
    runId: run.id,
    networkVersion: run.network_id,
    type: t.type,
    budgetMinutes: r2(t.budget_minutes),
    budgetM: r2(t.budget_m),
    proposed: input.points.map((p, k) => ({
      lon: p[0],
      lat: p[1],
      snapped: proposed[k].edge_id !== null,
      legM: proposed[k].leg_m === null ? null : r2(proposed[k].leg_m!),
    })),
    before: cityBefore,
    after: cityAfter,
    gain: gainOf(cityBefore, cityAfter),
    byDistrict: sa.districts
      .map((code) => {
        const b = pair(sb, code);
        const a = pair(sa, code);
        return { code, name: names.get(code) ?? null, before: b.type.coveragePercent, after: a.type.coveragePercent, gain: gainOf(b, a) };
      })
      .filter((x) => x.gain.areaM2 !== 0 || x.gain.allTypesAreaM2 !== 0),
    newlyCovered: { type: 'FeatureCollection', features: geo.map((r) => feature({ fid: r.fid }, r.g)) },
  };
}

export interface IsochroneQuery {
  runId?: number;
  type: string;
  /** One facility by its feature id (fid); otherwise every facility of the type in bbox. */
  facility?: string;
  bbox?: [number, number, number, number];
  /** Half-width of the band drawn around reached streets, metres (default 50). */
  widthM?: number;
  limit?: number;
  /** Who asks: only the facilities they may read are drawn. */
  reader?: Reader;
}

/**
 * Isochrones: per facility, the streets reachable within the type's budget (partial edges
 * included), buffered into a polygon in PostGIS.
 */
export async function isochrones(ctx: AccessContext, q: IsochroneQuery): Promise<IsochronesAnswer> {
  const db = ctx.db;
  const run = await getRunRow(db, q.runId);
  const t = await runType(db, run, q.type);
  const layer = await repo.layerRef(db, t.layer_code);
  if (!layer || t.layer_version === null) return { type: 'FeatureCollection', features: [], runId: run.id, truncated: false };
  const points = await repo.facilityPoints(
    db,
    run.id,
    t.idx,
    { layerId: layer.id, version: t.layer_version },
    q.bbox ?? null,
    await within(db, q.reader, layer.code),
  );
  let chosen = q.facility !== undefined ? points.filter((p) => p.fid === q.facility) : points.filter((p) => p.in_box);
  if (q.facility !== undefined && chosen.length === 0)
    throw new AccessNotFoundError(`facility "${q.facility}" is not a ${t.type} of coverage run ${run.id}`);
  const limit = Math.min(q.limit ?? 300, 2000);
  const truncated = chosen.length > limit;
  chosen = chosen.slice(0, limit);
  const snaps = new Map<number, Snap[]>();
  for (const r of await repo.runFacilities(db, run.id, t.idx)) {
    let s = snaps.get(r.feature_id);
    if (!s) snaps.set(r.feature_id, (s = []));
    s.push(snapOf(r));
  }
  const g: Graph = await ctx.graphs.get(db, run.network_id);
  const dij = new Dijkstra(g);
  const arrays = { group: [] as number[], edge: [] as number[], f0: [] as number[], f1: [] as number[] };
  chosen.forEach((p, k) => {
    const src = facilitySources(g, snaps.get(p.feature_id) ?? []);
    dij.run(src.nodes, src.costs, t.budget_m);
    for (const piece of reachedPieces(dij, src, t.budget_m)) {
      arrays.group.push(k);
      arrays.edge.push(piece.edge);
      arrays.f0.push(piece.f0);
      arrays.f1.push(piece.f1);
    }
  });
  const widthM = q.widthM ?? 50;
  if (!(widthM > 0 && widthM <= 500)) throw new AccessInputError(`isochrone width must be 0–500 m, got ${widthM}`);
  const polys = new Map((await repo.isochronePolygons(db, run.network_id, arrays, widthM)).map((r) => [r.grp, r]));
  return {
    type: 'FeatureCollection',
    runId: run.id,
    facilityType: t.type,
    budgetM: r2(t.budget_m),
    budgetMinutes: r2(t.budget_minutes),
    widthM,
    truncated,
    features: chosen.flatMap((p, k) => {
      const poly = polys.get(k);
      return poly ? [feature({ fid: p.fid, name: p.name, type: t.type, budgetM: r2(t.budget_m), areaM2: r2(poly.area_m2) }, poly.g)] : [];
    }),
  };
}
