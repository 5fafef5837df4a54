// The compute run (`onemap indicators compute --year Y`, POST /api/indicators/compute): every
// enabled indicator (or the ones asked for, with what they depend on) for the city and each district
// for one year, from the store as of that year — the layer versions in force at its end (the current
// versions for the current year), the lifecycle ledgers of its dated events, the year's newest
// coverage run, the statistics entered for it. Values are written with their provenance, each value
// is assessed against its target, and alerts are raised, escalated or resolved — all in one
// transaction, audited. Webhook deliveries follow the commit.
import type { Config } from '../config.ts';
import type { Db, Queryable } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import { Invalid, NotFound } from '../errors.ts';
import * as repo from './indicators.repository.ts';
import * as alertRepo from './alerts.repository.ts';
import * as layers from './layers.repository.ts';
import { indicatorKind } from './kinds/index.ts';
import { listDefinitions, DEFAULTS } from './registry.ts';
import { cityRegion, districtsAt } from './regions.ts';
import { getSettings } from './settings.ts';
import { loadEvaluation, type Evaluated } from './evaluation.ts';
import { syncAlert, toAlert, type AlertChange } from './alerts.ts';
import { deliver, wantsLevel } from './webhook.ts';
import { evaluationDate } from './warning.ts';
import type { Computed, ComputedSet, DefRecord, KindContext, LayerAt, Region } from './types.ts';

/** 1 January of the next year, 00:00 China Standard Time: a past year's data is what was valid before. */
export const yearEndInstant = (year: number) => new Date(`${year + 1}-01-01T00:00:00+08:00`);

async function kindContext(db: Db, config: Config, year: number, computed: Map<string, ComputedSet>): Promise<KindContext> {
  const clockYear = Number(config.clock.today().slice(0, 4));
  const current = year >= clockYear;
  const yearEnd = yearEndInstant(year);
  const layerCache = new Map<string, Promise<LayerAt | null>>();
  const city = await cityRegion(db);
  const { regions } = await districtsAt(db, config.districts, current ? null : yearEnd);
  const additive = new Set(DEFAULTS.statistics.filter((s) => s.additive).map((s) => s.code));
  const memo = new Map<string, Promise<unknown>>();
  return {
    db,
    config,
    year,
    current,
    yearEnd,
    city,
    districts: regions,
    computed,
    once<T>(key: string, read: () => Promise<T>) {
      if (!memo.has(key)) memo.set(key, read());
      return memo.get(key) as Promise<T>;
    },
    layerAt(code) {
      if (!layerCache.has(code)) layerCache.set(code, layers.layerAt(db, code, current ? null : yearEnd));
      return layerCache.get(code)!;
    },
    async statistic(code, region, y) {
      const rows = await repo.statistics(db, { code, year: y });
      const own = rows.find((r) => r.region === region);
      if (own) return { value: own.value };
      // The city's figure may be entered per district only: additive statistics sum up, if every district has one.
      if (region === city.code && additive.has(code) && regions.length) {
        const parts = regions.map((d) => rows.find((r) => r.region === d.code));
        if (parts.every((p) => p)) return { value: parts.reduce((s, p) => s + p!.value, 0), summed: regions.map((d) => d.code) };
      }
      return null;
    },
    async storedValue(indicator, region, y) {
      const rows = await repo.values(db, { indicators: [indicator], regions: [region], years: [y] });
      const r = rows.find((x) => x.source === 'reported') ?? rows.find((x) => x.source === 'computed');
      return r ? { value: r.value, source: r.source } : null;
    },
  };
}

/** Definitions to compute, dependencies first (decline-rate reads the indicator it compares). */
function ordered(all: DefRecord[], wanted: string[] | undefined): DefRecord[] {
  const byCode = new Map(all.map((d) => [d.code, d]));
  if (wanted) {
    const unknown = wanted.filter((c) => !byCode.has(c));
    if (unknown.length)
      throw new NotFound(
        `指标 ${unknown.join('、')} 不存在或已停用 (unknown or disabled indicators; known: ${[...byCode.keys()].join(', ')})`,
      );
  }
  const out: DefRecord[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (code: string, path: string[]) => {
    const d = byCode.get(code);
    if (!d || state.get(code) === 'done') return;
    if (state.get(code) === 'visiting') throw new Invalid(`指标依赖成环 (circular dependency): ${[...path, code].join(' → ')}`);
    state.set(code, 'visiting');
    for (const dep of indicatorKind(d.kind)?.dependsOn?.(d.params) ?? []) visit(dep, [...path, code]);
    state.set(code, 'done');
    out.push(d);
  };
  for (const d of wanted ? wanted.map((c) => byCode.get(c)!) : all) visit(d.code, []);
  return out;
}

async function computeOne(ctx: KindContext, def: DefRecord): Promise<ComputedSet> {
  const kind = indicatorKind(def.kind);
  let set: ComputedSet;
  try {
    if (!kind) throw new Error(`unknown computation kind "${def.kind}"`);
    set = await kind.compute(ctx, def);
  } catch (e) {
    // One indicator failing (a layer renamed, a field missing) must not stop the others: it is
    // stored without a value and the note says why.
    const note = `计算出错 (computation failed): ${(e as Error).message}`;
    const one = (): Computed => ({ value: null, note, provenance: { error: (e as Error).message } });
    set = { city: one(), districts: new Map(ctx.districts.map((d) => [d.code, one()])) };
  }
  if (!def.regionLevels.includes('district')) set.districts = new Map();
  if (!def.regionLevels.includes('city')) set.city = { value: null, note: '该指标不在市级计算', provenance: {} };
  const kindInfo = { kind: def.kind, params: def.params, year: ctx.year, asOf: ctx.current ? 'current' : ctx.yearEnd.toISOString() };
  const stamp = (c: Computed): Computed => ({
    ...c,
    value: c.value !== null && Number.isFinite(c.value) ? c.value : null,
    provenance: { ...kindInfo, ...c.provenance },
  });
  return { city: stamp(set.city), districts: new Map([...set.districts].map(([k, v]) => [k, stamp(v)])) };
}

export interface RunIndicator {
  code: string;
  name: string;
  unit: string;
  decimals: number;
  dimension: string;
  city: RegionValue;
  districts: (RegionValue & { code: string; name: string })[];
}

export interface RegionValue {
  value: number | null;
  source: 'computed' | 'reported' | null;
  computedValue: number | null;
  note: string | null;
  cumulative: number | null;
  level: 'green' | 'yellow' | 'red' | null;
  status: string;
  reason: string;
  target: { year: number; value: number; bound: 'min' | 'max'; hard: boolean } | null;
  provenance: Record<string, unknown>;
}

export interface RunResult {
  runId: number;
  year: number;
  evaluatedOn: string;
  current: boolean;
  city: Region;
  districts: Region[];
  durationMs: number;
  indicators: RunIndicator[];
  alerts: { raised: number; escalated: number; updated: number; resolved: number; open: number };
  webhook: { alertId: number; status: string }[];
}

export const regionValue = (e: Evaluated): RegionValue => ({
  value: e.value,
  source: e.source,
  computedValue: e.computed?.value ?? null,
  note: e.note,
  cumulative: e.cumulative,
  level: e.assessment.level,
  status: e.assessment.status,
  reason: e.assessment.reason,
  target: e.assessment.target
    ? { year: e.assessment.target.year, value: e.assessment.target.value, bound: e.assessment.target.bound, hard: e.assessment.target.hard }
    : null,
  provenance: (e.source === 'reported' ? e.reported?.provenance : e.computed?.provenance) ?? {},
});

export async function computeYear(db: Db, config: Config, year: number, o: { indicators?: string[]; user: string }): Promise<RunResult> {
  const t0 = performance.now();
  const today = config.clock.today();
  const clockYear = Number(today.slice(0, 4));
  if (!Number.isInteger(year) || year < 1990) throw new Invalid(`year: 须为 1990 年以后的年份 (got ${year})`);
  if (year > clockYear) throw new Invalid(`year: ${year} 年尚未到来，今天是 ${today} (cannot compute a future year)`);
  const defs = ordered(await listDefinitions(db, { enabledOnly: true }), o.indicators);

  // Read everything first, outside the write transaction.
  const computed = new Map<string, ComputedSet>();
  const ctx = await kindContext(db, config, year, computed);
  for (const def of defs) computed.set(def.code, await computeOne(ctx, def));

  // Cumulative indicators sum the years since the base year: fill earlier years nobody computed yet.
  const earlier: { def: DefRecord; year: number; set: ComputedSet }[] = [];
  for (const def of defs.filter((d) => d.aggregate === 'cumulative' && d.baseYear !== undefined && !indicatorKind(d.kind)?.dependsOn)) {
    for (let y = def.baseYear! + 1; y < year; y++) {
      if ((await repo.values(db, { indicators: [def.code], regions: [ctx.city.code], years: [y] })).length) continue;
      const c = await kindContext(db, config, y, new Map());
      earlier.push({ def, year: y, set: await computeOne(c, def) });
    }
  }

  const regions = [ctx.city, ...ctx.districts];
  const { changes, result } = await db.transaction(async (tx) => {
    const runId = await repo.insertRun(tx, { year, asOf: evaluationDate(year, today), indicators: defs.map((d) => d.code), user: o.user });
    const write = async (code: string, y: number, set: ComputedSet) => {
      for (const [region, c] of [[ctx.city.code, set.city] as const, ...set.districts]) {
        await repo.upsertValue(tx, {
          indicator: code,
          region,
          year: y,
          source: 'computed',
          value: c.value,
          note: c.note ?? null,
          provenance: c.provenance,
          runId,
          user: o.user,
        });
      }
    };
    for (const e of earlier) await write(e.def.code, e.year, e.set);
    for (const def of defs) await write(def.code, year, computed.get(def.code)!);

    const ev = await loadEvaluation(tx, { indicators: defs.map((d) => d.code), regions: regions.map((r) => r.code), today });
    const changes: AlertChange[] = [];
    const indicators: RunIndicator[] = [];
    for (const def of defs) {
      const set = computed.get(def.code)!;
      const per = async (r: Region) => {
        const e = ev.evaluate(def, r.code, year);
        const ch = await syncAlert(tx, def, r, e, runId, today, o.user);
        if (ch) changes.push(ch);
        return regionValue(e);
      };
      const city = await per(ctx.city);
      const districts: RunIndicator['districts'] = [];
      for (const d of ctx.districts.filter((x) => set.districts.has(x.code)))
        districts.push({ code: d.code, name: d.name, ...(await per(d)) });
      indicators.push({
        code: def.code,
        name: def.name,
        unit: def.unit,
        decimals: def.decimals,
        dimension: def.dimension,
        city,
        districts,
      });
    }
    const count = (c: AlertChange['change']) => changes.filter((x) => x.change === c).length;
    const open = (await alertRepo.alerts(tx, { status: 'active', year, limit: 1, offset: 0 })).total;
    const result: Omit<RunResult, 'durationMs' | 'webhook'> = {
      runId,
      year,
      evaluatedOn: evaluationDate(year, today),
      current: ctx.current,
      city: ctx.city,
      districts: ctx.districts,
      indicators,
      alerts: { raised: count('raised'), escalated: count('escalated'), updated: count('updated'), resolved: count('resolved'), open },
    };
    const summary: repo.RunSummary = {
      indicators: indicators.map((i) => ({ code: i.code, value: i.city.value, level: i.city.level })),
      alerts: result.alerts,
      earlierYears: earlier.map((e) => `${e.def.code}:${e.year}`),
    };
    await repo.finishRun(tx, runId, summary, performance.now() - t0);
    await appendAudit(tx, {
      actor: o.user,
      action: 'indicators.compute',
      entity: 'indicator_run',
      entityId: runId,
      after: { year, ...summary },
    });
    return { runId, changes, result };
  });

  const webhook = await notify(db, changes, o.user);
  return { ...result, durationMs: Math.round(performance.now() - t0), webhook };
}

/** Delivers raised and escalated alerts to the webhook, if one is configured, and records the outcome. */
async function notify(db: Db, changes: AlertChange[], actor: string): Promise<{ alertId: number; status: string }[]> {
  const w = (await getSettings(db)).webhook;
  const due = changes.filter((c) => (c.change === 'raised' || c.change === 'escalated') && c.level && wantsLevel(w, c.level));
  const out: { alertId: number; status: string }[] = [];
  if (!due.length) return out;
  const names = new Map((await listDefinitions(db)).map((d) => [d.code, { name: d.name, unit: d.unit }]));
  for (const c of due) {
    const row = await alertRepo.alert(db, c.id);
    if (!row) continue;
    const status = await deliver(w, {
      event: c.change === 'raised' ? 'indicator.alert.raised' : 'indicator.alert.escalated',
      alert: toAlert(row, names) as unknown as Record<string, unknown>,
      sentAt: new Date().toISOString(),
    });
    await db.transaction(async (tx) => {
      await alertRepo.setWebhook(tx, c.id, status);
      await appendAudit(tx, {
        actor,
        action: 'indicators.alert.webhook',
        entity: 'indicator_alert',
        entityId: c.id,
        after: { url: w.url, status },
      });
    });
    out.push({ alertId: c.id, status });
  }
  return out;
}

export async function listRuns(q: Queryable, limit = 50) {
  return (await repo.runs(q, limit)).map((r) => ({
    runId: r.id,
    year: r.year,
    asOf: r.as_of,
    indicators: r.indicators,
    summary: r.summary,
    durationMs: r.duration_ms,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
}
