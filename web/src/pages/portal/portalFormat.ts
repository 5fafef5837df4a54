// Portal-specific readings built on web/src/format.ts: walking distances in 米, indicator limits
// with their sign and unit, and a number shown with only the decimals it has.
import { num } from '../../format.ts';
import { t, hasMessage } from '../../i18n/index.ts';
import type { Indicator } from './types.ts';

/** 2.8 → "2.8", 39 → "39", 1.25 → "1.25" (at most two decimals). */
export function numAuto(v: number): string {
  const d = Number.isInteger(v) ? 0 : Number.isInteger(Math.round(v * 100) / 10) ? 1 : 2;
  return num(v, d);
}

/** A straight-line distance for citizens: whole metres below 1 km ("350 米"), else "1.2 千米". */
export function distance(m: number): string {
  return m < 1000 ? `${num(Math.round(m), 0)} ${t('unit.m')}` : `${numAuto(Math.round(m / 100) / 10)} ${t('unit.km')}`;
}

/** The unit an indicator is read in: "" (a ratio), "%", or metres in the current language. */
export const indicatorUnit = (i: Indicator): string => (i.unit === 'm' ? t('unit.m') : i.unit);

/** The plain name of an indicator (容积率) and its explanation, from the portal messages when known. */
export const indicatorName = (i: Indicator): string => (hasMessage(`portal.ind.${i.field}`) ? t(`portal.ind.${i.field}`) : i.label);
export const indicatorHint = (i: Indicator): string => (hasMessage(`portal.ind.${i.field}.hint`) ? t(`portal.ind.${i.field}.hint`) : '');

/** "≤" for a ceiling, "≥" for a floor. */
export const indicatorSign = (i: Indicator): string => (i.kind === 'max' ? '≤' : '≥');

/** Days left while a consultation is open: the end day counts (the server says so). */
export const daysLeftText = (n: number | null): string => (n == null ? '' : n <= 1 ? t('portal.c.lastDay') : t('portal.c.daysLeft', { n }));
