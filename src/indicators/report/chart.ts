// The trend chart of the report as plain geometry (axes, ticks, points, target line), drawn as SVG
// in the HTML and as vector paths in the PDF, so both show the same picture.
import { fmt } from './content.ts';

export interface ChartGeometry {
  width: number;
  height: number;
  plot: { x0: number; y0: number; x1: number; y1: number };
  points: { year: number; value: number; x: number; y: number }[];
  xTicks: { year: number; x: number }[];
  yTicks: { y: number; label: string }[];
  target: { y: number; label: string } | null;
}

function niceStep(span: number, count: number): number {
  const raw = span / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

export function trendChart(
  series: { year: number; value: number | null }[],
  target: number | null,
  width: number,
  height: number,
  decimals: number,
): ChartGeometry {
  const plot = { x0: 52, y0: 10, x1: width - 12, y1: height - 22 };
  const vals = series.map((s) => s.value).filter((v): v is number => v !== null && Number.isFinite(v));
  if (target !== null) vals.push(target);
  let lo = vals.length ? Math.min(...vals) : 0;
  let hi = vals.length ? Math.max(...vals) : 1;
  if (lo === hi) {
    lo -= Math.abs(lo) * 0.1 || 1;
    hi += Math.abs(hi) * 0.1 || 1;
  }
  const step = niceStep(hi - lo, 4);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const y = (v: number) => plot.y1 - ((v - lo) / (hi - lo)) * (plot.y1 - plot.y0);
  const n = series.length;
  const x = (i: number) => (n <= 1 ? (plot.x0 + plot.x1) / 2 : plot.x0 + 10 + (i / (n - 1)) * (plot.x1 - plot.x0 - 20));
  const yTicks: ChartGeometry['yTicks'] = [];
  const tickDecimals = Math.max(0, Math.min(decimals, -Math.floor(Math.log10(step))));
  for (let v = lo; v <= hi + step / 2; v += step) yTicks.push({ y: y(v), label: fmt(v, tickDecimals) });
  return {
    width,
    height,
    plot,
    points: series.flatMap((s, i) =>
      s.value === null || !Number.isFinite(s.value) ? [] : [{ year: s.year, value: s.value, x: x(i), y: y(s.value) }],
    ),
    xTicks: series.map((s, i) => ({ year: s.year, x: x(i) })),
    yTicks,
    target: target === null ? null : { y: y(target), label: `目标 ${fmt(target, decimals)}` },
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The chart as an inline SVG element. */
export function chartSvg(g: ChartGeometry, color: string): string {
  const { plot } = g;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" role="img">`,
  ];
  for (const t of g.yTicks)
    parts.push(
      `<line x1="${plot.x0}" x2="${plot.x1}" y1="${t.y.toFixed(1)}" y2="${t.y.toFixed(1)}" stroke="#e5e7eb"/><text x="${plot.x0 - 4}" y="${(t.y + 3).toFixed(1)}" text-anchor="end" font-size="9" fill="#6b7280">${esc(t.label)}</text>`,
    );
  for (const t of g.xTicks)
    parts.push(`<text x="${t.x.toFixed(1)}" y="${g.height - 6}" text-anchor="middle" font-size="9" fill="#6b7280">${t.year}</text>`);
  if (g.target)
    parts.push(
      `<line x1="${plot.x0}" x2="${plot.x1}" y1="${g.target.y.toFixed(1)}" y2="${g.target.y.toFixed(1)}" stroke="#c0392b" stroke-dasharray="4 3"/><text x="${plot.x1}" y="${(g.target.y - 3).toFixed(1)}" text-anchor="end" font-size="9" fill="#c0392b">${esc(g.target.label)}</text>`,
    );
  if (g.points.length > 1)
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${g.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')}"/>`,
    );
  for (const p of g.points) parts.push(`<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="3" fill="${color}"/>`);
  if (!g.points.length)
    parts.push(
      `<text x="${(plot.x0 + plot.x1) / 2}" y="${(plot.y0 + plot.y1) / 2}" text-anchor="middle" font-size="11" fill="#9ca3af">暂无数据</text>`,
    );
  parts.push('</svg>');
  return parts.join('');
}
