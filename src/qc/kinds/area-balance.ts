// area-balance: an area that is the difference of two others — 三调 TBDLMJ 图斑地类面积 =
// TBMJ 图斑面积 − KCMJ 扣除面积 — holds it, in exact decimals (the standard states areas to 0.01 m²).
import type { QcKind } from '../types.ts';
import { unbalanced } from '../qc.repository.ts';
import { needNumber, needString, place, totalOf } from './common.ts';

export const areaBalance: QcKind = {
  name: 'area-balance',
  validate: (rule) => [
    ...needString(rule, 'result'),
    ...needString(rule, 'minuend'),
    ...needString(rule, 'subtrahend'),
    ...needNumber(rule, 'toleranceM2'),
  ],
  async run(ctx, rule) {
    const f = { result: rule.result as string, minuend: rule.minuend as string, subtrahend: rule.subtrahend as string };
    const rows = await unbalanced(ctx.q, f, rule.toleranceM2 as number, ctx.limit);
    return {
      total: totalOf(rows),
      errors: rows.map((r) => {
        const diff = Number(r.result) - (Number(r.minuend) - Number(r.subtrahend));
        const value = Math.round(diff * 100) / 100;
        return {
          fid: r.fid,
          message: `要素 ${r.fid}：${f.result} = ${r.result} m²，而 ${f.minuend} − ${f.subtrahend} = ${r.minuend} − ${r.subtrahend} m²，相差 ${value} m² (${f.result} ≠ ${f.minuend} − ${f.subtrahend})`,
          value,
          ...place(r),
        };
      }),
    };
  },
};
