// Area units (domain.md §2): 1 公顷 = 10000 m² = 15 亩, so 1 亩 = 10000/15 m² ≈ 666.667 m².
export const M2_PER_MU = 10000 / 15;
export const M2_PER_HA = 10000;

export const m2ToMu = (m2: number): number => (m2 * 15) / 10000;
export const m2ToHa = (m2: number): number => m2 / M2_PER_HA;
export const muToM2 = (mu: number): number => (mu * 10000) / 15;

export interface AreaFigures {
  m2: number;
  ha: number;
  mu: number;
}

export function areaFigures(m2: number): AreaFigures {
  return { m2, ha: m2ToHa(m2), mu: m2ToMu(m2) };
}

/** "10,000.00 m²（1.0000 公顷，15.00 亩）" — how bureau staff read an area. */
export function formatArea(m2: number): string {
  const n = (v: number, d: number) => v.toLocaleString('zh-CN', { minimumFractionDigits: d, maximumFractionDigits: d });
  return `${n(m2, 2)} m²（${n(m2ToHa(m2), 4)} 公顷，${n(m2ToMu(m2), 2)} 亩）`;
}
