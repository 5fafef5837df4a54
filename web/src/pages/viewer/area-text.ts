// An area as two unbreakable parts — "1,234.56 m²" and "（1.85 亩）" — so a narrow side panel wraps
// between the units rather than inside a number. Numbers through format.ts, as everywhere.
import { lang, t } from '../../i18n/index.ts';
import { num, m2ToMu } from '../../format.ts';

export function areaParts(m2: number | null | undefined, signed = false): [string, string] {
  if (m2 === null || m2 === undefined || !Number.isFinite(m2)) return ['—', ''];
  const sign = signed ? (m2 > 0 ? '+' : m2 < 0 ? '−' : '') : m2 < 0 ? '−' : '';
  const a = Math.abs(m2);
  const mu = `${sign}${num(m2ToMu(a), 2)} ${t('unit.mu')}`;
  return [`${sign}${num(a, 2)} ${t('unit.m2')}`, lang.value === 'zh' ? `（${mu}）` : ` (${mu})`];
}
