// summary-table (图数一致): the package's summary table equals the sums of the layer by district and
// class. The figures summed are the declared 图斑地类面积 (TBDLMJ) with each 图斑's 扣除面积 (KCMJ)
// counted under its 扣除地类 (KCDLBM, 田坎 1203), because that is how 《第三次全国国土调查技术规程》
// builds its area statistics: from the 图斑地类面积 after 面积平差, not from a fresh measure. The
// declared figures are tied to the geometry by DLTB.TBMJ (ellipsoidal area) and DLTB.TBDLMJ
// (TBMJ − KCMJ), so a table that agrees with them agrees with the shapes, and a shape error is
// reported once, by those rules, not again per district here.
// Codes are compared by prefix at the length the table states (6 digits: 县级; 9: 乡级; 12: 村级; a
// class "01" sums 0101–0103), so one rule serves tables at any level. Tolerance: `toleranceM2`
// (default rule set 100 m² = 0.01 公顷): 汇总表 state 公顷 to two decimals, so rounding moves a figure
// by at most 0.005 公顷; a share of the figure is not used, as a share of a district total hides a
// whole 图斑.
import { readFileSync } from 'node:fs';
import type { QcKind, QcRuleDef, RuleOutcome } from '../types.ts';
import { areaSums, unattributed, type AreaSum } from '../summary.repository.ts';
import { M2_PER, type SummaryRow, type SummaryTable } from '../summary-table.ts';
import { m2, m2Text, needNumber, needString } from './common.ts';

const names = (list: string): Map<string, string> => {
  const j = JSON.parse(readFileSync(new URL(`../codelists/${list}.json`, import.meta.url), 'utf8')) as {
    codes: { code: string; name?: string }[];
  };
  return new Map(j.codes.map((c) => [c.code, c.name ?? '']));
};

const DIGITS: Record<string, number> = { 平方米: 2, 公顷: 4, 亩: 4 };
const inUnit = (t: SummaryTable, m2v: number) =>
  `${(m2v / M2_PER[t.unit]).toLocaleString('zh-CN', { minimumFractionDigits: DIGITS[t.unit], maximumFractionDigits: DIGITS[t.unit] })} ${t.unit}`;
const signed = (t: SummaryTable, v: number) => `${v >= 0 ? '+' : '−'}${inUnit(t, Math.abs(v))}`;

interface Group {
  area: number;
  features: number;
  at: AreaSum | null;
}

/** The sums brought to the code lengths (district, class) of a table row. */
function rollUp(sums: AreaSum[], dl: number, cl: number): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const s of sums) {
    const key = `${s.district.slice(0, dl)}/${s.cls.slice(0, cl)}`;
    const g = out.get(key) ?? { area: 0, features: 0, at: null };
    g.area += Number(s.area);
    g.features += s.features;
    g.at ??= s;
    out.set(key, g);
  }
  return out;
}

export const summaryTable: QcKind = {
  name: 'summary-table',
  validate: (rule: QcRuleDef) => [
    ...needString(rule, 'areaField'),
    ...needString(rule, 'classField'),
    ...needString(rule, 'locationField'),
    ...needString(rule, 'ownerField'),
    ...needNumber(rule, 'toleranceM2'),
  ],
  async run(ctx, rule): Promise<RuleOutcome> {
    const t = ctx.summary;
    if (!t) return { total: 0, errors: [], skipped: '未提供成果包的面积汇总表（按行政区、地类），图数一致无从比对' };
    const districtField = (t.districtKind === 'owner' ? rule.ownerField : rule.locationField) as string;
    const f = { district: districtField, cls: rule.classField as string, area: rule.areaField as string };
    const deduct = typeof rule.deductClassField === 'string' && typeof rule.deductAreaField === 'string';
    const sums = await areaSums(ctx.q, { ...f, deductClass: rule.deductClassField as string, deductArea: rule.deductAreaField as string });
    const tol = rule.toleranceM2 as number;
    const districtNames = names((rule.districtList as string) ?? 'xzqdm-hangzhou');
    const classNames = names((rule.classList as string) ?? 'dlbm-sandiao');
    const dName = (code: string, given: string | null) => given ?? districtNames.get(code) ?? districtNames.get(code.slice(0, 6)) ?? '';
    const label = (d: string, c: string, r?: SummaryRow) =>
      `${d}${dName(d, r?.districtName ?? null) ? ` ${dName(d, r?.districtName ?? null)}` : ''}、${c}${(r?.clsName ?? classNames.get(c)) ? ` ${r?.clsName ?? classNames.get(c)}` : ''}`;
    const district = (d: string) => ({ code: d.slice(0, 6), name: districtNames.get(d.slice(0, 6)) ?? '' });
    const what = `${f.area}${deduct ? `（${rule.deductAreaField} 计入 ${rule.deductClassField} 所示地类）` : ''}`;
    const errors: RuleOutcome['errors'] = [];
    const levels = new Map<string, Map<string, Group>>();
    const inTable = new Set<string>();
    for (const r of t.rows) {
      const lk = `${r.district.length}/${r.cls.length}`;
      if (!levels.has(lk)) levels.set(lk, rollUp(sums, r.district.length, r.cls.length));
      const key = `${r.district}/${r.cls}`;
      inTable.add(`${lk}|${key}`);
      const g = levels.get(lk)!.get(key);
      const tableM2 = r.area * M2_PER[t.unit];
      const diff = tableM2 - (g?.area ?? 0);
      if (Math.abs(diff) <= tol + 1e-6) continue;
      const where = `汇总表 ${t.name} 第 ${r.line} 行（${label(r.district, r.cls, r)}）`;
      errors.push({
        fid: key,
        message: g
          ? `${where}：表中面积 ${inUnit(t, tableM2)}，按 ${g.features} 个图斑的${what}汇总为 ${inUnit(t, g.area)}，相差 ${signed(t, diff)}（${diff >= 0 ? '+' : '−'}${m2Text(Math.abs(diff))}），超过容差 ${inUnit(t, tol)} (summary table ≠ sum of the layer)`
          : `${where}：表中面积 ${inUnit(t, tableM2)}，图层中没有该${t.districtKind === 'owner' ? '权属单位' : '行政区'}、该地类的图斑（汇总为 0） (no features for this row)`,
        value: m2(diff),
        location: g?.at && g.at.lon !== null && g.at.lat !== null ? [g.at.lon, g.at.lat] : null,
        geometry: null,
        district: district(r.district),
      });
    }
    // Combinations the layer has at a level the table uses, and the table leaves out.
    for (const [lk, groups] of levels)
      for (const [key, g] of groups) {
        if (inTable.has(`${lk}|${key}`) || Math.abs(g.area) <= tol + 1e-6) continue;
        const [d, c] = key.split('/');
        errors.push({
          fid: key,
          message: `汇总表 ${t.name} 缺少 ${label(d, c)} 一行：按 ${g.features} 个图斑的${what}汇总为 ${inUnit(t, g.area)}（${m2Text(g.area)}） (combination missing from the summary table)`,
          value: m2(-g.area),
          location: g.at && g.at.lon !== null && g.at.lat !== null ? [g.at.lon, g.at.lat] : null,
          geometry: null,
          district: district(d),
        });
      }
    // Fail closed: a 图斑 that belongs to no (district, class) would silently be missing from every sum.
    const lost = await unattributed(ctx.q, f, ctx.limit);
    const listed = errors.slice(0, ctx.limit);
    for (const u of lost.slice(0, ctx.limit - listed.length))
      listed.push({
        fid: u.fid,
        message: `要素 ${u.fid}：缺少 ${f.district}、${f.cls} 或数值型 ${f.area}，无法计入汇总，图数一致无法确认 (feature cannot be summed)`,
        value: null,
        location: u.lon !== null && u.lat !== null ? [u.lon, u.lat] : null,
        geometry: null,
      });
    return { total: errors.length + (lost[0]?.total ?? 0), errors: listed };
  },
};
