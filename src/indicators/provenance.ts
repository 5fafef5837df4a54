// Where a value came from, in one sentence for people (the report, the dashboard): the layer
// versions, the lifecycle ledger and its state, the coverage run, the statistics and base values
// recorded with the value when it was computed, or the document of a reported figure.
import { fmt } from './format.ts';

const LEDGERS: Record<string, string> = {
  stockRevitalised: '盘活存量建设用地台账',
  inefficientRedeveloped: '低效用地再开发台账',
  unsuppliedDigestion: '批而未供消化台账',
  idleDisposal: '闲置土地处置台账',
  stockSupplyShare: '土地供应台账',
  newIndustrialFar: '工业用地供应台账',
};

const dateFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
/** ISO time → 2026-11-02, the day in China Standard Time. */
const cstDate = (iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : dateFormat.format(new Date(iso)));

export function provenanceText(p: Record<string, unknown> | null | undefined, source: string | null): string {
  if (!p) return '—';
  if (source === 'reported') return `上报值：${String(p.reported ?? '')}`;
  const parts: string[] = [];
  const ls = p.layers as { layer: string; version: number }[] | undefined;
  if (ls?.length) parts.push(`图层 ${ls.map((l) => `${l.layer} v${l.version}`).join('、')}`);
  if (p.versions && typeof p.versions === 'object')
    parts.push(
      `图层 ${Object.entries(p.versions as Record<string, number>)
        .map(([k, v]) => `${k} v${v}`)
        .join('、')}`,
    );
  if (p.ledger) {
    // The state is told by its count of land-stage records, not by a row id nobody can look up.
    const events = (p.ledgerState as { landEvents?: number } | undefined)?.landEvents;
    parts.push(`土地全生命周期${LEDGERS[String(p.ledger)] ?? String(p.ledger)}${events ? `（计算时共 ${events} 条土地环节记录）` : ''}`);
  }
  if (p.accessRun) parts.push(`15分钟生活圈计算${typeof p.runCreatedAt === 'string' ? `（${cstDate(p.runCreatedAt)}）` : ''}`);
  const st = p.statistic as { code: string; value: number; year: number; summedFrom?: string[] } | null | undefined;
  if (st) parts.push(`统计数 ${st.code} ${st.year} 年 ${fmt(st.value, 2)}${st.summedFrom ? `（${st.summedFrom.length} 个区县之和）` : ''}`);
  if (p.base && typeof p.base === 'object')
    parts.push(
      `基期 ${String(p.baseYear)} 年值 ${fmt((p.base as { value: number }).value, 2)}（${(p.base as { source: string }).source === 'reported' ? '上报' : '计算'}）`,
    );
  if (p.precisionGrid) parts.push(`按 ${String(p.precisionGrid)}° 精度格网重算`);
  return parts.join('；') || '—';
}
