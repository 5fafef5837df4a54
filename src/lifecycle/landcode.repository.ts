// SQL of the land code register (土地码): parcels, their dated events and the timeline query.
// Geometry arrives as GeoJSON in any CRS PostGIS knows and is stored as EPSG:4490 MultiPolygon;
// areas are ellipsoidal (domain.md §2).
import type { Queryable } from '../db/index.ts';
import { Invalid } from '../errors.ts';
import type { DistrictLayer } from '../config.ts';
import { activeDistricts, aliveAt } from '../store/fragments.repository.ts';

/** A stored area as ST_AsGeoJSON writes it: a MultiPolygon in EPSG:4490, named in a short `crs` member. */
export interface GeoJson {
  type: 'MultiPolygon';
  coordinates: number[][][][];
  crs?: { type: string; properties: { name: string } };
}

/** A document attached to an event: its name and, when online, where. */
export interface EventDocument {
  name: string;
  url?: string;
}

export interface ParsedGeometry {
  ewkb: string;
  areaM2: number;
}

/** GeoJSON (Polygon/MultiPolygon) in `srid` → EPSG:4490 MultiPolygon, or a 400 naming the field and the reason. */
export async function parseGeometry(q: Queryable, geojson: unknown, srid: number, field: string): Promise<ParsedGeometry> {
  if (!geojson || typeof geojson !== 'object')
    throw new Invalid(`${field}: 需要 GeoJSON 面几何 (a GeoJSON Polygon or MultiPolygon is required)`);
  const type = (geojson as { type?: unknown }).type;
  if (type !== 'Polygon' && type !== 'MultiPolygon')
    throw new Invalid(`${field}: 几何类型必须为面 (must be a Polygon or MultiPolygon, got ${JSON.stringify(type)})`);
  let r;
  try {
    r = await q.query<{ valid: boolean; reason: string; ewkb: string; area: number; empty: boolean }>(
      `WITH g AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1), $2::int), 4490) AS g)
       SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason, ST_IsEmpty(g) AS empty,
              encode(ST_AsEWKB(ST_Multi(g)), 'hex') AS ewkb, onemap_area(g) AS area FROM g`,
      [JSON.stringify(geojson), srid],
    );
  } catch (e) {
    throw new Invalid(`${field}: 几何无法读取 (unreadable geometry in EPSG:${srid}: ${(e as Error).message})`);
  }
  const g = r.rows[0];
  if (g.empty) throw new Invalid(`${field}: 几何为空 (empty geometry)`);
  if (!g.valid) throw new Invalid(`${field}: 几何无效 (invalid geometry: ${g.reason})`);
  return { ewkb: g.ewkb, areaM2: g.area };
}

/** The district (its GB/T 2260 code in the district layer) a geometry lies in, by a point on its surface. */
export async function districtAt(q: Queryable, d: DistrictLayer, ewkb: string): Promise<string | null> {
  const r = await q.query<{ code: string }>(
    `SELECT ad.code FROM ${activeDistricts(d)} ad
      WHERE ST_Intersects(ad.geom, ST_PointOnSurface(ST_GeomFromEWKB(decode($1, 'hex')))) LIMIT 1`,
    [ewkb],
  );
  return r.rows[0]?.code ?? null;
}

/** The current 宗地 of layer ZD with this ZDDM (or fid). */
export async function zdParcel(q: Queryable, zdCode: string): Promise<{ ewkb: string; areaM2: number; landUse: string | null } | null> {
  const r = await q.query<{ ewkb: string; area: number; use: string | null }>(
    `SELECT encode(ST_AsEWKB(ST_Multi(f.geom)), 'hex') AS ewkb, onemap_area(f.geom) AS area, f.props->>'TDYT' AS use
       FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'ZD'
      WHERE l.active_version IS NOT NULL AND ${aliveAt('f', 'l.active_version')} AND (f.fid = $1 OR f.props->>'ZDDM' = $1) LIMIT 1`,
    [zdCode],
  );
  return r.rows[0] ? { ewkb: r.rows[0].ewkb, areaM2: r.rows[0].area, landUse: r.rows[0].use } : null;
}

export async function nextLandCode(q: Queryable, district: string, year: string): Promise<string> {
  // 土地码: district (GB/T 2260) + year of registration + a city-wide sequence, stable for life.
  const r = await q.query<{ n: string }>(`SELECT nextval('land_code_seq')::text AS n`);
  return `${district}${year}${r.rows[0].n.padStart(6, '0')}`;
}

export interface ParcelRow {
  land_code: string;
  name: string;
  district: string;
  zd_code: string | null;
  bdcdyh: string | null;
  land_use: string | null;
  industrial: boolean;
  standalone_site: boolean;
  batch_id: number | null;
  area_m2: number;
  stage: string;
  approved_on: string | null;
  reserved_on: string | null;
  supplied_on: string | null;
  supply_m2: number | null;
  price_yuan: number | null;
  agreed_start: string | null;
  agreed_completion: string | null;
  planned_far: number | null;
  total_investment_yuan: number | null;
  permits_on: string | null;
  works_started_on: string | null;
  developed_m2: number | null;
  invested_yuan: number | null;
  halted_since: string | null;
  completed_on: string | null;
  registered_on: string | null;
  created_by: string;
}

const PARCEL_COLS = `land_code, name, district, zd_code, bdcdyh, land_use, industrial, standalone_site, batch_id, area_m2, stage,
  approved_on::text, reserved_on::text, supplied_on::text, supply_m2, price_yuan, agreed_start::text, agreed_completion::text, planned_far,
  total_investment_yuan, permits_on::text, works_started_on::text, developed_m2, invested_yuan, halted_since::text, completed_on::text, registered_on::text, created_by`;

export async function insertParcel(
  q: Queryable,
  p: {
    landCode: string;
    name: string;
    district: string;
    zdCode: string | null;
    landUse: string | null;
    industrial: boolean;
    standaloneSite: boolean;
    ewkb: string;
    areaM2: number;
    user: string;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO land_parcel (land_code, name, district, zd_code, land_use, industrial, standalone_site, geom, area_m2, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, ST_GeomFromEWKB(decode($8, 'hex')), $9, $10)`,
    [p.landCode, p.name, p.district, p.zdCode, p.landUse, p.industrial, p.standaloneSite, p.ewkb, p.areaM2, p.user],
  );
}

export async function parcelRow(q: Queryable, landCode: string, lock = false): Promise<ParcelRow | null> {
  const r = await q.query<ParcelRow>(`SELECT ${PARCEL_COLS} FROM land_parcel WHERE land_code = $1${lock ? ' FOR UPDATE' : ''}`, [landCode]);
  return r.rows[0] ?? null;
}

export async function eventKinds(q: Queryable, landCode: string): Promise<{ kind: string; date: string }[]> {
  return (
    await q.query<{ kind: string; date: string }>(
      `SELECT kind, event_date::text AS date FROM land_event WHERE land_code = $1 ORDER BY event_date, id`,
      [landCode],
    )
  ).rows;
}

export async function currentGeometry(q: Queryable, landCode: string): Promise<ParsedGeometry> {
  const r = await q.query<{ ewkb: string; area: number }>(
    `SELECT encode(ST_AsEWKB(geom), 'hex') AS ewkb, area_m2 AS area FROM land_parcel WHERE land_code = $1`,
    [landCode],
  );
  return { ewkb: r.rows[0].ewkb, areaM2: r.rows[0].area };
}

/** An event of a land code's life as recorded (its geometry aside). */
export interface LandEvent {
  kind: string;
  date: string;
  docNo: string | null;
  documents: EventDocument[];
  details: Record<string, unknown>;
  operator: string;
  areaM2: number;
}

export async function insertEvent(q: Queryable, e: LandEvent & { landCode: string; ewkb: string }): Promise<number> {
  const r = await q.query<{ id: string }>(
    `INSERT INTO land_event (land_code, kind, event_date, doc_no, documents, details, operator, geom, area_m2)
     VALUES ($1, $2, $3, $4, $5, $6, $7, ST_GeomFromEWKB(decode($8, 'hex')), $9) RETURNING id::text`,
    [e.landCode, e.kind, e.date, e.docNo, JSON.stringify(e.documents), JSON.stringify(e.details), e.operator, e.ewkb, e.areaM2],
  );
  return Number(r.rows[0].id);
}

/** Columns of land_parcel an event sets (names are fixed by the caller, values parameterised). */
export async function updateParcel(q: Queryable, landCode: string, set: Record<string, unknown>, geometry?: ParsedGeometry): Promise<void> {
  const cols = Object.keys(set);
  const params: unknown[] = [landCode, ...cols.map((c) => set[c])];
  const parts = cols.map((c, i) => `${c} = $${i + 2}`);
  if (geometry) {
    params.push(geometry.ewkb, geometry.areaM2);
    parts.push(`geom = ST_GeomFromEWKB(decode($${params.length - 1}, 'hex'))`, `area_m2 = $${params.length}`);
  }
  if (parts.length) await q.query(`UPDATE land_parcel SET ${parts.join(', ')} WHERE land_code = $1`, params);
}

export async function batchIdByNo(q: Queryable, batchNo: string): Promise<number | null> {
  return (await q.query<{ id: number }>(`SELECT id FROM approval_batch WHERE batch_no = $1`, [batchNo])).rows[0]?.id ?? null;
}

export interface TimelineRow {
  parcel: ParcelRow & { geometry: GeoJson };
  events: (LandEvent & { id: number; geometry: GeoJson; recordedAt: string })[] | null;
}

/** The parcel and every event in order with the geometry at that step: one statement. */
export async function timeline(q: Queryable, landCode: string): Promise<TimelineRow | null> {
  const r = await q.query<TimelineRow>(
    `SELECT to_jsonb(p) - 'geom' || jsonb_build_object('geometry', ST_AsGeoJSON(p.geom, 7)::jsonb) AS parcel,
            (SELECT jsonb_agg(jsonb_build_object(
                      'id', e.id, 'kind', e.kind, 'date', e.event_date::text, 'docNo', e.doc_no, 'documents', e.documents, 'details', e.details,
                      'operator', e.operator, 'areaM2', e.area_m2, 'geometry', ST_AsGeoJSON(e.geom, 7)::jsonb,
                      'recordedAt', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
                    ORDER BY e.event_date, e.id)
               FROM land_event e WHERE e.land_code = p.land_code) AS events
       FROM land_parcel p WHERE p.land_code = $1`,
    [landCode],
  );
  return r.rows[0] ?? null;
}

export async function listParcels(
  q: Queryable,
  f: { districts: string[] | null; stage?: string; q?: string; limit: number; offset: number },
) {
  const r = await q.query<ParcelRow & { total: number }>(
    `SELECT ${PARCEL_COLS}, count(*) OVER ()::int AS total FROM land_parcel
      WHERE ($1::text[] IS NULL OR district = ANY($1)) AND ($2::text IS NULL OR stage = $2)
        AND ($3::text IS NULL OR land_code LIKE $3 || '%' OR name LIKE '%' || $3 || '%' OR zd_code = $6)
      ORDER BY land_code LIMIT $4 OFFSET $5`,
    // The text is matched literally: % and _ typed in the search box are not wildcards.
    [f.districts, f.stage ?? null, f.q ? f.q.replace(/[\\%_]/g, (c) => `\\${c}`) : null, f.limit, f.offset, f.q ?? null],
  );
  return { total: r.rows[0]?.total ?? 0, rows: r.rows };
}
