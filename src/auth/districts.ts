// District scoping of writes (domain.md §1: a 区县 officer edits only inside their own district).
// Anything a district officer writes — a review boundary, the features an import adds, changes or
// removes — must lie inside the union of their districts in the district layer (XZQ). Slivers up
// to the review tolerance of 1 m² (or 1 m of line) are forgiven: parcel boundaries digitised
// against a slightly different district outline must not be refused for a hair.
import type { Queryable } from '../db/index.ts';
import type { User } from './types.ts';
import { HttpError } from '../server/errors.ts';

const TOLERANCE = 1; // m² / m, as the review engine's default tolerance (default-ruleset.json)

const DISTRICT_UNION = `(SELECT ST_Union(f.geom) AS geom FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'XZQ'
                         WHERE f.v_to IS NULL AND f.props->>'XZQDM' = ANY($1::text[]))`;

// The part outside, measured on the ellipsoid; points count when they are outside at all.
const OUTSIDE = (g: string) => `(SELECT CASE WHEN du.geom IS NULL THEN NULL ELSE ST_Difference(${g}, du.geom) END FROM du)`;
const MEASURE = `CASE WHEN og IS NULL THEN NULL
                      WHEN ST_IsEmpty(og) THEN 0
                      WHEN ST_Dimension(og) = 2 THEN ST_Area(og::geography)
                      WHEN ST_Dimension(og) = 1 THEN ST_Length(og::geography)
                      ELSE ${TOLERANCE + 1} END`;

interface OutsideRow {
  fid: string;
  outside: number | null;
}

function refuse(user: User, rows: OutsideRow[], what: string): never {
  if (rows.some((r) => r.outside === null)) {
    throw new HttpError(
      403,
      `区县 ${user.districts.join('、')} 的行政区界线不在行政区图层 (XZQ) 中，无法确认${what}位于辖区内 (the district layer XZQ has none of ${user.districts.join(', ')})`,
    );
  }
  const list = rows
    .slice(0, 20)
    .map((r) => `${r.fid}（辖区外 ${r.outside!.toFixed(2)}）`)
    .join('；');
  throw new HttpError(
    403,
    `超出辖区 (outside your districts ${user.districts.join(', ')}): ${what} ${list}${rows.length > 20 ? ` … 共 ${rows.length} 个` : ''}`,
    'outside_districts',
  );
}

/** Refuses when any of the parcels (hex EWKB, EPSG:4490) reaches outside the user's districts. */
export async function assertParcelsInDistricts(
  q: Queryable,
  user: User,
  parcels: { fid: string; ewkb: string }[],
  what = '项目红线',
): Promise<void> {
  if (user.role !== 'district') return;
  const r = await q.query<OutsideRow>(
    `WITH du AS ${DISTRICT_UNION},
          p AS (SELECT fid, ST_GeomFromEWKB(decode(ewkb, 'hex')) AS g FROM unnest($2::text[], $3::text[]) AS t(fid, ewkb)),
          outside AS (SELECT fid, ${OUTSIDE('p.g')} AS og FROM p)
     SELECT fid, ${MEASURE} AS outside FROM outside`,
    [user.districts, parcels.map((p) => p.fid), parcels.map((p) => p.ewkb)],
  );
  const bad = r.rows.filter((x) => x.outside === null || x.outside > TOLERANCE);
  if (bad.length) refuse(user, bad, what);
}

/**
 * Refuses when an import by a district officer adds, changes or removes a feature outside their
 * districts: called inside the import transaction after the new version is written, so throwing
 * rolls the whole import back.
 */
export async function assertVersionChangesInDistricts(
  q: Queryable,
  user: User,
  layerId: number,
  version: number,
  layerCode: string,
): Promise<void> {
  if (user.role !== 'district') return;
  const r = await q.query<OutsideRow>(
    `WITH du AS ${DISTRICT_UNION},
          outside AS (SELECT f.fid, ${OUTSIDE('f.geom')} AS og FROM feature f
                 WHERE f.layer_id = $2 AND (f.v_from = $3 OR f.v_to = $3))
     SELECT fid, ${MEASURE} AS outside FROM outside`,
    [user.districts, layerId, version],
  );
  const bad = r.rows.filter((x) => x.outside === null || x.outside > TOLERANCE);
  if (bad.length) refuse(user, bad, `图层 ${layerCode} 的新增、修改或删除要素`);
}
