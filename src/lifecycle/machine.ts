// The lifecycle workflows are state machines with an explicit transition table: a step that the
// table does not allow is refused with code `illegal_transition`, naming the current state and the
// steps that are allowed from it, so a clerk (or another system) knows what to do instead.
import { HttpError } from '../server/errors.ts';
import type { User } from '../auth/types.ts';

export interface Machine<S extends string> {
  /** What the machine moves, for messages: 闲置土地案件 #12. */
  readonly what: string;
  readonly names: Record<S, string>;
  readonly next: Record<S, readonly S[]>;
}

export function isState<S extends string>(m: Machine<S>, s: string): s is S {
  return Object.prototype.hasOwnProperty.call(m.names, s);
}

const label = <S extends string>(m: Machine<S>, s: S) => `「${m.names[s]}」(${s})`;

/** Throws unless `to` is a state of the machine reachable in one step from `from`. */
export function assertTransition<S extends string>(m: Machine<S>, id: string | number, from: S, to: string): S {
  if (!isState(m, to)) {
    throw new HttpError(
      400,
      `${m.what} #${id}: 没有状态 "${to}" (unknown state "${to}"); states: ${Object.keys(m.names).join(', ')}`,
      'unknown_state',
    );
  }
  const allowed = m.next[from];
  if (!allowed.includes(to)) {
    const list = allowed.length ? allowed.map((s) => label(m, s)).join('、') : '无（已办结）';
    throw new HttpError(
      409,
      `${m.what} #${id} 当前状态为${label(m, from)}，不能转为${label(m, to)}；允许的下一步：${list} ` +
        `(illegal transition: current state ${from}, requested ${to}, allowed next: ${allowed.join(', ') || 'none'})`,
      'illegal_transition',
      [{ current: from, requested: to, allowed: [...allowed] }],
    );
  }
  return to;
}

/** A district officer acts only on things in their own districts (domain.md §1). */
export function assertDistrict(user: User | undefined, district: string, what: string): void {
  if (!user || user.role !== 'district') return;
  if (!user.districts.includes(district)) {
    throw new HttpError(
      403,
      `超出辖区 (outside your districts ${user.districts.join(', ')}): ${what} 属于 ${district}`,
      'outside_districts',
    );
  }
}

/** The districts a caller may see: null = all. */
export const scopeOf = (user: User | undefined): string[] | null => (user && user.role === 'district' ? user.districts : null);

export const bad = (message: string, code = 'bad_request') => new HttpError(400, message, code);
export const notFound = (message: string) => new HttpError(404, message, 'not_found');

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A calendar date YYYY-MM-DD that exists, or a 400 naming the field. */
export function checkDate(v: unknown, field: string): string {
  if (
    typeof v !== 'string' ||
    !DATE.test(v) ||
    Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ||
    new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v
  ) {
    throw bad(`${field}: 不是有效日期 (must be a date YYYY-MM-DD, got ${JSON.stringify(v)})`);
  }
  return v;
}

/** Business dates are never in the future of the platform's clock. */
export function checkNotFuture(date: string, today: string, field: string): void {
  if (date > today) throw bad(`${field}: ${date} 晚于今天 ${today} (a step cannot be dated in the future)`);
}
