// Shapes of the indicator module: a definition (registry entry, JSON), a computation kind (one file
// per kind in kinds/), a computed value with its provenance, a target and an assessment.
import type { Db, Queryable } from '../db/index.ts';
import type { Config } from '../config.ts';

export type Dimension = '安全' | '创新' | '协调' | '绿色' | '开放' | '共享';
export type Better = 'higher' | 'lower';
/** annual: each year stands alone; cumulative: the target counts the sum of the years after the base year. */
export type Aggregate = 'annual' | 'cumulative';
/**
 * progress: (value − baseline) ÷ (target − baseline) against the time elapsed from the base year to
 * the target year; annual: against the share of the year elapsed (年度任务); level: value ÷ target.
 */
export type WarningMode = 'progress' | 'annual' | 'level';
export type Level = 'green' | 'yellow' | 'red';

export interface Bands {
  green: number;
  yellow: number;
}

export interface IndicatorDef {
  code: string;
  name: string;
  nameEn?: string;
  dimension: Dimension;
  definition: string;
  basis?: string;
  kind: string;
  params: Record<string, unknown>;
  unit: string;
  decimals: number;
  better: Better;
  regionLevels: ('city' | 'district')[];
  period: 'year';
  aggregate: Aggregate;
  /** Progress starts on 1 January after this year (seed 003: 较2025年) unless the target says otherwise. */
  baseYear?: number;
  /**
   * baseline (progress mode): 'zero' — the quantity starts from nothing at the base year (sums since
   * then, rates of decline vs the base year); 'base-year-value' — the indicator's own value in the base
   * year (coverage raised from its 2025 level). Default: zero for cumulative indicators.
   */
  warning: { mode: WarningMode; bands?: Bands; floorMargin?: number; baseline?: 'zero' | 'base-year-value' };
  department?: string;
  order?: number;
}

/** A stored definition with its registry bookkeeping. */
export interface DefRecord extends IndicatorDef {
  builtin: boolean;
  enabled: boolean;
  updatedBy: string;
  updatedAt: string;
}

export interface Region {
  code: string;
  name: string;
  level: 'city' | 'district';
}

export interface Computed {
  value: number | null;
  /** Why the value is missing or how to read it (no layer version at the year's end, no task set…). */
  note?: string;
  /** Layer versions, ledger state, run ids and statistics the value was computed from. */
  provenance: Record<string, unknown>;
}

export interface ComputedSet {
  city: Computed;
  districts: Map<string, Computed>;
}

/** A layer version as the computations read it: the one in force for the year. */
export interface LayerAt {
  code: string;
  id: number;
  version: number;
  validFrom: string;
}

export interface KindContext {
  db: Db;
  config: Config;
  year: number;
  /** True for the clock's current year (or later): read the current status; past years read as of 31 December. */
  current: boolean;
  /** The instant the past year ended (1 January of the next year, 00:00 China Standard Time). */
  yearEnd: Date;
  city: Region;
  districts: Region[];
  /** The version of a layer in force for the year; null when the layer had none. */
  layerAt(code: string): Promise<LayerAt | null>;
  /** A statistic for a region and year; the city falls back to the sum of its districts for additive statistics. */
  statistic(code: string, region: string, year: number): Promise<{ value: number; summed?: string[] } | null>;
  /** The effective stored value of an indicator (reported before computed). */
  storedValue(indicator: string, region: string, year: number): Promise<{ value: number | null; source: string } | null>;
  /** Results computed earlier in the same run (dependencies come first). */
  computed: Map<string, ComputedSet>;
  /** Read once per run and shared by the kinds (e.g. the lifecycle ledgers' state). */
  once<T>(key: string, read: () => Promise<T>): Promise<T>;
}

export interface ParamDoc {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

/** One computation kind: its parameters, their checks, what it depends on, and the computation. */
export interface IndicatorKind {
  name: string;
  label: string;
  description: string;
  params: ParamDoc[];
  /** Problems with the parameters, each naming the parameter; empty when they are fine. */
  check(params: Record<string, unknown>): string[];
  /** Codes of indicators computed first (decline-rate of another indicator). */
  dependsOn?(params: Record<string, unknown>): string[];
  compute(ctx: KindContext, def: IndicatorDef): Promise<ComputedSet>;
}

export interface Target {
  indicator: string;
  region: string;
  regionName: string;
  year: number;
  value: number;
  bound: 'min' | 'max';
  hard: boolean;
  baseYear: number | null;
  baseline: number | null;
  source: string;
  updatedBy?: string;
  updatedAt?: string;
}

export interface Assessment {
  level: Level | null;
  /** none: no target for the year; no-data: no value; not-started: before the progress period. */
  status: 'assessed' | 'none' | 'no-data' | 'not-started';
  reason: string;
  target: Target | null;
  /** The value compared: the year's value, or the sum since the base year for cumulative indicators. */
  compared: number | null;
  progress: number | null;
  elapsed: number | null;
  ratio: number | null;
  mode: WarningMode | 'floor' | null;
  bands: Bands;
  evaluatedOn: string;
}

export type { Db, Queryable, Config };
