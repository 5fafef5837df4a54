// within: each feature lies inside another layer — 城镇开发边界 inside the 行政区. The part outside
// the union of the reference features is the error's geometry, its ellipsoidal area the value.
import type { QcKind } from '../types.ts';
import { outside } from '../qc.repository.ts';
import { m2, landText, needNumber, needString, place, totalOf } from './common.ts';

export const within: QcKind = {
  name: 'within',
  validate: (rule) => [...needString(rule, 'within'), ...needNumber(rule, 'minAreaM2')],
  async run(ctx, rule) {
    const code = rule.within as string;
    const ref = await ctx.reference(code);
    if (!ref)
      return {
        total: 0,
        errors: [],
        skipped: `参照图层 ${code} 没有现行版本，未检查包含关系 (layer ${code} has no data: containment not checked)`,
      };
    const rows = await outside(ctx.q, ref.id, ref.version, rule.minAreaM2 as number, ctx.limit);
    return {
      total: totalOf(rows),
      errors: rows.map((r) => ({
        fid: r.fid,
        message: `要素 ${r.fid} 有 ${landText(r.m2)} 位于${ref.name}（${code}）之外 (${m2(r.m2)} m² of feature ${r.fid} lies outside ${code})`,
        value: m2(r.m2),
        ...place(r),
      })),
    };
  },
};
