// validity: every feature has a geometry, and a valid one (OGC simple features: closed rings, no
// self-intersection). Invalid features are left out of the other geometric rules, whose answer
// on them would mean nothing; this rule names them.
import type { QcKind } from '../types.ts';
import { invalidGeometries } from '../qc.repository.ts';
import { place, totalOf } from './common.ts';

export const validity: QcKind = {
  name: 'validity',
  validate: () => [],
  async run(ctx) {
    const rows = await invalidGeometries(ctx.q, ctx.limit);
    return {
      total: totalOf(rows),
      errors: rows.map((r) => {
        const at = r.lon !== null && r.lat !== null ? `，位置 ${r.lon.toFixed(6)}°E ${r.lat.toFixed(6)}°N` : '';
        return {
          fid: r.fid,
          message: r.empty
            ? `要素 ${r.fid} 没有几何图形 (no geometry)`
            : `要素 ${r.fid} 的几何图形无效：${r.reason}${at} (invalid geometry: ${r.reason})`,
          value: r.empty ? null : r.reason,
          ...place(r),
        };
      }),
    };
  },
};
