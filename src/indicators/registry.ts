// 指标模型管理: indicator definitions are data. The defaults (default-indicators.json) are loaded
// into the database once; administrators then add, retune or switch off indicators with
// PUT /api/indicators/definitions/:code — a definition names a computation kind and its parameters,
// so no code changes. Every change is checked (problems name the field) and audited.
import { readFileSync } from 'node:fs';
import type { Db, Queryable } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import { Invalid, NotFound } from '../errors.ts';
import * as repo from './indicators.repository.ts';
import { indicatorKind, indicatorKinds } from './kinds/index.ts';
import { parseSeed003 } from './targets.seed.ts';
import type { Bands, DefRecord, IndicatorDef } from './types.ts';

export interface Defaults {
  version: number;
  settings: { city: { code: string; name: string }; warning: { bands: Bands; floorMargin: number }; webhook: WebhookSettings };
  dimensions: string[];
  statistics: { code: string; name: string; unit: string; additive: boolean }[];
  regions: Record<string, string>;
  indicators: IndicatorDef[];
  provinceTargets: { file: string; baseYear: number; columns: Record<string, string>; source: string };
  targets: { indicator: string; region: string; year: number; value: number; bound: 'min' | 'max'; hard: boolean; source: string }[];
  reported: { indicator: string; region: string; year: number; value: number; note: string }[];
}

export interface WebhookSettings {
  url: string | null;
  enabled: boolean;
  minLevel: 'yellow' | 'red';
  timeoutMs: number;
}

const strip = (k: string, v: unknown) => (k.startsWith('$') ? undefined : v);
export const DEFAULTS: Defaults = JSON.parse(readFileSync(new URL('./default-indicators.json', import.meta.url), 'utf8'), strip);

export const DIMENSIONS = DEFAULTS.dimensions;
const MODES = ['progress', 'annual', 'level'];
const CODE = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

/** Problems of a definition, each naming the field; empty when it can be saved. */
export function checkDefinition(d: Record<string, unknown>, known: Set<string>): string[] {
  const p: string[] = [];
  const str = (k: string, max: number, required = true) => {
    const v = d[k];
    if (v === undefined && !required) return;
    if (typeof v !== 'string' || !v.trim() || v.length > max)
      p.push(`${k}: ${required ? 'required, ' : ''}text of at most ${max} characters`);
  };
  if (typeof d.code !== 'string' || !CODE.test(d.code)) p.push('code: letters, digits and _ , starting with a letter (at most 40)');
  str('name', 100);
  str('nameEn', 200, false);
  str('definition', 2000);
  str('basis', 2000, false);
  str('department', 200, false);
  if (!DIMENSIONS.includes(d.dimension as string)) p.push(`dimension: one of ${DIMENSIONS.join('、')}`);
  if (typeof d.unit !== 'string' || d.unit.length > 20) p.push('unit: text of at most 20 characters ("" for none)');
  if (!Number.isInteger(d.decimals) || (d.decimals as number) < 0 || (d.decimals as number) > 6) p.push('decimals: a whole number 0–6');
  if (d.better !== 'higher' && d.better !== 'lower') p.push('better: higher or lower');
  if (!Array.isArray(d.regionLevels) || !d.regionLevels.length || d.regionLevels.some((x) => x !== 'city' && x !== 'district'))
    p.push('regionLevels: a list of city / district');
  if (d.period !== 'year') p.push('period: year (indicators are computed per calendar year)');
  if (d.aggregate !== 'annual' && d.aggregate !== 'cumulative') p.push('aggregate: annual or cumulative');
  if (d.baseYear !== undefined && (!Number.isInteger(d.baseYear) || (d.baseYear as number) < 1990 || (d.baseYear as number) > 2100))
    p.push('baseYear: a year such as 2025');
  if (d.aggregate === 'cumulative' && d.baseYear === undefined)
    p.push('baseYear: required for cumulative indicators (the years after it are summed)');
  if (d.order !== undefined && !Number.isInteger(d.order)) p.push('order: a whole number');
  const w = d.warning as Record<string, unknown> | undefined;
  if (!w || typeof w !== 'object' || Array.isArray(w)) p.push('warning: an object with mode (progress, annual or level)');
  else {
    if (!MODES.includes(w.mode as string)) p.push(`warning.mode: one of ${MODES.join(', ')}`);
    if (w.bands !== undefined) p.push(...checkBands(w.bands, 'warning.bands'));
    if (w.floorMargin !== undefined && !(typeof w.floorMargin === 'number' && w.floorMargin >= 0 && w.floorMargin < 1))
      p.push('warning.floorMargin: a share 0 ≤ x < 1');
    if (w.baseline !== undefined && w.baseline !== 'zero' && w.baseline !== 'base-year-value')
      p.push('warning.baseline: zero or base-year-value');
    for (const k of Object.keys(w)) if (!['mode', 'bands', 'floorMargin', 'baseline'].includes(k)) p.push(`warning.${k}: unknown field`);
  }
  const kind = indicatorKind(d.kind);
  if (!kind)
    p.push(
      `kind: one of ${indicatorKinds()
        .map((k) => k.name)
        .join(', ')}`,
    );
  if (!d.params || typeof d.params !== 'object' || Array.isArray(d.params)) p.push("params: an object (the kind's parameters)");
  else if (kind) {
    p.push(...kind.check(d.params as Record<string, unknown>).map((x) => `params.${x}`));
    for (const dep of kind.dependsOn?.(d.params as Record<string, unknown>) ?? []) {
      if (dep === d.code) p.push(`params: ${d.code} cannot depend on itself`);
      else if (typeof dep === 'string' && !known.has(dep)) p.push(`params: indicator ${dep} is not in the registry`);
    }
  }
  const fields = [
    'code',
    'name',
    'nameEn',
    'dimension',
    'definition',
    'basis',
    'kind',
    'params',
    'unit',
    'decimals',
    'better',
    'regionLevels',
    'period',
    'aggregate',
    'baseYear',
    'warning',
    'department',
    'order',
  ];
  for (const k of Object.keys(d)) if (!fields.includes(k)) p.push(`${k}: unknown field (known: ${fields.join(', ')})`);
  return p;
}

export function checkBands(b: unknown, where: string): string[] {
  const x = b as Record<string, unknown>;
  if (!x || typeof x !== 'object' || typeof x.green !== 'number' || typeof x.yellow !== 'number')
    return [`${where}: { green, yellow } ratios`];
  if (!(x.green > 0 && x.yellow >= 0 && x.yellow <= x.green)) return [`${where}: need green > 0 and 0 ≤ yellow ≤ green`];
  return [];
}

/** The seed-003 table (data/seed-003-targets.csv) as target rows: 11 cities × 8 indicators × 2027/2030. */
export function seed003Targets() {
  const text = readFileSync(new URL(`./${DEFAULTS.provinceTargets.file}`, import.meta.url), 'utf8');
  return parseSeed003(text, DEFAULTS.provinceTargets, DEFAULTS.regions);
}

const toRecord = (r: repo.DefRow): DefRecord => ({
  ...(r.definition as unknown as IndicatorDef),
  code: r.code,
  order: r.sort_order,
  builtin: r.builtin,
  enabled: r.enabled,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

/**
 * Loads the defaults once (and again when default-indicators.json's version grows): definitions,
 * the seed-003 targets, Hangzhou's targets and reported figures. Rows an administrator already has
 * are never overwritten.
 */
export async function ensureDefaults(db: Db): Promise<void> {
  const seededVersion = async (q: Queryable) => ((await repo.settings(q)).get('seeded') as { version?: number } | undefined)?.version ?? 0;
  if ((await seededVersion(db)) >= DEFAULTS.version) return;
  await db.transaction(async (tx) => {
    // Requests arriving together may all have found the defaults missing: the first one loads them.
    await repo.lockDefaults(tx);
    if ((await seededVersion(tx)) >= DEFAULTS.version) return;
    let defs = 0;
    let targets = 0;
    let reported = 0;
    for (const [i, d] of DEFAULTS.indicators.entries()) {
      if (
        await repo.upsertDef(
          tx,
          { code: d.code, definition: d, builtin: true, enabled: true, order: d.order ?? (i + 1) * 10, user: 'system' },
          true,
        )
      )
        defs++;
    }
    for (const t of seed003Targets()) if (await repo.upsertTarget(tx, t, 'system', true)) targets++;
    for (const t of DEFAULTS.targets) {
      const row = { ...t, regionName: DEFAULTS.regions[t.region] ?? t.region, baseYear: null, baseline: null };
      if (await repo.upsertTarget(tx, row, 'system', true)) targets++;
    }
    for (const r of DEFAULTS.reported) {
      if (
        await repo.upsertValue(
          tx,
          {
            indicator: r.indicator,
            region: r.region,
            year: r.year,
            source: 'reported',
            value: r.value,
            note: r.note,
            provenance: { reported: r.note },
            runId: null,
            user: 'system',
          },
          true,
        )
      )
        reported++;
    }
    await repo.putSetting(tx, 'seeded', { version: DEFAULTS.version }, 'system');
    await appendAudit(tx, {
      actor: 'system',
      action: 'indicators.seed',
      entity: 'indicator_def',
      entityId: null,
      after: { version: DEFAULTS.version, defs, targets, reported },
    });
  });
}

export async function listDefinitions(q: Queryable, o: { enabledOnly?: boolean } = {}): Promise<DefRecord[]> {
  return (await repo.defs(q, o.enabledOnly ?? false)).map(toRecord);
}

export async function getDefinition(q: Queryable, code: string): Promise<DefRecord> {
  const r = await repo.def(q, code);
  if (!r) throw new NotFound(`指标 ${code} 不存在 (no indicator "${code}" in the registry)`);
  return toRecord(r);
}

/** Adds or replaces a definition (a builtin keeps its builtin flag); refused whole when anything is wrong. */
export async function putDefinition(
  db: Db,
  code: string,
  input: Record<string, unknown>,
  enabled: boolean | undefined,
  user: string,
): Promise<DefRecord> {
  const d: Record<string, unknown> = { ...input, code };
  await db.transaction(async (tx) => {
    const known = new Set((await repo.defs(tx, false)).map((r) => r.code));
    const problems = checkDefinition(d, known);
    if (problems.length)
      throw new Invalid(`指标定义无效 (invalid indicator definition ${code}): ${problems.join('; ')}`, {
        code: 'invalid_definition',
        problems,
      });
    const before = await repo.def(tx, code, true);
    const order = (d.order as number | undefined) ?? before?.sort_order ?? 1000;
    await repo.upsertDef(tx, {
      code,
      definition: d,
      builtin: before?.builtin ?? false,
      enabled: enabled ?? before?.enabled ?? true,
      order,
      user,
    });
    await appendAudit(tx, {
      actor: user,
      action: before ? 'indicators.definition.update' : 'indicators.definition.create',
      entity: 'indicator_def',
      entityId: code,
      before: before?.definition ?? null,
      after: { ...d, enabled: enabled ?? before?.enabled ?? true },
    });
  });
  return getDefinition(db, code);
}

/** Switches an indicator on or off (a switched-off indicator is neither computed nor reported). */
export async function setEnabled(db: Db, code: string, enabled: boolean, user: string): Promise<DefRecord> {
  await db.transaction(async (tx) => {
    const before = await repo.def(tx, code, true);
    if (!before) throw new NotFound(`指标 ${code} 不存在 (no indicator "${code}" in the registry)`);
    await repo.upsertDef(tx, { code, definition: before.definition, builtin: before.builtin, enabled, order: before.sort_order, user });
    await appendAudit(tx, {
      actor: user,
      action: enabled ? 'indicators.definition.enable' : 'indicators.definition.disable',
      entity: 'indicator_def',
      entityId: code,
      before: { enabled: before.enabled },
      after: { enabled },
    });
  });
  return getDefinition(db, code);
}

/** The kinds, for the registry page and the API. */
export const kindDocs = () => indicatorKinds().map((k) => ({ name: k.name, label: k.label, description: k.description, params: k.params }));
