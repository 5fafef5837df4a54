// 土地码 (domain.md §6; seed 002 "通过'土地码'串联归集'一块地'全生命周期各环节审批数据"): one stable
// code per parcel linking every step — approval (农转用/征收, 批复文号), reserve (收储), supply (出让/划拨
// with contract, price, agreed start/completion dates and planning conditions), the three permits
// issued together (三证齐发: 建设用地规划许可证, 不动产权证, 建设工程规划许可证), start of works, progress
// checks, completion and registration (28-character 不动产单元号, GB/T 37346). Each event keeps its
// date, documents, operator and the parcel's geometry at that time.
import type { Db, Queryable } from '../db/index.ts';
import type { Clock } from '../util/clock.ts';
import type { User } from '../auth/types.ts';
import { appendAudit } from '../audit/audit.ts';
import { m2ToMu } from '../area/units.ts';
import { Conflict, Invalid, NotFound } from '../errors.ts';
import { assertAllowed, type Workflow } from '../workflow/machine.ts';
import { DEFAULT_DISTRICT_LAYER, type DistrictLayer } from '../config.ts';
import { assertDistrict, checkDate, checkNotFuture } from './machine.ts';
import * as repo from './landcode.repository.ts';
import { refreshFigures } from './unsupplied.repository.ts';

export const EVENT_KINDS = ['approval', 'reserve', 'supply', 'permits', 'works_start', 'progress', 'completion', 'registration'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const EVENT_NAMES: Record<EventKind, string> = {
  approval: '用地批准（农转用/征收）',
  reserve: '收储',
  supply: '供应（出让/划拨）',
  permits: '三证齐发',
  works_start: '开工',
  progress: '开发进度核查',
  completion: '竣工',
  registration: '不动产登记',
};

// The stage a parcel reaches with each event (progress checks leave it where it is).
const STAGE_OF: Record<EventKind, string | null> = {
  approval: 'approved',
  reserve: 'reserved',
  supply: 'supplied',
  permits: 'permitted',
  works_start: 'under-construction',
  progress: null,
  completion: 'completed',
  registration: 'titled',
};
export const STAGE_NAMES: Record<string, string> = {
  registered: '已赋码',
  approved: '已批准',
  reserved: '已收储',
  supplied: '已供应',
  permitted: '三证已发',
  'under-construction': '在建',
  completed: '已竣工',
  titled: '已登记',
};

// The transition table of the register. An event may be recorded when every kind it needs is
// there; each happens once except progress checks; approval and reserve come before supply
// (stock construction land may be supplied with neither); nothing but registration follows
// completion.
const NEEDS: Record<EventKind, EventKind[]> = {
  approval: [],
  reserve: [],
  supply: [],
  permits: ['supply'],
  works_start: ['supply'],
  progress: ['works_start'],
  completion: ['works_start'],
  registration: ['completion'],
};
const BEFORE_SUPPLY: EventKind[] = ['approval', 'reserve'];

export function allowedEvents(have: ReadonlySet<string>): EventKind[] {
  return EVENT_KINDS.filter((k) => {
    if (k !== 'progress' && have.has(k)) return false;
    if (BEFORE_SUPPLY.includes(k) && have.has('supply')) return false;
    if (have.has('completion') && k !== 'registration') return false;
    return NEEDS[k].every((n) => have.has(n));
  });
}

/** Where a parcel is in the register: its stage and the kinds of event already recorded. */
export interface RegisterState {
  stage: string;
  have: ReadonlySet<string>;
}

/** The register as a workflow of the one kernel (the rule form: what may follow depends on every event so far). */
export const REGISTER: Workflow<RegisterState, EventKind> = {
  what: '土地码',
  actionNames: EVENT_NAMES,
  stateName: (s) => STAGE_NAMES[s.stage] ?? s.stage,
  allowed: (s) => allowedEvents(s.have),
};

export interface ParcelInput {
  landCode?: string;
  name: string;
  district?: string;
  zdCode?: string;
  landUse?: string;
  industrial?: boolean;
  standaloneSite?: boolean;
  geometry?: unknown;
  srid?: number;
}

export async function registerParcel(
  db: Db,
  clock: Clock,
  input: ParcelInput,
  user: User,
  districts: DistrictLayer = DEFAULT_DISTRICT_LAYER,
): Promise<Parcel> {
  if (!input.name?.trim()) throw new Invalid('name: 地块名称不能为空 (a parcel needs a name)');
  const code = await db.transaction(async (tx) => {
    let geom: repo.ParsedGeometry;
    let landUse = input.landUse ?? null;
    if (input.geometry !== undefined) geom = await repo.parseGeometry(tx, input.geometry, input.srid ?? 4490, 'geometry');
    else if (input.zdCode) {
      const zd = await repo.zdParcel(tx, input.zdCode);
      if (!zd) throw new NotFound(`zdCode: 宗地图层 ZD 中没有宗地代码 ${input.zdCode} (no parcel ${input.zdCode} in layer ZD)`);
      geom = zd;
      landUse ??= zd.landUse;
    } else throw new Invalid('geometry: 需要地块几何或宗地代码 zdCode (give the geometry or the ZD parcel code)');
    const district = input.district ?? (await repo.districtAt(tx, districts, geom.ewkb));
    if (!district)
      throw new Invalid(
        `district: 未给出行政区代码，且地块不在行政区图层 ${districts.layer} 的任何区县内 (no district given and the parcel lies in no district of layer ${districts.layer})`,
      );
    if (!/^\d{6}$/.test(district)) throw new Invalid(`district: 必须是 6 位行政区划代码 (GB/T 2260), got "${district}"`);
    assertDistrict(user, district, `地块 ${input.name}`);
    const landCode = input.landCode ?? (await repo.nextLandCode(tx, district, clock.today().slice(0, 4)));
    if (!/^[0-9A-Za-z-]{6,40}$/.test(landCode)) throw new Invalid(`landCode: 土地码只能含字母、数字和连字符，6–40 位 (got "${landCode}")`);
    if (await repo.parcelRow(tx, landCode)) throw new Conflict(`土地码 ${landCode} 已存在 (land code already registered)`);
    const industrial = input.industrial ?? /工业|工矿|^1001/.test(landUse ?? '');
    await repo.insertParcel(tx, {
      landCode,
      name: input.name.trim(),
      district,
      zdCode: input.zdCode ?? null,
      landUse,
      industrial,
      standaloneSite: !!input.standaloneSite,
      ewkb: geom.ewkb,
      areaM2: geom.areaM2,
      user: user.username,
    });
    await appendAudit(tx, {
      actor: user.username,
      action: 'landcode.register',
      entity: 'land_parcel',
      entityId: landCode,
      after: { name: input.name, district, zdCode: input.zdCode ?? null, landUse, areaM2: geom.areaM2 },
    });
    return landCode;
  });
  return getParcel(db, code);
}

export interface EventInput {
  kind: string;
  date: string;
  docNo?: string;
  documents?: repo.EventDocument[];
  details?: Record<string, unknown>;
  geometry?: unknown;
  srid?: number;
}

const need = (d: Record<string, unknown>, k: string, kind: string): unknown => {
  if (d[k] === undefined || d[k] === null || d[k] === '')
    throw new Invalid(`details.${k}: ${EVENT_NAMES[kind as EventKind]}需要填写 ${k} (required for ${kind})`);
  return d[k];
};
const num = (v: unknown, field: string, min = 0): number => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
    throw new Invalid(`${field}: 必须是不小于 ${min} 的数 (must be a number ≥ ${min}, got ${JSON.stringify(v)})`);
  return v;
};
const text = (v: unknown, field: string): string => {
  if (typeof v !== 'string' || !v.trim()) throw new Invalid(`${field}: 必须是非空文字 (must be a non-empty string)`);
  return v.trim();
};

/** Checks the kind-specific details and returns what the event sets on the parcel. */
async function eventEffects(
  q: Queryable,
  kind: EventKind,
  date: string,
  e: EventInput,
  d: Record<string, unknown>,
  areaM2: number,
): Promise<{ set: Record<string, unknown>; docNo: string | null }> {
  switch (kind) {
    case 'approval': {
      const t = text(need(d, 'approvalType', kind), 'details.approvalType');
      if (!['农转用', '征收', '农转用及征收'].includes(t))
        throw new Invalid(`details.approvalType: 必须是 农转用、征收 或 农转用及征收 (got "${t}")`);
      const docNo = text(e.docNo, 'docNo (批复文号)');
      let batchId: number | null = null;
      if (d.batchNo !== undefined) {
        batchId = await repo.batchIdByNo(q, text(d.batchNo, 'details.batchNo'));
        if (batchId === null) throw new NotFound(`details.batchNo: 没有批次 ${String(d.batchNo)} (no approval batch with that number)`);
      }
      return { set: { approved_on: date, batch_id: batchId }, docNo };
    }
    case 'reserve':
      return { set: { reserved_on: date }, docNo: e.docNo ?? null };
    case 'supply': {
      const method = text(need(d, 'method', kind), 'details.method');
      if (method !== '出让' && method !== '划拨') throw new Invalid(`details.method: 供应方式必须是 出让 或 划拨 (got "${method}")`);
      const docNo = text(e.docNo, 'docNo (出让合同或划拨决定书编号)');
      const price = num(need(d, 'priceYuan', kind), 'details.priceYuan');
      const start = checkDate(need(d, 'agreedStart', kind), 'details.agreedStart');
      const completion = checkDate(need(d, 'agreedCompletion', kind), 'details.agreedCompletion');
      if (completion < start) throw new Invalid(`details.agreedCompletion: 约定竣工日期 ${completion} 早于约定开工日期 ${start}`);
      const pc = (d.planningConditions ?? {}) as Record<string, unknown>;
      if (typeof pc !== 'object')
        throw new Invalid('details.planningConditions: 规划条件必须是对象 (an object: far, density, greenRatio, heightM, landUse)');
      const far = pc.far === undefined ? null : num(pc.far, 'details.planningConditions.far');
      const inv = d.totalInvestmentYuan === undefined ? null : num(d.totalInvestmentYuan, 'details.totalInvestmentYuan');
      return {
        set: {
          supplied_on: date,
          supply_m2: areaM2,
          price_yuan: price,
          agreed_start: start,
          agreed_completion: completion,
          planned_far: far,
          total_investment_yuan: inv,
        },
        docNo,
      };
    }
    case 'permits': {
      // 三证齐发 (seed 002): the three certificates are issued together, so all three numbers come at once.
      for (const k of ['landPlanningPermit', 'propertyCertificate', 'engineeringPermit']) text(need(d, k, kind), `details.${k}`);
      return { set: { permits_on: date }, docNo: e.docNo ?? String(d.propertyCertificate) };
    }
    case 'works_start':
      return { set: { works_started_on: date, halted_since: null }, docNo: e.docNo ?? null };
    case 'progress': {
      const developed = num(need(d, 'developedM2', kind), 'details.developedM2');
      const invested = num(need(d, 'investedYuan', kind), 'details.investedYuan');
      const halted = d.haltedSince === undefined || d.haltedSince === null ? null : checkDate(d.haltedSince, 'details.haltedSince');
      if (halted && halted > date) throw new Invalid(`details.haltedSince: 停工日期 ${halted} 晚于核查日期 ${date}`);
      return { set: { developed_m2: developed, invested_yuan: invested, halted_since: halted }, docNo: e.docNo ?? null };
    }
    case 'completion':
      return { set: { completed_on: date, halted_since: null }, docNo: e.docNo ?? null };
    case 'registration': {
      const bdcdyh = text(need(d, 'bdcdyh', kind), 'details.bdcdyh');
      if (!/^[0-9A-Z]{28}$/.test(bdcdyh))
        throw new Invalid(
          `details.bdcdyh: 不动产单元号必须是 28 位数字或大写字母 (GB/T 37346), got "${bdcdyh}" (${bdcdyh.length} characters)`,
        );
      return { set: { registered_on: date, bdcdyh }, docNo: e.docNo ?? bdcdyh };
    }
  }
}

export async function recordEvent(db: Db, clock: Clock, landCode: string, e: EventInput, user: User): Promise<Timeline> {
  await db.transaction(async (tx) => {
    const p = await repo.parcelRow(tx, landCode, true);
    if (!p) throw new NotFound(`土地码 ${landCode} 不存在 (no such land code)`);
    assertDistrict(user, p.district, `土地码 ${landCode}`);
    if (!(EVENT_KINDS as readonly string[]).includes(e.kind))
      throw new Invalid(`kind: 未知环节 "${e.kind}" (unknown event kind; kinds: ${EVENT_KINDS.join(', ')})`);
    const kind = e.kind as EventKind;
    const date = checkDate(e.date, 'date');
    checkNotFuture(date, clock.today(), 'date');
    const history = await repo.eventKinds(tx, landCode);
    const have = new Set(history.map((h) => h.kind));
    assertAllowed(REGISTER, landCode, { stage: p.stage, have }, kind, p.stage);
    const last = history[history.length - 1];
    if (last && date < last.date)
      throw new Invalid(
        `date: ${date} 早于上一环节「${EVENT_NAMES[last.kind as EventKind]}」的日期 ${last.date} (events are recorded in date order)`,
      );
    const geom =
      e.geometry !== undefined
        ? await repo.parseGeometry(tx, e.geometry, e.srid ?? 4490, 'geometry')
        : await repo.currentGeometry(tx, landCode);
    const d = e.details ?? {};
    const { set, docNo } = await eventEffects(tx, kind, date, e, d, geom.areaM2);
    const stage = STAGE_OF[kind];
    if (stage) set.stage = stage;
    const id = await repo.insertEvent(tx, {
      landCode,
      kind,
      date,
      docNo,
      documents: e.documents ?? [],
      details: d,
      operator: user.username,
      ewkb: geom.ewkb,
      areaM2: geom.areaM2,
    });
    await repo.updateParcel(tx, landCode, set, e.geometry !== undefined ? geom : undefined);
    await appendAudit(tx, {
      actor: user.username,
      action: `landcode.${kind}`,
      entity: 'land_parcel',
      entityId: landCode,
      before: { stage: p.stage },
      after: { eventId: id, kind, date, docNo, details: d, areaM2: geom.areaM2, stage: stage ?? p.stage },
    });
    const batchId = (set.batch_id as number | null | undefined) ?? p.batch_id;
    if ((kind === 'supply' || kind === 'approval') && batchId) await refreshFigures(tx, batchId, clock.today()); // the batch's ledger (批而未供) follows at once
  });
  return getTimeline(db, landCode);
}

export interface Parcel {
  landCode: string;
  name: string;
  district: string;
  zdCode: string | null;
  bdcdyh: string | null;
  landUse: string | null;
  industrial: boolean;
  standaloneSite: boolean;
  batchId: number | null;
  areaM2: number;
  areaMu: number;
  stage: string;
  stageName: string;
  approvedOn: string | null;
  suppliedOn: string | null;
  priceYuan: number | null;
  agreedStart: string | null;
  agreedCompletion: string | null;
  plannedFar: number | null;
  worksStartedOn: string | null;
  haltedSince: string | null;
  completedOn: string | null;
  registeredOn: string | null;
}

export function parcelOut(p: repo.ParcelRow): Parcel {
  return {
    landCode: p.land_code,
    name: p.name,
    district: p.district,
    zdCode: p.zd_code,
    bdcdyh: p.bdcdyh,
    landUse: p.land_use,
    industrial: p.industrial,
    standaloneSite: p.standalone_site,
    batchId: p.batch_id,
    areaM2: p.area_m2,
    areaMu: m2ToMu(p.area_m2),
    stage: p.stage,
    stageName: STAGE_NAMES[p.stage] ?? p.stage,
    approvedOn: p.approved_on,
    suppliedOn: p.supplied_on,
    priceYuan: p.price_yuan,
    agreedStart: p.agreed_start,
    agreedCompletion: p.agreed_completion,
    plannedFar: p.planned_far,
    worksStartedOn: p.works_started_on,
    haltedSince: p.halted_since,
    completedOn: p.completed_on,
    registeredOn: p.registered_on,
  };
}

export async function getParcel(q: Queryable, landCode: string): Promise<Parcel> {
  const p = await repo.parcelRow(q, landCode);
  if (!p) throw new NotFound(`土地码 ${landCode} 不存在 (no such land code)`);
  return parcelOut(p);
}

export interface Timeline {
  parcel: Parcel & { geometry: repo.GeoJson };
  events: {
    id: number;
    kind: string;
    kindName: string;
    date: string;
    docNo: string | null;
    documents: repo.EventDocument[];
    details: Record<string, unknown>;
    operator: string;
    areaM2: number;
    areaMu: number;
    geometry: repo.GeoJson;
    recordedAt: string;
  }[];
  nextEvents: { kind: string; name: string }[];
}

export async function getTimeline(q: Queryable, landCode: string): Promise<Timeline> {
  const t = await repo.timeline(q, landCode);
  if (!t) throw new NotFound(`土地码 ${landCode} 不存在 (no such land code)`);
  const events = (t.events ?? []).map((e) => ({ ...e, kindName: EVENT_NAMES[e.kind as EventKind], areaMu: m2ToMu(e.areaM2) }));
  return {
    parcel: { ...parcelOut(t.parcel), geometry: t.parcel.geometry },
    events,
    nextEvents: allowedEvents(new Set(events.map((e) => e.kind))).map((k) => ({ kind: k, name: EVENT_NAMES[k] })),
  };
}

export async function listParcels(
  q: Queryable,
  user: User | undefined,
  f: { district?: string; stage?: string; q?: string; limit?: number; offset?: number },
) {
  const scope =
    user?.role === 'district'
      ? f.district
        ? user.districts.filter((d) => d === f.district)
        : user.districts
      : f.district
        ? [f.district]
        : null;
  const r = await repo.listParcels(q, {
    districts: scope,
    stage: f.stage,
    q: f.q,
    limit: Math.min(f.limit ?? 50, 500),
    offset: f.offset ?? 0,
  });
  return { total: r.total, items: r.rows.map(parcelOut) };
}
