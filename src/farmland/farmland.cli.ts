// `onemap farmland …`: farmland protection from the command line, over the same services as the
// HTTP routes. The CLI acts for the bureau (it holds the database); writes are audited as the
// operating-system user.
import { writeFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import { UsageError, str, int, type Args } from '../cli/args.ts';
import { withDb, print } from '../cli/db.ts';
import type { Scale } from '../demo/grid.ts';
import { accounts, cultivatedChange } from './accounts.ts';
import { computeTaohe, runTaohe, listTaoheRuns, missingGeoJson } from './taohe.ts';
import { ledgerSummary } from './ledger.ts';
import { listCases, patrolStats, warnings } from './patrol.ts';
import { checkProject, evaluation, listProjects, progress } from './consolidation.ts';
import { generateFarmlandDemo, hasFarmlandDemo } from './demo.ts';

export const FARMLAND_USAGE = `onemap farmland accounts [--year Y] [--district D] [--json]       耕地保护台账 by district vs targets (万亩)
  onemap farmland change FROM TO [--layer DLTB] [--json]            耕地变化 between two survey versions
  onemap farmland taohe [--json]                                    多田套合 now (rate, areas, by district)
  onemap farmland taohe run [--note N] [--json]                     … stored, missing patches as layer DTTH_QS
  onemap farmland taohe runs [--json] · taohe missing RUN out.geojson [--kind GBZNT|LSSCGNQ|YJJBNT]
  onemap farmland ledger [--district D] [--json]                    占补平衡 balances, 进出平衡, agreements
  onemap farmland cases [--status S,…] [--district D] [--source S] [--json] · cases overdue · cases stats
  onemap farmland projects [--json] · projects check ID · projects progress · projects evaluation --year Y
  onemap farmland demo [--scale small|demo|large] [--json]          farmland demo data on an existing demo city`;

const user = () => process.env.USER ?? 'cli';
const num = (v: number | null | undefined, d = 2) =>
  v === null || v === undefined ? '—' : v.toLocaleString('zh-CN', { minimumFractionDigits: d, maximumFractionDigits: d });
const mu = (m2: number) => `${num((m2 * 15) / 10000)} 亩`;
const districts = (a: Args) => (str(a, 'district') ? [str(a, 'district')!] : null);

export async function cmdFarmland(config: Config, a: Args): Promise<void> {
  const [, sub, arg1, arg2, arg3] = a._;
  const json = !!a.flags.json;
  await withDb(config, async (db) => {
    switch (sub) {
      case 'accounts': {
        const r = await accounts(db, config.districts, { year: int(a, 'year'), districts: districts(a) });
        if (json) return print(r);
        console.log(`耕地保护台账${r.year ? `（${r.year} 年末）` : '（现势）'}，单位：万亩`);
        console.log(`  ${'区县'.padEnd(8)} ${r.city.map((c) => c.name.padStart(8)).join(' ')}`);
        for (const d of [{ name: '全市', categories: r.city }, ...r.byDistrict])
          console.log(`  ${d.name.padEnd(8)} ${d.categories.map((c) => num(c.areaWanMu, 4).padStart(10)).join(' ')}`);
        for (const t of r.targets)
          console.log(
            `  目标 ${t.name}（${t.code}，${t.year} 年）: ${num(t.target)} ${t.unit}，现状 ${num(t.actual)} ${t.unit} → ${t.met === null ? '无数据' : t.met ? '达标' : '未达标'}`,
          );
        return;
      }
      case 'change': {
        const from = Number(arg1);
        const to = Number(arg2);
        if (!Number.isInteger(from) || !Number.isInteger(to))
          throw new UsageError('usage: onemap farmland change FROM TO [--layer DLTB] [--json]');
        const c = await cultivatedChange(db, config.districts, from, to, str(a, 'layer') ?? 'DLTB', districts(a));
        if (json) return print(c);
        console.log(
          `耕地变化 ${c.layer} v${from} → v${to}: 减少 ${mu(c.lost.areaM2)}（${c.lost.count} 块），增加 ${mu(c.gained.areaM2)}（${c.gained.count} 块），净 ${num(c.netMu)} 亩`,
        );
        for (const u of c.byNewUse) console.log(`  变为 ${u.class ?? '—'} ${u.name ?? ''}: ${mu(u.areaM2)}`);
        return;
      }
      case 'taohe': {
        if (arg1 === 'runs') {
          const runs = await listTaoheRuns(db);
          if (json) return print(runs);
          for (const r of runs)
            console.log(
              `  #${r.runId} ${r.createdAt} ${r.createdBy}: ${num(r.city.ratePercent)}%，缺失图斑 ${r.missing?.map((m) => `${m.kind} ${m.count}`).join('，')}（${r.resultLayer} v${r.resultVersion ?? '—'}）`,
            );
          return;
        }
        if (arg1 === 'missing') {
          const id = Number(arg2);
          if (!Number.isInteger(id) || !arg3)
            throw new UsageError('usage: onemap farmland taohe missing RUN_ID out.geojson [--kind GBZNT|LSSCGNQ|YJJBNT]');
          const gj = await missingGeoJson(db, id, str(a, 'kind') ?? null, districts(a));
          writeFileSync(arg3, gj);
          if (json) return print({ file: arg3, features: JSON.parse(gj).features.length });
          console.log(`${arg3}: ${JSON.parse(gj).features.length} 个未套合图斑`);
          return;
        }
        const r =
          arg1 === 'run'
            ? await runTaohe(db, config, user(), str(a, 'note') ?? null)
            : { runId: null, missing: null, ...(await computeTaohe(db, config.districts)) };
        if (json) return print(r);
        console.log(
          `多田套合${r.runId ? `（计算记录 #${r.runId}）` : ''}: 永久基本农田 ${mu(r.city.yjjbntM2)}，三者重合 ${mu(r.city.coincideM2)}，套合率 ${num(r.city.ratePercent)}%（${Math.round(r.durationMs)} ms）`,
        );
        for (const d of r.byDistrict) console.log(`  ${d.name.padEnd(8)} ${num(d.ratePercent).padStart(7)}%  ${mu(d.yjjbntM2)}`);
        for (const m of r.missing ?? []) console.log(`  缺失 ${m.label}: ${m.count} 块，${mu(m.areaM2)}`);
        return;
      }
      case 'ledger': {
        const s = await ledgerSummary(db, config.districts, districts(a));
        if (json) return print(s);
        console.log('占补平衡指标（亩）: 区县 类型 登记 调入 占用 调出 结余');
        for (const b of s.balances)
          console.log(
            `  ${(s.districts[b.district] ?? b.district).padEnd(6)} ${b.quotaName.padEnd(12)} ${[b.creditedM2, b.receivedM2, b.spentM2, b.transferredM2, b.remainingM2].map((x) => num((x * 15) / 10000).padStart(10)).join('')}`,
          );
        for (const g of s.agreements)
          console.log(
            `  协议 #${g.id} ${g.signedOn} ${s.districts[g.fromDistrict] ?? g.fromDistrict} → ${s.districts[g.toDistrict] ?? g.toDistrict} ${g.quotaName} ${num(g.areaMu)} 亩，资金 ${num(g.fundsYi)} 亿元`,
          );
        for (const r of s.inout)
          console.log(
            `  进出平衡 ${s.districts[r.district] ?? r.district} ${r.year}: 进 ${mu(r.inM2)}，出 ${mu(r.outM2)}${r.balanced ? '' : '（不平衡）'}`,
          );
        return;
      }
      case 'cases': {
        if (arg1 === 'stats') {
          const s = await patrolStats(db, config.clock, districts(a));
          if (json) return print(s);
          for (const d of s.byDistrict)
            console.log(`  ${d.district ?? '—'}: 在办 ${d.openCases}，办结 ${d.closedCases}，逾期 ${d.overdueCases}，线索 ${d.alerts}`);
          for (const d of s.bySource) console.log(`  ${d.sourceZh}: 线索 ${d.alerts}，案件 ${d.openCases + d.closedCases}`);
          return;
        }
        const list =
          arg1 === 'overdue'
            ? (await warnings(db, config.clock, districts(a))).overdue
            : await listCases(db, config.clock, {
                status: str(a, 'status')?.split(',').filter(Boolean),
                source: str(a, 'source'),
                districts: districts(a),
              });
        if (json) return print(list);
        for (const c of list)
          console.log(
            `  #${c.id} ${c.statusZh.padEnd(8)} ${c.district ?? '—'} 立案 ${c.openedOn} 期限 ${c.deadline}${c.overdue ? ' 逾期' : c.dueSoon ? ' 将到期' : ''} 线索 ${c.alertCount}（${c.sources.join('、')}）${c.assignee ? ` 核查人 ${c.assignee}` : ''}`,
          );
        return;
      }
      case 'projects': {
        if (arg1 === 'check') {
          const id = Number(arg2);
          if (!Number.isInteger(id)) throw new UsageError('usage: onemap farmland projects check ID [--json]');
          const r = await checkProject(db, config.clock, id, user());
          if (json) return print(r);
          console.log(`整治项目 ${r.code} 核验 #${r.checkId}: ${r.verdict}`);
          for (const f of r.findings) console.log(`  [${f.verdict}] ${f.title}: ${f.message}`);
          return;
        }
        if (arg1 === 'progress') {
          const p = await progress(db);
          if (json) return print(p);
          for (const i of p.items)
            console.log(
              `  ${i.name}: ${num(i.actual, 4)} / ${num(i.target)} ${i.unit}（${num(i.percentOfTarget, 1)}%）${i.met ? ' 已完成' : ''}`,
            );
          return;
        }
        if (arg1 === 'evaluation') {
          const year = int(a, 'year');
          if (!year) throw new UsageError('usage: onemap farmland projects evaluation --year Y [--json]');
          const e = await evaluation(db, year, districts(a));
          if (json) return print(e);
          for (const d of e.districts)
            console.log(
              `  ${d.district}: 项目 ${d.projects}（试点 ${d.pilots}），核验通过 ${d.pass}/${d.checked}，得分 ${num(d.score, 1)}`,
            );
          return;
        }
        const list = await listProjects(db, districts(a));
        if (json) return print(list);
        for (const p of list)
          console.log(
            `  #${p.id} ${p.code} ${p.name} ${p.pilot ? '试点 ' : ''}${p.status} 项目区 ${num(p.projectAreaMu)} 亩 最近核验 ${p.lastVerdict ?? '—'}`,
          );
        return;
      }
      case 'demo': {
        if (await hasFarmlandDemo(db)) throw new Error('the database already holds farmland demo data: it is only generated once');
        const r = await generateFarmlandDemo(db, config, { scale: (str(a, 'scale') ?? 'demo') as Scale });
        if (json) return print(r);
        console.log(
          `目标 ${r.targets}，补充指标 ${r.lots}，占用 ${r.occupations}，协议 ${r.agreements}，线索 ${r.alerts}（案件 ${r.cases}），整治项目 ${r.projects}`,
        );
        return;
      }
      default:
        throw new UsageError(FARMLAND_USAGE);
    }
  });
}
