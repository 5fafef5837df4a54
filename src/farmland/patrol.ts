// Patrol alerts → cases (天巡地查, seed 002 一（七）四: 2804 tower cameras, remote sensing; drones
// 低空智巡). An alert is a point or polygon with a time, a source and an evidence link.
//
// 多违合一 (seed 002 一（四）四): an alert joins an OPEN case when its geometry overlaps the case's
// spot or lies within `patrol.mergeDistanceM` (default 30 m) of it — the same field seen by a camera
// in the morning and by the satellite a week later is one violation, one case. Closed cases are
// never reopened by a new alert: a new violation on a rectified spot is a new case. When several
// open cases qualify, the nearest wins. Intake is serialised (advisory lock) so two alerts on the
// same spot arriving together cannot open two cases.
//
// Workflow (every transition audited, dates from config.clock in China Standard Time):
//   new ─assign→ assigned ─verify→ verified ─rectify→ rectifying ─complete→ rectified (closed)
//                    │                 ├──violation→ violation (closed: filed as a 违法用地 case)
//                    └──false-alarm→ false_alarm (closed) ←──┘   (rectifying ─violation→ violation)
// Each open step has a deadline (settings.patrol.deadlines, calendar days); a case past it is
// overdue, and within warnDaysBefore of it "due soon".
import type { Db, Queryable } from '../db/index.ts';
import type { Config } from '../config.ts';
import { Invalid, NotFound } from '../errors.ts';
import { assertAllowed, table } from '../workflow/machine.ts';
import type { Clock } from '../util/clock.ts';
import { addDays, daysBetween } from '../util/clock.ts';
import { appendAudit } from '../audit/audit.ts';
import * as repo from './patrol.repository.ts';
import { getSettings, type FarmlandSettings } from './settings.ts';

export const SOURCES = {
  camera: '铁塔高位视频',
  'remote-sensing': '遥感变化监测',
  drone: '无人机低空巡查',
  patrol: '田长/人工巡查',
} as const;
export type AlertSource = keyof typeof SOURCES;

type Status = 'new' | 'assigned' | 'verified' | 'rectifying' | 'rectified' | 'violation' | 'false_alarm';
export type Action = 'assign' | 'verify' | 'rectify' | 'complete' | 'violation' | 'false-alarm';

const STATUS_NAMES: Record<Status, string> = {
  new: '待派发',
  assigned: '待核查',
  verified: '已核实待处置',
  rectifying: '整改中',
  rectified: '已整改',
  violation: '已立案（违法用地）',
  false_alarm: '误报已关闭',
};
export const STATUS_ZH: Record<string, string> = STATUS_NAMES;

/** The patrol case workflow (src/workflow/machine.ts): action → from statuses → to status. */
const PATROL = table<Status, Action>({
  what: '巡查案件',
  states: STATUS_NAMES,
  transitions: {
    assign: { from: ['new', 'assigned'], to: 'assigned', label: '派发' },
    verify: { from: ['assigned'], to: 'verified', label: '现场核查' },
    rectify: { from: ['verified'], to: 'rectifying', label: '责令整改' },
    complete: { from: ['rectifying'], to: 'rectified', label: '整改完成' },
    violation: { from: ['verified', 'rectifying'], to: 'violation', label: '立案查处' },
    'false-alarm': { from: ['assigned', 'verified'], to: 'false_alarm', label: '误报关闭' },
  },
});
/** Which deadline the step an action leads to gets (settings.patrol.deadlines); null: the case closes. */
const DEADLINE: Record<Action, keyof FarmlandSettings['patrol']['deadlines'] | null> = {
  assign: 'verify',
  verify: 'decide',
  rectify: 'rectify',
  complete: null,
  violation: null,
  'false-alarm': null,
};
export const ACTIONS = Object.keys(PATROL.transitions) as Action[];
const allowedIn = (status: string): Action[] => (PATROL.isState(status) ? [...PATROL.allowed(status)] : []);

export interface AlertInput {
  source: string;
  externalId?: string;
  observedAt: string;
  geometry: unknown;
  evidenceUrl?: string;
  description?: string;
}

export interface IntakeResult {
  alertId: number;
  caseId: number;
  /** new-case: opened a case · merged: joined an open case (多违合一) · duplicate: this source's alert id was already taken in. */
  outcome: 'new-case' | 'merged' | 'duplicate';
  distanceM: number | null;
}

export async function intakeAlert(db: Db, config: Config, input: AlertInput, user: string): Promise<IntakeResult> {
  if (!(input.source in SOURCES))
    throw new Invalid(`source 须为 ${Object.keys(SOURCES).join('、')} 之一 (unknown alert source ${JSON.stringify(input.source)})`);
  const observed = Date.parse(input.observedAt);
  if (typeof input.observedAt !== 'string' || Number.isNaN(observed))
    throw new Invalid(`observedAt 须为 ISO 8601 时间 (observedAt must be an ISO 8601 instant, got ${JSON.stringify(input.observedAt)})`);
  if (observed > config.clock.now().getTime() + 3600_000)
    throw new Invalid(`observedAt ${input.observedAt} 在未来 (observedAt lies in the future)`);
  if (!input.geometry || typeof input.geometry !== 'object')
    throw new Invalid('geometry 必填：GeoJSON Point / Polygon / MultiPolygon，EPSG:4490 经纬度 (geometry required)');
  if (input.evidenceUrl !== undefined && !/^https?:\/\/\S+$/.test(input.evidenceUrl))
    throw new Invalid(`evidenceUrl 须为 http(s) 链接 (evidenceUrl must be an http(s) URL, got ${JSON.stringify(input.evidenceUrl)})`);
  const settings = (await getSettings(db)).patrol;
  const today = config.clock.today();
  return db.transaction(async (tx) => {
    let g: repo.GeomCheck;
    try {
      g = await repo.checkGeometry(tx, config.districts, JSON.stringify(input.geometry), config.cityExtent);
    } catch (e) {
      throw new Invalid(`geometry 不是有效的 GeoJSON 几何 (geometry is not valid GeoJSON): ${(e as Error).message}`);
    }
    if (g.problem) throw new Invalid(`geometry: ${g.problem}`, { code: 'invalid_geometry' });
    await repo.lockIntake(tx);
    if (input.externalId) {
      const dup = await repo.findDuplicate(tx, input.source, input.externalId);
      if (dup) return { alertId: dup.id, caseId: dup.case_id, outcome: 'duplicate', distanceM: null };
    }
    const join = await repo.findMergeCase(tx, g.ewkb!, settings.mergeDistanceM);
    let caseId: number;
    if (join) {
      caseId = join.id;
      await repo.growCase(tx, caseId, g.ewkb!);
    } else {
      caseId = await repo.insertCase(tx, {
        ewkb: g.ewkb!,
        district: g.district,
        openedOn: today,
        deadline: addDays(today, settings.deadlines.assign),
      });
      await repo.insertEvent(tx, {
        caseId,
        date: today,
        actor: user,
        action: 'open',
        from: null,
        to: 'new',
        note: `${SOURCES[input.source as AlertSource]}发现`,
      });
    }
    const alertId = await repo.insertAlert(
      tx,
      {
        source: input.source,
        externalId: input.externalId ?? null,
        observedAt: new Date(observed).toISOString(),
        ewkb: g.ewkb!,
        evidenceUrl: input.evidenceUrl ?? null,
        description: input.description ?? null,
        caseId,
      },
      user,
    );
    if (join)
      await repo.insertEvent(tx, {
        caseId,
        date: today,
        actor: user,
        action: 'merge',
        from: null,
        to: (await repo.getCase(tx, caseId))!.status,
        note: `多违合一：并入${SOURCES[input.source as AlertSource]}线索 #${alertId}（距离 ${join.distance_m.toFixed(1)} m）`,
      });
    const result: IntakeResult = { alertId, caseId, outcome: join ? 'merged' : 'new-case', distanceM: join ? join.distance_m : null };
    await appendAudit(tx, {
      actor: user,
      action: 'farmland.alert',
      entity: 'farmland_alert',
      entityId: alertId,
      after: { ...result, source: input.source, externalId: input.externalId ?? null, observedAt: input.observedAt, district: g.district },
    });
    return result;
  });
}

export interface CaseView {
  id: number;
  status: string;
  statusZh: string;
  open: boolean;
  district: string | null;
  openedOn: string;
  deadline: string;
  daysLeft: number | null;
  overdue: boolean;
  dueSoon: boolean;
  assignee: string | null;
  verification: Record<string, unknown> | null;
  outcomeNote: string | null;
  closedOn: string | null;
  alertCount: number;
  sources: string[];
  areaM2: number;
  geometry: repo.CaseRow['geometry'];
  allowedActions: Action[];
}

export function caseView(r: repo.CaseRow, today: string, warnDays: number): CaseView {
  const open = repo.OPEN_STATUSES.includes(r.status);
  const daysLeft = open ? daysBetween(today, r.deadline) : null;
  return {
    id: r.id,
    status: r.status,
    statusZh: STATUS_ZH[r.status] ?? r.status,
    open,
    district: r.district,
    openedOn: r.opened_on,
    deadline: r.deadline,
    daysLeft,
    overdue: daysLeft !== null && daysLeft < 0,
    dueSoon: daysLeft !== null && daysLeft >= 0 && daysLeft <= warnDays,
    assignee: r.assignee,
    verification: r.verification ?? null,
    outcomeNote: r.outcome_note,
    closedOn: r.closed_on,
    alertCount: r.alert_count,
    sources: r.sources,
    areaM2: r.area_m2,
    geometry: r.geometry,
    allowedActions: allowedIn(r.status),
  };
}

async function loadCase(q: Queryable, id: number, lock = false): Promise<repo.CaseRow> {
  const c = await repo.getCase(q, id, lock);
  if (!c) throw new NotFound(`巡查案件 ${id} 不存在 (patrol case ${id} does not exist)`);
  return c;
}

export async function getCaseDetail(q: Queryable, clock: Clock, id: number) {
  const s = (await getSettings(q)).patrol;
  const c = caseView(await loadCase(q, id), clock.today(), s.warnDaysBefore);
  return { ...c, alerts: await repo.caseAlerts(q, id), events: await repo.caseEvents(q, id) };
}

export interface TransitionInput {
  action: string;
  assignee?: string;
  note?: string;
  /** verify: what was found on site (e.g. { landUse: '建房', areaM2: 320, photos: [...] }). */
  verification?: Record<string, unknown>;
}

export async function transition(db: Db, clock: Clock, id: number, input: TransitionInput, user: string): Promise<CaseView> {
  if (!PATROL.isAction(input.action))
    throw new Invalid(`未知操作 ${JSON.stringify(input.action)}，可用：${ACTIONS.join('、')} (unknown action)`);
  const action = input.action;
  const to = PATROL.target(action);
  if (input.action === 'assign' && !input.assignee?.trim()) throw new Invalid('派发须指定 assignee（核查人） (assign needs an assignee)');
  if (input.action === 'verify' && !input.note?.trim() && !input.verification)
    throw new Invalid('现场核查须填写 note 或 verification（核查情况） (verify needs the on-site findings)');
  // Every decision on a case is on record with its reason (GB/T 39972 全过程留痕).
  if (['rectify', 'complete', 'violation', 'false-alarm'].includes(input.action) && !input.note?.trim())
    throw new Invalid(`${PATROL.actionNames[action]}须填写理由 note (a reason is required for ${input.action})`);
  const settings = (await getSettings(db)).patrol;
  const today = clock.today();
  return db.transaction(async (tx) => {
    const before = await loadCase(tx, id, true);
    assertAllowed(PATROL, `#${id}`, before.status as Status, action);
    const deadline = DEADLINE[action];
    const closed = !repo.OPEN_STATUSES.includes(to);
    await repo.updateCase(tx, id, {
      status: to,
      deadline: deadline ? addDays(today, settings.deadlines[deadline]) : before.deadline,
      ...(input.action === 'assign' ? { assignee: input.assignee!.trim() } : {}),
      ...(input.action === 'verify'
        ? { verification: { ...(input.verification ?? {}), note: input.note ?? null, by: user, on: today } }
        : {}),
      ...(closed || input.action === 'rectify' ? { outcomeNote: input.note ?? null } : {}),
      closedOn: closed ? today : null,
    });
    await repo.insertEvent(tx, {
      caseId: id,
      date: today,
      actor: user,
      action: input.action,
      from: before.status,
      to,
      note: input.note ?? (input.assignee ? `核查人 ${input.assignee}` : null),
    });
    const after = await loadCase(tx, id);
    await appendAudit(tx, {
      actor: user,
      action: `farmland.case.${input.action}`,
      entity: 'farmland_case',
      entityId: id,
      before: { status: before.status, deadline: before.deadline, assignee: before.assignee },
      after: { status: after.status, deadline: after.deadline, assignee: after.assignee, note: input.note ?? null },
    });
    return caseView(after, today, settings.warnDaysBefore);
  });
}

export async function listCases(
  q: Queryable,
  clock: Clock,
  f: { status?: string[]; districts?: string[] | null; source?: string; overdue?: boolean; limit?: number },
) {
  for (const s of f.status ?? [])
    if (!(s in STATUS_ZH)) throw new Invalid(`status ${JSON.stringify(s)} 未知（可用：${Object.keys(STATUS_ZH).join('、')}）`);
  if (f.source && !(f.source in SOURCES))
    throw new Invalid(`source ${JSON.stringify(f.source)} 未知（可用：${Object.keys(SOURCES).join('、')}）`);
  const s = (await getSettings(q)).patrol;
  const today = clock.today();
  const rows = await repo.listCases(q, {
    status: f.status?.length ? f.status : null,
    districts: f.districts ?? null,
    source: f.source ?? null,
    limit: f.limit ?? 500,
  });
  const cases = rows.map((r) => caseView(r, today, s.warnDaysBefore));
  return f.overdue === undefined ? cases : cases.filter((c) => c.overdue === f.overdue);
}

/** Overdue and due-soon open cases: the warnings a district officer sees first. */
export async function warnings(q: Queryable, clock: Clock, districts: string[] | null) {
  const cases = await listCases(q, clock, { status: repo.OPEN_STATUSES, districts });
  return { today: clock.today(), overdue: cases.filter((c) => c.overdue), dueSoon: cases.filter((c) => c.dueSoon) };
}

/**
 * Statistics by district (each case once) and by source (a case with alerts from two sources counts
 * under each source), with open, closed and overdue cases.
 */
export async function patrolStats(q: Queryable, clock: Clock, districts: string[] | null) {
  const today = clock.today();
  const cs = await repo.caseStats(q, today, districts);
  const as = await repo.stats(q, today, districts);
  const tally = <T extends { status: string; cases: number; overdue: number; alerts: number }>(rows: T[], key: (r: T) => string) => {
    const m = new Map<string, { alerts: number; openCases: number; closedCases: number; overdueCases: number }>();
    for (const r of rows) {
      const e = m.get(key(r)) ?? { alerts: 0, openCases: 0, closedCases: 0, overdueCases: 0 };
      e.alerts += r.alerts;
      e.overdueCases += r.overdue;
      if (repo.OPEN_STATUSES.includes(r.status)) e.openCases += r.cases;
      else e.closedCases += r.cases;
      m.set(key(r), e);
    }
    return [...m];
  };
  return {
    today,
    byDistrict: tally(cs, (r) => r.district ?? '').map(([k, v]) => ({ district: k || null, ...v })),
    bySource: tally(as, (r) => r.source).map(([k, v]) => ({ source: k, sourceZh: SOURCES[k as AlertSource] ?? k, ...v })),
    byStatus: tally(cs, (r) => r.status).map(([k, v]) => ({
      status: k,
      statusZh: STATUS_ZH[k] ?? k,
      cases: v.openCases + v.closedCases,
      alerts: v.alerts,
    })),
  };
}
