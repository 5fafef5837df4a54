// access-coverage: 社区公共服务设施步行15分钟覆盖率 from the life-circle module's newest coverage run
// of the year (src/access, table access_run; decision 0004): residential land reached by every
// facility type (type null) or by one type, by area or by population, city-wide and per district.
import { getRun } from '../../access/access.service.ts';
import * as layers from '../layers.repository.ts';
import type { Computed, IndicatorKind } from '../types.ts';
import { missing } from './common.ts';

export const accessCoverage: IndicatorKind = {
  name: 'access-coverage',
  label: '15分钟生活圈覆盖率',
  description: '取当年最近一次 15 分钟生活圈计算（当年取最新一次）的居住用地覆盖率。',
  params: [
    { name: 'type', type: 'string|null', required: false, description: '设施类型（如 小学）；null 表示各类设施均可达' },
    { name: 'measure', type: 'string', required: false, description: 'area（居住用地面积，默认）或 population（人口）' },
  ],
  check(p) {
    const out: string[] = [];
    if (p.type !== undefined && p.type !== null && (typeof p.type !== 'string' || !p.type))
      out.push('type: a facility type name, or null for all types');
    if (p.measure !== undefined && p.measure !== 'area' && p.measure !== 'population') out.push('measure: area or population');
    for (const k of Object.keys(p)) if (!['type', 'measure'].includes(k) && !k.startsWith('$')) out.push(`${k}: unknown parameter`);
    return out;
  },
  async compute(ctx, def) {
    const type = (def.params.type as string | null | undefined) ?? null;
    const pop = def.params.measure === 'population';
    const id = await layers.accessRunBefore(ctx.db, ctx.current ? null : ctx.yearEnd);
    if (id === null)
      return missing(
        ctx,
        ctx.current
          ? '尚未计算 15 分钟生活圈覆盖率，请管理员在“生活圈”页面发起计算（no coverage run yet）'
          : `${ctx.year} 年末前没有 15 分钟生活圈计算 (no coverage run before the end of ${ctx.year})`,
      );
    const run = await getRun(ctx.db, id);
    const provenance = {
      accessRun: run.runId,
      runCreatedAt: run.createdAt,
      networkVersion: run.networkVersion,
      versions: run.versions,
      type,
      measure: pop ? 'population' : 'area',
    };
    const pick = (v: number | null | undefined, note: string): Computed =>
      v === null || v === undefined ? { value: null, note, provenance } : { value: v, provenance };
    let city: Computed;
    if (type === null) city = pick(pop ? run.city.populationCoveragePercent : run.city.coveragePercent, '该计算没有人口数据');
    else {
      const t = run.byType.find((x) => x.type === type || x.code === type);
      if (!t) return missing(ctx, `计算 ${run.runId} 没有设施类型“${type}”`, provenance);
      city = pick(pop ? t.populationCoveragePercent : t.coveragePercent, '该计算没有人口数据');
    }
    const by = new Map(run.byDistrict.map((d) => [d.code, d]));
    const districts = new Map<string, Computed>();
    for (const d of ctx.districts) {
      const f = by.get(d.code);
      if (!f) {
        districts.set(d.code, { value: null, note: '该区县没有居住用地', provenance });
        continue;
      }
      if (type === null) districts.set(d.code, pick(pop ? f.populationCoveragePercent : f.coveragePercent, '该计算没有人口数据'));
      else if (pop) districts.set(d.code, { value: null, note: '分区县的分类型人口覆盖率未计算', provenance });
      else districts.set(d.code, pick(f.byType.find((x) => x.type === type)?.coveragePercent, '该区县没有该类型数据'));
    }
    return { city, districts };
  },
};
