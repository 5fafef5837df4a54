// 征收–安置闭环 (domain.md §6; seed 001: "督促各地在征收项目启动前先行谋划安置地块…实现…安置地块全部
// 落图定位"; Hangzhou tracks 954 projects this way). A project locates its resettlement plot on the
// map before expropriation starts, then moves through its milestones; the nightly run warns at
// +1 / +4 / +5 years (resettlement.repository.raiseWarnings).
//
//   planning ─► started ─► housing-started ─► housing-completed ─► resettled
//   (谋划)      (征收启动)  (安置房开工)        (安置房竣工)          (完成回迁安置)
import type { Db, Queryable } from '../db/index.ts';
import { addYears, type Clock } from '../util/clock.ts';
import type { User } from '../auth/types.ts';
import { appendAudit, auditFor } from '../audit/audit.ts';
import { m2ToMu } from '../area/units.ts';
import { Conflict, IllegalTransition, Invalid, NotFound } from '../errors.ts';
import { assertDistrict, assertStep, checkDate, checkNotFuture, listPage, nextStates, ownCase, type CaseListQuery } from './machine.ts';
import { parseGeometry } from './landcode.repository.ts';
import * as repo from './resettlement.repository.ts';

const noSuchProject = (id: number) => `征收安置项目 #${id} 不存在 (no such expropriation project)`;

export type ProjectStatus = 'planning' | 'started' | 'housing-started' | 'housing-completed' | 'resettled';
export const PROJECT_MACHINE = nextStates<ProjectStatus>({
  what: '征收安置项目',
  states: {
    planning: '谋划',
    started: '征收启动',
    'housing-started': '安置房开工',
    'housing-completed': '安置房竣工',
    resettled: '完成回迁安置',
  },
  next: {
    planning: ['started'],
    started: ['housing-started'],
    'housing-started': ['housing-completed'],
    'housing-completed': ['resettled'],
    resettled: [],
  },
});
const DATE_COLUMN: Record<Exclude<ProjectStatus, 'planning'>, string> = {
  started: 'expropriated_on',
  'housing-started': 'housing_started_on',
  'housing-completed': 'housing_completed_on',
  resettled: 'resettled_on',
};

export interface Project {
  id: number;
  code: string;
  name: string;
  district: string;
  households: number;
  householdsResettled: number;
  plotName: string | null;
  plotLocated: boolean;
  plotLocatedOn: string | null;
  status: ProjectStatus;
  statusName: string;
  expropriatedOn: string | null;
  housingStartedOn: string | null;
  housingCompletedOn: string | null;
  resettledOn: string | null;
  /** The +1/+4/+5 warning points (seed 001): the anniversaries of expropriation, null before it. */
  due: { housingStart: string; housingCompletion: string; resettlement: string } | null;
  nextSteps: string[];
}

function projectOut(p: repo.ProjectRow): Project {
  const s = p.status as ProjectStatus;
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    district: p.district,
    households: p.households,
    householdsResettled: p.households_resettled,
    plotName: p.plot_name,
    plotLocated: p.plot_located,
    plotLocatedOn: p.plot_located_on,
    status: s,
    statusName: PROJECT_MACHINE.stateName(s),
    expropriatedOn: p.expropriated_on,
    housingStartedOn: p.housing_started_on,
    housingCompletedOn: p.housing_completed_on,
    resettledOn: p.resettled_on,
    due: p.expropriated_on
      ? {
          housingStart: addYears(p.expropriated_on, 1),
          housingCompletion: addYears(p.expropriated_on, 4),
          resettlement: addYears(p.expropriated_on, 5),
        }
      : null,
    nextSteps: [...PROJECT_MACHINE.allowed(s)],
  };
}

export interface ProjectInput {
  code: string;
  name: string;
  district: string;
  households: number;
  geometry?: unknown;
  plotName?: string;
  plotGeometry?: unknown;
  srid?: number;
}

export async function createProject(db: Db, clock: Clock, p: ProjectInput, user: User): Promise<Project> {
  if (!p.code?.trim() || !p.name?.trim()) throw new Invalid('code, name: 项目编号和名称不能为空 (code and name are required)');
  if (!/^\d{6}$/.test(p.district ?? '')) throw new Invalid(`district: 必须是 6 位行政区划代码 (GB/T 2260), got "${p.district}"`);
  if (!Number.isInteger(p.households) || p.households <= 0)
    throw new Invalid(`households: 被征收户数必须是正整数 (got ${JSON.stringify(p.households)})`);
  assertDistrict(user, p.district, `征收安置项目 ${p.code}`);
  const id = await db.transaction(async (tx) => {
    if (await repo.codeExists(tx, p.code)) throw new Conflict(`征收安置项目 ${p.code} 已存在 (project code already registered)`);
    const g = p.geometry !== undefined ? await parseGeometry(tx, p.geometry, p.srid ?? 4490, 'geometry') : null;
    const plot = p.plotGeometry !== undefined ? await parseGeometry(tx, p.plotGeometry, p.srid ?? 4490, 'plotGeometry') : null;
    const newId = await repo.insertProject(tx, {
      code: p.code.trim(),
      name: p.name.trim(),
      district: p.district,
      households: p.households,
      ewkb: g?.ewkb ?? null,
      plotName: p.plotName ?? null,
      plotEwkb: plot?.ewkb ?? null,
      plotOn: plot ? clock.today() : null,
      user: user.username,
    });
    await appendAudit(tx, {
      actor: user.username,
      action: 'resettlement.create',
      entity: 'resettlement_project',
      entityId: newId,
      after: { code: p.code, name: p.name, district: p.district, households: p.households, plotLocated: !!plot },
    });
    return newId;
  });
  return getProject(db, id);
}

export async function getProject(q: Queryable, id: number): Promise<Project> {
  const p = await repo.projectRow(q, id);
  if (!p) throw new NotFound(noSuchProject(id));
  return projectOut(p);
}

export async function projectDetail(q: Queryable, id: number) {
  const p = await repo.projectRow(q, id, { geometry: true });
  if (!p) throw new NotFound(noSuchProject(id));
  const warnings = (await repo.projectWarnings(q, id)).map((w) => ({
    kind: w.kind,
    dueOn: w.due_on,
    raisedOn: w.raised_on,
    resolvedOn: w.resolved_on,
  }));
  const areas = {
    areaM2: p.area_m2 ?? null,
    areaMu: p.area_m2 == null ? null : m2ToMu(p.area_m2),
    plotAreaM2: p.plot_area_m2 ?? null,
    plotAreaMu: p.plot_area_m2 == null ? null : m2ToMu(p.plot_area_m2),
  };
  return {
    ...projectOut(p),
    ...areas,
    geometry: p.geometry ?? null,
    plotGeometry: p.plot_geometry ?? null,
    warnings,
    trail: await auditFor(q, 'resettlement_project', id),
  };
}

export async function listProjects(q: Queryable, user: User | undefined, f: CaseListQuery): Promise<Project[]> {
  return (await repo.listProjects(q, listPage(user, f, 2000))).map(projectOut);
}

/** 安置地块落图定位: the plot's geometry on the map. */
export async function locatePlot(
  db: Db,
  clock: Clock,
  id: number,
  input: { plotName?: string; geometry: unknown; srid?: number },
  user: User,
): Promise<Project> {
  await db.transaction(async (tx) => {
    const p = ownCase(await repo.projectRow(tx, id, { lock: true }), user, noSuchProject(id), (r) => `征收安置项目 ${r.code}`);
    if (p.status === 'resettled')
      throw new IllegalTransition(`征收安置项目 ${p.code} 已完成回迁安置，不能再改安置地块 (the project is closed)`);
    const g = await parseGeometry(tx, input.geometry, input.srid ?? 4490, 'geometry');
    await repo.setPlot(tx, id, input.plotName ?? null, g.ewkb, clock.today());
    await appendAudit(tx, {
      actor: user.username,
      action: 'resettlement.locate-plot',
      entity: 'resettlement_project',
      entityId: id,
      before: { plotLocated: p.plot_located, plotName: p.plot_name },
      after: { plotLocated: true, plotName: input.plotName ?? p.plot_name, areaM2: g.areaM2 },
    });
  });
  return getProject(db, id);
}

export async function transitionProject(
  db: Db,
  clock: Clock,
  id: number,
  to: string,
  input: { date?: string; note?: string },
  user: User,
): Promise<Project> {
  const today = clock.today();
  await db.transaction(async (tx) => {
    const p = ownCase(await repo.projectRow(tx, id, { lock: true }), user, noSuchProject(id), (r) => `征收安置项目 ${r.code}`);
    const next = assertStep(PROJECT_MACHINE, id, p.status as ProjectStatus, to) as Exclude<ProjectStatus, 'planning'>;
    if (next === 'started' && !p.plot_located) {
      // seed 001: 征收项目启动前先行谋划安置地块，安置地块全部落图定位.
      throw new Conflict(
        `征收安置项目 ${p.code}「${p.name}」的安置地块尚未落图定位，不能启动征收 (the resettlement plot must be located on the map before the project starts)`,
        { code: 'no_resettlement_plot' },
      );
    }
    const date = input.date === undefined ? today : checkDate(input.date, 'date');
    checkNotFuture(date, today, 'date');
    if (next === 'started' && p.plot_located_on && date < p.plot_located_on) {
      // Backdating the start before the plot was located would undo the rule above on paper.
      throw new Conflict(
        `征收安置项目 ${p.code} 的安置地块于 ${p.plot_located_on} 落图定位，征收启动日期 ${date} 不能早于该日 (the project cannot start before its plot was located)`,
        { code: 'no_resettlement_plot' },
      );
    }
    const prev = [p.expropriated_on, p.housing_started_on, p.housing_completed_on]
      .filter((d): d is string => !!d)
      .sort()
      .pop();
    if (prev && date < prev) throw new Invalid(`date: ${date} 早于上一节点日期 ${prev} (milestones are in date order)`);
    const set: Record<string, unknown> = { status: next, [DATE_COLUMN[next]]: date };
    if (next === 'resettled') set.households_resettled = p.households;
    await repo.updateProject(tx, id, set);
    const resolved = repo.MILESTONE_WARNING[next] ? await repo.resolveWarnings(tx, id, [repo.MILESTONE_WARNING[next]], today) : 0;
    await appendAudit(tx, {
      actor: user.username,
      action: `resettlement.${next}`,
      entity: 'resettlement_project',
      entityId: id,
      before: { status: p.status },
      after: { ...set, note: input.note ?? null, warningsResolved: resolved },
    });
  });
  return getProject(db, id);
}
