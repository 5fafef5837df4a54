// setback: the project must keep a distance from the layer's features (蓝线 river setback, 橙线
// safety buffer). Distance is per rule (distanceM) or per feature (distanceField, e.g. CX.HCJL),
// measured on the ellipsoid; the reported area is the part of the project inside the setback band
// but outside every feature of the layer and of the layers named in countedLayers (the overlap is
// the forbidden-overlap rules' business), each square metre once however many features' bands
// reach it (setbackHits says how shared band is attributed to features).
import type { RuleKind } from './context.ts';
import { aboveTolerance, areaText, finding, fmt, mergeGeometry, sliverText } from './context.ts';
import { setbackHits } from '../review.repository.ts';
import { m2ToMu } from '../../area/units.ts';

const DEFAULT_MAX_M = 1000;

export const setback: RuleKind = {
  name: 'setback',
  usesOverlap: false,
  validate(rule) {
    const p: string[] = [];
    if (typeof rule.distanceM !== 'number' || !(rule.distanceM > 0))
      p.push('distanceM must be a positive number of metres (the default when distanceField is empty)');
    if (rule.distanceField !== undefined && typeof rule.distanceField !== 'string') p.push('distanceField must be a field name');
    if (rule.maxDistanceM !== undefined && !(typeof rule.maxDistanceM === 'number' && rule.maxDistanceM > 0))
      p.push('maxDistanceM must be positive');
    const c = rule.countedLayers;
    if (c !== undefined && !(Array.isArray(c) && c.every((x) => typeof x === 'string' && x.length > 0)))
      p.push('countedLayers must be a list of layer codes (layers whose overlap another rule already counts)');
    return p;
  },
  async evaluate(ctx, rule) {
    const defaultM = rule.distanceM as number;
    const field = (rule.distanceField as string | undefined) ?? null;
    // The reader sees the field by its catalogue name (防护距离), not its code (HCJL).
    const fieldName = field ? (ctx.layer.attr_schema?.find((a) => a.name === field)?.label ?? field) : null;
    const maxM = field ? ((rule.maxDistanceM as number | undefined) ?? Math.max(DEFAULT_MAX_M, defaultM)) : defaultM;
    // Layers another rule already counts: cut from the band at the version this review reads. A
    // named layer with no data has nothing to cut; it is said in the details and the message.
    const countedCodes = ((rule.countedLayers as string[] | undefined) ?? []).filter((c) => c !== ctx.layer.code);
    const counted = countedCodes.map((code) => ({ code, state: ctx.layers.get(code) }));
    const cut = counted.flatMap((c) => (c.state?.version ? [{ id: c.state.id, version: c.state.version, code: c.code }] : []));
    const missing = counted.filter((c) => !c.state?.version).map((c) => c.code);
    const rows = await setbackHits(ctx.q, {
      subject: ctx.subject.ewkb,
      layerId: ctx.layer.id,
      version: ctx.layer.version,
      planarSrid: ctx.subject.planarSrid,
      defaultM,
      field,
      maxM,
      counted: cut,
    });
    const band = rows.reduce((s, r) => s + r.band_m2, 0);
    const bandPlanar = rows.reduce((s, r) => s + r.band_planar_m2, 0);
    const features = rows.map((r) => ({
      fid: r.fid,
      props: r.props,
      overlapAreaM2: r.band_m2,
      overlapAreaPlanarM2: r.band_planar_m2,
      overlapAreaMu: m2ToMu(r.band_m2),
      distanceM: r.distance_m,
    }));
    const details = {
      setbackM: field ? `${fieldName}（缺省 ${defaultM} m）` : defaultM,
      basis: rule.distanceBasis ?? null,
      nearestM: rows[0]?.distance_m ?? null,
      ...(countedCodes.length ? { countedLayers: cut.map((c) => ({ layer: c.code, version: c.version })) } : {}),
      ...(missing.length ? { countedLayersWithoutData: missing } : {}),
    };
    const layerName = (code: string) => ctx.layers.get(code)?.name_zh ?? code;
    const missingText = missing.length ? `；已计入图层 ${missing.map(layerName).join('、')} 无数据，未从退让范围中扣除` : '';
    const what = field ? `各要素的退让距离（${fieldName}，缺省 ${defaultM} m）` : `${defaultM} m 退让距离`;
    if (rows.length === 0 || band === 0)
      return finding(ctx, rule, { verdict: 'pass', message: `项目在${ctx.layer.name_zh}${what}以外${missingText}`, features, details });
    const geometry = mergeGeometry(rows.map((r) => r.geojson));
    if (!aboveTolerance(ctx, band))
      return finding(ctx, rule, {
        verdict: 'pass',
        message: `退让范围内${sliverText(ctx, band)}${missingText}`,
        areaM2: band,
        planarM2: bandPlanar,
        features,
        geometry,
        belowTolerance: true,
        details,
      });
    return finding(ctx, rule, {
      verdict: rule.verdict,
      message: `项目有 ${areaText(band)} 位于${ctx.layer.name_zh}${what}内，最近距离 ${fmt(rows[0].distance_m, 1)} m，涉及 ${rows.length} 个要素${missingText}`,
      areaM2: band,
      planarM2: bandPlanar,
      features,
      geometry,
      details,
    });
  },
};
