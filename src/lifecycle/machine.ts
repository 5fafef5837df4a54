// The lifecycle cases (idle land, approval batches, inefficient land, resettlement projects) move
// through the one workflow kernel (src/workflow/machine.ts): each is a table whose steps are named
// by the state they lead to. A step the table does not allow is refused with code
// `illegal_transition`, naming the current state and the steps allowed from it, so a clerk (or
// another system) knows what to do instead. The district rule and the date checks shared by the
// lifecycle services live here too.
import { Forbidden, Invalid, NotFound } from '../errors.ts';
import { assertAllowed, type Table } from '../workflow/machine.ts';
import type { User } from '../auth/types.ts';
import type { ListPage } from './rows.repository.ts';

export { nextStates } from '../workflow/machine.ts';

/** Throws unless `to` is a state of the workflow reachable in one step from `from`. */
export function assertStep<S extends string>(w: Table<S, S>, id: string | number, from: S, to: string): S {
  if (!w.isState(to)) {
    throw new Invalid(`${w.what} #${id}: 没有状态 "${to}" (unknown state "${to}"); states: ${Object.keys(w.stateNames).join(', ')}`, {
      code: 'unknown_state',
    });
  }
  return assertAllowed(w, `#${id}`, from, to);
}

/** A district officer acts only on things in their own districts (domain.md §1). */
export function assertDistrict(user: User | undefined, district: string, what: string): void {
  if (!user || user.role !== 'district') return;
  if (!user.districts.includes(district)) {
    throw new Forbidden(`超出辖区 (outside your districts ${user.districts.join(', ')}): ${what} 属于 ${district}`, {
      code: 'outside_districts',
    });
  }
}

/**
 * The case a step or an edit applies to (read under lock by the caller): NotFound with `missing`
 * when there is none, Forbidden when it lies outside the caller's districts (`what` names it).
 */
export function ownCase<R extends { district: string }>(
  row: R | null | undefined,
  user: User | undefined,
  missing: string,
  what: (r: R) => string,
): R {
  if (!row) throw new NotFound(missing);
  assertDistrict(user, row.district, what(row));
  return row;
}

/** The districts a caller may see: null = all. */
export const scopeOf = (user: User | undefined): string[] | null => (user && user.role === 'district' ? user.districts : null);

/** The districts a list shows: the one asked for (if the caller may see it), else all the caller may see. */
export const districtFilter = (user: User | undefined, district: string | undefined): string[] | null => {
  const scope = scopeOf(user);
  return district ? (scope ? scope.filter((d) => d === district) : [district]) : scope;
};

/** What a case list is asked for: a district, a status, a page. */
export interface CaseListQuery {
  district?: string;
  status?: string;
  limit?: number;
  offset?: number;
}

/** The filter of a page of a case list: the caller's districts, the status, at most `max` rows (100 unless asked). */
export const listPage = (user: User | undefined, f: CaseListQuery, max: number): ListPage => ({
  districts: districtFilter(user, f.district),
  status: f.status,
  limit: Math.min(f.limit ?? 100, max),
  offset: f.offset ?? 0,
});

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A calendar date YYYY-MM-DD that exists, or Invalid naming the field. */
export function checkDate(v: unknown, field: string): string {
  if (
    typeof v !== 'string' ||
    !DATE.test(v) ||
    Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ||
    new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v
  ) {
    throw new Invalid(`${field}: 不是有效日期 (must be a date YYYY-MM-DD, got ${JSON.stringify(v)})`);
  }
  return v;
}

/** Business dates are never in the future of the platform's clock. */
export function checkNotFuture(date: string, today: string, field: string): void {
  if (date > today) throw new Invalid(`${field}: ${date} 晚于今天 ${today} (a step cannot be dated in the future)`);
}
