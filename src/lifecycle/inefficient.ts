// 低效用地 (inefficient land), domain.md §6 and seed 000: "建立全市低效用地'智能识别-调查确认-分类入库-
// 动态更新'工作机制". Rules with locally set yearly thresholds (inefficient_rule) read each parcel's
// yearly facts (land_fact: FAR, tax, vacant, derelict, polluting) and raise candidates nightly;
// a survey confirms or rejects them; confirmed land enters the inventory with a category and a
// redevelopment mode; inventoried land is re-evaluated against each new year's facts; the
// redevelopment project and its completed area feed the 低效用地再开发 ledger.
//
//   identified ─┬─► confirmed ─► inventoried ─┬─► redeveloping ─► redeveloped
//   (智能识别)   │   (调查确认)    (分类入库)    └─► exited (动态更新：退出)
//               └─► rejected (调查否定)
import type { Db, Queryable } from '../db/index.ts';
import type { Clock } from '../util/clock.ts';
import type { User } from '../auth/types.ts';
import { appendAudit, auditFor } from '../audit/audit.ts';
import { m2ToMu } from '../area/units.ts';
import { Invalid, NotFound } from '../errors.ts';
import { assertStep, checkDate, checkNotFuture, listPage, nextStates, ownCase, type CaseListQuery } from './machine.ts';
import * as repo from './inefficient.repository.ts';

const noSuchCase = (id: number) => `低效用地案件 #${id} 不存在 (no such inefficient-land case)`;

export type InefficientStatus = 'identified' | 'confirmed' | 'rejected' | 'inventoried' | 'redeveloping' | 'redeveloped' | 'exited';
export const INEFFICIENT_MACHINE = nextStates<InefficientStatus>({
  what: '低效用地案件',
  states: {
    identified: '智能识别',
    confirmed: '调查确认',
    rejected: '调查否定',
    inventoried: '分类入库',
    redeveloping: '再开发实施中',
    redeveloped: '再开发完成',
    exited: '动态更新退出',
  },
  next: {
    identified: ['confirmed', 'rejected'],
    confirmed: ['inventoried'],
    inventoried: ['redeveloping', 'exited'],
    redeveloping: ['redeveloped'],
    rejected: [],
    redeveloped: [],
    exited: [],
  },
});
export const CATEGORIES = ['低效工业用地', '低效商业用地', '低效住宅用地', '其他低效用地'] as const;
export const RULE_KINDS = ['far-below', 'tax-per-mu-below', 'vacant', 'derelict', 'polluting'] as const;

export interface InefficientCase {
  id: number;
  landCode: string;
  name: string;
  year: number;
  district: string;
  hits: repo.RuleHit[];
  status: InefficientStatus;
  statusName: string;
  category: string | null;
  mode: string | null;
  modeName: string | null;
  surveyNote: string | null;
  projectName: string | null;
  startedOn: string | null;
  redevelopedOn: string | null;
  redevelopedM2: number | null;
  redevelopedMu: number | null;
  evaluatedYear: number | null;
  stillHits: boolean | null;
  areaM2: number;
  areaMu: number;
  nextSteps: string[];
}

function caseOut(c: repo.CaseRow): InefficientCase {
  const s = c.status as InefficientStatus;
  return {
    id: c.id,
    landCode: c.land_code,
    name: c.name,
    year: c.year,
    district: c.district,
    hits: c.hits,
    status: s,
    statusName: INEFFICIENT_MACHINE.stateName(s),
    category: c.category,
    mode: c.mode,
    modeName: c.mode_name,
    surveyNote: c.survey_note,
    projectName: c.project_name,
    startedOn: c.started_on,
    redevelopedOn: c.redeveloped_on,
    redevelopedM2: c.redeveloped_m2,
    redevelopedMu: c.redeveloped_m2 === null ? null : m2ToMu(c.redeveloped_m2),
    evaluatedYear: c.evaluated_year,
    stillHits: c.still_hits,
    areaM2: c.area_m2,
    areaMu: m2ToMu(c.area_m2),
    nextSteps: [...INEFFICIENT_MACHINE.allowed(s)],
  };
}

export async function getInefficientCase(q: Queryable, id: number) {
  const c = await repo.caseRow(q, id);
  if (!c) throw new NotFound(noSuchCase(id));
  return { ...caseOut(c), trail: await auditFor(q, 'inefficient_case', id) };
}

export async function listInefficientCases(
  q: Queryable,
  user: User | undefined,
  f: CaseListQuery & { year?: number },
): Promise<InefficientCase[]> {
  return (await repo.listCases(q, { ...listPage(user, f, 1000), year: f.year })).map(caseOut);
}

/** The rules in force for a year (the latest configured year not after it). */
export async function rulesFor(q: Queryable, year: number) {
  const y = await repo.ruleYear(q, year);
  const list = y === null ? [] : await repo.rules(q, y);
  return {
    year,
    ruleYear: y,
    rules: list.map((r) => ({
      code: r.code,
      name: r.name,
      kind: r.kind,
      threshold: r.threshold,
      industrialOnly: r.industrial_only,
      enabled: r.enabled,
      note: r.note,
    })),
  };
}

export interface RuleInput {
  code: string;
  name: string;
  kind: string;
  threshold?: number | null;
  industrialOnly?: boolean;
  enabled?: boolean;
  note?: string | null;
}

/** Administrators set a year's thresholds (local settings, domain.md §6): the year's whole rule set. */
export async function saveRules(db: Db, year: number, list: RuleInput[], user: User) {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new Invalid(`year: 年份无效 (got ${year})`);
  const seen = new Set<string>();
  for (const [i, r] of list.entries()) {
    if (!r.code?.trim() || !r.name?.trim()) throw new Invalid(`rules[${i}]: 规则需要 code 和 name`);
    if (seen.has(r.code)) throw new Invalid(`rules[${i}].code: 规则编号 ${r.code} 重复 (duplicate code)`);
    seen.add(r.code);
    if (!(RULE_KINDS as readonly string[]).includes(r.kind))
      throw new Invalid(`rules[${i}].kind: 未知规则类型 "${r.kind}" (kinds: ${RULE_KINDS.join(', ')})`);
    if ((r.kind === 'far-below' || r.kind === 'tax-per-mu-below') && (typeof r.threshold !== 'number' || !(r.threshold > 0))) {
      throw new Invalid(`rules[${i}].threshold: ${r.kind} 需要大于 0 的阈值 (a positive threshold is required)`);
    }
  }
  await db.transaction(async (tx) => {
    const before = await repo.rules(tx, year);
    await repo.replaceRules(
      tx,
      year,
      list.map((r) => ({
        code: r.code,
        name: r.name,
        kind: r.kind,
        threshold: r.threshold ?? null,
        industrial_only: r.industrialOnly ?? true,
        enabled: r.enabled ?? true,
        note: r.note ?? null,
      })),
    );
    await appendAudit(tx, {
      actor: user.username,
      action: 'inefficient.rules',
      entity: 'inefficient_rule',
      entityId: year,
      before,
      after: list,
    });
  });
  return rulesFor(db, year);
}

export interface FactInput {
  landCode: string;
  far?: number | null;
  taxYuan?: number | null;
  vacant?: boolean;
  derelict?: boolean;
  polluting?: boolean;
}

/** A year's facts (亩均效益评价, surveys) for some parcels; unknown land codes are refused by name. */
export async function saveFacts(
  db: Db,
  year: number,
  facts: FactInput[],
  source: string,
  user: User,
): Promise<{ year: number; saved: number }> {
  await db.transaction(async (tx) => {
    const codes = facts.map((f) => f.landCode);
    const known = new Set(await repo.knownLandCodes(tx, codes));
    const unknown = codes.filter((c) => !known.has(c));
    if (unknown.length)
      throw new NotFound(
        `facts: 没有这些土地码 (unknown land codes): ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` … ${unknown.length}` : ''}`,
      );
    for (const f of facts) {
      await repo.upsertFact(tx, {
        landCode: f.landCode,
        year,
        far: f.far ?? null,
        taxYuan: f.taxYuan ?? null,
        vacant: !!f.vacant,
        derelict: !!f.derelict,
        polluting: !!f.polluting,
        source,
      });
    }
    await appendAudit(tx, {
      actor: user.username,
      action: 'inefficient.facts',
      entity: 'land_fact',
      entityId: year,
      after: { year, count: facts.length, source },
    });
  });
  return { year, saved: facts.length };
}

export interface InefficientStepInput {
  note?: string;
  category?: string;
  mode?: string;
  projectName?: string;
  date?: string;
  redevelopedM2?: number;
}

export async function transitionInefficient(db: Db, clock: Clock, id: number, to: string, input: InefficientStepInput, user: User) {
  const today = clock.today();
  await db.transaction(async (tx) => {
    const c = ownCase(await repo.caseRow(tx, id, true), user, noSuchCase(id), () => `低效用地案件 #${id}`);
    const next = assertStep(INEFFICIENT_MACHINE, id, c.status as InefficientStatus, to);
    const set: Record<string, unknown> = { status: next };
    const date = input.date === undefined ? today : checkDate(input.date, 'date');
    checkNotFuture(date, today, 'date');
    switch (next) {
      case 'confirmed':
      case 'rejected':
      case 'exited':
        if (!input.note?.trim())
          throw new Invalid(`note: ${INEFFICIENT_MACHINE.stateName(next)}需要调查或评价说明 (a survey note is required)`);
        set.survey_note = input.note.trim();
        break;
      case 'inventoried': {
        if (!input.category || !(CATEGORIES as readonly string[]).includes(input.category))
          throw new Invalid(`category: 分类必须是 ${CATEGORIES.join('、')} (got ${JSON.stringify(input.category)})`);
        const modes = await repo.modes(tx);
        if (!input.mode || !modes.some((m) => m.code === input.mode))
          throw new Invalid(
            `mode: 再开发模式必须是 ${modes.map((m) => `${m.code}（${m.name}）`).join('、')} (got ${JSON.stringify(input.mode)})`,
          );
        set.category = input.category;
        set.mode = input.mode;
        break;
      }
      case 'redeveloping':
        if (!input.projectName?.trim()) throw new Invalid('projectName: 再开发项目名称不能为空');
        set.project_name = input.projectName.trim();
        set.started_on = date;
        break;
      case 'redeveloped':
        if (typeof input.redevelopedM2 !== 'number' || !(input.redevelopedM2 > 0))
          throw new Invalid('redevelopedM2: 再开发完成面积必须大于 0 (m²)');
        if (input.redevelopedM2 > c.area_m2 * 1.001)
          throw new Invalid(`redevelopedM2: ${input.redevelopedM2} m² 超过地块面积 ${c.area_m2.toFixed(2)} m²`);
        if (c.started_on && date < c.started_on) throw new Invalid(`date: ${date} 早于再开发开工日期 ${c.started_on}`);
        set.redeveloped_on = date;
        set.redeveloped_m2 = input.redevelopedM2;
        break;
    }
    await repo.updateCase(tx, id, set);
    await appendAudit(tx, {
      actor: user.username,
      action: `inefficient.${next}`,
      entity: 'inefficient_case',
      entityId: id,
      before: { status: c.status },
      after: set,
    });
  });
  return getInefficientCase(db, id);
}

export const redevelopmentModes = repo.modes;
