// SQL of the balance ledgers: 占补平衡 lots, occupations and their matches, cross-district
// agreements, and 进出平衡 entries.
import type { Queryable } from '../db/index.ts';

export type QuotaType = 'farmland' | 'forest' | 'grain';

export interface LotRow {
  id: number;
  district: string;
  quota_type: QuotaType;
  grade: number;
  paddy: boolean;
  area_m2: number;
  remaining_m2: number;
  source: string;
  agreement_id: number | null;
  year: number;
  note: string | null;
}

const LOT_COLS = 'id, district, quota_type, grade, paddy, area_m2, remaining_m2, source, agreement_id, year, note';

export async function insertLot(q: Queryable, l: Omit<LotRow, 'id' | 'remaining_m2'>, user: string): Promise<LotRow> {
  return (
    await q.query<LotRow>(
      `INSERT INTO farmland_lot (district, quota_type, grade, paddy, area_m2, remaining_m2, source, agreement_id, year, note, created_by)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10) RETURNING ${LOT_COLS}`,
      [l.district, l.quota_type, l.grade, l.paddy, l.area_m2, l.source, l.agreement_id, l.year, l.note, user],
    )
  ).rows[0];
}

/**
 * The lots an occupation may spend, locked (FOR UPDATE) so a concurrent approval waits and then
 * sees what this one left. Quality rule 占优补优 / 占水田补水田: a lot qualifies when its grade is
 * as good or better (lower 等别 number) and, for paddy occupied, it is paddy. The worst qualifying
 * lots are spent first, keeping better ones for better occupations. maxGrade null = any grade
 * (agreements transfer lots whatever their grade).
 */
export async function lockLots(
  q: Queryable,
  district: string,
  quota: QuotaType,
  maxGrade: number | null,
  paddy: boolean,
): Promise<LotRow[]> {
  return (
    await q.query<LotRow>(
      `SELECT ${LOT_COLS} FROM farmland_lot
      WHERE district = $1 AND quota_type = $2 AND remaining_m2 > 0 AND ($3::int IS NULL OR grade <= $3) AND (NOT $4::boolean OR paddy)
      ORDER BY grade DESC, paddy, id FOR UPDATE`,
      [district, quota, maxGrade, paddy],
    )
  ).rows;
}

/** Remaining balance an occupation of this quality could draw on (same rule as lockLots). */
export async function availableM2(q: Queryable, district: string, quota: QuotaType, maxGrade: number, paddy: boolean): Promise<number> {
  const r = await q.query<{ m2: number | null }>(
    `SELECT sum(remaining_m2) AS m2 FROM farmland_lot WHERE district = $1 AND quota_type = $2 AND grade <= $3 AND (NOT $4::boolean OR paddy)`,
    [district, quota, maxGrade, paddy],
  );
  return r.rows[0].m2 ?? 0;
}

export async function spendLot(q: Queryable, lotId: number, m2: number): Promise<void> {
  await q.query(`UPDATE farmland_lot SET remaining_m2 = greatest(remaining_m2 - $2, 0) WHERE id = $1`, [lotId, m2]);
}

export interface OccupationRow {
  id: number;
  district: string;
  quota_type: QuotaType;
  project: string;
  grade: number;
  paddy: boolean;
  area_m2: number;
  year: number;
  agreement_id: number | null;
  created_by: string;
}

export async function insertOccupation(q: Queryable, o: Omit<OccupationRow, 'id' | 'created_by'>, user: string): Promise<OccupationRow> {
  return (
    await q.query<OccupationRow>(
      `INSERT INTO farmland_occupation (district, quota_type, project, grade, paddy, area_m2, year, agreement_id, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, district, quota_type, project, grade, paddy, area_m2, year, agreement_id, created_by`,
      [o.district, o.quota_type, o.project, o.grade, o.paddy, o.area_m2, o.year, o.agreement_id, user],
    )
  ).rows[0];
}

export async function insertMatch(q: Queryable, occupationId: number, lotId: number, m2: number): Promise<void> {
  await q.query(`INSERT INTO farmland_match (occupation_id, lot_id, area_m2) VALUES ($1, $2, $3)`, [occupationId, lotId, m2]);
}

export interface BalanceRow {
  district: string;
  quota_type: QuotaType;
  /** Compensation registered in the district itself. */
  credited_m2: number;
  /** Lots received through cross-district agreements. */
  received_m2: number;
  remaining_m2: number;
  lots: number;
}

export async function balances(q: Queryable, districts: string[] | null): Promise<BalanceRow[]> {
  return (
    await q.query<BalanceRow>(
      `SELECT district, quota_type, coalesce(sum(area_m2) FILTER (WHERE agreement_id IS NULL), 0) AS credited_m2,
            coalesce(sum(area_m2) FILTER (WHERE agreement_id IS NOT NULL), 0) AS received_m2, sum(remaining_m2) AS remaining_m2, count(*)::int AS lots
       FROM farmland_lot WHERE ($1::text[] IS NULL OR district = ANY($1::text[]))
      GROUP BY district, quota_type ORDER BY district, quota_type`,
      [districts],
    )
  ).rows;
}

export interface SpentRow {
  district: string;
  quota_type: QuotaType;
  /** Occupations by projects. */
  spent_m2: number;
  /** Quota sold to other districts through agreements. */
  transferred_m2: number;
  occupations: number;
}

export async function spentBy(q: Queryable, districts: string[] | null): Promise<SpentRow[]> {
  return (
    await q.query<SpentRow>(
      `SELECT district, quota_type, coalesce(sum(area_m2) FILTER (WHERE agreement_id IS NULL), 0) AS spent_m2,
            coalesce(sum(area_m2) FILTER (WHERE agreement_id IS NOT NULL), 0) AS transferred_m2, count(*) FILTER (WHERE agreement_id IS NULL)::int AS occupations
       FROM farmland_occupation WHERE ($1::text[] IS NULL OR district = ANY($1::text[])) GROUP BY district, quota_type`,
      [districts],
    )
  ).rows;
}

export async function lots(q: Queryable, districts: string[] | null): Promise<LotRow[]> {
  return (
    await q.query<LotRow>(`SELECT ${LOT_COLS} FROM farmland_lot WHERE ($1::text[] IS NULL OR district = ANY($1::text[])) ORDER BY id`, [
      districts,
    ])
  ).rows;
}

export async function occupations(
  q: Queryable,
  districts: string[] | null,
): Promise<(OccupationRow & { matches: { lotId: number; areaM2: number; grade: number }[] })[]> {
  return (
    await q.query<OccupationRow & { matches: { lotId: number; areaM2: number; grade: number }[] }>(
      `SELECT o.id, o.district, o.quota_type, o.project, o.grade, o.paddy, o.area_m2, o.year, o.agreement_id, o.created_by,
            coalesce((SELECT json_agg(json_build_object('lotId', m.lot_id, 'areaM2', m.area_m2, 'grade', l.grade) ORDER BY m.lot_id)
                        FROM farmland_match m JOIN farmland_lot l ON l.id = m.lot_id WHERE m.occupation_id = o.id), '[]'::json) AS matches
       FROM farmland_occupation o WHERE ($1::text[] IS NULL OR o.district = ANY($1::text[])) ORDER BY o.id`,
      [districts],
    )
  ).rows;
}

export interface AgreementRow {
  id: number;
  from_district: string;
  to_district: string;
  quota_type: QuotaType;
  area_m2: number;
  price_wan_per_mu: number | null;
  funds_yi: number | null;
  signed_on: string;
  note: string | null;
}

const AGR_COLS = `id, from_district, to_district, quota_type, area_m2, price_wan_per_mu, funds_yi, signed_on::text, note`;

export async function insertAgreement(q: Queryable, a: Omit<AgreementRow, 'id'>, user: string): Promise<AgreementRow> {
  return (
    await q.query<AgreementRow>(
      `INSERT INTO farmland_agreement (from_district, to_district, quota_type, area_m2, price_wan_per_mu, funds_yi, signed_on, note, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${AGR_COLS}`,
      [a.from_district, a.to_district, a.quota_type, a.area_m2, a.price_wan_per_mu, a.funds_yi, a.signed_on, a.note, user],
    )
  ).rows[0];
}

export async function agreements(q: Queryable, districts: string[] | null): Promise<AgreementRow[]> {
  return (
    await q.query<AgreementRow>(
      `SELECT ${AGR_COLS} FROM farmland_agreement WHERE ($1::text[] IS NULL OR from_district = ANY($1::text[]) OR to_district = ANY($1::text[])) ORDER BY id`,
      [districts],
    )
  ).rows;
}

/** Serialises 进出平衡 writes of one county and year (there is no balance row to lock). */
export async function lockInOut(q: Queryable, district: string, year: number): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('farmland_inout:' || $1 || ':' || $2::text))`, [district, year]);
}

export async function inOutTotals(q: Queryable, district: string, year: number): Promise<{ in_m2: number; out_m2: number }> {
  return (
    await q.query<{ in_m2: number; out_m2: number }>(
      `SELECT coalesce(sum(area_m2) FILTER (WHERE direction = 'in'), 0) AS in_m2, coalesce(sum(area_m2) FILTER (WHERE direction = 'out'), 0) AS out_m2
       FROM farmland_inout WHERE district = $1 AND year = $2`,
      [district, year],
    )
  ).rows[0];
}

export async function insertInOut(
  q: Queryable,
  e: {
    district: string;
    year: number;
    direction: 'in' | 'out';
    area_m2: number;
    from_class: string | null;
    to_class: string | null;
    note: string | null;
  },
  user: string,
): Promise<{ id: number }> {
  return (
    await q.query<{ id: number }>(
      `INSERT INTO farmland_inout (district, year, direction, area_m2, from_class, to_class, note, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [e.district, e.year, e.direction, e.area_m2, e.from_class, e.to_class, e.note, user],
    )
  ).rows[0];
}

export async function inOutSummary(
  q: Queryable,
  districts: string[] | null,
): Promise<{ district: string; year: number; in_m2: number; out_m2: number; entries: number }[]> {
  return (
    await q.query<{ district: string; year: number; in_m2: number; out_m2: number; entries: number }>(
      `SELECT district, year, coalesce(sum(area_m2) FILTER (WHERE direction = 'in'), 0) AS in_m2, coalesce(sum(area_m2) FILTER (WHERE direction = 'out'), 0) AS out_m2, count(*)::int AS entries
       FROM farmland_inout WHERE ($1::text[] IS NULL OR district = ANY($1::text[])) GROUP BY district, year ORDER BY district, year`,
      [districts],
    )
  ).rows;
}
