// 15-minute life circle (15分钟生活圈, domain.md §8): computing a coverage run. Reading runs is in
// runs.service.ts, "what if" and isochrones in whatif.service.ts; this module is the one door.
// PostGIS snaps facilities and parcels to the network; the graph search runs over typed arrays
// (dijkstra.ts). A run stores its parameters, the network version and every
// layer version it read, the per-parcel result and the figures, so its numbers can be explained later.
import { appendAudit } from '../audit/audit.ts';
import type { Queryable } from '../db/index.ts';
import { buildNetwork } from './network.ts';
import * as repo from './access.repository.ts';
import { resolveCoverageParams, AccessInputError, type CoverageInput } from './settings.ts';
import { Dijkstra } from './dijkstra.ts';
import { facilitySources, parcelDistances, tally, type Snap } from './coverage.ts';
import { r2, toFacts, countUncovered, figuresOf, figureRows, type RunSummary } from './figures.ts';
import type { AccessContext } from './runs.service.ts';

export { accessContext, getRunRow, getRun, listRuns, uncoveredGeoJson, facilitiesGeoJson, districtsGeoJson } from './runs.service.ts';
export type {
  AccessContext,
  Reader,
  UncoveredAnswer,
  FacilitiesAnswer,
  IsochronesAnswer,
  DistrictsAnswer,
  WhatIfAnswer,
} from './runs.service.ts';
export { whatIf, isochrones, type WhatIfInput, type IsochroneQuery } from './whatif.service.ts';

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
