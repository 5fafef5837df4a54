// What the pages read: the dashboard of a year for the city or a district (value, target, level,
// trend, districts ranked), the map of one indicator by district (GeoJSON over the district
// outlines), and the five-year evaluation view (一年一体检，五年一评估) comparing the years.
import type { Config } from '../config.ts';
import type { Queryable } from '../db/index.ts';
import { NotFound } from '../errors.ts';
import * as repo from './indicators.repository.ts';
import * as layers from './layers.repository.ts';
import { DIMENSIONS, listDefinitions } from './registry.ts';
import { cityRegion, districtsAt } from './regions.ts';
import { loadEvaluation, type Evaluation } from './evaluation.ts';
import { evaluationDate } from './warning.ts';
import { provenanceText } from './provenance.ts';
import type { DefRecord, Level, Region } from './types.ts';

/** How the trend and the report name an indicator (indicatorHead in views.schemas.ts). */
export const indicatorHead = (def: DefRecord) => ({
  code: def.code,
  name: def.name,
  dimension: def.dimension,
  unit: def.unit,
  decimals: def.decimals,
  better: def.better,
});

export interface RankedDistrict {
  code: string;
  name: string;
  value: number | null;
  level: Level | null;
  reason: string;
  rank: number | null;
}

/** Districts ordered best first (by the indicator's better direction), missing values last. */
export function rankDistricts(def: DefRecord, ev: Evaluation, districts: Region[], year: number): RankedDistrict[] {
  const rows = districts.map((d) => {
    const e = ev.evaluate(def, d.code, year);
    const v = def.aggregate === 'cumulative' && e.cumulative !== null ? e.cumulative : e.value;
    return { code: d.code, name: d.name, value: v, level: e.assessment.level, reason: e.assessment.reason, rank: null as number | null };
  });
  const dir = def.better === 'higher' ? -1 : 1;
  rows.sort((a, b) => (a.value === null ? 1 : b.value === null ? -1 : dir * (a.value - b.value)) || a.code.localeCompare(b.code));
  let rank = 0;
  for (const r of rows) if (r.value !== null) r.rank = ++rank;
  return rows;
}

async function scope(q: Queryable, config: Config, year: number) {
  const city = await cityRegion(q);
  const { regions } = await districtsAt(q, config.districts, null);
  const defs = await listDefinitions(q, { enabledOnly: true });
  return { city, districts: regions, defs, year };
}

export async function defaultYear(q: Queryable, config: Config): Promise<number> {
  const clockYear = Number(config.clock.today().slice(0, 4));
  return (await repo.valueYears(q)).find((y) => y <= clockYear) ?? clockYear;
}

export async function dashboard(q: Queryable, config: Config, o: { year?: number; region?: string }) {
  const year = o.year ?? (await defaultYear(q, config));
  const today = config.clock.today();
  const s = await scope(q, config, year);
  const region = !o.region || o.region === s.city.code ? s.city : s.districts.find((d) => d.code === o.region);
  if (!region) throw new NotFound(`地区 ${o.region} 不是本市或其区县 (unknown region; use ${s.city.code} or a district code)`);
  const ev = await loadEvaluation(q, {
    indicators: s.defs.map((d) => d.code),
    regions: [s.city.code, ...s.districts.map((d) => d.code)],
    today,
  });
  const indicators = s.defs
    .filter((d) => d.regionLevels.includes(region.level))
    .map((def) => {
      const e = ev.evaluate(def, region.code, year);
      const a = e.assessment;
      return {
        code: def.code,
        name: def.name,
        nameEn: def.nameEn ?? null,
        dimension: def.dimension,
        unit: def.unit,
        decimals: def.decimals,
        better: def.better,
        aggregate: def.aggregate,
        definition: def.definition,
        basis: def.basis ?? null,
        department: def.department ?? null,
        value: e.value,
        source: e.source,
        note: e.note,
        computedValue: e.computed?.value ?? null,
        reportedValue: e.reported?.value ?? null,
        cumulative: e.cumulative,
        cumulativeYears: e.cumulativeYears,
        level: a.level,
        status: a.status,
        reason: a.reason,
        progress: a.progress,
        elapsed: a.elapsed,
        ratio: a.ratio,
        mode: a.mode,
        target: a.target
          ? {
              year: a.target.year,
              value: a.target.value,
              bound: a.target.bound,
              hard: a.target.hard,
              baseYear: a.target.baseYear,
              source: a.target.source,
            }
          : null,
        targets: ev.targetsOf(def.code, region.code).map((t) => ({ year: t.year, value: t.value, bound: t.bound, hard: t.hard })),
        provenance: (e.source === 'reported' ? e.reported?.provenance : e.computed?.provenance) ?? null,
        provenanceText: provenanceText((e.source === 'reported' ? e.reported?.provenance : e.computed?.provenance) ?? null, e.source),
        trend: ev.years(def.code, region.code).map((y) => {
          const t = ev.evaluate(def, region.code, y);
          return { year: y, value: t.value, cumulative: t.cumulative, source: t.source, level: t.assessment.level };
        }),
        districts: region.level === 'city' && def.regionLevels.includes('district') ? rankDistricts(def, ev, s.districts, year) : [],
      };
    });
  const counts = { green: 0, yellow: 0, red: 0, none: 0 };
  for (const i of indicators) counts[i.level ?? 'none']++;
  const years = (await repo.valueYears(q)).sort((a, b) => a - b);
  return { year, evaluatedOn: evaluationDate(year, today), region, city: s.city, districts: s.districts, years, counts, indicators };
}

/** One indicator by district as GeoJSON over the district outlines (the choropleth of the map page). */
export async function indicatorMap(q: Queryable, config: Config, o: { indicator: string; year?: number }) {
  const year = o.year ?? (await defaultYear(q, config));
  const s = await scope(q, config, year);
  const def = s.defs.find((d) => d.code === o.indicator);
  if (!def) throw new NotFound(`指标 ${o.indicator} 不存在或已停用 (unknown or disabled indicator)`);
  const xzq = await layers.layerAt(q, config.districts.layer, null);
  const outlines = xzq ? await layers.districtOutlines(q, config.districts, xzq) : [];
  const ev = await loadEvaluation(q, {
    indicators: [def.code],
    regions: [s.city.code, ...s.districts.map((d) => d.code)],
    today: config.clock.today(),
  });
  const ranked = new Map(rankDistricts(def, ev, s.districts, year).map((r) => [r.code, r]));
  const city = ev.evaluate(def, s.city.code, year);
  const vals = [...ranked.values()].map((r) => r.value).filter((v): v is number => v !== null);
  return {
    type: 'FeatureCollection' as const,
    indicator: { code: def.code, name: def.name, unit: def.unit, decimals: def.decimals, better: def.better, aggregate: def.aggregate },
    year,
    city: {
      code: s.city.code,
      name: s.city.name,
      value: def.aggregate === 'cumulative' && city.cumulative !== null ? city.cumulative : city.value,
      level: city.assessment.level,
    },
    range: vals.length ? [Math.min(...vals), Math.max(...vals)] : null,
    features: outlines.map((o) => {
      const r = ranked.get(o.code);
      return {
        type: 'Feature' as const,
        properties: {
          code: o.code,
          name: o.name,
          value: r?.value ?? null,
          level: r?.level ?? null,
          rank: r?.rank ?? null,
          reason: r?.reason ?? '',
        },
        geometry: JSON.parse(o.g) as { type: string; coordinates: unknown },
      };
    }),
  };
}

/** 五年一评估: the indicators over `span` years ending with `to`, with the change over the period. */
export async function evaluationView(q: Queryable, config: Config, o: { to?: number; span?: number; region?: string }) {
  const to = o.to ?? (await defaultYear(q, config));
  const span = Math.min(Math.max(o.span ?? 5, 2), 15);
  const years = Array.from({ length: span }, (_, i) => to - span + 1 + i);
  const s = await scope(q, config, to);
  const region = !o.region || o.region === s.city.code ? s.city : s.districts.find((d) => d.code === o.region);
  if (!region) throw new NotFound(`地区 ${o.region} 不是本市或其区县 (unknown region)`);
  const ev = await loadEvaluation(q, { indicators: s.defs.map((d) => d.code), regions: [region.code], today: config.clock.today() });
  const order = (d: string) => {
    const i = DIMENSIONS.indexOf(d);
    return i < 0 ? 99 : i;
  };
  const defs = s.defs
    .filter((d) => d.regionLevels.includes(region.level))
    .sort((a, b) => order(a.dimension) - order(b.dimension) || (a.order ?? 0) - (b.order ?? 0));
  const indicators = defs.map((def) => {
    const values = years.map((y) => {
      const e = ev.evaluate(def, region.code, y);
      return {
        year: y,
        value: e.value,
        cumulative: e.cumulative,
        source: e.source,
        level: e.assessment.level,
        target: e.assessment.target?.value ?? null,
      };
    });
    const known = values.filter((v) => v.value !== null);
    const first = known[0];
    const last = known[known.length - 1];
    const change = first && last && first !== last ? last.value! - first.value! : null;
    const yearsBetween = first && last ? last.year - first.year : 0;
    const improving = change === null || change === 0 ? null : change > 0 === (def.better === 'higher');
    return {
      ...indicatorHead(def),
      values,
      first: first ? { year: first.year, value: first.value } : null,
      last: last ? { year: last.year, value: last.value } : null,
      change,
      changePercent: change !== null && first!.value ? (change / Math.abs(first!.value!)) * 100 : null,
      averageAnnualChange: change !== null && yearsBetween > 0 ? change / yearsBetween : null,
      improving,
    };
  });
  return { region, from: years[0], to, years, indicators };
}
