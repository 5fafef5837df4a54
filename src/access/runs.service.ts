// Reading stored coverage runs (15分钟生活圈): a run's summary, its list, and its GeoJSON answers
// (uncovered parcels, facilities, district outlines), each cut to what the reader may see.
import type { Static } from '../schema.ts';
import type * as s from './access.schemas.ts';
import type { Db, Queryable } from '../db/index.ts';
import { m2ToMu } from '../area/units.ts';
import { GraphCache, AccessNotFoundError } from './network.ts';
import * as repo from './access.repository.ts';
import { accessDefaults } from './settings.ts';
import { readableLayer } from '../auth/layers.ts';
import { r2, fullMask, type RunSummary } from './figures.ts';
import { coverageFor, residentialCode, summaryFor, type Reader } from './scope.ts';

/** What the services share for one app or CLI invocation: the database and loaded graphs. */
export interface AccessContext {
  db: Db;
  graphs: GraphCache;
}

export const accessContext = (db: Db): AccessContext => ({ db, graphs: new GraphCache() });

// ---- reading runs ----------------------------------------------------------------------------

export async function getRunRow(db: Queryable, runId?: number): Promise<repo.RunRow> {
  const id = runId ?? (await repo.latestRunId(db));
  if (id === null) throw new AccessNotFoundError('尚未计算覆盖率，请管理员在“生活圈”页面发起计算（no coverage run yet）');
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

export async function runType(db: Queryable, run: repo.RunRow, type: string): Promise<repo.RunTypeRow & { all: repo.RunTypeRow[] }> {
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
export async function within(db: Queryable, reader: Reader | undefined, code: string): Promise<repo.Within | null> {
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

export const feature = <P extends Record<string, unknown>>(properties: P, g: string) => ({
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
