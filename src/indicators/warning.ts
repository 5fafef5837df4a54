// Early warning (监测预警, domain.md §5): progress against the time elapsed to the target year gives
// green / yellow / red with configurable bands; a breach of a hard floor (耕地保有量 below its
// target, 工业用地 below 360 km²) is red at once. Pure functions: the compute run raises alerts from
// them and every page reads the same assessment, so a level is explained the same way everywhere.
import { addDays, daysBetween } from '../util/clock.ts';
import type { Assessment, Bands, IndicatorDef, Level, Target, WarningMode } from './types.ts';

/** Ratios are compared with this slack so that a value exactly on a band edge is not lost to rounding. */
const EPS = 1e-9;

export interface AssessOptions {
  /** The year the value belongs to. */
  year: number;
  /** Today (YYYY-MM-DD, config.clock): a past year is assessed at its 31 December, the current one today. */
  today: string;
  bands: Bands;
  floorMargin: number;
  /** The indicator's value in the base year, for 'base-year-value' baselines. */
  baseYearValue?: number | null;
}

export function bandLevel(ratio: number, bands: Bands): Level {
  if (ratio >= bands.green - EPS) return 'green';
  if (ratio >= bands.yellow - EPS) return 'yellow';
  return 'red';
}

/** The date a year is assessed at: its last day when it is over, today otherwise. */
export function evaluationDate(year: number, today: string): string {
  return Number(today.slice(0, 4)) > year ? `${year}-12-31` : today;
}

/** Share of the days from `start` to `end` (both inclusive) that have passed by `on` (inclusive), 0..1. */
export function elapsedShare(start: string, end: string, on: string): number {
  const total = daysBetween(start, end) + 1;
  const done = daysBetween(start, on) + 1;
  return Math.min(1, Math.max(0, done / total));
}

const roundTo = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
const fmt = (v: number, d: number) => v.toLocaleString('zh-CN', { minimumFractionDigits: d, maximumFractionDigits: d });
const pc = (share: number) => `${fmt(share * 100, 1)}%`;
const LEVEL_ZH: Record<Level, string> = { green: '绿色（正常）', yellow: '黄色（预警）', red: '红色（告警）' };

/**
 * The target that applies to a year: the nearest target year not before it, among targets whose
 * period has begun (a target counted from a base year says nothing about the years up to it: seed
 * 003's 2027 figures start after 2025).
 */
export function applicableTarget(targets: Target[], year: number): Target | null {
  return targets.filter((t) => t.year >= year && (t.baseYear === null || year > t.baseYear)).sort((a, b) => a.year - b.year)[0] ?? null;
}

/**
 * Assesses one value. `compared` is the year's value, or for cumulative indicators the sum of the
 * years after the base year up to this one (compute.ts gathers it).
 */
export function assess(def: IndicatorDef, target: Target | null, raw: number | null, o: AssessOptions): Assessment {
  // Judged as reported: a FAR of 1.49996 (ellipsoidal areas of equal-looking parcels differ in the
  // fifth digit) is printed 1.50 and meets ≥ 1.5.
  const compared = raw === null || !Number.isFinite(raw) ? raw : roundTo(raw, def.decimals);
  const evaluatedOn = evaluationDate(o.year, o.today);
  const bands = def.warning.bands ?? o.bands;
  const base = { target, compared, progress: null, elapsed: null, ratio: null, bands, evaluatedOn };
  const u = (v: number) => `${fmt(v, def.decimals)}${def.unit && def.unit !== '%' ? ` ${def.unit}` : def.unit}`;
  if (!target) return { ...base, level: null, status: 'none', mode: null, reason: `${o.year} 年没有适用的目标值` };
  if (compared === null || !Number.isFinite(compared))
    return { ...base, level: null, status: 'no-data', mode: null, reason: '没有数值（见数值说明）' };
  const min = target.bound === 'min';
  const sign = min ? '≥' : '≤';

  if (target.hard) {
    const breached = min ? compared < target.value - EPS * Math.abs(target.value) : compared > target.value + EPS * Math.abs(target.value);
    const margin = def.warning.floorMargin ?? o.floorMargin;
    const near = min ? compared < target.value * (1 + margin) : compared > target.value * (1 - margin);
    const level: Level = breached ? 'red' : near ? 'yellow' : 'green';
    const what = min ? '底线' : '上限';
    const reason = breached
      ? `${u(compared)}，突破${what} ${sign}${u(target.value)}（${target.year} 年），立即红色告警`
      : near
        ? `${u(compared)}，距${what} ${u(target.value)} 不足 ${pc(margin)}，接近${what}`
        : `${u(compared)}，守住${what} ${sign}${u(target.value)}`;
    return { ...base, level, status: 'assessed', mode: 'floor', ratio: target.value ? compared / target.value : null, reason };
  }

  let mode: WarningMode = def.warning.mode;
  const baseYear = target.baseYear ?? def.baseYear ?? null;
  let baseline: number | null = null;
  let fallback = '';
  if (mode === 'progress') {
    const kind = def.warning.baseline ?? (def.aggregate === 'cumulative' ? 'zero' : 'base-year-value');
    baseline = target.baseline ?? (kind === 'zero' ? 0 : (o.baseYearValue ?? null));
    if (baseYear === null || baseline === null) {
      mode = 'level';
      fallback = baseYear === null ? '（未设基期年，按目标值比较）' : `（缺少 ${baseYear} 年基期值，按目标值比较）`;
    }
  }

  if (mode === 'level') {
    const ratio = min
      ? target.value === 0
        ? compared >= 0
          ? 1
          : 0
        : compared / target.value
      : compared <= 0
        ? Infinity
        : target.value / compared;
    const level = bandLevel(ratio, bands);
    return {
      ...base,
      level,
      status: 'assessed',
      mode,
      ratio,
      reason: `${u(compared)}，${target.year} 年目标 ${sign}${u(target.value)}，达标程度 ${Number.isFinite(ratio) ? pc(ratio) : '—'}，${LEVEL_ZH[level]}${fallback}`,
    };
  }

  // Time elapsed: within the year for yearly tasks, from the base year to the target year otherwise.
  const [start, end] = mode === 'annual' ? [`${o.year}-01-01`, `${o.year}-12-31`] : [`${baseYear! + 1}-01-01`, `${target.year}-12-31`];
  if (evaluatedOn < start) return { ...base, level: null, status: 'not-started', mode, reason: `进度期自 ${start} 起，尚未开始` };
  const elapsed = elapsedShare(start, end, evaluatedOn);
  const b = mode === 'annual' ? 0 : baseline!;
  const span = target.value - b;
  const progress = span === 0 ? ((min ? compared >= target.value : compared <= target.value) ? 1 : 0) : (compared - b) / span;
  const ratio = progress / elapsed;
  const level = bandLevel(ratio, bands);
  const what = def.aggregate === 'cumulative' ? `累计 ${u(compared)}` : u(compared);
  return {
    ...base,
    level,
    status: 'assessed',
    mode,
    progress,
    elapsed,
    ratio,
    reason: `${what}，完成 ${target.year} 年目标 ${sign}${u(target.value)} 的 ${pc(progress)}，时间进度 ${pc(elapsed)}（${mode === 'annual' ? '年度' : `${baseYear! + 1}–${target.year} 年`}），${LEVEL_ZH[level]}`,
  };
}

/** The first day of the progress period of a target, for the report's wording. */
export const periodStart = (t: Target, def: IndicatorDef): string | null => {
  const y = t.baseYear ?? def.baseYear;
  return y ? addDays(`${y}-12-31`, 1) : null;
};
