// 批而未供 (approved but not supplied), domain.md §6 and seed 003 (健全"清理认定-上图入库-处置消化"
// 工作机制): a ledger per approval batch (approved, supplied, remaining), the clearing workflow and
// the yearly 消化率 that feeds 年度批而未供土地消化任务完成率 (target 100%, seed 003).
import type { Db, Queryable } from '../db/index.ts';
import type { Clock } from '../util/clock.ts';
import type { User } from '../auth/types.ts';
import { appendAudit, auditFor } from '../audit/audit.ts';
import { m2ToMu } from '../area/units.ts';
import { Conflict, IllegalTransition, Invalid, NotFound } from '../errors.ts';
import { assertDistrict, assertStep, checkDate, checkNotFuture, listPage, nextStates, ownCase, type CaseListQuery } from './machine.ts';
import { parseGeometry } from './landcode.repository.ts';
import { STAGE_NAMES } from './landcode.ts';
import * as repo from './unsupplied.repository.ts';

const noSuchBatch = (id: number) => `批而未供批次 #${id} 不存在 (no such approval batch)`;

export type BatchStatus = 'identified' | 'mapped' | 'disposing' | 'digested';
export const BATCH_MACHINE = nextStates<BatchStatus>({
  what: '批而未供批次',
  states: { identified: '清理认定', mapped: '上图入库', disposing: '处置消化', digested: '已消化' },
  next: { identified: ['mapped'], mapped: ['disposing'], disposing: ['digested'], digested: [] },
});
export const DISPOSAL_MODES = ['撤回', '核减', '调整使用', '其他'] as const;
/** Remainders below 1 m² are digitising noise (the review engine's default tolerance). */
const TOLERANCE_M2 = 1;

export interface Batch extends repo.BatchHead {
  id: number;
  status: BatchStatus;
  statusName: string;
  mapped: boolean;
  approvedM2: number;
  suppliedM2: number;
  disposedM2: number;
  remainingM2: number;
  approvedMu: number;
  suppliedMu: number;
  disposedMu: number;
  remainingMu: number;
  nextSteps: string[];
}

function batchOut(b: repo.BatchRow): Batch {
  const remaining = Math.max(b.approved_m2 - b.supplied_m2 - b.disposed_m2, 0);
  const s = b.status as BatchStatus;
  return {
    id: b.id,
    batchNo: b.batch_no,
    name: b.name,
    approvalNo: b.approval_no,
    approvalType: b.approval_type,
    approvedOn: b.approved_on,
    district: b.district,
    status: s,
    statusName: BATCH_MACHINE.stateName(s),
    mapped: b.mapped,
    approvedM2: b.approved_m2,
    suppliedM2: b.supplied_m2,
    disposedM2: b.disposed_m2,
    remainingM2: remaining,
    approvedMu: m2ToMu(b.approved_m2),
    suppliedMu: m2ToMu(b.supplied_m2),
    disposedMu: m2ToMu(b.disposed_m2),
    remainingMu: m2ToMu(remaining),
    nextSteps: [...BATCH_MACHINE.allowed(s)],
  };
}

export interface BatchInput extends repo.BatchHead {
  approvedM2?: number;
  geometry?: unknown;
  srid?: number;
}

export async function createBatch(db: Db, clock: Clock, b: BatchInput, user: User): Promise<Batch> {
  const approvedOn = checkDate(b.approvedOn, 'approvedOn');
  checkNotFuture(approvedOn, clock.today(), 'approvedOn');
  if (!['农转用', '征收', '农转用及征收'].includes(b.approvalType))
    throw new Invalid(`approvalType: 必须是 农转用、征收 或 农转用及征收 (got "${b.approvalType}")`);
  if (!b.approvalNo?.trim()) throw new Invalid('approvalNo: 批复文号不能为空 (the approval document number is required)');
  assertDistrict(user, b.district, `批次 ${b.batchNo}`);
  const id = await db.transaction(async (tx) => {
    if (await repo.batchNoExists(tx, b.batchNo)) throw new Conflict(`批次 ${b.batchNo} 已存在 (batch number already registered)`);
    const geom = b.geometry !== undefined ? await parseGeometry(tx, b.geometry, b.srid ?? 4490, 'geometry') : null;
    const approvedM2 = b.approvedM2 ?? geom?.areaM2;
    if (!approvedM2 || approvedM2 <= 0) throw new Invalid('approvedM2: 批准面积必须大于 0 (give approvedM2 or the geometry)');
    const newId = await repo.insertBatch(tx, { ...b, approvedOn, approvedM2, ewkb: geom?.ewkb ?? null, user: user.username });
    await appendAudit(tx, {
      actor: user.username,
      action: 'unsupplied.create',
      entity: 'approval_batch',
      entityId: newId,
      after: { ...b, geometry: undefined, approvedM2 },
    });
    return newId;
  });
  return getBatch(db, id);
}

export async function getBatch(q: Queryable, id: number): Promise<Batch> {
  const b = await repo.batchRow(q, id);
  if (!b) throw new NotFound(noSuchBatch(id));
  return batchOut(b);
}

/** One batch with its mapped remainder (GeoJSON), the land codes approved in it and its audit trail. */
export async function batchDetail(q: Queryable, id: number) {
  const b = await getBatch(q, id);
  const d = await repo.batchDetail(q, id);
  return {
    ...b,
    geometry: d.geometry,
    parcels: d.parcels.map((p) => ({
      landCode: p.land_code,
      name: p.name,
      stage: p.stage,
      stageName: STAGE_NAMES[p.stage] ?? p.stage,
      areaM2: p.area_m2,
      suppliedOn: p.supplied_on,
      suppliedM2: p.supply_m2,
    })),
    trail: await auditFor(q, 'approval_batch', id),
  };
}

export async function listBatches(q: Queryable, user: User | undefined, f: CaseListQuery): Promise<Batch[]> {
  return (await repo.listBatches(q, listPage(user, f, 1000))).map(batchOut);
}

export async function transitionBatch(
  db: Db,
  clock: Clock,
  id: number,
  to: string,
  input: { geometry?: unknown; srid?: number; note?: string },
  user: User,
): Promise<Batch> {
  await db.transaction(async (tx) => {
    const b = ownCase(await repo.batchRow(tx, id, true), user, noSuchBatch(id), (r) => `批次 ${r.batch_no}`);
    const next = assertStep(BATCH_MACHINE, id, b.status as BatchStatus, to);
    let ewkb: string | null = null;
    if (next === 'mapped') {
      // 上图入库: the unsupplied remainder must be on the map.
      if (input.geometry !== undefined) ewkb = (await parseGeometry(tx, input.geometry, input.srid ?? 4490, 'geometry')).ewkb;
      else if (!b.mapped)
        throw new Conflict(
          `批次 ${b.batch_no} 上图入库需要批而未供地块的几何 (geometry of the unsupplied land is required to map the batch)`,
          { code: 'geometry_required' },
        );
    }
    await repo.refreshFigures(tx, id, clock.today());
    const fresh = (await repo.batchRow(tx, id))!;
    const remaining = fresh.approved_m2 - fresh.supplied_m2 - fresh.disposed_m2;
    if (next === 'digested' && remaining > TOLERANCE_M2) {
      throw new Conflict(
        `批次 ${b.batch_no} 尚余 ${remaining.toFixed(2)} m²（${m2ToMu(remaining).toFixed(2)} 亩）未供应或处置，不能标记为已消化 (remainder not digested)`,
        { code: 'not_digested' },
      );
    }
    await repo.setStatus(tx, id, next, ewkb);
    await appendAudit(tx, {
      actor: user.username,
      action: `unsupplied.${next}`,
      entity: 'approval_batch',
      entityId: id,
      before: { status: b.status },
      after: { status: next, remainingM2: remaining, note: input.note ?? null, mapped: ewkb !== null || b.mapped },
    });
  });
  return getBatch(db, id);
}

export async function addDisposal(
  db: Db,
  clock: Clock,
  id: number,
  d: { date: string; mode: string; areaM2: number; docNo?: string },
  user: User,
): Promise<Batch> {
  await db.transaction(async (tx) => {
    const b = ownCase(await repo.batchRow(tx, id, true), user, noSuchBatch(id), (r) => `批次 ${r.batch_no}`);
    if (b.status !== 'disposing') {
      throw new IllegalTransition(
        `批次 ${b.batch_no} 当前状态为「${BATCH_MACHINE.stateName(b.status as BatchStatus)}」(${b.status})，只有「处置消化」(disposing) 阶段可以登记处置 (illegal transition: disposals are recorded in state disposing)`,
        { problems: [{ current: b.status, requested: 'disposal', allowed: BATCH_MACHINE.allowed(b.status as BatchStatus) }] },
      );
    }
    const date = checkDate(d.date, 'date');
    checkNotFuture(date, clock.today(), 'date');
    if (!(DISPOSAL_MODES as readonly string[]).includes(d.mode))
      throw new Invalid(`mode: 处置方式必须是 ${DISPOSAL_MODES.join('、')} (got "${d.mode}")`);
    await repo.refreshFigures(tx, id, clock.today());
    const fresh = (await repo.batchRow(tx, id))!;
    const remaining = fresh.approved_m2 - fresh.supplied_m2 - fresh.disposed_m2;
    if (!(d.areaM2 > 0) || d.areaM2 > remaining + TOLERANCE_M2)
      throw new Invalid(
        `areaM2: 处置面积 ${d.areaM2} m² 必须大于 0 且不超过剩余 ${remaining.toFixed(2)} m² (must be within the remainder)`,
      );
    const did = await repo.insertDisposal(tx, {
      batchId: id,
      date,
      mode: d.mode,
      areaM2: d.areaM2,
      docNo: d.docNo ?? null,
      operator: user.username,
    });
    await repo.refreshFigures(tx, id, clock.today());
    await appendAudit(tx, {
      actor: user.username,
      action: 'unsupplied.dispose',
      entity: 'approval_batch',
      entityId: id,
      before: { remainingM2: remaining },
      after: { disposalId: did, date, mode: d.mode, areaM2: d.areaM2, docNo: d.docNo ?? null },
    });
  });
  return getBatch(db, id);
}

export async function setDigestionTask(db: Db, year: number, district: string, taskM2: number, user: User): Promise<void> {
  if (!(taskM2 >= 0)) throw new Invalid('taskM2: 消化任务面积不能为负 (must be ≥ 0)');
  await db.transaction(async (tx) => {
    await repo.setTask(tx, year, district, taskM2);
    await appendAudit(tx, {
      actor: user.username,
      action: 'unsupplied.task',
      entity: 'unsupplied_task',
      entityId: `${year}/${district}`,
      after: { year, district, taskM2 },
    });
  });
}

export interface Digestion {
  year: number;
  district: string | null;
  batches: number;
  stockStartM2: number;
  stockStartMu: number;
  digestedM2: number;
  digestedMu: number;
  suppliedM2: number;
  disposedM2: number;
  /** 消化率 = digested in the year ÷ unsupplied stock on 1 January, % (null without stock). */
  digestionRate: number | null;
  taskM2: number | null;
  /** 年度批而未供土地消化任务完成率 = digested ÷ the year's task, % (null without a task). */
  taskCompletion: number | null;
}

/** Yearly 消化率 by district and for the whole city (district null). */
export async function digestionByYear(q: Queryable, year: number, districts: string[] | null = null): Promise<Digestion[]> {
  const rows = await repo.digestion(q, year, districts);
  const one = (district: string | null, rs: repo.DigestionRow[]): Digestion => {
    const stock = rs.reduce((s, r) => s + r.stock_start_m2, 0);
    const sup = rs.reduce((s, r) => s + r.supplied_m2, 0);
    const dis = rs.reduce((s, r) => s + r.disposed_m2, 0);
    const tasks = rs.filter((r) => r.task_m2 !== null);
    const task = tasks.length ? tasks.reduce((s, r) => s + (r.task_m2 ?? 0), 0) : null;
    const digested = sup + dis;
    return {
      year,
      district,
      batches: rs.reduce((s, r) => s + r.batches, 0),
      stockStartM2: stock,
      stockStartMu: m2ToMu(stock),
      digestedM2: digested,
      digestedMu: m2ToMu(digested),
      suppliedM2: sup,
      disposedM2: dis,
      digestionRate: stock > 0 ? (digested / stock) * 100 : null,
      taskM2: task,
      taskCompletion: task ? (digested / task) * 100 : null,
    };
  };
  return [one(null, rows), ...rows.map((r) => one(r.district, [r]))];
}
