// An area as two unbreakable parts — "1,234.56 m²" and "（1.85 亩）" — so a narrow cell or side panel
// wraps between the units rather than inside a number. m² first, then 亩 (or 万亩 for the city's
// totals). Numbers through format.ts, as everywhere.
import { lang, t } from '../i18n/index.ts';
import { num, m2ToMu } from '../format.ts';

export function areaParts(m2: number | null | undefined, signed = false, wan = false): [string, string] {
  if (m2 === null || m2 === undefined || !Number.isFinite(m2)) return ['—', ''];
  const sign = signed ? (m2 > 0 ? '+' : m2 < 0 ? '−' : '') : m2 < 0 ? '−' : '';
  const a = Math.abs(m2);
  const mu = wan
    ? `${sign}${num(m2ToMu(a) / 10000, 2)} ${lang.value === 'zh' ? '万亩' : '10k mu'}`
    : `${sign}${num(m2ToMu(a), 2)} ${t('unit.mu')}`;
  return [`${sign}${num(a, wan ? 0 : 2)} ${t('unit.m2')}`, lang.value === 'zh' ? `（${mu}）` : ` (${mu})`];
}
