// Formatting the land lifecycle needs beyond web/src/format.ts: money in 万元, status tones, rule
// values. Numbers go through format.ts so grouping follows the language.
import { num } from '../../format.ts';
import { lang, t } from '../../i18n/index.ts';

/** 12,345,678 yuan → "1,234.57 万元" (the unit bureau ledgers use); in English "12,345,678 yuan". */
export function money(yuan: number | null | undefined): string {
  if (yuan === null || yuan === undefined || !Number.isFinite(yuan)) return '—';
  return lang.value === 'zh' ? `${num(yuan / 10000, 2)} ${t('lifecycle.unit.wanYuan')}` : `${num(yuan, 0)} ${t('lifecycle.unit.yuan')}`;
}

/** A server percentage (already ×100) → "87.50%". */
export const percent = (v: number | null | undefined, d = 2): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : `${num(v, d)}%`;

// Badge tone per workflow state: blue in progress, amber waiting for a decision, red disposal,
// green done, grey closed without action.
const TONE: Record<string, string> = {
  supervision: 'blue',
  investigation: 'amber',
  determined: 'red',
  'fee-levied': 'red',
  reclaimed: 'red',
  'other-disposal': 'purple',
  closed: 'green',
  'not-idle': 'grey',
  resolved: 'green',
  identified: 'blue',
  mapped: 'amber',
  disposing: 'purple',
  digested: 'green',
  confirmed: 'amber',
  rejected: 'grey',
  inventoried: 'purple',
  redeveloping: 'blue',
  redeveloped: 'green',
  exited: 'grey',
  planning: 'grey',
  started: 'blue',
  'housing-started': 'amber',
  'housing-completed': 'purple',
  resettled: 'green',
  registered: 'grey',
  approved: 'blue',
  reserved: 'blue',
  supplied: 'amber',
  permitted: 'purple',
  'under-construction': 'amber',
  completed: 'green',
  titled: 'green',
};
export const tone = (status: string) => `lc-b-${TONE[status] ?? 'grey'}`;

/** A rule hit's value next to its threshold: "容积率 0.60 < 1.00". */
export function hitText(h: { kind: string; value: number | null; threshold: number | null }): string {
  if (h.kind === 'far-below') return `${t('lifecycle.rule.far')} ${num(h.value, 2)} < ${num(h.threshold, 2)}`;
  if (h.kind === 'tax-per-mu-below')
    return `${t('lifecycle.rule.taxPerMu')} ${num(h.value, 0)} < ${num(h.threshold, 0)} ${t('lifecycle.unit.yuanPerMu')}`;
  return t(`lifecycle.ruleKind.${h.kind}`);
}
