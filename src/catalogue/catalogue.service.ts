// The layer catalogue: the default layers every bureau starts with (domain.md §3) and reference
// layers created on first import of an unknown code.
import { readFileSync } from 'node:fs';
import type { Db, Queryable } from '../db/index.ts';
import * as repo from './catalogue.repository.ts';
import { appendAudit } from '../audit/audit.ts';
import type { Geometry } from 'geojson';
import { Invalid, NotFound } from '../errors.ts';

export type { LayerRow, LayerSummary, AttrField } from './catalogue.repository.ts';

const DEFAULTS = JSON.parse(readFileSync(new URL('./default-catalogue.json', import.meta.url), 'utf8')) as {
  layers: (repo.LayerInput & { id_field?: string; standard_names?: string[] })[];
};

export const DEFAULT_LAYER_CODES: readonly string[] = DEFAULTS.layers.map((l) => l.code);

/**
 * The attribute that identifies a feature of a catalogue layer across versions (标识码 BSM of the
 * 三调 patches, a red line's 编号, …): imports match features by it when no --id-field is given.
 */
export function defaultIdField(code: string): string | undefined {
  return DEFAULTS.layers.find((l) => l.code.toUpperCase() === code.toUpperCase())?.id_field;
}

/** Adds any default layer that is missing; never overwrites an administrator's edits. */
export async function ensureDefaultCatalogue(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    let order = 10;
    for (const l of DEFAULTS.layers) {
      const { standard_names: names, ...layer } = l;
      await repo.insertIfMissing(tx, { ...layer, sort_order: order });
      // Names of the national database specifications a package's layers are mapped by (migration 014).
      if (names?.length) await repo.addStandardNames(tx, l.code, names);
      order += 10;
    }
  });
}

export const listLayers = (db: Queryable) => repo.findAll(db);
/** The catalogue layers package layer names stand for (standard name, code or Chinese name). */
export const layersByName = (db: Queryable, names: readonly string[]) => repo.layersByName(db, names);
export const standardNames = (db: Queryable) => repo.standardNames(db);
export type { LayerNameMatch } from './catalogue.repository.ts';
export const layerSummaries = (db: Queryable) => repo.summaries(db);
export const findLayer = (db: Queryable, code: string) => repo.findByCode(db, code);
/** Which of these layers hold data (have a version). */
export const layersWithData = (db: Queryable, codes: readonly string[]) => repo.codesWithVersions(db, codes);

export class UnknownLayerError extends NotFound {
  constructor(code: string) {
    super(`资源目录中没有图层“${code}” (no such layer in the catalogue)`);
  }
}

/** Each catalogue layer's name and the names of its attributes (attr_schema labels), by layer code. */
export async function layerLabels(db: Queryable): Promise<Record<string, { name: string; fields: Record<string, string> }>> {
  return Object.fromEntries(
    (await repo.findAll(db)).map((l) => [
      l.code,
      { name: l.name_zh, fields: Object.fromEntries((l.attr_schema ?? []).map((a) => [a.name, a.label ?? a.name])) },
    ]),
  );
}

export async function getLayer(db: Queryable, code: string): Promise<repo.LayerRow> {
  const l = await repo.findByCode(db, code);
  if (!l) throw new UnknownLayerError(code);
  return l;
}

/**
 * The layer an import writes to. A code not in the catalogue becomes a restricted reference
 * layer (参考), so nobody publishes unknown data by accident.
 */
export async function layerForImport(
  db: Queryable,
  code: string,
  geometryType: string,
): Promise<{ layer: repo.LayerRow; created: boolean }> {
  const existing = await repo.findByCode(db, code);
  if (existing) return { layer: existing, created: false };
  if (!/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(code)) {
    throw new Invalid(`图层代码“${code}”无效：须以字母开头，由字母、数字和下划线组成，至多 40 个字符 (layer code "${code}" is not valid)`);
  }
  await repo.insertIfMissing(db, {
    code,
    name_zh: code,
    class: '参考',
    geometry_type: geometryType,
    statutory: false,
    public: false,
    source: 'import',
  });
  return { layer: (await repo.findByCode(db, code))!, created: true };
}

/** A coverage that is not a valid (multi)polygon: code `bad_request`. */
export class CoverageError extends Invalid {}

/**
 * Declares where a layer's data is complete (NULL = the whole city). Reviews of projects outside
 * it report "no data here" for the layer instead of "no conflict" (domain.md §4).
 */
export async function setLayerCoverage(
  db: Db,
  code: string,
  geometry: unknown | null,
  user: string,
): Promise<{ code: string; coverage: Geometry | null }> {
  return db.transaction(async (tx) => {
    const layer = await getLayer(tx, code);
    const before = await repo.coverageOf(tx, layer.id);
    let reason: string | null;
    try {
      reason = await repo.setCoverage(tx, layer.id, geometry === null ? null : JSON.stringify(geometry));
    } catch (e) {
      throw new CoverageError(
        `图层 ${layer.code} 的覆盖范围不是有效的 GeoJSON 几何 (coverage of ${layer.code} is not valid GeoJSON geometry): ${(e as Error).message}`,
      );
    }
    if (reason) throw new CoverageError(`图层 ${layer.code} 的覆盖范围被拒绝 (coverage of ${layer.code} refused): ${reason}`);
    const after = await repo.coverageOf(tx, layer.id);
    await appendAudit(tx, {
      actor: user,
      action: 'layer.coverage',
      entity: 'layer',
      entityId: layer.code,
      before: before && JSON.parse(before),
      after: after && JSON.parse(after),
    });
    return { code: layer.code, coverage: after && JSON.parse(after) };
  });
}

/**
 * Edits a layer's descriptive metadata (source, date, legal basis 批复文号, owner, statutory —
 * domain.md §3). Whether a layer is public is not edited here: it decides what the anonymous public
 * and the tile cache may serve, and stays with the catalogue file and migrations.
 */
const EDITABLE = ['name_zh', 'name_en', 'source', 'legal_basis', 'owner_dept', 'data_date', 'description', 'statutory'];

export async function updateLayerMetadata(db: Db, code: string, m: repo.LayerMetadata, user: string): Promise<repo.LayerRow> {
  const bad = Object.keys(m).filter((k) => !EDITABLE.includes(k));
  if (bad.length) {
    const why = bad.includes('public')
      ? 'whether a layer is public is set in the catalogue file, not edited here'
      : `editable fields are ${EDITABLE.join(', ')}`;
    throw new Invalid(
      `图层 ${code}：字段 ${bad.join('、')} 不可修改 (field${bad.length > 1 ? 's' : ''} ${bad.join(', ')} cannot be edited: ${why})`,
    );
  }
  if (m.name_zh !== undefined && !m.name_zh?.trim()) throw new Invalid(`图层 ${code} 的中文名称不能为空 (name_zh must not be empty)`);
  if (m.data_date != null && !/^\d{4}-\d{2}-\d{2}$/.test(m.data_date))
    throw new Invalid(`图层 ${code} 的数据日期须为 YYYY-MM-DD (data_date must be YYYY-MM-DD, got "${m.data_date}")`);
  return db.transaction(async (tx) => {
    const layer = await getLayer(tx, code);
    const pick = (l: repo.LayerMetadata): Required<repo.LayerMetadata> => ({
      name_zh: l.name_zh!,
      name_en: l.name_en ?? null,
      source: l.source ?? null,
      legal_basis: l.legal_basis ?? null,
      owner_dept: l.owner_dept ?? null,
      data_date: l.data_date ?? null,
      description: l.description ?? null,
      statutory: l.statutory!,
    });
    const before = pick(layer);
    const after = pick({ ...before, ...Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) });
    await repo.updateMetadata(tx, layer.id, after);
    await appendAudit(tx, { actor: user, action: 'layer.metadata', entity: 'layer', entityId: layer.code, before, after });
    return (await repo.findByCode(tx, layer.code))!;
  });
}
