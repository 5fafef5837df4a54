// taohe: 多田套合率 from the farmland module (src/farmland/taohe.ts computeTaohe: the overlay of
// 永久基本农田, 高标准农田 and 粮食生产功能区, rate = area where all three coincide ÷ permanent
// farmland, domain.md §7). That computation reads the layers' current versions, so a past year gets
// a value only when those versions were already in force at its end.
import { computeTaohe } from '../../farmland/taohe.ts';
import { getSettings as farmlandSettings } from '../../farmland/settings.ts';
import * as layers from '../layers.repository.ts';
import type { Computed, IndicatorKind } from '../types.ts';
import { missing } from './common.ts';
import { DomainError } from '../../errors.ts';

export const taoheKind: IndicatorKind = {
  name: 'taohe',
  label: '多田套合率',
  description: '调用耕地保护模块的多田套合计算（永久基本农田、高标准农田、粮食生产功能区三者重合面积 ÷ 永久基本农田面积）。',
  params: [],
  check: (p) =>
    Object.keys(p)
      .filter((k) => !k.startsWith('$'))
      .map((k) => `${k}: unknown parameter (taohe takes none; the layers are the farmland settings)`),
  async compute(ctx) {
    if (!ctx.current) {
      // Checked before the overlay runs: a past year whose layers have changed since gets no value.
      const s = (await farmlandSettings(ctx.db)).taohe;
      for (const code of [s.yjjbnt, s.gbznt, s.lsscgnq]) {
        const [at, now] = [await ctx.layerAt(code), await layers.layerAt(ctx.db, code, null)];
        if (!at || !now || at.version !== now.version) {
          return missing(
            ctx,
            `多田套合按图层现势版本计算，${code}${now ? ` v${now.version}` : ''} 在 ${ctx.year} 年末${at ? `为 v${at.version}` : '尚无数据'} (the overlay reads current versions only)`,
          );
        }
      }
    }
    let r: Awaited<ReturnType<typeof computeTaohe>>;
    try {
      r = await computeTaohe(ctx.db);
    } catch (e) {
      // The farmland module refuses when a layer is missing or the overlay cannot run now.
      const err = e as { statusCode?: number; message: string };
      const refused =
        e instanceof DomainError ? e.kind === 'conflict' || e.kind === 'not_found' : err.statusCode === 409 || err.statusCode === 404;
      if (refused) return missing(ctx, err.message);
      throw e;
    }
    for (const [code, version] of Object.entries(r.versions)) {
      if (code === ctx.config.districts.layer) continue;
      const at = await ctx.layerAt(code);
      if (!at || at.version !== version) {
        return missing(
          ctx,
          `多田套合按图层现势版本计算，${code} v${version} 在 ${ctx.year} 年末尚未生效 (the overlay reads current versions only)`,
          { versions: r.versions },
        );
      }
    }
    const provenance = (f: { yjjbntM2: number; coincideM2: number }) => ({
      source: 'farmland/taohe.ts computeTaohe',
      versions: r.versions,
      yjjbntM2: f.yjjbntM2,
      coincideM2: f.coincideM2,
    });
    const one = (f: { yjjbntM2: number; coincideM2: number; ratePercent: number | null }): Computed =>
      f.ratePercent === null
        ? { value: null, note: '没有永久基本农田', provenance: provenance(f) }
        : { value: f.ratePercent, provenance: provenance(f) };
    const by = new Map(r.byDistrict.filter((d) => d.code).map((d) => [d.code as string, d]));
    const districts = new Map<string, Computed>();
    for (const d of ctx.districts) {
      const f = by.get(d.code);
      districts.set(
        d.code,
        f
          ? one(f)
          : { value: null, note: '该区县没有永久基本农田', provenance: { source: 'farmland/taohe.ts computeTaohe', versions: r.versions } },
      );
    }
    return { city: one(r.city), districts };
  },
};
