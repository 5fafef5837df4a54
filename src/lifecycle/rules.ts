// The nightly rule run of the land lifecycle: idle-land candidates, inefficient-land candidates
// and the yearly re-evaluation, the +1/+4/+5 resettlement warnings, idle-case warnings, and the
// refresh of the approved-but-unsupplied ledger. Every rule is one set-based statement; the whole
// run is one transaction, so a failure leaves nothing half done. Idempotent: each statement only
// adds what is not there yet (unique keys + NOT EXISTS), so running twice the same day adds
// nothing; lifecycle_run keeps one row per day with how many times it ran.
import type { Db, Queryable } from '../db/index.ts';
import type { Clock } from '../util/clock.ts';
import type { User } from '../auth/types.ts';
import { appendAudit } from '../audit/audit.ts';
import { DEFAULT_DISTRICT_LAYER, type DistrictLayer } from '../config.ts';
import { districtFilter, scopeOf } from './machine.ts';
import * as idle from './idle.repository.ts';
import * as ineff from './inefficient.repository.ts';
import * as resettle from './resettlement.repository.ts';
import * as unsupplied from './unsupplied.repository.ts';
import * as warnings from './warnings.repository.ts';

export interface NightlySummary {
  date: string;
  /** How many times the run has now run on this date (1 = first). */
  runOfDay: number;
  idleCandidates: number;
  inefficient: { factYear: number | null; ruleYear: number | null; candidates: number; reevaluated: number };
  warningsRaised: Record<string, number>;
  warningsResolved: number;
  unsupplied: { refreshed: number; digested: number };
  durationMs: number;
}

export const NIGHTLY_ACTOR = 'nightly';

/** The rules themselves, inside the caller's transaction (benchmarks roll it back). */
export async function nightlyIn(
  tx: Queryable,
  today: string,
  actor = NIGHTLY_ACTOR,
): Promise<Omit<NightlySummary, 'runOfDay' | 'durationMs'>> {
  const idleCandidates = await idle.createCandidates(tx, today, actor);
  const year = Number(today.slice(0, 4));
  const factYear = await ineff.factYear(tx, year);
  const ruleYear = factYear === null ? null : await ineff.ruleYear(tx, factYear);
  let candidates = 0;
  let reevaluated = 0;
  if (factYear !== null && ruleYear !== null) {
    candidates = await ineff.createCandidates(tx, factYear, ruleYear, actor);
    reevaluated = await ineff.reevaluate(tx, factYear, ruleYear, actor);
  }
  // Resolve first so a warning whose cause went away today is not raised and resolved at once.
  const warningsResolved = await warnings.resolveStale(tx, today);
  const raised = { ...(await resettle.raiseWarnings(tx, today, actor)), ...(await warnings.raiseIdleWarnings(tx, today, actor)) };
  const [refreshed, digested] = await unsupplied.refreshAll(tx, today, actor);
  return {
    date: today,
    idleCandidates,
    inefficient: { factYear, ruleYear, candidates, reevaluated },
    warningsRaised: raised,
    warningsResolved,
    unsupplied: { refreshed, digested },
  };
}

/** `onemap lifecycle nightly`, POST /api/lifecycle/nightly and the benchmark call this. */
export async function runNightly(db: Db, clock: Clock, actor = NIGHTLY_ACTOR): Promise<NightlySummary> {
  const t0 = performance.now();
  const today = clock.today();
  return db.transaction(async (tx) => {
    const s = await nightlyIn(tx, today, actor);
    const runOfDay = await warnings.recordRun(tx, today, actor, s);
    const summary = { ...s, runOfDay, durationMs: Math.round(performance.now() - t0) };
    // The run itself is a write (POST /api/lifecycle/nightly, the CLI, the scheduler): audited with what it did.
    await appendAudit(tx, { actor, action: 'lifecycle.nightly', entity: 'lifecycle_run', entityId: today, after: summary });
    return summary;
  });
}

export const WARNING_KINDS: Record<string, string> = {
  'resettlement+1': '+1 征收后一年安置房未开工',
  'resettlement+4': '+4 征收后四年安置房未竣工',
  'resettlement+5': '+5 征收后五年未完成安置',
  'idle-overdue': '闲置土地案件超期',
  'idle-reclaimable': '闲置满两年可无偿收回',
};

export async function listWarnings(
  q: Queryable,
  user: User | undefined,
  f: { district?: string; kind?: string; open?: boolean; limit?: number; offset?: number },
) {
  const districts = districtFilter(user, f.district);
  const r = await warnings.listWarnings(q, {
    districts,
    kind: f.kind,
    open: f.open ?? true,
    limit: Math.min(f.limit ?? 200, 5000),
    offset: f.offset ?? 0,
  });
  return {
    total: r.total,
    items: r.rows.map((w) => ({
      id: w.id,
      kind: w.kind,
      kindName: WARNING_KINDS[w.kind] ?? w.kind,
      entity: w.entity,
      entityId: w.entity_id,
      district: w.district,
      title: w.title,
      message: w.message,
      dueOn: w.due_on,
      raisedOn: w.raised_on,
      resolvedOn: w.resolved_on,
    })),
  };
}

/** 预警看板: open warnings by district and kind. */
export async function warningBoard(q: Queryable, user: User | undefined, d: DistrictLayer = DEFAULT_DISTRICT_LAYER) {
  const rows = await warnings.board(q, d, scopeOf(user));
  const byDistrict = new Map<
    string,
    { district: string; name: string | null; total: number; byKind: Record<string, number>; oldestDue: string }
  >();
  for (const r of rows) {
    const d = byDistrict.get(r.district) ?? { district: r.district, name: r.name, total: 0, byKind: {}, oldestDue: r.oldest };
    d.total += r.n;
    d.byKind[r.kind] = r.n;
    if (r.oldest < d.oldestDue) d.oldestDue = r.oldest;
    byDistrict.set(r.district, d);
  }
  const byKind: Record<string, number> = {};
  for (const r of rows) byKind[r.kind] = (byKind[r.kind] ?? 0) + r.n;
  return { kinds: WARNING_KINDS, total: rows.reduce((s, r) => s + r.n, 0), byKind, districts: [...byDistrict.values()] };
}

/** District codes and names for the pages' filters. */
export const districtList = (q: Queryable, d: DistrictLayer) => warnings.districts(q, d);
