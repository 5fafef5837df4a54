// Lifecycle demo data on the demo city: one land code per 宗地 of layer ZD with its history (批准,
// 收储, 供应, 三证齐发, 开工, 进度核查, 竣工, 登记), approval batches with disposals, yearly facts of
// industrial land, expropriation–resettlement projects (~1,000 at the large scale, as Hangzhou's
// 954), then the nightly rules and a share of the cases moved along their workflows.
// Deterministic: every draw is md5(ZDDM, salt); dates are relative to `today` (ONEMAP_CLOCK pins it).
// The history is written set-based (demo.repository.ts); the cases move through the same services
// as a user's steps — the workflow kernel checks each step and each is audited — all inside one
// transaction, as the actor 'demo'.
import { within, type Db } from '../db/index.ts';
import type { Scale } from '../demo/grid.ts';
import type { User } from '../auth/types.ts';
import { addDays, fixedClock } from '../util/clock.ts';
import { appendAudit } from '../audit/audit.ts';
import { nightlyIn, type NightlySummary } from './rules.ts';
import { refreshAll } from './unsupplied.repository.ts';
import { raiseIdleWarnings } from './warnings.repository.ts';
import { transitionIdle } from './idle.ts';
import { transitionInefficient } from './inefficient.ts';
import { addDisposal, transitionBatch } from './unsupplied.ts';
import { createProject, transitionProject } from './resettlement.ts';
import * as repo from './demo.repository.ts';

const PROJECTS: Record<Scale, number> = { small: 40, demo: 300, large: 1000 };
const MODES = ['self', 'joint', 'merge', 'industrial-to-industrial', 'government-enterprise'];
const DEMO: User = { id: null, username: 'demo', name: '演示数据', role: 'admin', districts: [], via: 'cli' };

export interface LifecycleDemoResult {
  parcels: number;
  events: number;
  batches: number;
  projects: number;
  nightly: Omit<NightlySummary, 'runOfDay' | 'durationMs'>;
}

export const hasLifecycleDemo = (db: Db): Promise<boolean> => repo.hasParcels(db);

export async function generateLifecycleDemo(db: Db, today: string, opts: { scale: Scale }): Promise<LifecycleDemoResult> {
  return db.transaction(async (tx) => {
    const t = within(db, tx);
    const clock = fixedClock(today);
    const year = Number(today.slice(0, 4));
    const parcels = await repo.seedParcels(tx, today);
    const batches = await repo.seedBatches(tx, today);
    const events = await repo.seedEvents(tx, today);
    await refreshAll(tx, today, 'demo');
    // Older batches further along the clearing workflow: mapped, then disposing with a disposal.
    for (const b of await repo.batchDraws(tx)) {
      if (b.year >= year - 1) continue;
      await transitionBatch(t, clock, b.id, 'mapped', {}, DEMO);
      if (b.year >= year - 2) continue;
      await transitionBatch(t, clock, b.id, 'disposing', {}, DEMO);
      const on = addDays(b.approvedOn, 400);
      if (on > today) continue;
      const mode = b.id % 3 === 0 ? '撤回' : '核减';
      await addDisposal(t, clock, b.id, { date: on, mode, areaM2: b.approvedM2 * 0.1, docNo: `处置〔${b.id}〕号` }, DEMO);
    }
    await repo.seedFacts(tx, today);
    // Projects registered, their plots located and their milestones reached, each on its date.
    const draws = await repo.projectDraws(tx, today, PROJECTS[opts.scale]);
    for (const d of draws) {
      const plot = d.plotGeometry && d.plotOn ? { plotGeometry: d.plotGeometry } : {};
      const p = await createProject(
        t,
        fixedClock(d.plotOn ?? today),
        {
          code: d.code,
          name: d.name,
          district: d.district,
          households: d.households,
          geometry: d.geometry,
          plotName: d.plotName,
          ...plot,
          srid: 4490,
        },
        DEMO,
      );
      const steps = [
        ['started', d.started],
        ['housing-started', d.housingStarted],
        ['housing-completed', d.housingCompleted],
        ['resettled', d.resettled],
      ] as const;
      for (const [to, on] of steps) {
        if (!on) break;
        await transitionProject(t, fixedClock(on), p.id, to, { date: on }, DEMO);
      }
    }
    const projects = draws.length;

    const nightly = await nightlyIn(tx, today, 'demo');

    // Move a share of the cases along their workflows so every page has something to show.
    const yearStart = `${today.slice(0, 4)}-01-01`;
    for (const c of await repo.idleDraws(tx)) {
      if (c.move >= 0.5) continue;
      await transitionIdle(t, clock, c.id, 'investigation', { noticeNo: `闲调〔${c.id}〕号` }, DEMO);
      if (c.move < 0.3) continue;
      await transitionIdle(t, clock, c.id, 'determined', { determinationNo: `闲认〔${c.id}〕号` }, DEMO);
      // About 40 % of the determined cases had the idle fee levied this year (第十四条(一): 20 % of the price).
      if (!c.priced || c.fee >= 0.4) continue;
      const on = [addDays(today, -Math.floor(c.feeDay * 150)), yearStart].sort()[1];
      await transitionIdle(t, fixedClock(on), c.id, 'fee-levied', { decisionNo: `闲费〔${c.id}〕号` }, DEMO);
    }
    await repo.backdateSupervision(tx, today);
    for (const c of await repo.inefficientDraws(tx)) {
      if (c.x >= 0.6) continue;
      await transitionInefficient(t, clock, c.id, 'confirmed', { note: '现场调查确认' }, DEMO);
      if (c.x >= 0.45) continue;
      const mode = MODES[Math.floor(c.x * 100) % MODES.length];
      await transitionInefficient(t, clock, c.id, 'inventoried', { category: '低效工业用地', mode }, DEMO);
      if (c.x >= 0.2) continue;
      await transitionInefficient(t, clock, c.id, 'redeveloping', { projectName: `再开发项目 ${c.id}`, date: addDays(today, -200) }, DEMO);
      if (c.x >= 0.1) continue;
      const on = [addDays(today, -30), yearStart].sort()[1];
      await transitionInefficient(t, clock, c.id, 'redeveloped', { redevelopedM2: c.areaM2, date: on }, DEMO);
    }
    // The warnings of the moved cases (overdue, reclaimable), as the next night would raise them.
    const moved = await raiseIdleWarnings(tx, today, 'demo');
    for (const [k, n] of Object.entries(moved)) nightly.warningsRaised[k] = (nightly.warningsRaised[k] ?? 0) + n;
    await appendAudit(tx, {
      actor: 'demo',
      action: 'lifecycle.demo',
      entity: 'land_parcel',
      entityId: null,
      after: { parcels, events, batches, projects, today },
    });
    return { parcels, events, batches, projects, nightly };
  });
}
