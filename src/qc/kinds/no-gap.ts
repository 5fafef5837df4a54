// no-gap (无缝隙): a layer that must cover another — 地类图斑 cover their 行政区 — leaves no part
// of it uncovered. The reference is the store's version in force of `cover`; a reference with no
// data skips the rule and says so (never a silent pass). Gap pieces under minAreaM2 are noding
// noise, not land nobody surveyed.
import type { QcKind } from '../types.ts';
import { gaps } from '../qc.repository.ts';
import { m2, landText, needNumber, needString, place, totalOf } from './common.ts';

export const noGap: QcKind = {
  name: 'no-gap',
  validate: (rule) => [...needString(rule, 'cover'), ...needNumber(rule, 'minAreaM2')],
  async run(ctx, rule) {
    const code = rule.cover as string;
    const ref = await ctx.reference(code);
    if (!ref)
      return { total: 0, errors: [], skipped: `参照图层 ${code} 没有现行版本，未检查缝隙 (layer ${code} has no data: gaps not checked)` };
    const rows = await gaps(ctx.q, ref.id, ref.version, rule.minAreaM2 as number, ctx.limit);
    const label = typeof rule.labelField === 'string' ? rule.labelField : null;
    return {
      total: totalOf(rows),
      errors: rows.map((r) => {
        const name = label && r.props[label] ? `（${String(r.props[label])}）` : '';
        return {
          fid: r.fid,
          message: `${ref.name} ${r.fid}${name} 内有 ${r.pieces} 处未被${ctx.layer}覆盖的缝隙，共 ${landText(r.m2)} (${r.pieces} gaps, ${m2(r.m2)} m², inside ${code} ${r.fid})`,
          value: m2(r.m2),
          ...place(r),
        };
      }),
    };
  },
};
