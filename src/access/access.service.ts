// 15-minute life circle (15分钟生活圈, domain.md §8): coverage runs, "what if" and isochrones.
// PostGIS snaps facilities and parcels to the network and draws polygons; the graph search runs
// over typed arrays (dijkstra.ts). A run stores its parameters, the network version and every
// layer version it read, the per-parcel result and the figures, so its numbers can be explained later.
import type { Static } from '../schema.ts';
import type * as s from './access.schemas.ts';
import { appendAudit } from '../audit/audit.ts';
import type { Db, Queryable } from '../db/index.ts';
import { m2ToMu } from '../area/units.ts';
import { buildNetwork, GraphCache, AccessNotFoundError } from './network.ts';
import * as repo from './access.repository.ts';
import { resolveCoverageParams, accessDefaults, AccessInputError, type CoverageInput } from './settings.ts';
import { Dijkstra } from './dijkstra.ts';
import type { Graph } from './graph.ts';
import { readableLayer } from '../auth/layers.ts';
import { facilitySources, mergeSources, parcelDistances, reachedPieces, tally, type Snap, type FigureSet } from './coverage.ts';
import { r2, coverageFigure, toFacts, fullMask, countUncovered, figuresOf, figureRows, type RunSummary } from './figures.ts';
import { coverageFor, residentialCode, summaryFor, type Reader } from './scope.ts';

/** What the services share for one app or CLI invocation: the database and loaded graphs. */
export interface AccessContext {
  db: Db;
  graphs: GraphCache;
}

export const accessContext = (db: Db): AccessContext => ({ db, graphs: new GraphCache() });

export type { CoverageFigure, TypeFigure, DistrictFigure, RunSummary } from './figures.ts';

/** Layer and active version; null when the layer has no data yet (optional layers). */
async function activeRef(db: Queryable, code: string, required: string | null): Promise<(repo.LayerVersionRef & { code: string }) | null> {
  const l = await repo.layerRef(db, code);
  if (!l) throw new AccessInputError(`layer "${code}" is not in the catalogue (onemap layers lists the codes)`);
  if (l.active_version === null) {
    if (required) throw new AccessInputError(`layer ${l.code} has no data yet: import ${required} first`);
    return null;
  }
  return { layerId: l.id, version: l.active_version, code: l.code };
}

export type Progress = (message: string, done: number, total: number) => void;

/** Computes coverage for every facility type of the parameters and stores it as a new run. */
export async function runCoverage(ctx: AccessContext, input: CoverageInput = {}, onProgress?: Progress): Promise<RunSummary> {
  const t0 = performance.now();
  const params = resolveCoverageParams(input);
  const total = params.types.length + 3;
  onProgress?.(`步行网络 ${params.network.layer}`, 0, total);
  const net = await buildNetwork(ctx.db, { ...params.network, user: input.user });
  const residential = (await activeRef(ctx.db, params.residential.layer, 'the residential parcels'))!;
  const districts = await activeRef(ctx.db, params.districts.layer, null);
  const water = params.water ? await activeRef(ctx.db, params.water.layer, null) : null;
  const facilityLayers = new Map<string, Awaited<ReturnType<typeof activeRef>>>();
  for (const t of params.types) if (!facilityLayers.has(t.layer)) facilityLayers.set(t.layer, await activeRef(ctx.db, t.layer, null));
  const versions: Record<string, number | null> = { [net.layer]: net.layerVersion };
  for (const [code, ref] of facilityLayers) versions[ref?.code ?? code] = ref?.version ?? null;
  versions[residential.code] = residential.version;
  versions[districts?.code ?? params.districts.layer.toUpperCase()] = districts?.version ?? null;
  if (params.water) versions[water?.code ?? params.water.layer.toUpperCase()] = water?.version ?? null;

  return ctx.db.transaction(async (tx) => {
    const g = await ctx.graphs.get(tx, net.networkVersion);
    const dij = new Dijkstra(g);
    const snapCtx: repo.SnapContext = { networkId: net.networkVersion, maxSnapM: params.maxSnapM, water };
    onProgress?.(`居住用地 ${residential.code} 接入网络`, 1, total);
    const parcels = await repo.snapParcels(tx, snapCtx, {
      layer: residential,
      field: params.residential.field,
      pattern: params.residential.pattern,
      populationField: params.residential.populationField,
      districts: districts ? { ...districts, codeField: params.districts.codeField, nameField: params.districts.nameField } : null,
    });
    const parcelSnaps: Snap[] = parcels.map((p) => ({ edge: p.edge_id, offset: p.offset_m, node: null, leg: p.leg_m }));
    const masks = new Int32Array(parcels.length);
    const typeRows: repo.RunTypeRow[] = [];
    const facilityRows: repo.RunFacilityRow[] = [];
    for (const [i, t] of params.types.entries()) {
      onProgress?.(`${t.type}（${Math.round(t.budgetM)} m）`, 2 + i, total);
      const ref = facilityLayers.get(t.layer) ?? null;
      const f = ref ? await repo.snapFacilities(tx, snapCtx, ref, t.match) : { snaps: [], nodes: [] };
      const snaps: Snap[] = f.snaps.map((s) => ({ edge: s.edge_id, offset: s.offset_m, node: null, leg: s.leg_m }));
      for (const n of f.nodes) snaps.push({ edge: null, offset: null, node: n.node_id, leg: n.leg_m });
      const d = parcelDistances(dij, facilitySources(g, snaps), parcelSnaps, t.budgetM);
      for (let k = 0; k < parcels.length; k++) if (d[k] !== Infinity) masks[k] |= 1 << i;
      const fidOf = new Map(f.snaps.map((s) => [s.key, s.fid]));
      const withNodes = new Set(f.nodes.map((n) => n.key));
      for (const s of f.snaps)
        facilityRows.push({
          type_idx: i,
          feature_id: s.key,
          fid: s.fid,
          edge_id: s.edge_id,
          offset_m: s.offset_m,
          node_id: null,
          leg_m: s.leg_m,
        });
      for (const n of f.nodes)
        facilityRows.push({
          type_idx: i,
          feature_id: n.key,
          fid: fidOf.get(n.key) ?? String(n.key),
          edge_id: null,
          offset_m: null,
          node_id: n.node_id,
          leg_m: n.leg_m,
        });
      typeRows.push({
        idx: i,
        type: t.type,
        definition: { ...t },
        budget_minutes: t.budgetMinutes,
        budget_m: t.budgetM,
        layer_code: ref?.code ?? t.layer,
        layer_version: ref?.version ?? null,
        facilities: f.snaps.length,
        snapped: f.snaps.filter((s) => s.edge_id !== null || withNodes.has(s.key)).length,
      });
    }

    onProgress?.('保存结果', total - 1, total);
    const storedParams = {
      walkSpeedKmH: params.walkSpeedKmH,
      walkSpeedMPerMin: r2(params.walkSpeedMPerMin),
      maxSnapM: params.maxSnapM,
      residential: params.residential,
      districts: params.districts,
      water: params.water,
    };
    const runId = await repo.insertRun(tx, {
      networkId: net.networkVersion,
      params: { ...storedParams, network: params.network, types: params.types },
      versions,
      residentialLayerId: residential.layerId,
      residentialVersion: residential.version,
      user: input.user ?? null,
    });
    await repo.insertRunTypes(tx, runId, typeRows);
    await appendAudit(tx, {
      actor: input.user ?? 'system',
      action: 'access.run',
      entity: 'access_run',
      entityId: runId,
      after: { networkVersion: net.networkVersion, versions, types: params.types.map((t) => t.type), parcels: parcels.length },
    });
    await repo.copyRunFacilities(tx, runId, facilityRows);
    const parcelRows: repo.RunParcelRow[] = parcels.map((p, k) => ({
      feature_id: p.key,
      fid: p.fid,
      district_code: p.district_code,
      area_m2: p.area_m2,
      population: p.population,
      edge_id: p.edge_id,
      offset_m: p.offset_m,
      leg_m: p.leg_m,
      covered_mask: masks[k],
    }));
    await repo.copyRunParcels(tx, runId, parcelRows);
    const names = new Map(parcels.filter((p) => p.district_code !== null).map((p) => [p.district_code!, p.district_name]));
    const facts = parcelRows.map(toFacts);
    const set = tally(facts, params.types.length);
    await repo.insertFigures(tx, runId, figureRows(set, typeRows, names));
    const summary: RunSummary = {
      runId,
      networkVersion: net.networkVersion,
      versions,
      createdAt: new Date().toISOString(),
      seconds: r2((performance.now() - t0) / 1000),
      params: storedParams,
      ...figuresOf(set, typeRows, names),
      uncoveredCount: countUncovered(facts, params.types.length),
      unsnappedParcels: parcels.filter((p) => p.edge_id === null).length,
    };
    await repo.finishRun(tx, runId, summary, summary.seconds);
    return summary;
  });
}

// ---- reading runs ----------------------------------------------------------------------------

export async function getRunRow(db: Queryable, runId?: number): Promise<repo.RunRow> {
  const id = runId ?? (await repo.latestRunId(db));
  if (id === null) throw new AccessNotFoundError('no coverage run yet: POST /api/access/runs or run "onemap access coverage"');
  const run = await repo.runById(db, id);
  if (!run || run.seconds === null) throw new AccessNotFoundError(`coverage run ${id} does not exist`);
  return run;
}

/** A run's summary; a reader limited to districts gets its figures counted inside them (scope.ts). */
export async function getRun(db: Queryable, runId?: number, reader?: Reader): Promise<RunSummary> {
  return summaryFor(db, await getRunRow(db, runId), reader);
}

export async function listRuns(
  db: Queryable,
  limit = 50,
  reader?: Reader,
): Promise<
  {
    runId: number;
    createdAt: string;
    networkVersion: number;
    types: string[];
    coveragePercent: number;
    versions: Record<string, number | null>;
  }[]
> {
  const runs = await repo.listRuns(db, limit);
  const coverage = await coverageFor(db, runs, reader);
  return runs.map((r) => {
    const s = r.summary as unknown as RunSummary;
    return {
      runId: r.id,
      createdAt: new Date(r.created_at).toISOString(),
      networkVersion: r.network_id,
      types: s.byType.map((t) => t.type),
      coveragePercent: coverage.get(r.id)!,
      versions: s.versions,
    };
  });
}

async function runType(db: Queryable, run: repo.RunRow, type: string): Promise<repo.RunTypeRow & { all: repo.RunTypeRow[] }> {
  const all = await repo.runTypes(db, run.id);
  const t = all.find((x) => x.type === type || x.definition.code === type);
  if (!t)
    throw new AccessNotFoundError(`coverage run ${run.id} has no facility type "${type}" (it has ${all.map((x) => x.type).join('、')})`);
  return { ...t, all };
}

/**
 * Who reads a run over HTTP: parcels and facilities of a restricted layer reach a district officer
 * only inside their districts, like every other read of that layer (auth/layers.ts, issue 22
 * item 5). Without a reader (the CLI, run on the server by its operator) a run is read whole.
 */
export type { Reader };

/** The reader's limit on features of layer `code`; null for the whole layer. */
async function within(db: Queryable, reader: Reader | undefined, code: string): Promise<repo.Within | null> {
  if (!reader) return null;
  const scope = await readableLayer(db, reader.user, code);
  return scope.districts ? { scope, districts: reader.districts } : null;
}

/** The GeoJSON answers, as their schemas say (access.schemas.ts). */
export type UncoveredAnswer = Static<typeof s.UncoveredAnswer>;
export type FacilitiesAnswer = Static<typeof s.FacilitiesAnswer>;
export type IsochronesAnswer = Static<typeof s.IsochronesAnswer>;
export type DistrictsAnswer = Static<typeof s.DistrictsAnswer>;
export type WhatIfAnswer = Static<typeof s.WhatIfAnswer>;

const feature = <P extends Record<string, unknown>>(properties: P, g: string) => ({
  type: 'Feature' as const,
  properties,
  geometry: JSON.parse(g) as unknown,
});

/** Uncovered residential parcels of a run as GeoJSON: missing one type, or (default) any type. */
export async function uncoveredGeoJson(
  db: Queryable,
  runId: number | undefined,
  type?: string,
  limit = 50_000,
  reader?: Reader,
): Promise<UncoveredAnswer> {
  const run = await getRunRow(db, runId);
  const all = await repo.runTypes(db, run.id);
  let mask = fullMask(all.length);
  if (type) mask = 1 << (await runType(db, run, type)).idx;
  const rows = await repo.uncoveredParcels(db, run, mask, limit, await within(db, reader, residentialCode(run)));
  return {
    type: 'FeatureCollection',
    runId: run.id,
    facilityType: type ?? null,
    features: rows.map((r) =>
      feature(
        {
          fid: r.fid,
          district: r.district_code,
          areaM2: r2(r.area_m2),
          areaMu: r2(m2ToMu(r.area_m2)),
          population: r.population,
          unsnapped: r.unsnapped,
          legM: r.leg_m === null ? null : r2(r.leg_m),
          missing: all.filter((t) => (r.covered_mask & (1 << t.idx)) === 0).map((t) => t.type),
        },
        r.g,
      ),
    ),
  };
}

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

/** Facilities of a run's type as points, with whether and how far they were snapped. */
export async function facilitiesGeoJson(
  db: Queryable,
  runId: number | undefined,
  type: string,
  reader?: Reader,
): Promise<FacilitiesAnswer> {
  const run = await getRunRow(db, runId);
  const t = await runType(db, run, type);
  const layer = await repo.layerRef(db, t.layer_code);
  if (!layer || t.layer_version === null) return { type: 'FeatureCollection', features: [] };
  const rows = await repo.facilityPoints(
    db,
    run.id,
    t.idx,
    { layerId: layer.id, version: t.layer_version },
    null,
    await within(db, reader, layer.code),
  );
  return {
    type: 'FeatureCollection',
    runId: run.id,
    facilityType: t.type,
    features: rows.map((r) => ({
      type: 'Feature' as const,
      properties: { fid: r.fid, name: r.name, snapped: r.edge_id !== null, legM: r.leg_m === null ? null : r2(r.leg_m) },
      geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
    })),
  };
}

/** District outlines for the map (the configured district layer's active version). */
export async function districtsGeoJson(db: Queryable): Promise<DistrictsAnswer> {
  const d = accessDefaults().districts;
  const ref = await repo.layerRef(db, d.layer);
  if (!ref || ref.active_version === null) return { type: 'FeatureCollection', features: [] };
  const rows = await repo.districtOutlines(db, {
    layerId: ref.id,
    version: ref.active_version,
    codeField: d.codeField,
    nameField: d.nameField,
  });
  return { type: 'FeatureCollection', features: rows.map((r) => feature({ code: r.code, name: r.name }, r.g)) };
}
