// layer-area: the ellipsoidal area of a layer (optionally only some attribute values, optionally
// clipped to another layer) in a chosen unit, city-wide and by district, from the layer version in
// force for the year. 耕地保有量 (DLTB DLBM 01xx), 永久基本农田 (YJJBNT), 工业用地规模 (GHYD 1001),
// 城镇开发边界内城乡建设用地 (DLTB construction classes within CZKFBJ).
import type { IndicatorKind } from '../types.ts';
import { AREA_UNITS, checkArea, measureArea, missing } from './common.ts';

export const layerArea: IndicatorKind = {
  name: 'layer-area',
  label: '图层面积',
  description: '图层（可按属性值筛选、可限定在另一图层范围内）的椭球面积，按年末（当年为现势）版本计算，分区县汇总。',
  params: [
    { name: 'layer', type: 'string', required: true, description: '图层代码，如 DLTB' },
    { name: 'field', type: 'string', required: false, description: '筛选属性，如 DLBM' },
    { name: 'codes', type: 'string[]', required: false, description: '属性值等于其中之一' },
    { name: 'prefixes', type: 'string[]', required: false, description: '属性值以其中之一开头，如 ["01"]（耕地）' },
    { name: 'within', type: 'string', required: false, description: '只计落在该图层内的部分，如 CZKFBJ' },
    { name: 'unit', type: 'string', required: true, description: `面积单位：${Object.keys(AREA_UNITS).join(' / ')}` },
  ],
  check: (p) => checkArea(p, '', true),
  async compute(ctx, def) {
    const p = def.params as { layer: string; field?: string; codes?: string[]; prefixes?: string[]; within?: string | null; unit: string };
    const a = await measureArea(ctx, p);
    if ('note' in a) return missing(ctx, a.note);
    const conv = AREA_UNITS[p.unit].perM2;
    const out = (m2: number, features: number, extra: Record<string, unknown>) => ({
      value: conv(m2),
      provenance: { ...extra, areaM2: m2, features, unit: p.unit },
    });
    return {
      city: out(a.city.m2, a.city.features, a.provenance),
      districts: new Map(
        [...a.districts].map(([code, d]) => [
          code,
          out(d.m2, d.features, { layers: a.provenance.layers, filter: a.provenance.filter, within: a.provenance.within }),
        ]),
      ),
    };
  },
};
