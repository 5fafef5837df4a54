// Numbers as the bureau reads them in the report, the CLI and provenance sentences: grouped
// (zh-CN), fixed decimals, with the unit ("47,000 亩", "62.5%", "1.50").
export function fmt(v: number | null | undefined, decimals: number, unit = ''): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const n = v.toLocaleString('zh-CN', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return unit === '%' ? `${n}%` : unit ? `${n} ${unit}` : n;
}
