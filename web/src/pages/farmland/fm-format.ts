// Small display helpers of the farmland pages (numbers and dates go through format.ts).
import { t } from '../../i18n/index.ts';

const VERDICT_CLASS: Record<string, string> = { pass: 'fm-b-green', warn: 'fm-b-amber', fail: 'fm-b-red', 'no-data': 'fm-b-grey' };
export const verdictClass = (v: string | null | undefined) => VERDICT_CLASS[v ?? ''] ?? 'fm-b-grey';
export const verdictLabel = (v: string | null | undefined) => (v ? t(`farmland.verdict.${v}`) : t('farmland.projects.unchecked'));

const STATUS_CLASS: Record<string, string> = {
  new: 'fm-b-blue',
  assigned: 'fm-b-blue',
  verified: 'fm-b-amber',
  rectifying: 'fm-b-purple',
  rectified: 'fm-b-green',
  violation: 'fm-b-red',
  false_alarm: 'fm-b-grey',
};
export const caseStatusClass = (s: string) => STATUS_CLASS[s] ?? 'fm-b-grey';
export const CASE_STATUSES = ['new', 'assigned', 'verified', 'rectifying', 'rectified', 'violation', 'false_alarm'];
export const SOURCES = ['camera', 'remote-sensing', 'drone', 'patrol'];
export const sourceLabel = (s: string) => t(`farmland.cases.src.${s}`);

/** Colours of the three kinds of missing patch on the 多田套合 map. */
export const MISSING_COLORS: Record<string, string> = { GBZNT: '#d35400', LSSCGNQ: '#8e44ad', YJJBNT: '#1f77b4' };
