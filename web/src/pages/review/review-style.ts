// How verdicts, statuses and control layers look in the workbench: one colour per verdict and per
// layer, so the map, its legend and the findings table agree. Layer colours follow the customary
// colours of the control lines (蓝线 blue, 绿线 green, 紫线 purple, 黄线 yellow, 橙线 orange);
// layers without a customary colour take one from the fallback palette by their code.
import { hasMessage, t } from '../../i18n/index.ts';
import type { CaseStatus, Verdict } from './review-api.ts';

export const VERDICT_COLOR: Record<Verdict, string> = { fail: '#c0392b', warn: '#b9770e', pass: '#1e8449', 'no-data': '#6b7280' };

const LAYER_COLOR: Record<string, string> = {
  YJJBNT: '#e0a100', // 永久基本农田
  GDBHHX: '#a0522d', // 耕地保护红线
  STBHHX: '#2e7d32', // 生态保护红线
  CZKFBJ: '#d6336c', // 城镇开发边界 (the part outside is what is drawn)
  ZX: '#8e44ad', // 紫线
  HX: '#c9a400', // 黄线
  LANX: '#1e88e5', // 蓝线
  LVX: '#43a047', // 绿线
  CX: '#ef6c00', // 橙线
  DZX: '#6d4c41', // 地灾线
  GHYD: '#00897b', // 规划用地
  XXGHDY: '#546e7a', // 详细规划单元
  JCJK: '#37474f', // 机场净空
};
const FALLBACK = ['#5c6bc0', '#26a69a', '#ab47bc', '#8d6e63', '#ec407a', '#7cb342', '#29b6f6', '#ffa726'];

export function layerColor(code: string): string {
  if (LAYER_COLOR[code]) return LAYER_COLOR[code];
  let h = 0;
  for (const c of code) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return FALLBACK[h % FALLBACK.length];
}

export const verdictLabel = (v: Verdict | string): string => t(`review.verdict.${v}`);
export const statusLabel = (s: CaseStatus | string): string => t(`review.status.${s}`);
export const decisionLabel = (d: string | null): string => (d ? t(`review.decision.${d}`) : '—');
/** Project type name: the message when there is one (English UI), else the rule set's Chinese name. */
export const typeLabel = (code: string, serverName?: string): string =>
  hasMessage(`review.type.${code}`) ? t(`review.type.${code}`) : (serverName ?? code);

/** A server problem (import problem object or rule-set string) as one readable line. */
export function problemText(p: unknown): string {
  if (typeof p === 'string') return p;
  if (p && typeof p === 'object') {
    const o = p as { fid?: string; location?: string | null; reason?: string; message?: string; instancePath?: string };
    if (o.reason) return [o.fid, o.location].filter(Boolean).join(' · ') + (o.fid || o.location ? '：' : '') + o.reason;
    if (o.message) return `${o.instancePath ?? ''} ${o.message}`.trim();
  }
  return JSON.stringify(p);
}

/** [minLon, minLat, maxLon, maxLat] of any GeoJSON geometry (for zooming to a finding; no analysis). */
export function geometryBbox(g: GeoJSON.Geometry | null | undefined): number[] | null {
  if (!g) return null;
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0] as number);
      b[1] = Math.min(b[1], c[1] as number);
      b[2] = Math.max(b[2], c[0] as number);
      b[3] = Math.max(b[3], c[1] as number);
    } else if (Array.isArray(c)) c.forEach(walk);
  };
  if (g.type === 'GeometryCollection') g.geometries.forEach((x) => walk((x as { coordinates?: unknown }).coordinates));
  else walk(g.coordinates);
  return Number.isFinite(b[0]) ? b : null;
}
