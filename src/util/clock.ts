// The platform's notion of "today". Deadlines and legal thresholds (idle land one year past the
// agreed start, +1/+4/+5 resettlement warnings, patrol-case deadlines) are counted in calendar
// days in China Standard Time, so a rule run late in the evening UTC does not land on the wrong
// day. Tests and demos fix the date (ONEMAP_CLOCK=2026-06-30, or fixedClock) instead of waiting.

export interface Clock {
  /** The current instant. */
  now(): Date;
  /** Today's calendar date in Asia/Shanghai (UTC+8, no daylight saving), as YYYY-MM-DD. */
  today(): string;
}

const CST_OFFSET_MS = 8 * 3600 * 1000;

/** The calendar date (YYYY-MM-DD) of an instant in China Standard Time. */
export function cstDate(d: Date): string {
  return new Date(d.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

export const systemClock: Clock = {
  now: () => new Date(),
  today: () => cstDate(new Date()),
};

/** A clock the caller moves: `set('2027-01-01')` or `advanceDays(365)`. */
export interface ManualClock extends Clock {
  set(dateOrInstant: string | Date): void;
  advanceDays(days: number): void;
}

export function fixedClock(start: string | Date): ManualClock {
  let t = toInstant(start);
  return {
    now: () => new Date(t),
    today: () => cstDate(new Date(t)),
    set(v) {
      t = toInstant(v);
    },
    advanceDays(days) {
      t += days * 86400_000;
    },
  };
}

/** A bare date is noon in China Standard Time that day, so adding whole days never crosses midnight. */
function toInstant(v: string | Date): number {
  if (v instanceof Date) return v.getTime();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const ms = m ? Date.parse(`${v}T12:00:00+08:00`) : Date.parse(v);
  if (Number.isNaN(ms)) throw new Error(`not a date: "${v}" (expected YYYY-MM-DD or an ISO 8601 instant)`);
  return ms;
}

/** ONEMAP_CLOCK=YYYY-MM-DD pins the date (demos, browser tests); unset means the system clock. */
export function clockFromEnv(v: string | undefined): Clock {
  return v ? fixedClock(v) : systemClock;
}

/** Whole calendar days from date a to date b (YYYY-MM-DD), b − a. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400_000);
}

/** The date `years` calendar years after `date` (29 Feb → 28 Feb in a common year). */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const ty = y + years;
  const last = new Date(Date.UTC(ty, m, 0)).getUTCDate();
  return `${ty}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** The date `days` days after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);
}
