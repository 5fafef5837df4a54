// Indicator demo data on the demo city: the statistics the formulas need (地区生产总值 in 亿元,
// 城镇常住人口 in 万人) for each district and the last six years, then one compute run for each of the
// last five years so the dashboards, the map, the five-year view and the report have something to show.
// The statistics are synthetic and derived from the demo city itself: this year's GDP is the
// district's construction land divided by an intensity near Hangzhou's 10.04 m²/万元 (seed 000), its
// urban population the urban land inside the development boundary divided by ≈ 95 m² per resident;
// earlier years grow back at 5.5 % (GDP) and 1.2 % (population) a year. Deterministic per district.
import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import * as repo from './indicators.repository.ts';
import * as layers from './layers.repository.ts';
import { ensureDefaults, getDefinition } from './registry.ts';
import { cityRegion, districtsAt } from './regions.ts';
import { computeYear } from './compute.ts';
import { appendAudit } from '../audit/audit.ts';
import { areaRows } from './kinds/common.ts';

const unit = (code: string, salt: string) =>
  parseInt(createHash('md5').update(`${code}:${salt}`).digest('hex').slice(0, 8), 16) / 0xffffffff;

export async function seedIndicatorDemo(db: Db, config: Config): Promise<{ statistics: number; runs: number[] }> {
  await ensureDefaults(db);
  const clockYear = Number(config.clock.today().slice(0, 4));
  const { regions } = await districtsAt(db, config.districts, null);
  const dltb = await layers.layerAt(db, 'DLTB', null);
  const czk = await layers.layerAt(db, 'CZKFBJ', null);
  const at = await layers.layerAt(db, config.districts.layer, null);
  const xzq = at && { ...at, codeField: config.districts.codeField };
  if (!dltb || !regions.length) return { statistics: 0, runs: [] };
  const codes = regions.map((r) => r.code);
  // The same land classes the default definitions use (default-indicators.json).
  const area = async (indicator: string) => {
    const p = (await getDefinition(db, indicator)).params as { area: { field: string; codes: string[]; within?: string } };
    const { rows } = await areaRows(db, dltb, { field: p.area.field, codes: p.area.codes }, p.area.within && czk ? czk : null, xzq, codes);
    return new Map(rows.map((r) => [r.district, r.area_m2]));
  };
  const construction = await area('DWGDPJSYD');
  const urban = await area('RJCZJSYD');
  let statistics = 0;
  const city = (await cityRegion(db)).code;
  await db.transaction(async (tx) => {
    const put = async (code: string, region: string, y: number, value: number) => {
      await repo.upsertStatistic(tx, { code, region, year: y, value: Math.round(value * 100) / 100, source: '演示数据' }, 'demo');
      statistics++;
    };
    // The city's own figures, so it has them even where a district has no urban land to derive one from.
    const totalConstruction = [...construction.values()].reduce((a, b) => a + b, 0);
    const totalUrban = [...urban.values()].reduce((a, b) => a + b, 0);
    for (let y = clockYear - 5; y <= clockYear; y++) {
      await put('GDP', city, y, totalConstruction / 9.6 / 10000 / 1.055 ** (clockYear - y));
      await put('CZCZRK', city, y, totalUrban / 95 / 10000 / 1.012 ** (clockYear - y));
    }
    for (const d of regions) {
      const intensity = 8.6 + 2.4 * unit(d.code, 'gdp'); // m²/万元
      const perResident = 82 + 26 * unit(d.code, 'pop'); // m²/人
      const gdpNow = (construction.get(d.code) ?? 0) / intensity / 10000; // 亿元
      const popNow = (urban.get(d.code) ?? 0) / perResident / 10000; // 万人
      for (let y = clockYear - 5; y <= clockYear; y++) {
        if (gdpNow > 0) await put('GDP', d.code, y, gdpNow / 1.055 ** (clockYear - y));
        if (popNow > 0) await put('CZCZRK', d.code, y, popNow / 1.012 ** (clockYear - y));
      }
    }
    // District shares of the city's targets, so the map by level has something to show: the
    // stock-land targets split by construction land, the farmland floor by cultivated land.
    // Marked as demo figures; the seeds give no district targets.
    const cultivated = new Map(
      (await areaRows(tx, dltb, { field: 'DLBM', prefixes: ['01'] }, null, xzq, codes)).rows.map((r) => [r.district, r.area_m2]),
    );
    const totalCultivated = [...cultivated.values()].reduce((a, b) => a + b, 0);
    const cityTargets = await repo.targets(tx, { region: city });
    const split = async (indicator: string, weights: Map<string | null, number>, total: number, hard: boolean) => {
      for (const t of cityTargets.filter((x) => x.indicator === indicator)) {
        for (const d of regions) {
          const share = total > 0 ? (weights.get(d.code) ?? 0) / total : 0;
          if (share <= 0) continue;
          await repo.upsertTarget(
            tx,
            {
              indicator,
              region: d.code,
              regionName: d.name,
              year: t.year,
              value: Math.round(t.value * share * 100) / 100,
              bound: t.bound,
              hard,
              baseYear: t.base_year,
              baseline: null,
              source: `演示数据：市级目标按${hard ? '现状耕地' : '建设用地'}面积比例分解（非正式目标）`,
            },
            'demo',
            true,
          );
        }
      }
    };
    await split('PHCLJSYD', construction, totalConstruction, false);
    await split('DXYDZKF', construction, totalConstruction, false);
    await split('GDBYL', cultivated, totalCultivated, true);
    await appendAudit(tx, {
      actor: 'demo',
      action: 'indicators.demo',
      entity: 'indicator_statistic',
      entityId: null,
      after: { statistics, years: [clockYear - 5, clockYear] },
    });
  });
  const runs: number[] = [];
  for (let y = clockYear - 4; y <= clockYear; y++) runs.push((await computeYear(db, config, y, { user: 'demo' })).runId);
  return { statistics, runs };
}
