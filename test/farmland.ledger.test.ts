// Balance ledgers (domain.md §7): 占补平衡 lots spent by occupations with the quality rule (占优补优:
// grade as good or better; 占水田补水田: paddy needs paddy), worst qualifying lots first; refusal
// when the balance is short (nothing written, no audit entry); cross-district agreements moving
// lots; 进出平衡 per county and year. Areas are given in 亩 and checked in 亩 (1 亩 = 10000/15 m²).
//
// The sequence below, worked by hand (EAST = 330110, WEST = 330106):
//   lots EAST   L1 grade 5 dry 1000 亩 · L2 grade 3 paddy 500 亩 · L3 grade 8 dry 300 亩      balance 1800
//   occ 1  grade 6 dry 800   → qualifying L1 (5), L2 (3); worst first: L1 800          L1 200  balance 1000
//   occ 2  grade 4 paddy 600 → qualifying L2 only (500 < 600): REFUSED                           balance 1000
//   occ 3  grade 4 paddy 500 → L2 500                                                 L2 0    balance  500
//   occ 4  grade 10 dry 400  → qualifying L1 (5) 200, L3 (8) 300; worst first L3 300, L1 100  L1 100 balance 100
//   agreement EAST → WEST 50 亩 at 50 万元/亩 → funds 50 × 50 / 10000 = 0.25 亿元; L1 50 left, WEST lot 50 (grade 5)
//   agreement 60 亩 more: EAST has 50: REFUSED
//   EAST: credited 1800, spent 800 + 500 + 400 = 1700, transferred 50, remaining 1800 − 1700 − 50 = 50
//   WEST occupation grade 5 dry 50 → the received lot (grade 5) covers it; grade 4 would not.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from './helpers/db.ts';
import { WEST, EAST } from './helpers/city.ts';
import type { Db } from '../src/db/index.ts';
import type { Config } from '../src/config.ts';
import {
  addCompensation,
  approveOccupation,
  available,
  ledgerSummary,
  listLots,
  recordInOut,
  signAgreement,
} from '../src/farmland/ledger.ts';
import { m2ToMu } from '../src/area/units.ts';

const mu = (lot: { remaining_m2?: number; remainingM2?: number }) => m2ToMu(lot.remaining_m2 ?? lot.remainingM2 ?? NaN);
const near = (a: number, b: number, msg?: string) => assert.ok(Math.abs(a - b) < 1e-6, `${msg ?? ''} expected ${b}, got ${a}`);

async function refused(p: Promise<unknown>, code: string, re?: RegExp) {
  await assert.rejects(p, (e: Error & { statusCode?: number; code?: string }) => {
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

for (const t of testDatabases()) {
  describe(`balance ledgers (${t.name})`, () => {
    let db: Db;
    let config: Config;
    let close: () => Promise<void>;
    const audits = async (action: string) =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = $1`, [action])).rows[0].n;
    const ids: Record<string, number> = {};
    before(async () => {
      ({ db, config, close } = await t.open());
    });
    after(async () => close());

    test('compensation lots and occupations: quality rule, worst qualifying lots first', async () => {
      ids.L1 = (await addCompensation(db, { district: EAST, grade: 5, areaMu: 1000, source: '垦造耕地项目 A', year: 2025 }, 'planner')).id;
      ids.L2 = (
        await addCompensation(db, { district: EAST, grade: 3, paddy: true, areaMu: 500, source: '旱改水项目 B', year: 2025 }, 'planner')
      ).id;
      ids.L3 = (await addCompensation(db, { district: EAST, grade: 8, areaMu: 300, source: '垦造耕地项目 C', year: 2025 }, 'planner')).id;
      assert.equal(await audits('farmland.ledger.compensation'), 3);

      const o1 = await approveOccupation(db, { district: EAST, grade: 6, areaMu: 800, project: '道路工程 1', year: 2026 }, 'reviewer');
      assert.deepEqual(
        o1.matches.map((m) => [m.lotId, Math.round(m2ToMu(m.areaM2))]),
        [[ids.L1, 800]],
      );
      near(m2ToMu(o1.remainingM2), 1500 - 800, 'of the lots good enough for it (grade ≤ 6: L1 1000 + L2 500), 700 亩 remain');
    });

    test('an occupation the balance does not cover is refused and nothing is written', async () => {
      const before = await db.query(
        `SELECT (SELECT count(*) FROM farmland_occupation)::int AS o, (SELECT count(*) FROM farmland_match)::int AS m, (SELECT sum(remaining_m2) FROM farmland_lot) AS r`,
      );
      const auditsBefore = await audits('farmland.ledger.occupation');
      await refused(
        approveOccupation(db, { district: EAST, grade: 4, paddy: true, areaMu: 600, project: '开发区 2', year: 2026 }, 'reviewer'),
        'insufficient_balance',
        /需要 600\.00 亩，可用 500\.00 亩/,
      );
      const afterRows = await db.query(
        `SELECT (SELECT count(*) FROM farmland_occupation)::int AS o, (SELECT count(*) FROM farmland_match)::int AS m, (SELECT sum(remaining_m2) FROM farmland_lot) AS r`,
      );
      assert.deepEqual(afterRows.rows, before.rows);
      assert.equal(await audits('farmland.ledger.occupation'), auditsBefore, 'a refused approval leaves no audit entry');
      near(m2ToMu(await available(db, { district: EAST, grade: 4, paddy: true })), 500);
    });

    test('balances after the sequence of transactions', async () => {
      await approveOccupation(db, { district: EAST, grade: 4, paddy: true, areaMu: 500, project: '开发区 3', year: 2026 }, 'reviewer');
      const o4 = await approveOccupation(db, { district: EAST, grade: 10, areaMu: 400, project: '产业园 4', year: 2026 }, 'reviewer');
      assert.deepEqual(
        o4.matches.map((m) => [m.lotId, Math.round(m2ToMu(m.areaM2))]),
        [
          [ids.L3, 300],
          [ids.L1, 100],
        ],
      );
      const lots = Object.fromEntries((await listLots(db, null)).map((l) => [l.id, l]));
      near(mu(lots[ids.L1]), 100);
      near(mu(lots[ids.L2]), 0);
      near(mu(lots[ids.L3]), 0);
      near(m2ToMu(await available(db, { district: EAST, grade: 10 })), 100);
      near(m2ToMu(await available(db, { district: EAST, grade: 4 })), 0, 'L1 is grade 5: not good enough for a grade-4 occupation');
      assert.equal(await audits('farmland.ledger.occupation'), 3);
    });

    test('cross-district agreement moves lots; a short seller is refused', async () => {
      const a = await signAgreement(
        db,
        {
          fromDistrict: EAST,
          toDistrict: WEST,
          quotaType: 'farmland',
          areaMu: 50,
          priceWanPerMu: 50,
          signedOn: '2026-03-01',
          note: '跨区协作',
        },
        'planner',
      );
      near(a.agreement.funds_yi!, 0.25);
      assert.equal(a.received.length, 1);
      assert.equal(a.received[0].district, WEST);
      assert.equal(a.received[0].grade, 5, 'the received lot keeps the quality of the lot it came from (L1)');
      await refused(
        signAgreement(db, { fromDistrict: EAST, toDistrict: WEST, quotaType: 'farmland', areaMu: 60, signedOn: '2026-03-02' }, 'planner'),
        'insufficient_balance',
      );
      await refused(
        signAgreement(db, { fromDistrict: EAST, toDistrict: EAST, quotaType: 'farmland', areaMu: 1, signedOn: '2026-03-02' }, 'planner'),
        'bad_request',
      );
      assert.equal(await audits('farmland.ledger.agreement'), 1);

      const s = await ledgerSummary(db, config.districts, null);
      const east = s.balances.find((b) => b.district === EAST && b.quotaType === 'farmland')!;
      near(m2ToMu(east.creditedM2), 1800);
      near(m2ToMu(east.spentM2), 1700);
      near(m2ToMu(east.transferredM2), 50);
      near(east.remainingMu, 50);
      near(
        m2ToMu(east.creditedM2 + east.receivedM2 - east.spentM2 - east.transferredM2),
        east.remainingMu,
        'remaining = credited + received − spent − transferred',
      );
      const west = s.balances.find((b) => b.district === WEST)!;
      near(m2ToMu(west.receivedM2), 50);
      near(west.remainingMu, 50);
      assert.equal(s.agreements.length, 1);
      near(s.agreements[0].areaMu, 50);

      await refused(
        approveOccupation(db, { district: WEST, grade: 4, areaMu: 50, project: '西区项目', year: 2026 }, 'reviewer'),
        'insufficient_balance',
      );
      await approveOccupation(db, { district: WEST, grade: 5, areaMu: 50, project: '西区项目', year: 2026 }, 'reviewer');
      near((await ledgerSummary(db, config.districts, [WEST])).balances[0].remainingMu, 0);
    });

    test('进出平衡: "out" only up to what came "in" in the county and year', async () => {
      await recordInOut(db, { district: EAST, year: 2026, direction: 'in', areaMu: 100, fromClass: '0201', toClass: '0103' }, 'planner');
      const out = await recordInOut(
        db,
        { district: EAST, year: 2026, direction: 'out', areaMu: 60, fromClass: '0103', toClass: '0201' },
        'planner',
      );
      near(m2ToMu(out.netM2), 40);
      await refused(
        recordInOut(db, { district: EAST, year: 2026, direction: 'out', areaMu: 50 }, 'planner'),
        'insufficient_balance',
        /2026/,
      );
      await refused(
        recordInOut(db, { district: EAST, year: 2027, direction: 'out', areaMu: 1 }, 'planner'),
        'insufficient_balance',
        /2027/,
      );
      const row = (await ledgerSummary(db, config.districts, null)).inout.find((r) => r.district === EAST && r.year === 2026)!;
      near(m2ToMu(row.inM2), 100);
      near(m2ToMu(row.outM2), 60);
      assert.equal(row.balanced, true);
      assert.equal(await audits('farmland.ledger.inout'), 2);
    });

    test('bad input is refused with the parameter named', async () => {
      await refused(
        addCompensation(db, { district: '3301', grade: 5, areaMu: 1, source: 'x', year: 2025 }, 'planner'),
        'bad_request',
        /district/,
      );
      await refused(
        addCompensation(db, { district: EAST, grade: 16, areaMu: 1, source: 'x', year: 2025 }, 'planner'),
        'bad_request',
        /grade/,
      );
      await refused(
        addCompensation(db, { district: EAST, grade: 5, areaMu: 1, areaM2: 666, source: 'x', year: 2025 }, 'planner'),
        'bad_request',
        /areaM2 或 areaMu/,
      );
      await refused(
        approveOccupation(db, { district: EAST, grade: 5, areaMu: -3, project: 'p', year: 2026 }, 'reviewer'),
        'bad_request',
        /大于 0/,
      );
    });
  });
}
