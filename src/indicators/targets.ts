// Targets (目标值): the seed-003 table and Hangzhou's own figures (loaded with the defaults), and
// whatever an administrator enters one by one or imports from XLSX/CSV. An import is all or nothing:
// one bad line refuses the file with every problem named by line and column. Audited.
import type { Db, Queryable } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import { Invalid, NotFound } from '../errors.ts';
import type { DistrictLayer } from '../config.ts';
import * as repo from './indicators.repository.ts';
import { knownRegions } from './regions.ts';
import { parseCell } from './targets.seed.ts';
import { readTable, writeTable } from './tables.ts';
import type { Target } from './types.ts';

export const toTarget = (r: repo.TargetRow): Target => ({
  indicator: r.indicator,
  region: r.region,
  regionName: r.region_name,
  year: r.year,
  value: r.value,
  bound: r.bound,
  hard: r.hard,
  baseYear: r.base_year,
  baseline: r.baseline,
  source: r.source,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

export async function listTargets(q: Queryable, f: repo.TargetFilter = {}): Promise<Target[]> {
  return (await repo.targets(q, f)).map(toTarget);
}

export interface TargetBody {
  indicator: string;
  region: string;
  regionName?: string;
  year: number;
  value: number;
  bound?: 'min' | 'max';
  hard?: boolean;
  baseYear?: number | null;
  baseline?: number | null;
  source?: string;
}

/** Problems of one target, each naming the field; `where` prefixes them (file and line). */
function check(t: TargetBody, defs: Set<string>, regions: Map<string, string>, where: string): string[] {
  const p: string[] = [];
  if (!defs.has(t.indicator)) p.push(`${where}indicator: 指标 “${t.indicator}” 不在指标模型中 (not in the registry)`);
  if (!/^[0-9]{6}$/.test(t.region)) p.push(`${where}region: 六位行政区划代码 (a six-digit GB/T 2260 code), got “${t.region}”`);
  else if (!t.regionName && !regions.has(t.region))
    p.push(`${where}regionName: 地区 ${t.region} 未知，请填写地区名称 (unknown region: give its name)`);
  if (!Number.isInteger(t.year) || t.year < 1990 || t.year > 2100) p.push(`${where}year: 目标年须为 1990–2100 的整数 (got “${t.year}”)`);
  if (typeof t.value !== 'number' || !Number.isFinite(t.value)) p.push(`${where}value: 目标值须为数字 (got “${t.value}”)`);
  if (t.bound !== undefined && t.bound !== 'min' && t.bound !== 'max') p.push(`${where}bound: min（≥）或 max（≤）`);
  if (t.baseYear !== undefined && t.baseYear !== null && (!Number.isInteger(t.baseYear) || t.baseYear >= t.year))
    p.push(`${where}baseYear: 基期年须为早于目标年的整数 (got “${t.baseYear}”)`);
  if (t.baseline !== undefined && t.baseline !== null && !Number.isFinite(t.baseline)) p.push(`${where}baseline: 基期值须为数字`);
  if (t.source !== undefined && t.source.length > 500) p.push(`${where}source: 来源不超过 500 字`);
  return p;
}

const input = (t: TargetBody, regions: Map<string, string>, user: string): repo.TargetInput => ({
  indicator: t.indicator,
  region: t.region,
  regionName: t.regionName?.trim() || regions.get(t.region)!,
  year: t.year,
  value: t.value,
  bound: t.bound ?? 'min',
  hard: t.hard ?? false,
  baseYear: t.baseYear ?? null,
  baseline: t.baseline ?? null,
  source: t.source?.trim() || `管理员录入（${user}）`,
});

/** Adds or replaces one target. */
export async function putTarget(db: Db, districts: DistrictLayer, t: TargetBody, user: string): Promise<Target> {
  await db.transaction(async (tx) => {
    const defs = new Set((await repo.defs(tx, false)).map((d) => d.code));
    const regions = await knownRegions(tx, districts);
    const p = check(t, defs, regions, '');
    if (p.length) throw new Invalid(`目标值无效 (invalid target): ${p.join('; ')}`, { code: 'invalid_target', problems: p });
    const before = (await repo.targets(tx, { indicator: t.indicator, region: t.region, year: t.year }))[0] ?? null;
    const row = input(t, regions, user);
    await repo.upsertTarget(tx, row, user);
    await appendAudit(tx, {
      actor: user,
      action: before ? 'indicators.target.update' : 'indicators.target.create',
      entity: 'indicator_target',
      entityId: `${t.indicator}/${t.region}/${t.year}`,
      before,
      after: row,
    });
  });
  return (await listTargets(db, { indicator: t.indicator, region: t.region, year: t.year }))[0];
}

export async function deleteTarget(db: Db, indicator: string, region: string, year: number, user: string): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await repo.deleteTarget(tx, indicator, region, year);
    if (!before) throw new NotFound(`没有 ${indicator} 在 ${region} 的 ${year} 年目标 (no such target)`);
    await appendAudit(tx, {
      actor: user,
      action: 'indicators.target.delete',
      entity: 'indicator_target',
      entityId: `${indicator}/${region}/${year}`,
      before,
      after: null,
    });
  });
}

// ---- spreadsheets ---------------------------------------------------------------------------

export const TARGET_COLUMNS = [
  '指标代码',
  '指标名称',
  '地区代码',
  '地区名称',
  '目标年',
  '目标值',
  '比较',
  '硬约束',
  '基期年',
  '基期值',
  '来源',
];
const TARGET_ALIASES: Record<string, string> = {
  指标代码: 'indicator',
  indicator: 'indicator',
  指标名称: 'name',
  name: 'name',
  地区代码: 'region',
  region: 'region',
  地区名称: 'regionName',
  regionname: 'regionName',
  目标年: 'year',
  year: 'year',
  目标值: 'value',
  value: 'value',
  比较: 'bound',
  bound: 'bound',
  硬约束: 'hard',
  hard: 'hard',
  基期年: 'baseYear',
  baseyear: 'baseYear',
  基期值: 'baseline',
  baseline: 'baseline',
  来源: 'source',
  source: 'source',
};
const YES = new Set(['是', 'true', '1', 'yes', 'y', '√']);
const NO = new Set(['否', 'false', '0', 'no', 'n', '']);
const num = (v: string): number => (v === '' ? NaN : Number(v.replace(/,/g, '')));

/** Imports targets from an .xlsx or .csv (columns TARGET_COLUMNS; 目标值 may be printed as ≥62.5%). */
export async function importTargets(
  db: Db,
  districts: DistrictLayer,
  buf: Buffer,
  name: string,
  user: string,
): Promise<{ imported: number; created: number; updated: number }> {
  const rows = await readTable(buf, name, TARGET_ALIASES);
  return db.transaction(async (tx) => {
    const defs = new Set((await repo.defs(tx, false)).map((d) => d.code));
    const regions = await knownRegions(tx, districts);
    const problems: string[] = [];
    const parsed: repo.TargetInput[] = [];
    const seen = new Set<string>();
    for (const r of rows) {
      const c = r.cells;
      const where = `${name} 第 ${r.line} 行 `;
      let value = num(c.value ?? '');
      let bound: 'min' | 'max' | undefined;
      if (Number.isNaN(value) && c.value) {
        try {
          ({ value, bound } = parseCell(c.value, where));
        } catch {
          /* reported by check */
        }
      }
      const b = (c.bound ?? '').trim();
      if (b)
        bound = ['≥', '>=', 'min', '不低于', '下限'].includes(b)
          ? 'min'
          : ['≤', '<=', 'max', '不高于', '上限'].includes(b)
            ? 'max'
            : (problems.push(`${where}比较: ≥ 或 ≤ (got “${b}”)`), undefined);
      const h = (c.hard ?? '').trim().toLowerCase();
      if (!YES.has(h) && !NO.has(h)) problems.push(`${where}硬约束: 是 或 否 (got “${c.hard}”)`);
      const t: TargetBody = {
        indicator: (c.indicator ?? '').trim(),
        region: (c.region ?? '').trim(),
        regionName: c.regionName?.trim() || undefined,
        year: num(c.year ?? ''),
        value,
        bound,
        hard: YES.has(h),
        baseYear: c.baseYear ? num(c.baseYear) : null,
        baseline: c.baseline ? num(c.baseline) : null,
        source: c.source?.trim() || `${name} 导入`,
      };
      const p = check(t, defs, regions, where);
      const key = `${t.indicator}/${t.region}/${t.year}`;
      if (seen.has(key)) p.push(`${where}: 与前面的行重复 (${key} appears twice)`);
      seen.add(key);
      problems.push(...p);
      if (!p.length) parsed.push(input(t, regions, user));
    }
    if (problems.length)
      throw new Invalid(
        `${name}: ${problems.length} 处错误，未导入任何目标 (nothing imported): ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ' …' : ''}`,
        { code: 'import_rejected', problems },
      );
    let created = 0;
    for (const t of parsed) {
      const existed = (await repo.targets(tx, { indicator: t.indicator, region: t.region, year: t.year })).length > 0;
      await repo.upsertTarget(tx, t, user);
      if (!existed) created++;
    }
    await appendAudit(tx, {
      actor: user,
      action: 'indicators.target.import',
      entity: 'indicator_target',
      entityId: name,
      after: { file: name, rows: parsed.length, created, targets: parsed },
    });
    return { imported: parsed.length, created, updated: parsed.length - created };
  });
}

export async function exportTargets(q: Queryable, format: 'xlsx' | 'csv', f: repo.TargetFilter = {}): Promise<Buffer> {
  const names = new Map((await repo.defs(q, false)).map((d) => [d.code, String((d.definition as { name?: string }).name ?? d.code)]));
  const rows = (await listTargets(q, f)).map((t) => [
    t.indicator,
    names.get(t.indicator) ?? '',
    t.region,
    t.regionName,
    t.year,
    t.value,
    t.bound === 'min' ? '≥' : '≤',
    t.hard ? '是' : '否',
    t.baseYear,
    t.baseline,
    t.source,
  ]);
  return writeTable(format, '目标值', TARGET_COLUMNS, rows);
}
