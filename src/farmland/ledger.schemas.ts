// Request and response schemas of the balance ledgers (/api/farmland/ledger…): 占补平衡 lots and
// occupations, cross-district agreements and 进出平衡.
import { Type, Obj, Str, Int, Num, Bool, Nullable, Enum, List, Dict, DateOnly, Year, WRITE_ERRORS, reads, creates } from '../schema.ts';
import { AreaFields } from '../schema.ts';
import { tags, lists, AreaInput, District } from './farmland.schemas.ts';

const QuotaType = Enum(['farmland', 'forest', 'grain'], {
  description: 'farmland 耕地占补平衡指标, forest 补充林地指标, grain 粮食生产功能区异地代保指标',
});
const Grade = Int({ minimum: 1, maximum: 15, description: '耕地质量等别 (GB/T 28407-2012), 1 = best' });
const Paddy = Bool({ description: '水田' });
/** The quality an occupation must be compensated with (等别, 水田), as a lot or occupation answers it. */
const Quality = { grade: Int(), paddy: Bool() };
/** The quota type of a row and its Chinese name. */
const Quota = { quotaType: QuotaType, quotaName: Str() };

/** A lot as stored (the answer of a write). */
export const LotRow = Obj({
  id: Int(),
  district: Str(),
  quota_type: QuotaType,
  ...Quality,
  area_m2: Num(),
  remaining_m2: Num(),
  source: Str(),
  agreement_id: Nullable(Int()),
  year: Int(),
  note: Nullable(Str()),
});

const OccupationRow = Obj({
  id: Int(),
  district: Str(),
  quota_type: QuotaType,
  project: Str(),
  ...Quality,
  area_m2: Num(),
  year: Int(),
  agreement_id: Nullable(Int()),
  created_by: Str(),
});

const AgreementRow = Obj({
  id: Int(),
  from_district: Str(),
  to_district: Str(),
  quota_type: QuotaType,
  area_m2: Num(),
  price_wan_per_mu: Nullable(Num()),
  funds_yi: Nullable(Num()),
  signed_on: Str(),
  note: Nullable(Str()),
});

/** Which lot paid how much of an occupation. */
const Match = Obj({ lotId: Int(), areaM2: Num(), grade: Int() });

export const Balance = Obj({
  district: Str(),
  ...Quota,
  creditedM2: Num(),
  receivedM2: Num(),
  spentM2: Num(),
  transferredM2: Num(),
  remainingM2: Num(),
  remainingMu: Num(),
  lots: Int(),
  occupations: Int(),
});

export const InOut = Obj({
  district: Str(),
  year: Int(),
  inM2: Num(),
  outM2: Num(),
  netM2: Num(),
  balanced: Bool(),
  entries: Int(),
});

export const Agreement = Obj({
  id: Int(),
  fromDistrict: Str(),
  toDistrict: Str(),
  ...Quota,
  ...AreaFields,
  priceWanPerMu: Nullable(Num()),
  fundsYi: Nullable(Num()),
  signedOn: Str(),
  note: Nullable(Str()),
});

export const Lot = Obj({
  id: Int(),
  district: Str(),
  ...Quota,
  ...Quality,
  ...AreaFields,
  remainingM2: Num(),
  remainingMu: Num(),
  source: Str(),
  agreementId: Nullable(Int()),
  year: Int(),
  note: Nullable(Str()),
});

export const Occupation = Obj({
  id: Int(),
  district: Str(),
  ...Quota,
  project: Str(),
  ...Quality,
  ...AreaFields,
  year: Int(),
  agreementId: Nullable(Int()),
  createdBy: Str(),
  matches: List(Match),
});

export const summary = lists(
  '占补平衡、进出平衡台账 (balances by district and quota type, in-out per county-year, cross-district agreements)',
  Obj({
    balances: List(Balance),
    inout: List(InOut),
    agreements: List(Agreement),
    districts: Dict(Str(), { description: 'district code → name' }),
  }),
);

export const lots = lists('补充指标明细 (compensation lots with quality grade and remaining area)', List(Lot));

export const occupations = lists('占用明细 (occupations, each with the lots that compensate it)', List(Occupation));

export const available = reads(
  {
    tags,
    summary: '可用指标 (balance an occupation of this quality could draw on now)',
    querystring: Obj({ district: District, quotaType: Type.Optional(QuotaType), grade: Grade, paddy: Type.Optional(Paddy) }),
  },
  Obj({ availableM2: Num(), availableMu: Num() }),
);

export const addCompensation = creates(
  {
    tags,
    summary: '登记补充耕地（指标） (a compensation lot with its quality grade)',
    body: Obj({
      district: District,
      quotaType: Type.Optional(QuotaType),
      grade: Grade,
      paddy: Type.Optional(Paddy),
      year: Year,
      ...AreaInput,
      source: Str({ minLength: 1, maxLength: 200, description: 'the project that produced it' }),
      note: Type.Optional(Str({ maxLength: 1000 })),
    }),
  },
  LotRow,
);

export const approveOccupation = {
  tags,
  summary:
    '审批占用 (approve a project occupying farmland only if the balance covers it; 409 insufficient_balance otherwise, nothing written)',
  body: Obj({
    district: District,
    quotaType: Type.Optional(QuotaType),
    grade: Grade,
    paddy: Type.Optional(Paddy),
    year: Year,
    ...AreaInput,
    project: Str({ minLength: 1, maxLength: 200 }),
  }),
  response: { 201: Obj({ occupation: OccupationRow, matches: List(Match), remainingM2: Num() }), ...WRITE_ERRORS },
};

export const signAgreement = {
  tags,
  summary: '跨区调剂协议 (cross-district agreement: area, quota type, price, funds; the seller’s lots move to the buyer)',
  body: Obj({
    fromDistrict: District,
    toDistrict: District,
    quotaType: QuotaType,
    grade: Type.Optional(Grade),
    paddy: Type.Optional(Paddy),
    ...AreaInput,
    priceWanPerMu: Type.Optional(Num({ minimum: 0, description: '万元/亩' })),
    fundsYi: Type.Optional(Num({ minimum: 0, description: '协作资金 亿元' })),
    signedOn: DateOnly(),
    note: Type.Optional(Str({ maxLength: 1000 })),
  }),
  response: { 201: Obj({ agreement: AgreementRow, matches: List(Match), received: List(LotRow) }), ...WRITE_ERRORS },
};

export const recordInOut = {
  tags,
  summary: '进出平衡登记 (in: other land turned cultivated; out: cultivated turned other farm land, refused beyond the year’s in)',
  body: Obj({
    district: District,
    year: Year,
    direction: Enum(['in', 'out']),
    ...AreaInput,
    fromClass: Type.Optional(Str({ maxLength: 10 })),
    toClass: Type.Optional(Str({ maxLength: 10 })),
    note: Type.Optional(Str({ maxLength: 1000 })),
  }),
  response: { 201: Obj({ id: Int(), district: Str(), year: Int(), inM2: Num(), outM2: Num(), netM2: Num() }), ...WRITE_ERRORS },
};
