import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock, cstDate, addYears, addDays, daysBetween, clockFromEnv } from '../src/util/clock.ts';

test('today is the China Standard Time date, not the UTC one', () => {
  // 2026-06-30 17:30 UTC is 2026-07-01 01:30 in Beijing.
  assert.equal(cstDate(new Date('2026-06-30T17:30:00Z')), '2026-07-01');
  assert.equal(cstDate(new Date('2026-06-30T15:59:59Z')), '2026-06-30');
});

test('a manual clock moves by whole days and can be set', () => {
  const c = fixedClock('2026-02-28');
  assert.equal(c.today(), '2026-02-28');
  c.advanceDays(1);
  assert.equal(c.today(), '2026-03-01'); // 2026 is not a leap year
  c.set('2028-02-28');
  c.advanceDays(1);
  assert.equal(c.today(), '2028-02-29');
  assert.throws(() => c.set('yesterday'), /not a date/);
});

test('calendar arithmetic', () => {
  assert.equal(addYears('2024-02-29', 1), '2025-02-28');
  assert.equal(addYears('2025-03-15', 4), '2029-03-15');
  assert.equal(addDays('2025-12-31', 1), '2026-01-01');
  assert.equal(daysBetween('2025-01-01', '2026-01-01'), 365);
  assert.equal(daysBetween('2024-01-01', '2025-01-01'), 366);
  assert.equal(clockFromEnv('2027-05-01').today(), '2027-05-01');
});
