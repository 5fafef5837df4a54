// `onemap lifecycle …` and `onemap warnings`: the land lifecycle from the command line, over the
// same services as the HTTP routes. The CLI acts as an administrator (it holds the database).
import type { Config } from '../config.ts';
import type { User } from '../auth/types.ts';
import { UsageError, str, int, type Args } from '../cli/args.ts';
import { withDb, print } from '../cli/db.ts';
import { runNightly, listWarnings, warningBoard, WARNING_KINDS } from './rules.ts';
import { getTimeline } from './landcode.ts';
import { yearLedgers } from './ledgers.ts';
import { generateLifecycleDemo, hasLifecycleDemo } from './demo.ts';
import type { Scale } from '../demo/grid.ts';

export const LIFECYCLE_USAGE = `onemap lifecycle nightly [--json]                 run the nightly rules for today (ONEMAP_CLOCK pins the date); idempotent
  onemap lifecycle timeline LAND_CODE [--json]     a parcel's events in order
  onemap lifecycle ledgers --year Y [--district D] [--json]   yearly ledgers (m² and 亩)
  onemap lifecycle demo [--scale small|demo|large] [--json]   lifecycle demo data on an existing demo city
  onemap warnings [board] [--district D] [--kind K] [--json]  open lifecycle warnings (board: by district)`;

const cliUser = (): User => ({ id: null, username: process.env.USER ?? 'cli', name: 'cli', role: 'admin', districts: [], via: 'cli' });
const mu = (v: number) => `${v.toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 亩`;

export async function cmdLifecycle(config: Config, a: Args): Promise<void> {
  const sub = a._[1];
  await withDb(config, async (db) => {
    switch (sub) {
      case 'nightly': {
        const s = await runNightly(db, config.clock, `nightly:${cliUser().username}`);
        if (a.flags.json) return print(s);
        console.log(
          `夜间规则 ${s.date}（当日第 ${s.runOfDay} 次，${s.durationMs} ms）: 闲置土地候选 ${s.idleCandidates}，低效用地候选 ${s.inefficient.candidates}（${s.inefficient.factYear ?? '—'} 年数据），复评 ${s.inefficient.reevaluated}`,
        );
        console.log(
          `  新预警 ${
            Object.entries(s.warningsRaised)
              .map(([k, n]) => `${WARNING_KINDS[k] ?? k} ${n}`)
              .join('，') || '0'
          }；解除 ${s.warningsResolved}；批而未供台账刷新 ${s.unsupplied.refreshed} 批，消化完毕 ${s.unsupplied.digested} 批`,
        );
        return;
      }
      case 'timeline': {
        const code = a._[2];
        if (!code) throw new UsageError('usage: onemap lifecycle timeline LAND_CODE [--json]');
        const t = await getTimeline(db, code);
        if (a.flags.json) return print(t);
        console.log(`${t.parcel.landCode} ${t.parcel.name}（${t.parcel.district}，${t.parcel.stageName}，${mu(t.parcel.areaMu)}）`);
        for (const e of t.events) console.log(`  ${e.date}  ${e.kindName.padEnd(12)} ${e.docNo ?? ''}  ${mu(e.areaMu)}  ${e.operator}`);
        console.log(`  下一步: ${t.nextEvents.map((e) => e.name).join('、') || '—'}`);
        return;
      }
      case 'ledgers': {
        const year = int(a, 'year');
        if (!year) throw new UsageError('usage: onemap lifecycle ledgers --year Y [--district D] [--json]');
        const d = str(a, 'district');
        const l = await yearLedgers(db, year, { districts: d ? [d] : null });
        if (a.flags.json) return print(l);
        const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}%`);
        console.log(`${year} 年台账${d ? `（${d}）` : ''}`);
        console.log(
          `  盘活存量建设用地 ${mu(l.stockRevitalised.total.mu)}（批而未供消化 ${mu(l.stockRevitalised.components.unsuppliedDigested.mu)}，闲置处置 ${mu(l.stockRevitalised.components.idleDisposed.mu)}，低效再开发 ${mu(l.stockRevitalised.components.inefficientRedeveloped.mu)}）`,
        );
        console.log(
          `  批而未供消化率 ${pct(l.unsuppliedDigestion[0].digestionRate)}，任务完成率 ${pct(l.unsuppliedDigestion[0].taskCompletion)}`,
        );
        console.log(
          `  存量土地供应占比 ${pct(l.stockSupplyShare.sharePercent)}（${mu(l.stockSupplyShare.stockSupplied.mu)} / ${mu(l.stockSupplyShare.supplied.mu)}，不含单独选址）`,
        );
        console.log(`  新增工业用地平均容积率 ${l.newIndustrialFar.averageFar?.toFixed(2) ?? '—'}（${l.newIndustrialFar.parcels} 宗）`);
        return;
      }
      case 'demo': {
        const scale = (str(a, 'scale') ?? 'demo') as Scale;
        if (await hasLifecycleDemo(db))
          throw new Error('the database already holds land codes: lifecycle demo data is only generated once');
        const r = await generateLifecycleDemo(db, config.clock.today(), { scale });
        if (a.flags.json) return print(r);
        console.log(
          `土地码 ${r.parcels}，环节 ${r.events}，批次 ${r.batches}，征收安置项目 ${r.projects}；闲置候选 ${r.nightly.idleCandidates}，低效候选 ${r.nightly.inefficient.candidates}`,
        );
        return;
      }
      default:
        throw new UsageError(LIFECYCLE_USAGE);
    }
  });
}

export async function cmdWarnings(config: Config, a: Args): Promise<void> {
  await withDb(config, async (db) => {
    if (a._[1] === 'board') {
      const b = await warningBoard(db, undefined, config.districts);
      if (a.flags.json) return print(b);
      console.log(`预警看板: 共 ${b.total} 条`);
      for (const d of b.districts)
        console.log(
          `  ${d.district} ${d.name ?? ''}: ${d.total}（${Object.entries(d.byKind)
            .map(([k, n]) => `${WARNING_KINDS[k] ?? k} ${n}`)
            .join('，')}）`,
        );
      return;
    }
    const w = await listWarnings(db, undefined, {
      district: str(a, 'district'),
      kind: str(a, 'kind'),
      open: true,
      limit: int(a, 'limit') ?? 5000,
    });
    if (a.flags.json) return print(w);
    console.log(`未解除预警 ${w.total} 条`);
    for (const x of w.items) console.log(`  ${x.dueOn}  ${x.district}  ${x.kindName}  ${x.title}`);
  });
}
