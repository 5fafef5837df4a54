// What every rule kind shares: a row's point and geometry, m² figures, parameter checks.
import type { Located } from '../qc.repository.ts';
import type { GeoJSONGeometry, QcRuleDef } from '../types.ts';
import { m2ToMu } from '../../area/units.ts';

export function place(r: Located): { location: [number, number] | null; geometry: GeoJSONGeometry | null } {
  return {
    location: r.lon !== null && r.lat !== null ? [r.lon, r.lat] : null,
    geometry: r.geojson ? (JSON.parse(r.geojson) as GeoJSONGeometry) : null,
  };
}

/** m² to two decimals, as 三调 states areas. */
export const m2 = (v: number) => Math.round(v * 100) / 100;
export const m2Text = (v: number) => `${m2(v).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} m²`;

/** An ellipsoidal area of land as the report states it: m² and 亩 (1 亩 = 10000/15 m²). */
export const landText = (v: number) =>
  `${m2Text(v)}（${m2ToMu(v).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 亩，椭球面积）`;

export const totalOf = (rows: { total: number }[]) => rows[0]?.total ?? 0;

export function needString(rule: QcRuleDef, name: string): string[] {
  return typeof rule[name] === 'string' && rule[name] !== '' ? [] : [`${rule.id}: ${name} required (a field or layer code)`];
}

export function needNumber(rule: QcRuleDef, name: string): string[] {
  return typeof rule[name] === 'number' && Number.isFinite(rule[name]) && (rule[name] as number) >= 0
    ? []
    : [`${rule.id}: ${name} required (a number ≥ 0)`];
}
