// Reading values back: the effective value of an indicator for a region and year (an official
// reported figure before a computed one), the cumulative sum since the base year, and the
// assessment against the applicable target. Loaded in three queries for a whole page, so the
// dashboard, the map, the report and the compute run all judge a value the same way.
import type { Queryable } from '../db/index.ts';
import * as repo from './indicators.repository.ts';
import { toTarget } from './targets.ts';
import { getSettings, type IndicatorSettings } from './settings.ts';
import { applicableTarget, assess } from './warning.ts';
import type { Assessment, IndicatorDef, Target } from './types.ts';

export interface StoredValue {
  value: number | null;
  note: string | null;
  source: 'computed' | 'reported';
  provenance: Record<string, unknown>;
  runId: number | null;
  updatedAt: string;
}

export interface Evaluated {
  indicator: string;
  region: string;
  year: number;
  /** The effective value: the reported one when there is one, else the computed one. */
  value: number | null;
  source: 'computed' | 'reported' | null;
  note: string | null;
  computed: StoredValue | null;
  reported: StoredValue | null;
  /** Sum of the years after the base year up to this one (cumulative indicators). */
  cumulative: number | null;
  cumulativeYears: number[] | null;
  assessment: Assessment;
}

const key = (i: string, r: string, y: number) => `${i}|${r}|${y}`;

export class Evaluation {
  private values = new Map<string, { computed?: StoredValue; reported?: StoredValue }>();
  private targets = new Map<string, Target[]>();

  constructor(
    rows: repo.ValueRow[],
    targets: repo.TargetRow[],
    readonly settings: IndicatorSettings,
    readonly today: string,
  ) {
    for (const r of rows) {
      const k = key(r.indicator, r.region, r.year);
      const e = this.values.get(k) ?? {};
      e[r.source] = { value: r.value, note: r.note, source: r.source, provenance: r.provenance, runId: r.run_id, updatedAt: r.updated_at };
      this.values.set(k, e);
    }
    for (const t of targets) {
      const k = `${t.indicator}|${t.region}`;
      this.targets.set(k, [...(this.targets.get(k) ?? []), toTarget(t)]);
    }
  }

  stored(indicator: string, region: string, year: number): { computed?: StoredValue; reported?: StoredValue } {
    return this.values.get(key(indicator, region, year)) ?? {};
  }

  effective(indicator: string, region: string, year: number): StoredValue | null {
    const s = this.stored(indicator, region, year);
    return s.reported ?? s.computed ?? null;
  }

  targetsOf(indicator: string, region: string): Target[] {
    return this.targets.get(`${indicator}|${region}`) ?? [];
  }

  /** Years with a value for the indicator and region, oldest first. */
  years(indicator: string, region: string): number[] {
    const out: number[] = [];
    for (const k of this.values.keys()) {
      const [i, r, y] = k.split('|');
      if (i === indicator && r === region) out.push(Number(y));
    }
    return out.sort((a, b) => a - b);
  }

  evaluate(def: IndicatorDef, region: string, year: number): Evaluated {
    const s = this.stored(def.code, region, year);
    const eff = s.reported ?? s.computed ?? null;
    const target = applicableTarget(this.targetsOf(def.code, region), year);
    let cumulative: number | null = null;
    let cumulativeYears: number[] | null = null;
    const baseYear = target?.baseYear ?? def.baseYear ?? null;
    if (def.aggregate === 'cumulative' && baseYear !== null && eff?.value !== null && eff?.value !== undefined && year > baseYear) {
      cumulativeYears = [];
      cumulative = 0;
      for (let y = baseYear + 1; y <= year; y++) {
        const v = this.effective(def.code, region, y)?.value;
        if (v === null || v === undefined) continue;
        cumulative += v;
        cumulativeYears.push(y);
      }
    }
    const compared = def.aggregate === 'cumulative' ? cumulative : (eff?.value ?? null);
    const baseYearValue = baseYear !== null ? (this.effective(def.code, region, baseYear)?.value ?? null) : null;
    const assessment = assess(def, target, compared, {
      year,
      today: this.today,
      bands: this.settings.warning.bands,
      floorMargin: this.settings.warning.floorMargin,
      baseYearValue,
    });
    return {
      indicator: def.code,
      region,
      year,
      value: eff?.value ?? null,
      source: eff?.source ?? null,
      note: eff?.note ?? null,
      computed: s.computed ?? null,
      reported: s.reported ?? null,
      cumulative,
      cumulativeYears,
      assessment,
    };
  }
}

/** Everything needed to evaluate these indicators for these regions (all years). */
export async function loadEvaluation(q: Queryable, o: { indicators: string[]; regions: string[]; today: string }): Promise<Evaluation> {
  const [rows, targets, settings] = [
    await repo.values(q, { indicators: o.indicators, regions: o.regions }),
    (await repo.targets(q)).filter((t) => o.indicators.includes(t.indicator) && o.regions.includes(t.region)),
    await getSettings(q),
  ];
  return new Evaluation(rows, targets, settings, o.today);
}
