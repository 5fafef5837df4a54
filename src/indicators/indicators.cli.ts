// `onemap indicators …`: the indicator registry, targets, the compute run, alerts and the yearly
// check-up report from the command line, over the same services as the HTTP routes. The CLI acts
// as an administrator (it holds the database).
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Config } from '../config.ts';
import { UsageError, int, str, type Args } from '../cli/args.ts';
import { withDb, print } from '../cli/db.ts';
import { ensureDefaults, listDefinitions } from './registry.ts';
import { exportTargets, importTargets, listTargets } from './targets.ts';
import { computeYear } from './compute.ts';
import { listAlerts } from './alerts.ts';
import { reportContent, fmt, LEVEL_TEXT } from './report/content.ts';
import { renderReportHtml } from './report/html.ts';
import { renderReportPdf } from './report/pdf.ts';
import { renderReportXlsx } from './report/xlsx.ts';

export const INDICATORS_USAGE = `onemap indicators compute --year Y [--indicator A,B] [--json]   compute the year's indicators (city and districts), assess, raise alerts
  onemap indicators list [--json]                                  the indicator registry (指标模型)
  onemap indicators targets [--indicator C] [--region R] [--year Y] [--json]
  onemap indicators targets import FILE.xlsx|FILE.csv              import targets (all or nothing)
  onemap indicators targets export FILE.xlsx|FILE.csv
  onemap indicators alerts [--year Y] [--status open|acknowledged|resolved|active] [--json]
  onemap indicators report --year Y --format html|pdf|xlsx|json --out FILE   the yearly check-up report (体检评估报告)`;

const actor = () => `cli:${process.env.USER ?? 'cli'}`;
const LEVEL_MARK = { green: '●正常', yellow: '●预警', red: '●告警' } as const;

export async function cmdIndicators(config: Config, a: Args): Promise<void> {
  const sub = a._[1];
  await withDb(config, async (db) => {
    await ensureDefaults(db);
    switch (sub) {
      case 'compute': {
        const year = int(a, 'year');
        if (!year) throw new UsageError('usage: onemap indicators compute --year Y [--indicator A,B] [--json]');
        const r = await computeYear(db, config, year, { indicators: str(a, 'indicator')?.split(',').filter(Boolean), user: actor() });
        if (a.flags.json) return print(r);
        console.log(`${r.city.name} ${year} 年指标（评估日期 ${r.evaluatedOn}，计算 #${r.runId}，${r.durationMs} ms）`);
        for (const i of r.indicators) {
          const v = i.city;
          console.log(
            `  ${v.level ? LEVEL_MARK[v.level] : '○    '} ${i.name.padEnd(18, '　')} ${fmt(v.value, i.decimals, i.unit).padStart(16)}${v.cumulative !== null ? `（累计 ${fmt(v.cumulative, i.decimals, i.unit)}）` : ''}  ${v.value === null ? (v.note ?? '') : v.reason}`,
          );
        }
        console.log(`  预警: 新增 ${r.alerts.raised}，升级 ${r.alerts.escalated}，解除 ${r.alerts.resolved}；未解除 ${r.alerts.open}`);
        for (const w of r.webhook) console.log(`  webhook 预警 #${w.alertId}: ${w.status}`);
        return;
      }
      case 'list': {
        const defs = await listDefinitions(db);
        if (a.flags.json) return print(defs);
        for (const d of defs)
          console.log(`${d.enabled ? ' ' : '×'} ${d.code.padEnd(14)} ${d.dimension} ${d.name}（${d.unit || '—'}）  ${d.kind}`);
        return;
      }
      case 'targets': {
        const action = a._[2];
        if (action === 'import') {
          const file = a._[3];
          if (!file) throw new UsageError('usage: onemap indicators targets import FILE.xlsx|FILE.csv');
          const r = await importTargets(db, config.districts, await readFile(file), basename(file), actor());
          if (a.flags.json) return print(r);
          console.log(`已导入 ${r.imported} 个目标值（新增 ${r.created}，更新 ${r.updated}）`);
          return;
        }
        if (action === 'export') {
          const file = a._[3];
          if (!file || !/\.(xlsx|csv)$/i.test(file)) throw new UsageError('usage: onemap indicators targets export FILE.xlsx|FILE.csv');
          await writeFile(file, await exportTargets(db, file.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx'));
          console.log(`已导出到 ${file}`);
          return;
        }
        const t = await listTargets(db, { indicator: str(a, 'indicator'), region: str(a, 'region'), year: int(a, 'year') });
        if (a.flags.json) return print(t);
        for (const x of t)
          console.log(
            `${x.region} ${x.regionName.padEnd(4, '　')} ${x.year} ${x.indicator.padEnd(12)} ${x.bound === 'min' ? '≥' : '≤'}${x.value}${x.hard ? ' 底线' : ''}  ${x.source}`,
          );
        return;
      }
      case 'alerts': {
        const r = await listAlerts(db, undefined, { year: int(a, 'year'), status: str(a, 'status') ?? 'active', limit: 1000 });
        if (a.flags.json) return print(r);
        console.log(`预警 ${r.total} 条`);
        for (const x of r.items)
          console.log(
            `  #${x.id} ${x.year} ${LEVEL_TEXT[x.level]} ${x.regionName} ${x.indicatorName ?? x.indicator}: ${x.reason}（${x.department ?? '—'}）`,
          );
        return;
      }
      case 'report': {
        const year = int(a, 'year');
        const format = str(a, 'format') ?? 'pdf';
        const out = str(a, 'out');
        if (!year || !out || !['html', 'pdf', 'xlsx', 'json'].includes(format))
          throw new UsageError('usage: onemap indicators report --year Y --format html|pdf|xlsx|json --out FILE');
        const c = await reportContent(db, config, year);
        const body =
          format === 'html'
            ? renderReportHtml(c)
            : format === 'pdf'
              ? await renderReportPdf(c)
              : format === 'xlsx'
                ? await renderReportXlsx(c)
                : JSON.stringify(c, null, 2);
        await writeFile(out, body);
        if (a.flags.json) return print({ file: out, format, year, indicators: c.indicators.length, counts: c.counts });
        console.log(
          `${c.title} → ${out}（${c.indicators.length} 项指标：绿 ${c.counts.green}，黄 ${c.counts.yellow}，红 ${c.counts.red}）`,
        );
        return;
      }
      default:
        throw new UsageError(INDICATORS_USAGE);
    }
  });
}
