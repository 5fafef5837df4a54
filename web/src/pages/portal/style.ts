// How the portal map colours public layers. Land use follows the customary planning palette of
// 用地用海分类 (《国土空间调查、规划、用途管制用地用海分类指南》(2023), first-level classes:
// residential yellow, public services pink, commerce red, industry brown, green space green, water
// blue …), softened for a public map. Control lines take the colour their name says (红线, 紫线 …).
import type { ExpressionSpecification } from 'maplibre-gl';

/** First-level 用地用海分类 code → fill colour. */
export const LAND_USE_COLORS: Record<string, string> = {
  '01': '#e9efc6', // 耕地
  '02': '#c5e6a8', // 园地
  '03': '#8cc58a', // 林地
  '04': '#d4ee9a', // 草地
  '05': '#8fd6c0', // 湿地
  '06': '#dcd8a8', // 农业设施建设用地
  '07': '#ffe066', // 居住用地
  '08': '#f29bc6', // 公共管理与公共服务用地
  '09': '#ec6f66', // 商业服务业用地
  '10': '#c49a78', // 工矿用地
  '11': '#b39ddb', // 仓储用地
  '12': '#c8c8c8', // 交通运输用地
  '13': '#6fa9bd', // 公用设施用地
  '14': '#6cc47a', // 绿地与开敞空间用地
  '15': '#9aa77a', // 特殊用地
  '16': '#f5f5f5', // 留白用地
  '17': '#9fd3ef', // 陆地水域
  '18': '#a9cfe6', // 渔业用海
  '23': '#dddddd', // 其他土地
};
export const LAND_USE_OTHER = '#dddddd';

export const landUseColor = (code: string | null | undefined): string =>
  code ? (LAND_USE_COLORS[code.slice(0, 2)] ?? LAND_USE_OTHER) : LAND_USE_OTHER;

/** MapLibre expression colouring GHYD features by the first two digits of YDYHFLDM. */
export function landUseExpression(): ExpressionSpecification {
  const pairs = Object.entries(LAND_USE_COLORS).flat();
  return [
    'match',
    ['slice', ['to-string', ['coalesce', ['get', 'YDYHFLDM'], '']], 0, 2],
    ...pairs,
    LAND_USE_OTHER,
  ] as unknown as ExpressionSpecification;
}

/** Control-line (管控 class) layer code → outline colour; others get CONTROL_OTHER. */
export const CONTROL_COLORS: Record<string, string> = {
  STBHHX: '#d7263d', // 生态保护红线
  YJJBNT: '#c9a227', // 永久基本农田
  GDBHHX: '#a67c00', // 耕地保护红线
  CZKFBJ: '#7b3fb0', // 城镇开发边界
  ZX: '#9b59b6', // 紫线
  HX: '#e1b000', // 黄线
  LANX: '#1f78c8', // 蓝线
  LVX: '#2e9e48', // 绿线
  DZX: '#9c5a2e', // 地灾线
  GYYDKZX: '#8d6e63', // 工业用地控制线
};
export const CONTROL_OTHER = '#64748b';
export const controlColor = (code: string): string => CONTROL_COLORS[code] ?? CONTROL_OTHER;

/** Facility type code (SSLXDM, first two digits: 01 教育, 02 医疗卫生, 03 养老, 04 文化, 05 体育, 06 菜市场) → marker colour. */
export const FACILITY_COLORS: Record<string, string> = {
  '01': '#2f80ed',
  '02': '#e0533d',
  '03': '#8e5bd1',
  '04': '#d4a017',
  '05': '#16a085',
  '06': '#e67e22',
};
export const facilityColor = (typeCode: string | null | undefined): string => FACILITY_COLORS[(typeCode ?? '').slice(0, 2)] ?? '#64748b';

/** Parks, the queried point and consultation areas. */
export const PARK_COLOR = '#2e9e48';
export const POINT_COLOR = '#1f5fa8';
export const CONSULTATION_COLOR = '#e8590c';
export const UNIT_COLOR = '#1d3f72';
