// Reading the versioned store: version history, "as of" resolution and version diffs.
import type { Queryable } from '../db/index.ts';
import { getLayer } from '../catalogue/catalogue.service.ts';
import { m2ToMu } from '../area/units.ts';
import * as history from './history.repository.ts';
import { NotFound } from '../errors.ts';
import type { VersionInfo, DiffEntry, DiffResult } from '../catalogue/catalogue.schemas.ts';

export type { VersionInfo, DiffEntry, DiffResult };

/**
 * The versions of a layer. `within`: a reader limited to districts (a district officer on a
 * restricted layer) gets the counts and areas of the features inside them, not the city's.
 */
export async function listVersions(db: Queryable, code: string, within: history.DistrictsWithin | null = null): Promise<VersionInfo[]> {
  const layer = await getLayer(db, code);
  const all = await history.versions(db, layer.id);
  const scoped = within ? await history.scopedVersions(db, layer.id, within) : null;
  // Fail closed: every version must have its scoped figures, or none is answered.
  if (scoped && (scoped.length !== all.length || scoped.some((s, i) => s.version !== all[i].version)))
    throw new Error(`listVersions: scoped figures for ${scoped.length} of ${all.length} versions of ${layer.code}`);
  return all.map((row, i) => {
    const v = scoped ? { ...row, ...scoped[i] } : row;
    return {
      version: v.version,
      active: v.version === layer.active_version,
      createdAt: new Date(v.created_at).toISOString(),
      validFrom: new Date(v.valid_from).toISOString(),
      source: v.source_path,
      format: v.source_format,
      srid: v.source_srid,
      sridSource: v.source_crs,
      featureCount: v.feature_count,
      areaM2: { ellipsoidal: v.area_m2, planar: v.planar_m2 },
      added: v.added,
      removed: v.removed,
      changed: v.changed,
      createdBy: v.created_by,
      note: v.note,
    };
  });
}

/** Features of each layer's version inside the districts (one figure per layer asked about). */
export async function featureCountsWithin(
  db: Queryable,
  layers: { layerId: number; version: number | null }[],
  within: history.DistrictsWithin,
): Promise<Map<number, number>> {
  return history.scopedFeatureCounts(db, layers, within);
}

/** No such version of a layer (or none yet): code `not_found`. */
export class VersionError extends NotFound {}

/** Resolves "which version": an explicit number, a date (as of), or the active one. */
export async function resolveVersion(
  db: Queryable,
  code: string,
  which?: { version?: number; asOf?: Date },
): Promise<{ layerId: number; version: number }> {
  const layer = await getLayer(db, code);
  if (which?.version !== undefined) {
    const all = await history.versions(db, layer.id);
    if (!all.some((v) => v.version === which.version)) {
      throw new VersionError(
        `图层 ${layer.code} 没有第 ${which.version} 版（现有版本：${all.map((v) => v.version).join('、') || '无'}） (layer ${layer.code} has no version ${which.version}; it has ${all.map((v) => v.version).join(', ') || 'none'})`,
      );
    }
    return { layerId: layer.id, version: which.version };
  }
  if (which?.asOf) {
    const v = await history.versionAsOf(db, layer.id, which.asOf);
    if (v === null)
      throw new VersionError(
        `图层 ${layer.code} 在 ${which.asOf.toISOString()} 还没有任何版本 (layer ${layer.code} had no version yet on ${which.asOf.toISOString()})`,
      );
    return { layerId: layer.id, version: v };
  }
  if (layer.active_version === null)
    throw new VersionError(`图层 ${layer.code} 还没有数据，请先导入文件 (layer ${layer.code} has no data yet: import a file first)`);
  return { layerId: layer.id, version: layer.active_version };
}

/** Attributes whose values differ (compared as the store keeps them, jsonb), old → new, by name. */
function attributeChanges(
  a: Record<string, unknown> | null,
  b: Record<string, unknown> | null,
): { name: string; before: unknown; after: unknown }[] {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys]
    .filter((k) => JSON.stringify(a?.[k]) !== JSON.stringify(b?.[k]))
    .sort()
    .map((name) => ({ name, before: a?.[name] ?? null, after: b?.[name] ?? null }));
}

/** 对比分析: what changed from version `from` to version `to`, with the area change (ellipsoidal). */
export async function diffVersions(db: Queryable, code: string, from: number, to: number): Promise<DiffResult> {
  const a = await resolveVersion(db, code, { version: from });
  await resolveVersion(db, code, { version: to });
  const rows = await history.diff(db, a.layerId, from, to);
  const out: DiffResult = {
    layer: (await getLayer(db, code)).code,
    from,
    to,
    added: [],
    removed: [],
    changed: [],
    summary: { added: 0, removed: 0, changed: 0, areaChangeM2: 0, areaChangeMu: 0 },
  };
  for (const r of rows) {
    const change = (r.area_after ?? 0) - (r.area_before ?? 0);
    const e: DiffEntry = {
      fid: r.fid,
      areaBeforeM2: r.area_before,
      areaAfterM2: r.area_after,
      areaChangeM2: change,
      areaChangeMu: m2ToMu(change),
    };
    if (r.status === 'changed') {
      const changes = attributeChanges(r.props_before, r.props_after);
      e.geometryChanged = r.geometry_changed;
      e.attributesChanged = changes.map((c) => c.name);
      e.attributeChanges = changes;
    }
    out[r.status].push(e);
    out.summary.areaChangeM2 += change;
  }
  out.summary.added = out.added.length;
  out.summary.removed = out.removed.length;
  out.summary.changed = out.changed.length;
  out.summary.areaChangeMu = m2ToMu(out.summary.areaChangeM2);
  return out;
}
