// Yearly ledgers of the land lifecycle, the figures the indicators read (domain.md §5, seed 003):
// 盘活存量建设用地, 完成低效用地再开发, 年度批而未供土地消化, 闲置土地处置, 存量土地供应占比 and
// 新增工业用地平均容积率. Each takes a calendar year and an optional district list and reports
// areas in m² and 亩 (1 亩 = 10000/15 m²). Documented in ARCHITECTURE.md ("Lifecycle ledgers").
import type { Queryable } from '../db/index.ts';
import { m2ToMu } from '../area/units.ts';
import * as repo from './ledgers.repository.ts';
import { digestionByYear, type Digestion } from './unsupplied.ts';

export interface Area {
  m2: number;
  mu: number;
}
const area = (m2: number): Area => ({ m2, mu: m2ToMu(m2) });
const pct = (a: number, b: number): number | null => (b > 0 ? (a / b) * 100 : null);

export interface LedgerOptions {
  /** GB/T 2260 district codes; null or absent = the whole city. */
  districts?: string[] | null;
}

/** 存量土地供应占比: stock land supplied ÷ all land supplied, standalone-site projects excluded. */
export async function stockSupplyShare(q: Queryable, year: number, o: LedgerOptions = {}) {
  const r = await repo.supplyFigures(q, year, o.districts ?? null);
  return {
    year,
    supplied: area(r.total_m2),
    stockSupplied: area(r.stock_m2),
    suppliedCount: r.total_n,
    stockCount: r.stock_n,
    standaloneExcluded: area(r.standalone_m2),
    sharePercent: pct(r.stock_m2, r.total_m2),
  };
}

/** 新增工业用地平均容积率: area-weighted FAR of industrial land supplied in the year. */
export async function newIndustrialFar(q: Queryable, year: number, o: LedgerOptions = {}) {
  const r = await repo.industrialFar(q, year, o.districts ?? null);
  return { year, parcels: r.n, supplied: area(r.area_m2), averageFar: r.far, excludedSpecialProcess: r.excluded };
}

/** 完成低效用地再开发: redevelopment completed in the year. */
export async function inefficientRedeveloped(q: Queryable, year: number, o: LedgerOptions = {}) {
  const r = await repo.redeveloped(q, year, o.districts ?? null);
  return { year, projects: r.n, redeveloped: area(r.area_m2) };
}

/** 闲置土地处置: cases disposed of in the year, and determined cases still waiting now. */
export async function idleDisposal(q: Queryable, year: number, o: LedgerOptions = {}) {
  const r = await repo.idleDisposed(q, year, o.districts ?? null);
  return { year, disposedCases: r.n, disposed: area(r.area_m2), waitingCases: r.waiting_n, waiting: area(r.waiting_m2) };
}

/** 批而未供消化: the year's 消化率 and task completion, city-wide (first) and by district. */
export async function unsuppliedDigestion(q: Queryable, year: number, o: LedgerOptions = {}): Promise<Digestion[]> {
  return digestionByYear(q, year, o.districts ?? null);
}

/**
 * 盘活存量建设用地: the stock land brought back into use in the year = approved-but-unsupplied land
 * digested + idle land disposed + inefficient land redeveloped (the three 存量"三块地" of seed 002).
 */
export async function stockRevitalised(q: Queryable, year: number, o: LedgerOptions = {}) {
  const [dig, idle, ineff] = await Promise.all([
    unsuppliedDigestion(q, year, o),
    idleDisposal(q, year, o),
    inefficientRedeveloped(q, year, o),
  ]);
  const u = dig[0].digestedM2;
  return {
    year,
    total: area(u + idle.disposed.m2 + ineff.redeveloped.m2),
    components: { unsuppliedDigested: area(u), idleDisposed: idle.disposed, inefficientRedeveloped: ineff.redeveloped },
  };
}

/** Every ledger of a year at once (GET /api/lifecycle/ledgers/{year}, `onemap lifecycle ledgers`). */
export async function yearLedgers(q: Queryable, year: number, o: LedgerOptions = {}) {
  const [revitalised, redeveloped, digestion, idle, supply, far] = [
    await stockRevitalised(q, year, o),
    await inefficientRedeveloped(q, year, o),
    await unsuppliedDigestion(q, year, o),
    await idleDisposal(q, year, o),
    await stockSupplyShare(q, year, o),
    await newIndustrialFar(q, year, o),
  ];
  return {
    year,
    districts: o.districts ?? null,
    stockRevitalised: revitalised,
    inefficientRedeveloped: redeveloped,
    unsuppliedDigestion: digestion,
    idleDisposal: idle,
    stockSupplyShare: supply,
    newIndustrialFar: far,
  };
}
