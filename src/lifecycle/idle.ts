// 闲置土地 (idle land), domain.md §6 and 闲置土地处置办法 (国土资源部令第53号, 2012). The nightly run
// raises candidates (idle.repository.createCandidates); each becomes a case through
// 服务监管 → 调查认定 → 依法处置 (seed 000: 健全闲置土地"服务监管-调查认定-依法处置"工作机制):
//
//   supervision ─┬─► investigation ─┬─► determined ─┬─► fee-levied ─┬─► reclaimed ─► closed
//   (服务监管)    │   (调查认定)      │   (认定闲置)   │   (征缴闲置费) └─► closed
//                └─► resolved        └─► not-idle    ├─► reclaimed (无偿收回) ─► closed
//                    (督促动工，已动工)   (不构成闲置)    └─► other-disposal (协商处置) ─► closed
import type { Db, Queryable } from '../db/index.ts';
import { addDays, addYears, type Clock } from '../util/clock.ts';
import type { User } from '../auth/types.ts';
import { appendAudit, auditFor } from '../audit/audit.ts';
import { m2ToMu } from '../area/units.ts';
import { Conflict, Invalid, NotFound } from '../errors.ts';
import { assertStep, listPage, nextStates, ownCase, type CaseListQuery } from './machine.ts';
import * as repo from './idle.repository.ts';

const noSuchCase = (id: number) => `闲置土地案件 #${id} 不存在 (no such idle-land case)`;

export type IdleStatus =
  'supervision' | 'investigation' | 'determined' | 'not-idle' | 'resolved' | 'fee-levied' | 'reclaimed' | 'other-disposal' | 'closed';
export const IDLE_MACHINE = nextStates<IdleStatus>({
  what: '闲置土地案件',
  states: {
    supervision: '服务监管',
    investigation: '调查认定',
    determined: '已认定闲置',
    'not-idle': '不构成闲置',
    resolved: '已督促动工',
    'fee-levied': '征缴土地闲置费',
    reclaimed: '无偿收回',
    'other-disposal': '其他方式处置',
    closed: '处置完毕',
  },
  next: {
    supervision: ['investigation', 'resolved'],
    investigation: ['determined', 'not-idle'],
    determined: ['fee-levied', 'reclaimed', 'other-disposal'],
    'fee-levied': ['reclaimed', 'closed'],
    reclaimed: ['closed'],
    'other-disposal': ['closed'],
    'not-idle': [],
    resolved: [],
    closed: [],
  },
});
/** 第十三条 (idle because of the government or force majeure): the negotiated ways of disposal. */
export const OTHER_DISPOSALS = [
  '延长动工开发期限',
  '调整土地用途、规划条件',
  '由政府安排临时使用',
  '协议有偿收回',
  '置换土地',
  '其他',
] as const;
/** 第十四条(一): the idle fee is 20% of the land's 出让 or 划拨 price. */
export const IDLE_FEE_RATE = 0.2;
/** 20% of the price, to the fen. */
export const idleFee = (priceYuan: number) => Math.round(priceYuan * IDLE_FEE_RATE * 100) / 100;
/** 第十条 / 第十七条: 30 days to answer the investigation notice, to pay the fee, to hand back the title. */
const RESPONSE_DAYS = 30;

/** 第十四条(二): reclaim without compensation once "未动工开发满两年", counted as the first year (idle.repository). */
export const reclaimFrom = (baseDate: string) => addDays(addYears(baseDate, 2), 1);

export interface IdleCase {
  id: number;
  landCode: string;
  name: string;
  basis: string;
  basisName: string;
  baseDate: string;
  idleFrom: string;
  reclaimFrom: string;
  district: string;
  status: IdleStatus;
  statusName: string;
  detectedOn: string;
  deadline: string | null;
  overdue: boolean;
  determinationNo: string | null;
  disposal: string | null;
  feeYuan: number | null;
  /** The fee 第十四条(一) would levy: 20% of the land price (null without a price), shown before the decision. */
  feeDueYuan: number | null;
  decisionNo: string | null;
  disposedOn: string | null;
  closedOn: string | null;
  note: string | null;
  priceYuan: number | null;
  areaM2: number;
  areaMu: number;
  nextSteps: string[];
}

function caseOut(c: repo.IdleRow, today: string): IdleCase {
  const s = c.status as IdleStatus;
  return {
    id: c.id,
    landCode: c.land_code,
    name: c.name,
    basis: c.basis,
    basisName: c.basis === 'halted' ? '已动工但中止开发满一年' : '超过约定动工日期满一年未动工',
    baseDate: c.base_date,
    idleFrom: c.idle_from,
    reclaimFrom: reclaimFrom(c.base_date),
    district: c.district,
    status: s,
    statusName: IDLE_MACHINE.stateName(s),
    detectedOn: c.detected_on,
    deadline: c.deadline,
    overdue: !!c.deadline && c.deadline < today && IDLE_MACHINE.allowed(s).length > 0,
    determinationNo: c.determination_no,
    disposal: c.disposal,
    feeYuan: c.fee_yuan,
    feeDueYuan: c.price_yuan === null ? null : idleFee(c.price_yuan),
    decisionNo: c.decision_no,
    disposedOn: c.disposed_on,
    closedOn: c.closed_on,
    note: c.note,
    priceYuan: c.price_yuan,
    areaM2: c.area_m2,
    areaMu: m2ToMu(c.area_m2),
    nextSteps: [...IDLE_MACHINE.allowed(s)],
  };
}

export async function getIdleCase(q: Queryable, clock: Clock, id: number) {
  const c = await repo.caseRow(q, id);
  if (!c) throw new NotFound(noSuchCase(id));
  return { ...caseOut(c, clock.today()), trail: await auditFor(q, 'idle_case', id) };
}

export async function listIdleCases(
  q: Queryable,
  clock: Clock,
  user: User | undefined,
  f: CaseListQuery & { landCode?: string },
): Promise<IdleCase[]> {
  return (await repo.listCases(q, { ...listPage(user, f, 1000), landCode: f.landCode })).map((c) => caseOut(c, clock.today()));
}

export interface IdleStepInput {
  noticeNo?: string;
  determinationNo?: string;
  decisionNo?: string;
  method?: string;
  note?: string;
}

export async function transitionIdle(db: Db, clock: Clock, id: number, to: string, input: IdleStepInput, user: User) {
  const today = clock.today();
  await db.transaction(async (tx) => {
    const c = ownCase(await repo.caseRow(tx, id, true), user, noSuchCase(id), () => `闲置土地案件 #${id}`);
    const next = assertStep(IDLE_MACHINE, id, c.status as IdleStatus, to);
    const set: Record<string, unknown> = { status: next };
    switch (next) {
      case 'investigation':
        // 第九条 notice (闲置土地调查通知书); 第十条: the holder answers within 30 days.
        set.deadline = addDays(today, RESPONSE_DAYS);
        set.note = input.noticeNo ? `闲置土地调查通知书 ${input.noticeNo}` : (input.note ?? null);
        break;
      case 'resolved': {
        const started = c.basis === 'halted' ? c.halted_since === null : c.works_started_on !== null;
        if (!started)
          throw new Conflict(
            `土地码 ${c.land_code} 仍未${c.basis === 'halted' ? '恢复开发建设' : '动工开发'}，服务监管不能以"已督促动工"结案 (works have not ${c.basis === 'halted' ? 'resumed' : 'started'})`,
            { code: 'not_started' },
          );
        set.deadline = null;
        set.closed_on = today;
        set.note = input.note ?? null;
        break;
      }
      case 'determined':
        if (!input.determinationNo?.trim()) throw new Invalid('determinationNo: 认定闲置需要《闲置土地认定书》文号 (第十一条)');
        set.determination_no = input.determinationNo.trim();
        set.deadline = null;
        break;
      case 'not-idle':
        if (!input.note?.trim()) throw new Invalid('note: 不构成闲置土地需要说明理由 (a reason is required)');
        set.note = input.note.trim();
        set.deadline = null;
        set.closed_on = today;
        break;
      case 'fee-levied': {
        if (!input.decisionNo?.trim()) throw new Invalid('decisionNo: 需要《征缴土地闲置费决定书》文号 (第十四条)');
        if (c.price_yuan === null)
          throw new Conflict(`土地码 ${c.land_code} 没有出让或划拨价款，无法计算土地闲置费 (no land price recorded in the supply event)`, {
            code: 'no_price',
          });
        // 第十四条(一): 按照土地出让或者划拨价款的百分之二十征缴土地闲置费.
        set.fee_yuan = idleFee(c.price_yuan);
        set.decision_no = input.decisionNo.trim();
        set.disposal = '征缴土地闲置费';
        set.disposed_on = today;
        set.deadline = addDays(today, RESPONSE_DAYS); // 第十七条: pay within 30 days
        break;
      }
      case 'reclaimed': {
        if (!input.decisionNo?.trim()) throw new Invalid('decisionNo: 需要《收回国有建设用地使用权决定书》文号 (第十四条)');
        const from = reclaimFrom(c.base_date);
        if (today < from) {
          throw new Conflict(
            `土地码 ${c.land_code} 自 ${c.base_date} 起未满两年（${from} 起方可无偿收回），只能征缴土地闲置费或其他方式处置 (闲置土地处置办法 第十四条(二): reclaim only after two full years, from ${from})`,
            { code: 'too_early' },
          );
        }
        set.decision_no = input.decisionNo.trim();
        set.disposal = '无偿收回';
        set.disposed_on = c.disposed_on ?? today;
        set.deadline = addDays(today, RESPONSE_DAYS); // 第十七条: cancel the registration within 30 days
        break;
      }
      case 'other-disposal':
        if (!input.method || !(OTHER_DISPOSALS as readonly string[]).includes(input.method))
          throw new Invalid(`method: 处置方式必须是 ${OTHER_DISPOSALS.join('、')} (第十三条), got ${JSON.stringify(input.method)}`);
        set.disposal = input.method;
        set.disposed_on = today;
        set.deadline = null;
        set.note = input.note ?? null;
        break;
      case 'closed':
        set.closed_on = today;
        set.deadline = null;
        set.note = input.note ?? c.note;
        break;
    }
    await repo.updateCase(tx, id, set);
    await appendAudit(tx, {
      actor: user.username,
      action: `idle.${next}`,
      entity: 'idle_case',
      entityId: id,
      before: { status: c.status, deadline: c.deadline },
      after: { ...set, input },
    });
  });
  return getIdleCase(db, clock, id);
}
