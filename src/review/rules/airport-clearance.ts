// airport-clearance (domain.md §9): the permitted top elevation at a site is the lowest limit of
// the obstacle limitation surfaces containing it; the building top (ground elevation + height)
// must not exceed it. Surfaces are stored with their limit elevation (e.g. JCJK.XZGC). Projects
// in the referral zone around a runway are flagged for the airport's opinion (Zhejiang practice).
import type { RuleKind } from './context.ts';
import { aboveTolerance, finding, fmt, hits, num } from './context.ts';
import { runwayReferral } from '../review.repository.ts';

export const airportClearance: RuleKind = {
  name: 'airport-clearance',
  usesOverlap: true,
  validate(rule) {
    const p: string[] = [];
    if (typeof rule.limitField !== 'string') p.push('limitField (limit elevation field of the surfaces) required');
    const r = rule.referralM as { centreline?: number; beyondEnds?: number } | undefined;
    if (r !== undefined && (typeof r.centreline !== 'number' || typeof r.beyondEnds !== 'number'))
      p.push('referralM: { centreline, beyondEnds } in metres');
    return p;
  },
  async evaluate(ctx, rule) {
    const limitField = rule.limitField as string;
    const surfaceField = (rule.surfaceField as string | undefined) ?? null;
    const surfaces = ctx.overlap.filter((r) => aboveTolerance(ctx, r.area_m2) && num(r.props[limitField]) !== null);
    const features = hits(surfaces);
    const details: Record<string, unknown> = {};
    const runways = rule.runwayLayer ? ctx.layers.get(rule.runwayLayer as string) : undefined;
    const referral = rule.referralM as { centreline: number; beyondEnds: number; basis?: string } | undefined;
    let referralText = '';
    if (runways?.version && referral) {
      const rw = await runwayReferral(ctx.q, {
        subject: ctx.subject.ewkb,
        layerId: runways.id,
        version: runways.version,
        planarSrid: ctx.subject.planarSrid,
        side: referral.centreline,
        beyond: referral.beyondEnds,
      });
      const inZone = rw.filter((r) => r.in_zone);
      details.runways = rw.map((r) => ({ fid: r.fid, name: r.props.JCMC ?? null, distanceM: r.distance_m, inReferralZone: r.in_zone }));
      details.referral = inZone.length > 0;
      if (inZone.length)
        referralText = `；项目位于${String(inZone[0].props.JCMC ?? '机场')}跑道净空审查范围内（距跑道 ${fmt(inZone[0].distance_m / 1000, 2)} km），应征求机场意见`;
    }
    if (surfaces.length === 0) return finding(ctx, rule, { verdict: 'pass', message: `项目不在机场净空保护区内${referralText}`, details });
    const limit = Math.min(...surfaces.map((s) => num(s.props[limitField])!));
    const lowest = surfaces.find((s) => num(s.props[limitField]) === limit)!;
    details.limitElevationM = limit;
    details.limitSurface = surfaceField ? (lowest.props[surfaceField] ?? null) : null;
    const { height, groundElevation } = ctx.project.indicators;
    const surfaceName = details.limitSurface ? `（${String(details.limitSurface)}）` : '';
    if (height === undefined) {
      return finding(ctx, rule, {
        verdict: 'warn',
        message: `项目位于机场净空保护区内，限制高程 ${fmt(limit, 1)} m${surfaceName}；未提供建筑高度，须人工核验${referralText}`,
        features,
        details,
      });
    }
    const ground = groundElevation ?? 0;
    const top = ground + height;
    details.topElevationM = top;
    details.groundElevationM = ground;
    details.groundElevationAssumed = groundElevation === undefined;
    const groundText = groundElevation === undefined ? '（未提供地面高程，按 0 m 计）' : '';
    if (top > limit) {
      return finding(ctx, rule, {
        verdict: rule.verdict,
        message: `建筑顶部高程 ${fmt(top, 1)} m${groundText} 超过机场净空限制高程 ${fmt(limit, 1)} m${surfaceName}，超出 ${fmt(top - limit, 1)} m${referralText}`,
        features,
        details,
      });
    }
    return finding(ctx, rule, {
      verdict: 'pass',
      message: `建筑顶部高程 ${fmt(top, 1)} m${groundText} 未超过机场净空限制高程 ${fmt(limit, 1)} m${surfaceName}${referralText}`,
      features,
      details,
    });
  },
};
