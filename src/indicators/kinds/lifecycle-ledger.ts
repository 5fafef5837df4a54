// lifecycle-ledger: a figure of the land-lifecycle yearly ledgers (src/lifecycle/ledgers.ts,
// ARCHITECTURE.md "Lifecycle ledgers"), city-wide and per district. Ledger figures come from dated
// land events, so a past year's value does not move when later events are recorded; the ledger
// state (last land event id, case counts) is kept with each value.
import {
  idleDisposal,
  inefficientRedeveloped,
  newIndustrialFar,
  stockRevitalised,
  stockSupplyShare,
  unsuppliedDigestion,
} from '../../lifecycle/ledgers.ts';
import * as layers from '../layers.repository.ts';
import type { Computed, IndicatorKind, KindContext } from '../types.ts';
import { AREA_UNITS } from './common.ts';

type Figure = (ctx: KindContext, districts: string[] | null, unit: string) => Promise<Computed>;

const area = (m2: number, unit: string) => AREA_UNITS[unit].perM2(m2);

/** The figures a definition may name, with what each reads. */
export const FIGURES: Record<string, { label: string; area: boolean; get: Figure }> = {
  stockRevitalised: {
    label: '盘活存量建设用地（批而未供消化 + 闲置处置 + 低效再开发）',
    area: true,
    async get(ctx, districts, unit) {
      const r = await stockRevitalised(ctx.db, ctx.year, { districts });
      return {
        value: area(r.total.m2, unit),
        provenance: {
          ledger: 'stockRevitalised',
          areaM2: r.total.m2,
          components: {
            unsuppliedDigestedM2: r.components.unsuppliedDigested.m2,
            idleDisposedM2: r.components.idleDisposed.m2,
            inefficientRedevelopedM2: r.components.inefficientRedeveloped.m2,
          },
        },
      };
    },
  },
  inefficientRedeveloped: {
    label: '完成低效用地再开发',
    area: true,
    async get(ctx, districts, unit) {
      const r = await inefficientRedeveloped(ctx.db, ctx.year, { districts });
      return {
        value: area(r.redeveloped.m2, unit),
        provenance: { ledger: 'inefficientRedeveloped', areaM2: r.redeveloped.m2, projects: r.projects },
      };
    },
  },
  unsuppliedTaskCompletion: {
    label: '年度批而未供土地消化任务完成率',
    area: false,
    async get(ctx, districts) {
      const d = (await unsuppliedDigestion(ctx.db, ctx.year, { districts }))[0];
      const provenance = {
        ledger: 'unsuppliedDigestion',
        stockStartM2: d.stockStartM2,
        digestedM2: d.digestedM2,
        taskM2: d.taskM2,
        batches: d.batches,
        digestionRate: d.digestionRate,
      };
      return d.taskCompletion === null
        ? { value: null, note: `${ctx.year} 年未下达批而未供土地消化任务`, provenance }
        : { value: d.taskCompletion, provenance };
    },
  },
  unsuppliedDigestionRate: {
    label: '批而未供土地消化率',
    area: false,
    async get(ctx, districts) {
      const d = (await unsuppliedDigestion(ctx.db, ctx.year, { districts }))[0];
      const provenance = { ledger: 'unsuppliedDigestion', stockStartM2: d.stockStartM2, digestedM2: d.digestedM2, batches: d.batches };
      return d.digestionRate === null
        ? { value: null, note: `1 月 1 日没有批而未供土地存量`, provenance }
        : { value: d.digestionRate, provenance };
    },
  },
  idleDisposalRate: {
    label: '年度闲置土地处置任务完成率（处置面积 ÷（处置 + 已认定待处置））',
    area: false,
    async get(ctx, districts) {
      const r = await idleDisposal(ctx.db, ctx.year, { districts });
      const task = r.disposed.m2 + r.waiting.m2;
      const provenance = {
        ledger: 'idleDisposal',
        disposedM2: r.disposed.m2,
        disposedCases: r.disposedCases,
        waitingM2: r.waiting.m2,
        waitingCases: r.waitingCases,
      };
      return task > 0
        ? { value: (r.disposed.m2 / task) * 100, provenance }
        : { value: null, note: `${ctx.year} 年没有需处置的闲置土地`, provenance };
    },
  },
  stockSupplyShare: {
    label: '存量土地供应占比',
    area: false,
    async get(ctx, districts) {
      const r = await stockSupplyShare(ctx.db, ctx.year, { districts });
      const provenance = {
        ledger: 'stockSupplyShare',
        suppliedM2: r.supplied.m2,
        stockSuppliedM2: r.stockSupplied.m2,
        suppliedCount: r.suppliedCount,
        stockCount: r.stockCount,
        standaloneExcludedM2: r.standaloneExcluded.m2,
      };
      return r.sharePercent === null
        ? { value: null, note: `${ctx.year} 年没有土地供应`, provenance }
        : { value: r.sharePercent, provenance };
    },
  },
  newIndustrialFar: {
    label: '新增工业用地平均容积率',
    area: false,
    async get(ctx, districts) {
      const r = await newIndustrialFar(ctx.db, ctx.year, { districts });
      const provenance = {
        ledger: 'newIndustrialFar',
        parcels: r.parcels,
        suppliedM2: r.supplied.m2,
        excludedSpecialProcess: r.excludedSpecialProcess,
      };
      return r.averageFar === null
        ? { value: null, note: `${ctx.year} 年没有新供应的工业用地`, provenance }
        : { value: r.averageFar, provenance };
    },
  },
};

export const lifecycleLedger: IndicatorKind = {
  name: 'lifecycle-ledger',
  label: '土地全生命周期台账',
  description: '读取土地全生命周期年度台账（ledgers.ts）的一项数值，按市和区县计算。',
  params: [
    { name: 'figure', type: 'string', required: true, description: `台账项：${Object.keys(FIGURES).join(' / ')}` },
    { name: 'unit', type: 'string', required: false, description: `面积类台账项的单位（${Object.keys(AREA_UNITS).join(' / ')}），默认 mu` },
  ],
  check(p) {
    const out: string[] = [];
    const f = FIGURES[p.figure as string];
    if (!f) out.push(`figure: one of ${Object.keys(FIGURES).join(', ')}`);
    if (p.unit !== undefined && !(typeof p.unit === 'string' && p.unit in AREA_UNITS))
      out.push(`unit: one of ${Object.keys(AREA_UNITS).join(', ')}`);
    if (f && !f.area && p.unit !== undefined) out.push(`unit: ${p.figure} is not an area`);
    for (const k of Object.keys(p)) if (!['figure', 'unit'].includes(k) && !k.startsWith('$')) out.push(`${k}: unknown parameter`);
    return out;
  },
  async compute(ctx, def) {
    const f = FIGURES[def.params.figure as string];
    const unit = (def.params.unit as string | undefined) ?? 'mu';
    const state = await ctx.once('ledgerState', () => layers.ledgerState(ctx.db));
    const withState = (c: Computed): Computed => ({ ...c, provenance: { ...c.provenance, year: ctx.year, ledgerState: state } });
    const districts = new Map<string, Computed>();
    for (const d of ctx.districts) districts.set(d.code, withState(await f.get(ctx, [d.code], unit)));
    return { city: withState(await f.get(ctx, null, unit)), districts };
  },
};
