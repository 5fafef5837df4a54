// Colours of thematic maps: sequential ramps for class breaks (ColorBrewer-style stops, spread
// over the number of classes) and a qualitative palette for categories.
export const RAMPS = {
  YlOrRd: ['#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#f03b20', '#bd0026'],
  Blues: ['#eff3ff', '#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'],
  Greens: ['#edf8e9', '#c7e9c0', '#a1d99b', '#74c476', '#31a354', '#006d2c'],
  Purples: ['#f2f0f7', '#dadaeb', '#bcbddc', '#9e9ac8', '#756bb1', '#54278f'],
} as const;

export const CATEGORY_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#86bcb6',
  '#d37295',
  '#fabfd2',
  '#b6992d',
  '#499894',
  '#8cd17d',
  '#f1ce63',
  '#a0cbe8',
  '#ffbe7d',
  '#d4a6c8',
];

const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
const toHex = (v: number[]) => `#${v.map((x) => Math.round(x).toString(16).padStart(2, '0')).join('')}`;

/** `n` colours evenly spread along a ramp (linear in RGB between its stops). */
export function rampColors(name: keyof typeof RAMPS, n: number): string[] {
  const stops = RAMPS[name].map(hex);
  if (n <= 1) return [toHex(stops[stops.length - 1])];
  return Array.from({ length: n }, (_, i) => {
    const pos = (i / (n - 1)) * (stops.length - 1);
    const k = Math.min(Math.floor(pos), stops.length - 2);
    const f = pos - k;
    return toHex(stops[k].map((a, j) => a + (stops[k + 1][j] - a) * f));
  });
}
