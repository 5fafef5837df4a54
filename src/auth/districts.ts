// District scoping of writes (domain.md §1: a 区县 officer edits only inside their own district).
// Anything a district officer writes — a review boundary, the features an import adds, changes or
// removes — must lie inside the union of their districts in the district layer (config.districts,
// XZQ by default). Slivers up to the review tolerance of 1 m² (or 1 m of line) are forgiven:
// parcel boundaries digitised against a slightly different district outline must not be refused
// for a hair. Refusals are `Forbidden` with code `outside_districts`, naming the features.
import type { Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import type { User } from './types.ts';
import { Forbidden } from '../errors.ts';
import * as repo from './districts.repository.ts';

const TOLERANCE = 1; // m² / m, as the review engine's default tolerance (default-ruleset.json)

function refuse(d: DistrictLayer, user: User, rows: repo.OutsideRow[], what: string): never {
  if (rows.some((r) => r.outside === null)) {
    throw new Forbidden(
      `区县 ${user.districts.join('、')} 的行政区界线不在行政区图层 (${d.layer}) 中，无法确认${what}位于辖区内 (the district layer ${d.layer} has none of ${user.districts.join(', ')})`,
    );
  }
  const list = rows
    .slice(0, 20)
    .map((r) => `${r.fid}（辖区外 ${r.outside!.toFixed(2)}）`)
    .join('；');
  throw new Forbidden(
    `超出辖区 (outside your districts ${user.districts.join(', ')}): ${what} ${list}${rows.length > 20 ? ` … 共 ${rows.length} 个` : ''}`,
    { code: 'outside_districts' },
  );
}

const beyond = (rows: repo.OutsideRow[]) => rows.filter((x) => x.outside === null || x.outside > TOLERANCE);

/** Refuses when any of the parcels (hex EWKB, EPSG:4490) reaches outside the user's districts. */
export async function assertParcelsInDistricts(
  q: Queryable,
  d: DistrictLayer,
  user: User,
  parcels: { fid: string; ewkb: string }[],
  what = '项目红线',
): Promise<void> {
  if (user.role !== 'district') return;
  const bad = beyond(await repo.parcelsOutside(q, d, user.districts, parcels, TOLERANCE + 1));
  if (bad.length) refuse(d, user, bad, what);
}

/**
 * Refuses when an import by a district officer adds, changes or removes a feature outside their
 * districts: called inside the import transaction after the new version is written, so throwing
 * rolls the whole import back.
 */
export async function assertVersionChangesInDistricts(
  q: Queryable,
  d: DistrictLayer,
  user: User,
  layerId: number,
  version: number,
  layerCode: string,
): Promise<void> {
  if (user.role !== 'district') return;
  const bad = beyond(await repo.versionChangesOutside(q, d, user.districts, layerId, version, TOLERANCE + 1));
  if (bad.length) refuse(d, user, bad, `图层 ${layerCode} 的新增、修改或删除要素`);
}
