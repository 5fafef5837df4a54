// How numbers, areas, lengths and dates read on screen. Chinese: 1,234.5 grouping (zh-CN),
// dates as 2026年01月05日; English: en-GB style dates (5 Jan 2026). Areas always in m² and 亩.
import { lang } from './i18n/index.ts';

/** 1 亩 = 10000/15 m² (domain.md §2; the same factor as src/area/units.ts). */
export const M2_PER_MU = 10000 / 15;
export const m2ToMu = (m2: number): number => (m2 * 15) / 10000;

const locale = () => (lang.value === 'zh' ? 'zh-CN' : 'en-GB');

/** A number with grouping and a fixed number of decimals: num(12345.678, 1) → "12,345.7". */
export function num(v: number | null | undefined, decimals = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return v.toLocaleString(locale(), { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A share 0..1 as a percentage: pct(0.1234) → "12.34%". */
export const pct = (share: number | null | undefined, decimals = 2): string =>
  share === null || share === undefined || !Number.isFinite(share) ? '—' : `${num(share * 100, decimals)}%`;

/** "10,000.00 m²（15.00 亩）" — areas in both units, as bureau staff read them. */
export function area(m2: number | null | undefined): string {
  if (m2 === null || m2 === undefined || !Number.isFinite(m2)) return '—';
  const mu = lang.value === 'zh' ? '亩' : 'mu';
  return lang.value === 'zh' ? `${num(m2, 2)} m²（${num(m2ToMu(m2), 2)} ${mu}）` : `${num(m2, 2)} m² (${num(m2ToMu(m2), 2)} ${mu})`;
}

/** A length: metres below 1 km, kilometres above. */
export function length(m: number | null | undefined): string {
  if (m === null || m === undefined || !Number.isFinite(m)) return '—';
  const zh = lang.value === 'zh';
  return m < 1000 ? `${num(m, 2)} ${zh ? '米' : 'm'}` : `${num(m / 1000, 3)} ${zh ? '千米' : 'km'}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Parts of a date in China Standard Time (UTC+8, no daylight saving), whatever the browser's zone. */
function cstParts(d: string | Date): { y: number; m: number; d: number; hh: number; mm: number } | null {
  // A bare YYYY-MM-DD is a calendar date already: read it as is, never through a time zone.
  if (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d)) {
    const [y, m, dd] = d.split('-').map(Number);
    return { y, m, d: dd, hh: 0, mm: 0 };
  }
  const t = typeof d === 'string' ? Date.parse(d) : d.getTime();
  if (Number.isNaN(t)) return null;
  const c = new Date(t + 8 * 3600_000);
  return { y: c.getUTCFullYear(), m: c.getUTCMonth() + 1, d: c.getUTCDate(), hh: c.getUTCHours(), mm: c.getUTCMinutes() };
}

/** "2026年01月05日" (Chinese) or "5 Jan 2026" (English). */
export function date(d: string | Date | null | undefined): string {
  if (!d) return '—';
  const p = cstParts(d);
  if (!p) return String(d);
  if (lang.value === 'zh') return `${p.y}年${pad(p.m)}月${pad(p.d)}日`;
  return new Date(Date.UTC(p.y, p.m - 1, p.d)).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** Date and time in China Standard Time: "2026年01月05日 14:30". */
export function dateTime(d: string | Date | null | undefined): string {
  if (!d) return '—';
  const p = cstParts(d);
  return p ? `${date(d)} ${pad(p.hh)}:${pad(p.mm)}` : String(d);
}
