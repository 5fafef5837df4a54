// unique: an identifier (标识码 BSM, 行政区代码) names one feature only. Every feature sharing a
// value is listed: which of them is right is the producer's call, not the checker's.
import type { QcKind } from '../types.ts';
import { duplicates } from '../qc.repository.ts';
import { needString, place, totalOf } from './common.ts';

export const unique: QcKind = {
  name: 'unique',
  validate: (rule) => needString(rule, 'field'),
  async run(ctx, rule) {
    const field = rule.field as string;
    const rows = await duplicates(ctx.q, field, ctx.limit);
    return {
      total: totalOf(rows),
      errors: rows.map((r) => ({
        fid: r.fid,
        message: `要素 ${r.fid}：${field} 的值“${r.value}”共有 ${r.n} 个要素使用（${r.fids.join('、')}${r.n > r.fids.length ? ' 等' : ''}），标识须唯一 (${field} "${r.value}" is used by ${r.n} features)`,
        value: r.value,
        ...place(r),
      })),
    };
  },
};
