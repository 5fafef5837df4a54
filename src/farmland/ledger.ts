// Balance ledgers (domain.md §7). 占补平衡 (土地管理法 第三十条: 占多少、垦多少; 占优补优、占水田补水田
// per 中共中央 国务院《关于加强耕地保护和改进占补平衡的意见》2017): compensation lots carry a quality
// grade (耕地质量等别 1–15, GB/T 28407-2012, 1 = best) and an occupation is approved only when lots
// of equal or better quality cover it — all in one transaction with the lots locked, so two
// concurrent approvals cannot spend the same balance. Cross-district agreements (seed 000 一（五）三:
// 3021 亩 farmland and 1200 亩 forest quota) move lots from the seller to the buyer. 进出平衡
// (自然资发〔2021〕166号) per county and year: "out" only up to what came "in".
import type { Db, Queryable } from '../db/index.ts';
import { m2ToMu, muToM2 } from '../area/units.ts';
import { appendAudit } from '../audit/audit.ts';
import { Conflict, Invalid } from '../errors.ts';
import type { DistrictLayer } from '../config.ts';
import * as repo from './ledger.repository.ts';
import { districtList } from './accounts.ts';
import type { QuotaType } from './ledger.repository.ts';

export const QUOTA_TYPES: Record<QuotaType, string> = {
  farmland: '耕地占补平衡指标',
  forest: '补充林地指标',
  grain: '粮食生产功能区异地代保指标',
};
const EPS_M2 = 1e-6; // floating-point slack on sums of m²

export interface AreaInput {
  areaM2?: number;
  areaMu?: number;
}

/** Exactly one of areaM2 / areaMu, positive; returns m². */
export function areaOf(a: AreaInput, what: string): number {
  const given = [a.areaM2, a.areaMu].filter((v) => v !== undefined && v !== null);
  if (given.length !== 1) throw new Invalid(`${what}: 须给出 areaM2 或 areaMu 之一 (give exactly one of areaM2, areaMu)`);
  const m2 = a.areaM2 ?? muToM2(a.areaMu!);
  if (!Number.isFinite(m2) || m2 <= 0) throw new Invalid(`${what}: 面积必须大于 0 (area must be > 0, got ${a.areaM2 ?? a.areaMu})`);
  return m2;
}

function checkCommon(x: { district?: unknown; quotaType?: unknown; grade?: unknown; year?: unknown }, what: string): void {
  if (typeof x.district !== 'string' || !/^\d{6}$/.test(x.district))
    throw new Invalid(`${what}: district 须为 6 位行政区代码 (GB/T 2260), got ${JSON.stringify(x.district)}`);
  if (x.quotaType !== undefined && !(String(x.quotaType) in QUOTA_TYPES))
    throw new Invalid(`${what}: quotaType 须为 ${Object.keys(QUOTA_TYPES).join('、')} 之一, got ${JSON.stringify(x.quotaType)}`);
  if (x.grade !== undefined && (!Number.isInteger(x.grade) || (x.grade as number) < 1 || (x.grade as number) > 15))
    throw new Invalid(`${what}: grade 为耕地质量等别 1–15 (1 最好), got ${JSON.stringify(x.grade)}`);
  if (x.year !== undefined && (!Number.isInteger(x.year) || (x.year as number) < 1990 || (x.year as number) > 2100))
    throw new Invalid(`${what}: year 须为年份, got ${JSON.stringify(x.year)}`);
}

export interface CompensationInput extends AreaInput {
  district: string;
  quotaType?: QuotaType;
  grade: number;
  paddy?: boolean;
  source: string;
  year: number;
  note?: string;
}

/** 补充耕地 (or forest / grain quota) enters the ledger as a lot. */
export async function addCompensation(db: Db, input: CompensationInput, user: string): Promise<repo.LotRow> {
  checkCommon(input, '补充指标 (compensation)');
  const m2 = areaOf(input, '补充指标 (compensation)');
  if (!input.source?.trim()) throw new Invalid('补充指标 (compensation): source 必填，写明来源项目 (source project required)');
  return db.transaction(async (tx) => {
    const lot = await repo.insertLot(
      tx,
      {
        district: input.district,
        quota_type: input.quotaType ?? 'farmland',
        grade: input.grade,
        paddy: !!input.paddy,
        area_m2: m2,
        source: input.source.trim(),
        agreement_id: null,
        year: input.year,
        note: input.note ?? null,
      },
      user,
    );
    await appendAudit(tx, { actor: user, action: 'farmland.ledger.compensation', entity: 'farmland_lot', entityId: lot.id, after: lot });
    return lot;
  });
}

export interface OccupationInput extends AreaInput {
  district: string;
  quotaType?: QuotaType;
  project: string;
  grade: number;
  paddy?: boolean;
  year: number;
}

export class InsufficientBalance extends Conflict {
  constructor(
    readonly needM2: number,
    readonly availableM2: number,
    what: string,
  ) {
    super(
      `${what}：可用指标不足，需要 ${m2ToMu(needM2).toFixed(2)} 亩，可用 ${m2ToMu(availableM2).toFixed(2)} 亩 (insufficient balance: need ${needM2.toFixed(2)} m², available ${availableM2.toFixed(2)} m²)`,
      { code: 'insufficient_balance' },
    );
  }
}

async function spend(
  tx: Queryable,
  lots: repo.LotRow[],
  need: number,
  occupationId: number,
): Promise<{ lotId: number; areaM2: number; grade: number }[]> {
  const out: { lotId: number; areaM2: number; grade: number }[] = [];
  let left = need;
  for (const l of lots) {
    if (left <= EPS_M2) break;
    const take = Math.min(l.remaining_m2, left);
    await repo.spendLot(tx, l.id, take);
    await repo.insertMatch(tx, occupationId, l.id, take);
    out.push({ lotId: l.id, areaM2: take, grade: l.grade });
    left -= take;
  }
  return out;
}

/** What an occupation of this quality could draw on now (no lock: a preview before approval). */
export async function available(
  q: Queryable,
  x: { district: string; quotaType?: QuotaType; grade: number; paddy?: boolean },
): Promise<number> {
  checkCommon(x, '指标查询 (balance)');
  return repo.availableM2(q, x.district, x.quotaType ?? 'farmland', x.grade, !!x.paddy);
}

/**
 * Approves a project's occupation only if the balance covers it; otherwise refuses (409
 * insufficient_balance) and nothing is written. The approval flow calls this before approving a
 * project that occupies farmland.
 */
export async function approveOccupation(db: Db, input: OccupationInput, user: string) {
  checkCommon(input, '占用 (occupation)');
  const need = areaOf(input, '占用 (occupation)');
  if (!input.project?.trim()) throw new Invalid('占用 (occupation): project 必填 (project name required)');
  const quota = input.quotaType ?? 'farmland';
  return db.transaction(async (tx) => {
    const lots = await repo.lockLots(tx, input.district, quota, input.grade, !!input.paddy);
    const have = lots.reduce((s, l) => s + l.remaining_m2, 0);
    if (have + EPS_M2 < need)
      throw new InsufficientBalance(
        need,
        have,
        `项目“${input.project}”占用${QUOTA_TYPES[quota]}（${input.district}，等别 ${input.grade}${input.paddy ? '，水田' : ''}）`,
      );
    const occ = await repo.insertOccupation(
      tx,
      {
        district: input.district,
        quota_type: quota,
        project: input.project.trim(),
        grade: input.grade,
        paddy: !!input.paddy,
        area_m2: need,
        year: input.year,
        agreement_id: null,
      },
      user,
    );
    const matches = await spend(tx, lots, need, occ.id);
    await appendAudit(tx, {
      actor: user,
      action: 'farmland.ledger.occupation',
      entity: 'farmland_occupation',
      entityId: occ.id,
      after: { ...occ, matches },
    });
    return { occupation: occ, matches, remainingM2: have - need };
  });
}

export interface AgreementInput extends AreaInput {
  fromDistrict: string;
  toDistrict: string;
  quotaType: QuotaType;
  /** Only lots of this 等别 or better are transferred (default: any, worst first). */
  grade?: number;
  /** Only paddy (水田) lots are transferred. */
  paddy?: boolean;
  priceWanPerMu?: number;
  fundsYi?: number;
  signedOn: string;
  note?: string;
}

/**
 * A cross-district agreement: the seller's lots move to the buyer, worst qualifying grade first
 * (the seller keeps its better lots for its own projects unless the agreement asks for a grade).
 * Refused (409 insufficient_balance, nothing written) when the seller has not enough.
 */
export async function signAgreement(db: Db, input: AgreementInput, user: string) {
  checkCommon({ district: input.fromDistrict, quotaType: input.quotaType, grade: input.grade }, '协议 fromDistrict');
  checkCommon({ district: input.toDistrict }, '协议 toDistrict');
  if (input.fromDistrict === input.toDistrict)
    throw new Invalid(`协议双方是同一区县 ${input.fromDistrict} (from and to district must differ)`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.signedOn ?? ''))
    throw new Invalid(`signedOn 须为日期 YYYY-MM-DD, got ${JSON.stringify(input.signedOn)}`);
  for (const [k, v] of [
    ['priceWanPerMu', input.priceWanPerMu],
    ['fundsYi', input.fundsYi],
  ] as const) {
    if (v !== undefined && v !== null && (!Number.isFinite(v) || v < 0)) throw new Invalid(`${k} 须为非负数 (must be ≥ 0), got ${v}`);
  }
  const m2 = areaOf(input, '协议 (agreement)');
  // Funds follow from the price when only the price is given: 亩 × 万元/亩 ÷ 10000 = 亿元.
  const funds = input.fundsYi ?? (input.priceWanPerMu !== undefined ? (m2ToMu(m2) * input.priceWanPerMu) / 10000 : null);
  return db.transaction(async (tx) => {
    const lots = await repo.lockLots(tx, input.fromDistrict, input.quotaType, input.grade ?? null, !!input.paddy);
    const have = lots.reduce((s, l) => s + l.remaining_m2, 0);
    if (have + EPS_M2 < m2)
      throw new InsufficientBalance(m2, have, `${input.fromDistrict} 向 ${input.toDistrict} 调剂${QUOTA_TYPES[input.quotaType]}`);
    const agr = await repo.insertAgreement(
      tx,
      {
        from_district: input.fromDistrict,
        to_district: input.toDistrict,
        quota_type: input.quotaType,
        area_m2: m2,
        price_wan_per_mu: input.priceWanPerMu ?? null,
        funds_yi: funds,
        signed_on: input.signedOn,
        note: input.note ?? null,
      },
      user,
    );
    const year = Number(input.signedOn.slice(0, 4));
    const out = await repo.insertOccupation(
      tx,
      {
        district: input.fromDistrict,
        quota_type: input.quotaType,
        project: `跨区协议 #${agr.id} 调出至 ${input.toDistrict}`,
        grade: input.grade ?? 15,
        paddy: !!input.paddy,
        area_m2: m2,
        year,
        agreement_id: agr.id,
      },
      user,
    );
    const matches = await spend(tx, lots, m2, out.id);
    const received: repo.LotRow[] = [];
    for (const m of matches) {
      const src = lots.find((l) => l.id === m.lotId)!;
      received.push(
        await repo.insertLot(
          tx,
          {
            district: input.toDistrict,
            quota_type: input.quotaType,
            grade: src.grade,
            paddy: src.paddy,
            area_m2: m.areaM2,
            source: `跨区协议 #${agr.id}（${input.fromDistrict} 指标 #${src.id}）`,
            agreement_id: agr.id,
            year,
            note: input.note ?? null,
          },
          user,
        ),
      );
    }
    await appendAudit(tx, {
      actor: user,
      action: 'farmland.ledger.agreement',
      entity: 'farmland_agreement',
      entityId: agr.id,
      after: { ...agr, matches, received: received.map((l) => l.id) },
    });
    return { agreement: agr, matches, received };
  });
}

export interface InOutInput extends AreaInput {
  district: string;
  year: number;
  direction: 'in' | 'out';
  fromClass?: string;
  toClass?: string;
  note?: string;
}

/** 进出平衡: an "out" entry is refused when it would leave the county's year with more out than in. */
export async function recordInOut(db: Db, input: InOutInput, user: string) {
  checkCommon(input, '进出平衡 (in-out)');
  if (input.direction !== 'in' && input.direction !== 'out')
    throw new Invalid(`direction 须为 in 或 out, got ${JSON.stringify(input.direction)}`);
  const m2 = areaOf(input, '进出平衡 (in-out)');
  return db.transaction(async (tx) => {
    await repo.lockInOut(tx, input.district, input.year);
    const t = await repo.inOutTotals(tx, input.district, input.year);
    if (input.direction === 'out' && t.in_m2 - t.out_m2 + EPS_M2 < m2)
      throw new InsufficientBalance(m2, t.in_m2 - t.out_m2, `${input.district} ${input.year} 年耕地转出（进出平衡）`);
    const e = await repo.insertInOut(
      tx,
      {
        district: input.district,
        year: input.year,
        direction: input.direction,
        area_m2: m2,
        from_class: input.fromClass ?? null,
        to_class: input.toClass ?? null,
        note: input.note ?? null,
      },
      user,
    );
    const after = { inM2: t.in_m2 + (input.direction === 'in' ? m2 : 0), outM2: t.out_m2 + (input.direction === 'out' ? m2 : 0) };
    await appendAudit(tx, {
      actor: user,
      action: 'farmland.ledger.inout',
      entity: 'farmland_inout',
      entityId: e.id,
      before: { inM2: t.in_m2, outM2: t.out_m2 },
      after: { ...input, areaM2: m2, ...after },
    });
    return { id: e.id, district: input.district, year: input.year, ...after, netM2: after.inM2 - after.outM2 };
  });
}

export async function ledgerSummary(q: Queryable, d: DistrictLayer, districts: string[] | null) {
  const bal = await repo.balances(q, districts);
  const spent = await repo.spentBy(q, districts);
  const keys = new Set([...bal.map((b) => `${b.district}|${b.quota_type}`), ...spent.map((s) => `${s.district}|${s.quota_type}`)]);
  const balances = [...keys].sort().map((k) => {
    const [district, quota] = k.split('|') as [string, QuotaType];
    const b = bal.find((x) => x.district === district && x.quota_type === quota);
    const s = spent.find((x) => x.district === district && x.quota_type === quota);
    return {
      district,
      quotaType: quota,
      quotaName: QUOTA_TYPES[quota],
      creditedM2: b?.credited_m2 ?? 0,
      receivedM2: b?.received_m2 ?? 0,
      spentM2: s?.spent_m2 ?? 0,
      transferredM2: s?.transferred_m2 ?? 0,
      remainingM2: b?.remaining_m2 ?? 0,
      remainingMu: m2ToMu(b?.remaining_m2 ?? 0),
      lots: b?.lots ?? 0,
      occupations: s?.occupations ?? 0,
    };
  });
  const inout = (await repo.inOutSummary(q, districts)).map((r) => ({
    district: r.district,
    year: r.year,
    inM2: r.in_m2,
    outM2: r.out_m2,
    netM2: r.in_m2 - r.out_m2,
    balanced: r.in_m2 + EPS_M2 >= r.out_m2,
    entries: r.entries,
  }));
  const agreements = (await repo.agreements(q, districts)).map((a) => ({
    id: a.id,
    fromDistrict: a.from_district,
    toDistrict: a.to_district,
    quotaType: a.quota_type,
    quotaName: QUOTA_TYPES[a.quota_type],
    areaM2: a.area_m2,
    areaMu: m2ToMu(a.area_m2),
    priceWanPerMu: a.price_wan_per_mu,
    fundsYi: a.funds_yi,
    signedOn: a.signed_on,
    note: a.note,
  }));
  const names = Object.fromEntries((await districtList(q, d)).map((d) => [d.code, d.name]));
  return { balances, inout, agreements, districts: names };
}

export async function listLots(q: Queryable, districts: string[] | null) {
  return (await repo.lots(q, districts)).map((l) => ({
    id: l.id,
    district: l.district,
    quotaType: l.quota_type,
    quotaName: QUOTA_TYPES[l.quota_type],
    grade: l.grade,
    paddy: l.paddy,
    areaM2: l.area_m2,
    areaMu: m2ToMu(l.area_m2),
    remainingM2: l.remaining_m2,
    remainingMu: m2ToMu(l.remaining_m2),
    source: l.source,
    agreementId: l.agreement_id,
    year: l.year,
    note: l.note,
  }));
}

export async function listOccupations(q: Queryable, districts: string[] | null) {
  return (await repo.occupations(q, districts)).map((o) => ({
    id: o.id,
    district: o.district,
    quotaType: o.quota_type,
    quotaName: QUOTA_TYPES[o.quota_type],
    project: o.project,
    grade: o.grade,
    paddy: o.paddy,
    areaM2: o.area_m2,
    areaMu: m2ToMu(o.area_m2),
    year: o.year,
    agreementId: o.agreement_id,
    createdBy: o.created_by,
    matches: o.matches,
  }));
}
