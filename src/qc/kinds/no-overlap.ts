// no-overlap (无压盖): a layer that partitions space — 地类图斑, 行政区 — has no two features
// sharing area. One error per overlapping pair, on the feature first in order, with the overlap as
// geometry and its ellipsoidal area as value.
import type { QcKind } from '../types.ts';
import { overlaps } from '../qc.repository.ts';
import { m2, landText, needNumber, place, totalOf } from './common.ts';

export const noOverlap: QcKind = {
  name: 'no-overlap',
  validate: (rule) => needNumber(rule, 'minAreaM2'),
  async run(ctx, rule) {
    const rows = await overlaps(ctx.q, rule.minAreaM2 as number, ctx.limit);
    return {
      total: totalOf(rows),
      errors: rows.map((r) => ({
        fid: r.fid,
        message: `要素 ${r.fid} 与要素 ${r.other} 相互压盖 ${landText(r.m2)} (features ${r.fid} and ${r.other} overlap by ${m2(r.m2)} m²)`,
        value: m2(r.m2),
        ...place(r),
      })),
    };
  },
};
