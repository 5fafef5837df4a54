// Statistics the formulas need and the store does not hold (地区生产总值 GDP in 亿元, 城镇常住人口 in
// 万人, per region and year), entered by administrators or imported from XLSX/CSV. Audited.
import type { Db, Queryable } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import { Invalid } from '../errors.ts';
import * as repo from './indicators.repository.ts';
import { DEFAULTS } from './registry.ts';
import { readTable, writeTable } from './tables.ts';

export interface Statistic {
  code: string;
  region: string;
  year: number;
  value: number;
  source?: string | null;
}

export const statisticKinds = () => DEFAULTS.statistics;

export async function listStatistics(q: Queryable, f: { code?: string; region?: string; year?: number } = {}) {
  return (await repo.statistics(q, f)).map((s) => ({
    code: s.code,
    region: s.region,
    year: s.year,
    value: s.value,
    source: s.source,
    updatedBy: s.updated_by,
  }));
}

function check(s: Statistic, where: string): string[] {
  const p: string[] = [];
  if (typeof s.code !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(s.code))
    p.push(`${where}code: 统计数代码，如 GDP (got “${s.code}”)`);
  if (typeof s.region !== 'string' || !/^[0-9]{6}$/.test(s.region)) p.push(`${where}region: 六位行政区划代码 (got “${s.region}”)`);
  if (!Number.isInteger(s.year) || s.year < 1990 || s.year > 2100) p.push(`${where}year: 1990–2100 (got “${s.year}”)`);
  if (typeof s.value !== 'number' || !Number.isFinite(s.value) || s.value < 0) p.push(`${where}value: 不小于 0 的数字 (got “${s.value}”)`);
  return p;
}

/** Saves several statistics at once (all or nothing). */
export async function putStatistics(db: Db, items: Statistic[], user: string, source = 'API'): Promise<number> {
  const problems = items.flatMap((s, i) => check(s, `items[${i}].`));
  if (problems.length)
    throw new Invalid(`统计数无效 (invalid statistics): ${problems.slice(0, 5).join('; ')}`, { code: 'invalid_statistic', problems });
  await db.transaction(async (tx) => {
    for (const s of items) await repo.upsertStatistic(tx, { ...s, source: s.source ?? null }, user);
    await appendAudit(tx, {
      actor: user,
      action: 'indicators.statistics',
      entity: 'indicator_statistic',
      entityId: source,
      after: { items },
    });
  });
  return items.length;
}

const ALIASES: Record<string, string> = {
  统计代码: 'code',
  code: 'code',
  统计名称: 'name',
  name: 'name',
  地区代码: 'region',
  region: 'region',
  地区名称: 'regionName',
  年份: 'year',
  year: 'year',
  数值: 'value',
  value: 'value',
  单位: 'unit',
  来源: 'source',
  source: 'source',
};
const COLUMNS = ['统计代码', '统计名称', '地区代码', '年份', '数值', '单位', '来源'];

export async function importStatistics(db: Db, buf: Buffer, name: string, user: string): Promise<number> {
  const rows = await readTable(buf, name, ALIASES);
  const items: Statistic[] = [];
  const problems: string[] = [];
  for (const r of rows) {
    const c = r.cells;
    const s = {
      code: (c.code ?? '').trim(),
      region: (c.region ?? '').trim(),
      year: Number(c.year),
      value: c.value === '' ? NaN : Number((c.value ?? '').replace(/,/g, '')),
      source: c.source?.trim() || `${name} 导入`,
    };
    const p = check(s, `${name} 第 ${r.line} 行 `);
    problems.push(...p);
    if (!p.length) items.push(s);
  }
  if (problems.length)
    throw new Invalid(`${name}: ${problems.length} 处错误，未导入任何统计数 (nothing imported): ${problems.slice(0, 5).join('; ')}`, {
      code: 'import_rejected',
      problems,
    });
  return putStatistics(db, items, user, name);
}

export async function exportStatistics(q: Queryable, format: 'xlsx' | 'csv'): Promise<Buffer> {
  const kinds = new Map(DEFAULTS.statistics.map((s) => [s.code, s]));
  const rows = (await repo.statistics(q)).map((s) => [
    s.code,
    kinds.get(s.code)?.name ?? '',
    s.region,
    s.year,
    s.value,
    kinds.get(s.code)?.unit ?? '',
    s.source,
  ]);
  return writeTable(format, '统计数', COLUMNS, rows);
}
