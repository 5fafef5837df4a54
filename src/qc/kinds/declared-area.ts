// declared-area: the area a feature declares (三调 TBMJ 图斑面积) equals its ellipsoidal area on
// the CGCS2000 ellipsoid, within max(toleranceM2, tolerancePercent % of it) — the tolerance
// absorbs the 面积平差 that makes a district's TBMJ sum to its control area.
import type { QcKind } from '../types.ts';
import { declaredAreas } from '../qc.repository.ts';
import { m2, m2Text, needNumber, needString, place, totalOf } from './common.ts';

export const declaredArea: QcKind = {
  name: 'declared-area',
  validate: (rule) => [...needString(rule, 'field'), ...needNumber(rule, 'toleranceM2'), ...needNumber(rule, 'tolerancePercent')],
  async run(ctx, rule) {
    const field = rule.field as string;
    const rows = await declaredAreas(ctx.q, field, rule.toleranceM2 as number, rule.tolerancePercent as number, ctx.limit);
    return {
      total: totalOf(rows),
      errors: rows.map((r) => {
        const d = r.declared - r.computed;
        return {
          fid: r.fid,
          message: `要素 ${r.fid}：${field} 为 ${m2Text(r.declared)}，按图形计算的椭球面积为 ${m2Text(r.computed)}，相差 ${d >= 0 ? '+' : '−'}${m2Text(Math.abs(d))} (${field} ${r.declared} m² vs ellipsoidal ${m2(r.computed)} m²)`,
          value: m2(d),
          ...place(r),
        };
      }),
    };
  },
};
